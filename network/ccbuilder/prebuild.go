package ccbuilder

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/carechain/carechain/network/ccpackage"
)

// Prebuild compiles a carechain-go package into the build cache before
// any peer is given it, from the source folder the peer's Untar would
// make of it (folders 0700, files with their archive mode): the peers'
// builds of the package then find its binary (same source, same key).
// carenet calls it while the nodes start, so that a package whose source
// is new (the parts registry's genesis carries each state folder's CA
// certificates) compiles off the path of the install. A service package
// has nothing to compile; without a cache there is nothing to keep.
func Prebuild(pkg []byte) error {
	if cacheDir() == "" {
		return nil
	}
	files, err := untarFiles(pkg)
	if err != nil {
		return err
	}
	var m ccpackage.Metadata
	if err := json.Unmarshal(files["metadata.json"], &m); err != nil {
		return fmt.Errorf("prebuild: metadata.json: %w", err)
	}
	if m.Type != ccpackage.Type {
		return nil
	}
	dir, err := os.MkdirTemp("", "carenet-prebuild-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
	for _, d := range []string{src, out} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return err
		}
	}
	if err := untarInto(files["code.tar.gz"], src); err != nil {
		return fmt.Errorf("prebuild %s: %w", m.Label, err)
	}
	return buildGo(src, out)
}

// untarFiles reads a gzipped tar's regular files into memory.
func untarFiles(data []byte) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := eachEntry(data, func(h *tar.Header, r io.Reader) error {
		if h.Typeflag != tar.TypeReg {
			return nil
		}
		b, err := io.ReadAll(r)
		files[h.Name] = b
		return err
	})
	return files, err
}

// untarInto writes a gzipped tar into dir as Fabric's
// externalbuilder.Untar does: folders 0700, each file with its header's
// mode, paths that leave dir refused.
func untarInto(data []byte, dir string) error {
	return eachEntry(data, func(h *tar.Header, r io.Reader) error {
		name := filepath.Clean(h.Name)
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return fmt.Errorf("archive entry %q leaves the source folder", h.Name)
		}
		target := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			return os.MkdirAll(target, 0o700)
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_RDWR, h.FileInfo().Mode().Perm())
			if err != nil {
				return err
			}
			_, err = io.Copy(f, r)
			return errors.Join(err, f.Close())
		}
		return fmt.Errorf("archive entry %q: type %c not supported", h.Name, h.Typeflag)
	})
}

// eachEntry calls fn for every entry of a gzipped tar.
func eachEntry(data []byte, fn func(*tar.Header, io.Reader) error) error {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(h, tr); err != nil {
			return err
		}
	}
}
