// Package epcistest finds GS1's published EPCIS 2.0 example documents and
// JSON schema for tests. They are not in this repository (see
// test/testdata/epcis/README.md): a test reads them from the directory
// $CARECHAIN_EPCIS_CORPUS, else shared/epcis beside the repository (where
// CI lays shared/), else /work/shared/epcis, and checks every file against
// test/testdata/epcis/SHA256SUMS, so that a test runs on exactly the
// documents the manifest names or not at all.
package epcistest

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// SchemaFile is the inlined EPCIS 2.0 JSON schema in the corpus.
const SchemaFile = "EPCIS-JSON-Schema.json"

// Corpus is the set of GS1 files a test reads.
type Corpus struct {
	Dir string
	// Files are the manifest's paths, in its order.
	Files []string
}

// Document is one example document.
type Document struct {
	Path string // as in the gs1/EPCIS repository
	Data []byte
}

// Open finds the corpus and checks it against the manifest; it skips the
// test, saying why, when no corpus is here.
func Open(t testing.TB) *Corpus {
	t.Helper()
	root := repoRoot(t)
	manifest := filepath.Join(root, "test", "testdata", "epcis", "SHA256SUMS")
	sums := readManifest(t, manifest)
	dir := find(root)
	if dir == "" {
		t.Skipf("GS1's EPCIS examples are not on this machine: set CARECHAIN_EPCIS_CORPUS or lay them in shared/epcis (test/testdata/epcis/README.md)")
	}
	c := &Corpus{Dir: dir}
	for _, s := range sums {
		data, err := os.ReadFile(filepath.Join(dir, s.path))
		if err != nil {
			t.Fatalf("corpus %s lacks %s (manifest %s): %v", dir, s.path, manifest, err)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != s.sum {
			t.Fatalf("corpus %s: %s is not the file the manifest names (sha-256 %x, not %s)", dir, s.path, sum, s.sum)
		}
		c.Files = append(c.Files, s.path)
	}
	return c
}

// Schema returns the EPCIS 2.0 JSON schema's bytes.
func (c *Corpus) Schema(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.Dir, SchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Documents returns the example documents (every manifest file but the
// schema), in manifest order.
func (c *Corpus) Documents(t testing.TB) []Document {
	t.Helper()
	var out []Document
	for _, f := range c.Files {
		if f == SchemaFile {
			continue
		}
		data, err := os.ReadFile(filepath.Join(c.Dir, f))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Document{Path: f, Data: data})
	}
	return out
}

type entry struct{ sum, path string }

func readManifest(t testing.TB, path string) []entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	defer f.Close()
	var out []entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, p, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("manifest %s: malformed line %q", path, sc.Text())
		}
		out = append(out, entry{sum, p})
	}
	if len(out) == 0 {
		t.Fatalf("manifest %s is empty", path)
	}
	return out
}

func find(root string) string {
	candidates := []string{os.Getenv("CARECHAIN_EPCIS_CORPUS"), filepath.Join(root, "..", "shared", "epcis"), "/work/shared/epcis"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(c, SchemaFile)); err == nil {
			return c
		}
	}
	return ""
}

func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
