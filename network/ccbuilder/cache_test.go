package ccbuilder

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/network/ccpackage"
)

// source writes a small source folder and returns it.
func source(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

var sample = map[string]string{"go.mod": "module x\n\ngo 1.22\n", "main.go": "package main\n\nfunc main() {}\n", "pkg/a.go": "package pkg\n"}

// Any change to the source — a file's content, a new file, a renamed
// one, a mode — and any change to the build's arguments gives another key:
// a changed chaincode is never served an old binary.
func TestTheBuildKeyChangesWithEverySourceChange(t *testing.T) {
	args := []string{"build", "-ldflags=-s -w", "./"}
	base, err := buildKey(source(t, sample), args)
	require.NoError(t, err)
	again, err := buildKey(source(t, sample), args)
	require.NoError(t, err)
	assert.Equal(t, base, again, "the same source in another folder has the same key")

	changed := map[string]func(dir string){
		"content": func(d string) { os.WriteFile(filepath.Join(d, "pkg/a.go"), []byte("package pkg\n\n"), 0o644) },
		"new file": func(d string) {
			os.WriteFile(filepath.Join(d, "pkg/b.go"), []byte("package pkg\n"), 0o644)
		},
		"renamed": func(d string) { os.Rename(filepath.Join(d, "pkg/a.go"), filepath.Join(d, "pkg/c.go")) },
		"mode":    func(d string) { os.Chmod(filepath.Join(d, "main.go"), 0o755) },
	}
	for name, change := range changed {
		dir := source(t, sample)
		change(dir)
		key, err := buildKey(dir, args)
		require.NoError(t, err)
		assert.NotEqual(t, base, key, name)
	}
	key, err := buildKey(source(t, sample), []string{"build", "-ldflags=-s -w -X main.buildVersion=2", "./"})
	require.NoError(t, err)
	assert.NotEqual(t, base, key, "another version stamp")
	t.Setenv("GOFLAGS", "-race")
	key, err = buildKey(source(t, sample), args)
	require.NoError(t, err)
	assert.NotEqual(t, base, key, "other Go flags")
}

// Peers building the same package at once compile it once; a changed
// source compiles again; each output holds the binary of its own source.
func TestOneSourceCompilesOnceAndAChangedOneAgain(t *testing.T) {
	t.Setenv(CacheEnv, t.TempDir())
	src := source(t, sample)
	var compiles atomic.Int32
	compile := func(body string) func(string) error {
		return func(dst string) error {
			compiles.Add(1)
			return os.WriteFile(dst, []byte(body), 0o755)
		}
	}
	var wg sync.WaitGroup
	outs := make([]string, 4)
	errs := make([]error, 4)
	for i := range outs {
		outs[i] = filepath.Join(t.TempDir(), "chaincode")
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = compileCached(src, outs[i], []string{"build"}, compile("v1"))
		}()
	}
	wg.Wait()
	for i, out := range outs {
		require.NoError(t, errs[i])
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, "v1", string(got), "peer %d", i)
	}
	assert.Equal(t, int32(1), compiles.Load(), "four builds of one source, one compile")

	require.NoError(t, os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nfunc main() { println() }\n"), 0o644))
	out := filepath.Join(t.TempDir(), "chaincode")
	require.NoError(t, compileCached(src, out, []string{"build"}, compile("v2")))
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "v2", string(got))
	assert.Equal(t, int32(2), compiles.Load(), "the changed source compiled")
}

// A failed compile keeps nothing: the next build compiles again.
func TestAFailedCompileIsNotCached(t *testing.T) {
	t.Setenv(CacheEnv, t.TempDir())
	src := source(t, sample)
	out := filepath.Join(t.TempDir(), "chaincode")
	err := compileCached(src, out, []string{"build"}, func(dst string) error {
		os.WriteFile(dst, []byte("half"), 0o755)
		return fmt.Errorf("compile failed")
	})
	require.Error(t, err)
	ran := false
	require.NoError(t, compileCached(src, out, []string{"build"}, func(dst string) error {
		ran = true
		return os.WriteFile(dst, []byte("whole"), 0o755)
	}))
	assert.True(t, ran)
	got, _ := os.ReadFile(out)
	assert.Equal(t, "whole", string(got))
}

// With the cache off every build compiles, straight into its output.
func TestNoCacheCompilesEveryTime(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(CacheEnv, cache)
	t.Setenv(NoCacheEnv, "1")
	src, n := source(t, sample), 0
	for range 2 {
		require.NoError(t, compileCached(src, filepath.Join(t.TempDir(), "chaincode"), nil, func(dst string) error {
			n++
			return os.WriteFile(dst, []byte("x"), 0o755)
		}))
	}
	assert.Equal(t, 2, n)
	_, err := os.Stat(filepath.Join(cache, "chaincode"))
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing kept")
}

// prune keeps the most recently used binaries.
func TestPruneKeepsTheMostRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	for i := range 5 {
		p := filepath.Join(dir, fmt.Sprintf("key%d", i))
		require.NoError(t, os.WriteFile(p, nil, 0o755))
		require.NoError(t, os.WriteFile(p+".lock", nil, 0o644))
		when := time.Unix(1_700_000_000, 0).Add(time.Hour * time.Duration(i))
		require.NoError(t, os.Chtimes(p, when, when))
	}
	prune(dir, 2)
	left, _ := filepath.Glob(filepath.Join(dir, "key?"))
	assert.Equal(t, []string{filepath.Join(dir, "key3"), filepath.Join(dir, "key4")}, left)
	locks, _ := filepath.Glob(filepath.Join(dir, "*.lock"))
	assert.Len(t, locks, 5, "lock files stay")
}

// Build as the peer calls it: the first peer compiles, the second gets the
// same binary from the cache, and it runs.
func TestBuildReusesTheBinaryOfTheSamePackage(t *testing.T) {
	t.Setenv(CacheEnv, t.TempDir())
	files := map[string]string{"go.mod": "module x\n\ngo 1.22\n",
		"main.go":           "package main\n\nimport \"fmt\"\n\nvar buildVersion string\n\nfunc main() { fmt.Print(\"v=\" + buildVersion) }\n",
		ccpackage.BuildFile: `{"main":".","version":"7"}`,
		"metadata.json":     `{"type":"carechain-go","label":"x"}`,
	}
	src := source(t, files)
	outs := []string{t.TempDir(), t.TempDir()}
	for _, out := range outs {
		require.NoError(t, Build([]string{src, src, out}))
	}
	a, err := os.Stat(filepath.Join(outs[0], "chaincode"))
	require.NoError(t, err)
	b, err := os.Stat(filepath.Join(outs[1], "chaincode"))
	require.NoError(t, err)
	assert.True(t, os.SameFile(a, b), "the second peer's build is the first one's binary")
	got, err := exec.Command(filepath.Join(outs[1], "chaincode")).Output()
	require.NoError(t, err)
	assert.Equal(t, "v=7", string(got))
}
