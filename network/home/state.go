package home

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Marker is the file that makes a folder a carechain state folder: carenet
// up writes it in its first step, before any node, key or ledger, and it
// holds the port base the folder's nodes take their ports from (one
// decimal number, 1 to 65535, and a newline). A folder without it is not
// carenet's to stop or remove.
const Marker = "port-base"

// NotStateError is a folder carenet refuses to act on, and why.
type NotStateError struct {
	Dir    string
	Reason string
}

func (e *NotStateError) Error() string {
	return fmt.Sprintf("%s is not a carechain state folder: %s", e.Dir, e.Reason)
}

// CheckState returns nil when d is a carechain state folder: a directory
// holding a regular file named Marker whose content is a port number. A
// folder that does not exist answers an error that is fs.ErrNotExist.
func (d Dir) CheckState() error {
	fi, err := os.Stat(string(d))
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return &NotStateError{Dir: string(d), Reason: "not a directory"}
	}
	marker := filepath.Join(string(d), Marker)
	mi, err := os.Lstat(marker)
	if errors.Is(err, fs.ErrNotExist) {
		return &NotStateError{Dir: string(d), Reason: "it has no " + Marker + " file (carenet up writes one first)"}
	}
	if err != nil {
		return err
	}
	if !mi.Mode().IsRegular() {
		return &NotStateError{Dir: string(d), Reason: Marker + " is not a regular file"}
	}
	data, err := os.ReadFile(marker)
	if err != nil {
		return err
	}
	if port, err := strconv.Atoi(strings.TrimSuffix(string(data), "\n")); err != nil || port < 1 || port > 65535 {
		return &NotStateError{Dir: string(d), Reason: fmt.Sprintf("its %s holds %q, not a port number", Marker, data)}
	}
	return nil
}

// CheckRemovable returns nil when d may be removed whole: a state folder
// (CheckState) that is not the file system's root, nor the user's home
// folder or one of its parents, whatever it holds.
func (d Dir) CheckRemovable() error {
	abs, err := filepath.Abs(string(d))
	if err != nil {
		return err
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	if abs == string(filepath.Separator) {
		return &NotStateError{Dir: string(d), Reason: "it is the root of the file system"}
	}
	if userHome, err := os.UserHomeDir(); err == nil {
		if resolved, err := filepath.EvalSymlinks(userHome); err == nil {
			userHome = resolved
		}
		if rel, err := filepath.Rel(abs, userHome); err == nil && !strings.HasPrefix(rel, "..") {
			return &NotStateError{Dir: string(d), Reason: "it holds your home folder " + userHome}
		}
	}
	return d.CheckState()
}

// CheckUsable returns nil when carenet up may make or use d as a state
// folder: one that does not exist yet, an empty one, or a state folder.
func (d Dir) CheckUsable() error {
	err := d.CheckState()
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var ns *NotStateError
	if !errors.As(err, &ns) {
		return err
	}
	entries, rerr := os.ReadDir(string(d))
	if rerr == nil && len(entries) == 0 {
		return nil
	}
	ns.Reason += "; carenet will not write into a folder that holds other files"
	return ns
}
