// Package ccpackage makes reproducible chaincode packages for carechain's
// external builder: the same source always gives the same bytes, and so the
// same package id on every machine.
//
// A package is Fabric's install format, a gzipped tar of metadata.json
// ({"type":"carechain-go","label":...}) and code.tar.gz. The code archive
// holds go.mod, go.sum, the non-test Go files of every package of this module
// that the chaincode's main package depends on, and build.json naming the
// main package. The peer's builder compiles it with the Go toolchain; module
// dependencies are resolved through go.sum, so the build is verified.
package ccpackage

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Type is the package type carechain's builder accepts.
const Type = "carechain-go"

// BuildFile names the main package inside the code archive.
const BuildFile = "build.json"

// Metadata is the package's metadata.json.
type Metadata struct {
	Type  string `json:"type"`
	Label string `json:"label"`
}

// BuildSpec is build.json.
type BuildSpec struct {
	Main string `json:"main"`
	// Version, when set, is linked into the chaincode as main.buildVersion:
	// it changes the package (and so its id) without changing the source.
	Version string `json:"version,omitempty"`
	// Vendor: the archive holds the module's dependencies in vendor/
	// (a module of its own, see BuildModule); the builder builds with
	// -mod=vendor, offline.
	Vendor bool `json:"vendor,omitempty"`
}

var versionPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// Package is a built chaincode package.
type Package struct {
	Name  string
	Label string
	ID    string // label:sha256 of Bytes, as the peer computes it
	Bytes []byte
}

// Overlay replaces the content of one of the package's files (a slash path
// relative to the module root) with Data: how carenet puts a consortium's
// own data, such as the parts registry's genesis, into the package every
// org approves.
type Overlay struct {
	Path string
	Data []byte
}

// Build packages the chaincode whose main package is at mainPath (relative
// to the module root, "./..."), stamped with version when it is not empty,
// with the overlays applied. An overlay whose path is not a file of the
// package is an error.
func Build(moduleRoot, name, mainPath, version string, overlays ...Overlay) (*Package, error) {
	if version != "" && !versionPattern.MatchString(version) {
		return nil, fmt.Errorf("chaincode %s: version %q must match %s", name, version, versionPattern)
	}
	entries, err := readSources(moduleRoot, mainPath)
	if err != nil {
		return nil, err
	}
	for _, o := range overlays {
		if _, ok := entries[o.Path]; !ok {
			return nil, fmt.Errorf("chaincode %s: overlay %s is not a file of the package", name, o.Path)
		}
		entries[o.Path] = o.Data
	}
	return assemble(name, Type, entries, BuildSpec{Main: mainPath, Version: version})
}

// readSources reads the files sourceFiles lists.
func readSources(moduleRoot, mainPath string) (map[string][]byte, error) {
	files, err := sourceFiles(moduleRoot, mainPath)
	if err != nil {
		return nil, err
	}
	entries := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(moduleRoot, f))
		if err != nil {
			return nil, err
		}
		entries[f] = data
	}
	return entries, nil
}

// assemble makes the package of a code archive's entries: build.json
// from spec (when its Main is set), the label from the code's hash.
func assemble(name, typ string, entries map[string][]byte, spec BuildSpec) (*Package, error) {
	if spec.Main != "" {
		data, _ := json.Marshal(spec)
		entries[BuildFile] = data
	}
	code, err := archive(entries)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(code)
	label := fmt.Sprintf("%s_%s", name, hex.EncodeToString(sum[:])[:12])
	meta, _ := json.Marshal(Metadata{Type: typ, Label: label})
	pkg, err := archive(map[string][]byte{"metadata.json": meta, "code.tar.gz": code})
	if err != nil {
		return nil, err
	}
	pkgSum := sha256.Sum256(pkg)
	return &Package{Name: name, Label: label, ID: label + ":" + hex.EncodeToString(pkgSum[:]), Bytes: pkg}, nil
}

// sourceFiles lists go.mod, go.sum and the non-test Go files of the module's
// packages that mainPath depends on, as slash paths relative to the root.
func sourceFiles(moduleRoot, mainPath string) ([]string, error) {
	cmd := exec.Command("go", "list", "-mod=readonly", "-deps", "-f", "{{if not .Standard}}{{if .Module}}{{if .Module.Main}}{{.Dir}}|{{join .GoFiles \",\"}}|{{join .EmbedFiles \",\"}}{{end}}{{end}}{{end}}", mainPath)
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=false")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %w: %s", mainPath, err, strings.TrimSpace(stderr.String()))
	}
	root, err := filepath.Abs(moduleRoot)
	if err != nil {
		return nil, err
	}
	files := []string{"go.mod", "go.sum"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		parts := strings.Split(line, "|")
		dir, err := filepath.Rel(root, parts[0])
		if err != nil || strings.HasPrefix(dir, "..") {
			return nil, fmt.Errorf("package dir %s is outside the module", parts[0])
		}
		for _, group := range parts[1:] {
			for _, f := range strings.Split(group, ",") {
				if f != "" {
					files = append(files, filepath.ToSlash(filepath.Join(dir, f)))
				}
			}
		}
	}
	sort.Strings(files)
	return files, nil
}

// archive writes a gzipped tar whose bytes depend only on the entries: sorted
// names, zero times, fixed modes and owners, no gzip name or time.
func archive(entries map[string][]byte) ([]byte, error) {
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	for _, n := range names {
		hdr := &tar.Header{
			Name:     n,
			Mode:     0o644,
			Size:     int64(len(entries[n])),
			ModTime:  time.Unix(0, 0).UTC(),
			Typeflag: tar.TypeReg,
			Format:   tar.FormatPAX,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(entries[n]); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReadMetadata reads a metadata.json from a folder (the builder's view).
func ReadMetadata(dir string) (Metadata, error) {
	var m Metadata
	data, err := os.ReadFile(filepath.Join(dir, "metadata.json"))
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(data, &m)
}
