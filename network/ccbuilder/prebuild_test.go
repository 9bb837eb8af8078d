package ccbuilder

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/network/ccpackage"
)

// tgz is a gzipped tar of files, mode 0644, as ccpackage writes them.
func tgz(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, n := range names {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}))
		_, err := tw.Write(files[n])
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	return buf.Bytes()
}

func goPackage(t *testing.T, typ string) []byte {
	t.Helper()
	code := tgz(t, map[string][]byte{"go.mod": []byte("module x\n\ngo 1.22\n"),
		"cmd/main.go":       []byte("package main\n\nimport _ \"x/pkg\"\n\nfunc main() {}\n"),
		"pkg/a.go":          []byte("package pkg\n"),
		ccpackage.BuildFile: []byte(`{"main":"./cmd"}`)})
	return tgz(t, map[string][]byte{"metadata.json": []byte(`{"type":"` + typ + `","label":"x_1"}`), "code.tar.gz": code})
}

// cached lists the built binaries of the cache folder.
func cached(t *testing.T, cache string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(cache, "chaincode"))
	require.NoError(t, err)
	var bins []string
	for _, e := range entries {
		if !strings.Contains(e.Name(), ".") {
			bins = append(bins, filepath.Join(cache, "chaincode", e.Name()))
		}
	}
	return bins
}

// A prebuilt package is what the peer's build then finds: the source the
// peer extracts (Fabric's Untar: folders 0700) has the prebuild's key, so
// the peer links the prebuilt binary and compiles nothing.
func TestAPrebuiltPackageIsThePeersBuild(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(CacheEnv, cache)
	pkg := goPackage(t, ccpackage.Type)
	require.NoError(t, Prebuild(pkg))
	bins := cached(t, cache)
	require.Len(t, bins, 1, "the prebuild compiled once into the cache")

	files, err := untarFiles(pkg)
	require.NoError(t, err)
	src, out := filepath.Join(t.TempDir(), "src"), t.TempDir()
	require.NoError(t, os.Mkdir(src, 0o700))
	require.NoError(t, untarInto(files["code.tar.gz"], src))
	info, err := os.Stat(filepath.Join(src, "cmd"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm(), "folders as Fabric's Untar makes them")
	meta := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(meta, "metadata.json"), files["metadata.json"], 0o644))
	require.NoError(t, Build([]string{src, meta, out}))
	assert.Equal(t, bins, cached(t, cache), "no second compile")
	a, err := os.Stat(bins[0])
	require.NoError(t, err)
	b, err := os.Stat(filepath.Join(out, "chaincode"))
	require.NoError(t, err)
	assert.True(t, os.SameFile(a, b), "the peer's build is the prebuilt binary")
}

// A service package, and any package without a cache, prebuilds nothing;
// an archive entry that leaves the source folder is refused.
func TestPrebuildSkipsWhatItCannotKeepAndRefusesEscapes(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(CacheEnv, cache)
	require.NoError(t, Prebuild(goPackage(t, ccpackage.ServiceType)))
	_, err := os.Stat(filepath.Join(cache, "chaincode"))
	assert.True(t, os.IsNotExist(err), "a service package compiles nothing")
	assert.Error(t, Prebuild([]byte("not a package")))

	t.Setenv(NoCacheEnv, "1")
	require.NoError(t, Prebuild(goPackage(t, ccpackage.Type)))
	_, err = os.Stat(filepath.Join(cache, "chaincode"))
	assert.True(t, os.IsNotExist(err), "no cache, nothing kept")

	err = untarInto(tgz(t, map[string][]byte{"../evil.go": []byte("x")}), t.TempDir())
	assert.ErrorContains(t, err, "leaves the source folder")
}
