package ccpackage

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoModule is a module folder without its go.mod.
var ErrNoModule = errors.New("no go.mod: a chaincode module is a folder with its own go.mod")

// BuildModule packages the chaincode whose main package is mainPath
// ("." or "./...") in the Go module at moduleDir — any folder with its own
// go.mod, such as the Fabric samples' asset-transfer-basic/chaincode-go,
// unchanged. Its dependencies are vendored into the package (`go mod
// vendor` in a copy, through the module proxy and checked against the
// module's go.sum), so that each peer builds the same code offline, and
// the package, its id, is the same on every machine. The folder itself
// is not written to.
func BuildModule(moduleDir, name, mainPath, version string) (*Package, error) {
	if version != "" && !versionPattern.MatchString(version) {
		return nil, fmt.Errorf("chaincode %s: version %q must match %s", name, version, versionPattern)
	}
	if mainPath == "" {
		mainPath = "."
	}
	if _, err := os.Stat(filepath.Join(moduleDir, "go.mod")); err != nil {
		return nil, fmt.Errorf("chaincode %s: %s: %w", name, moduleDir, ErrNoModule)
	}
	entries, err := readSources(moduleDir, mainPath)
	if err != nil {
		return nil, fmt.Errorf("chaincode %s: %w", name, err)
	}
	if err := vendorInto(entries); err != nil {
		return nil, fmt.Errorf("chaincode %s: vendor the dependencies of %s: %w", name, moduleDir, err)
	}
	return assemble(name, Type, entries, BuildSpec{Main: mainPath, Version: version, Vendor: true})
}

// vendorInto writes the entries to a scratch folder, runs `go mod vendor`
// there and adds what it vendored (vendor/...) to the entries. Only the
// packages the chaincode's own (non-test) files import are vendored.
func vendorInto(entries map[string][]byte) error {
	dir, err := os.MkdirTemp("", "ccpackage-vendor-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for name, data := range entries {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	cmd := exec.Command("go", "mod", "vendor")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go mod vendor: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	// Read through a root: a symbolic link in vendor/ cannot take a file
	// from outside the module into the package.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	return fs.WalkDir(root.FS(), "vendor", func(rel string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := root.ReadFile(rel)
		entries[rel] = data
		return err
	})
}
