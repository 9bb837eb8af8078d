package ccbuilder

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// CacheEnv names the folder that holds carechain's caches (as for
// scripts/fabric-bins.sh): built chaincode is kept in its chaincode/
// folder. Without it, $XDG_CACHE_HOME/carechain or ~/.cache/carechain.
const CacheEnv = "CARECHAIN_CACHE"

// NoCacheEnv names the variable that, set to 1, makes every build compile and keep nothing.
const NoCacheEnv = "CARECHAIN_NO_BUILD_CACHE"

// cacheKeep is how many built chaincodes the cache keeps, the most
// recently used.
const cacheKeep = 48

// goEnvKeys are the Go settings a build's output depends on besides its
// source: the toolchain (GOVERSION follows a go.mod's toolchain line),
// the target and the flags and experiments that change code.
var goEnvKeys = []string{"GOVERSION", "GOROOT", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "GO386", "GOEXPERIMENT", "GOFLAGS"}

// cacheDir is the folder of built chaincode, or "" when the cache is off
// or no cache folder is known.
func cacheDir() string {
	if os.Getenv(NoCacheEnv) == "1" {
		return ""
	}
	if d := os.Getenv(CacheEnv); d != "" {
		return filepath.Join(d, "chaincode")
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "carechain", "chaincode")
}

// buildKey names a build's output by everything it is made of: every
// file of the source folder (path, mode and content), the Go settings of
// goEnvKeys as `go env` reports them in that folder, and the build's
// arguments. A build with the same key makes the same binary.
func buildKey(src string, goArgs []string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "carechain-go build v1\x00%s\x00", strings.Join(goArgs, "\x00"))
	cmd := exec.Command("go", append([]string{"env"}, goEnvKeys...)...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	env, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	fmt.Fprintf(h, "%s\x00", env)
	if err := hashTree(h, src); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashTree writes every entry of the tree at root into h in a fixed
// order: its slash path, type and mode, and a regular file's content.
func hashTree(h io.Writer, root string) error {
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	for _, p := range paths {
		if err := hashEntry(h, root, p); err != nil {
			return err
		}
	}
	return nil
}

func hashEntry(h io.Writer, root, p string) error {
	info, err := os.Lstat(p)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%s\x00%v\x00", filepath.ToSlash(rel), info.Mode())
	switch {
	case info.Mode().IsRegular():
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "%d\x00", info.Size())
		_, err = io.Copy(h, f)
		return err
	case info.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00", target)
	}
	return nil
}

// compileCached puts the chaincode binary at out, from the cache when a
// build of the same key is there, else by compile (which writes the file
// it is given), keeping the result. Builds of one key wait for each
// other: the first compiles, the others reuse its binary.
func compileCached(src, out string, goArgs []string, compile func(dst string) error) error {
	dir := cacheDir()
	if dir == "" {
		return compile(out)
	}
	key, err := buildKey(src, goArgs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	unlock, err := lockFile(filepath.Join(dir, key+".lock"))
	if err != nil {
		return err
	}
	defer unlock()
	cached := filepath.Join(dir, key)
	if _, err := os.Stat(cached); err == nil {
		now := time.Now()
		_ = os.Chtimes(cached, now, now) // recently used: kept by prune
		return place(cached, out)
	}
	tmp := cached + ".building"
	release, err := compileSlot(dir, key)
	if err != nil {
		return err
	}
	err = compile(tmp)
	release()
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, cached); err != nil {
		return err
	}
	prune(dir, cacheKeep)
	return place(cached, out)
}

// place links the cached binary to out (a cached binary is never written
// again), or copies it where a link cannot be made.
func place(cached, out string) error {
	os.Remove(out)
	if err := os.Link(cached, out); err == nil {
		return nil
	}
	return copyFile(cached, out, 0o755)
}

// compileSlots is how many compiles of different chaincodes run at once
// on the machine (each peer runs its own builder process): Go's compiler
// and linker use every core already, and a dozen links at once only add
// memory.
const compileSlots = 2

// compileSlot holds one of the machine's compile slots, picked by key.
func compileSlot(dir, key string) (func(), error) {
	return lockFile(filepath.Join(dir, fmt.Sprintf("compile-%d.lock", int(key[0])%compileSlots)))
}

// lockFile holds an exclusive lock on path until the returned function is
// called.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// prune removes the least recently used binaries beyond keep (their lock
// files stay: removing one another build holds would split its lock).
func prune(dir string, keep int) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type built struct {
		path string
		used time.Time
	}
	var all []built
	for _, e := range entries {
		if strings.Contains(e.Name(), ".") || e.IsDir() {
			continue
		}
		if info, err := e.Info(); err == nil {
			all = append(all, built{filepath.Join(dir, e.Name()), info.ModTime()})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].used.After(all[j].used) })
	for _, b := range all[min(keep, len(all)):] {
		os.Remove(b.path)
	}
}
