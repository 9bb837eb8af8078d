package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// result is what one run of carenet answered.
type result struct {
	code           int
	stdout, stderr string
}

// carenet runs carenet on the repository's topology, with Fabric binaries
// that are not there (nothing here may start a node) and CARECHAIN_HOME
// set to a state folder of its own, the default the tests must not touch.
func carenet(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"--repo", "../../.."}, args...), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// env gives the test a default state folder and Fabric binaries that are
// not there, and returns the default folder.
func env(t *testing.T) string {
	t.Helper()
	t.Setenv("FABRIC_BIN", filepath.Join(t.TempDir(), "fabric-bin"))
	t.Setenv("CARECHAIN_PORT_BASE", "")
	t.Setenv("CARECHAIN_TOPOLOGY", "")
	def := stateFolder(t)
	t.Setenv("CARECHAIN_HOME", def)
	return def
}

// stateFolder is a carechain state folder with nothing running.
func stateFolder(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "logs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "port-base"), []byte("7000\n"), 0o644))
	return dir
}

// Every flag form names the folder status reads: after the command, before
// it, the Go flag package's single dash, carectl's --network.
func TestStatusActsOnTheFolderTheLineNames(t *testing.T) {
	def := env(t)
	x := stateFolder(t)
	for _, args := range [][]string{
		{"status", "--home", x}, {"--home", x, "status"}, {"status", "-home", x}, {"-home=" + x, "status"}, {"status", "--network", x},
	} {
		r := carenet(t, args...)
		require.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
		assert.Contains(t, r.stdout, "state in "+x+"\n", "%v", args)
		assert.NotContains(t, r.stdout, def, "%v", args)
	}
	r := carenet(t, "status")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "state in "+def+"\n", "without --home: $CARECHAIN_HOME")
}

// clean --home X removes X, and leaves the default folder alone.
func TestCleanRemovesTheFolderTheLineNames(t *testing.T) {
	def := env(t)
	x := stateFolder(t)
	r := carenet(t, "clean", "--home", x)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "removing that folder")
	assert.Contains(t, r.stdout, x)
	assert.NoDirExists(t, x)
	assert.FileExists(t, filepath.Join(def, "port-base"), "the default folder is untouched")

	r = carenet(t, "clean", "--home", x)
	assert.Equal(t, 0, r.code, "a folder that is not there is nothing to remove: %s", r.stderr)
	assert.Contains(t, r.stdout, "nothing to remove")
}

// clean refuses, exit 1 and nothing removed, a folder without the marker,
// an empty one, one whose marker holds no port, the file system's root and
// the home folder, even one that holds a marker.
func TestCleanRefusesAFolderThatIsNoStateFolder(t *testing.T) {
	env(t)
	other := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644))
	empty := t.TempDir()
	badMarker := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(badMarker, "port-base"), []byte("seven thousand"), 0o644))
	userHome := stateFolder(t)
	t.Setenv("HOME", userHome)
	cases := map[string]struct{ dir, says string }{
		"no marker":         {other, "has no port-base file"},
		"empty":             {empty, "has no port-base file"},
		"bad marker":        {badMarker, "not a port number"},
		"root":              {"/", "root of the file system"},
		"$HOME":             {userHome, "home folder"},
		"a parent of $HOME": {filepath.Dir(userHome), "home folder"},
	}
	for name, c := range cases {
		r := carenet(t, "clean", "--home", c.dir)
		assert.Equal(t, 1, r.code, name)
		assert.Contains(t, r.stderr, "clean refused, nothing removed", name)
		assert.Contains(t, r.stderr, c.says, name)
		assert.DirExists(t, c.dir, name)
	}
	assert.FileExists(t, filepath.Join(other, "notes.txt"))
	assert.FileExists(t, filepath.Join(userHome, "port-base"))
}

// down, status and the other commands on nodes that ran fail on a folder
// that is not there rather than report success.
func TestCommandsOnAMissingFolderFail(t *testing.T) {
	env(t)
	for _, args := range [][]string{{"-home", "/nonexistent", "down"}, {"status", "--home", "/nonexistent"}, {"logs", "--home", "/nonexistent"}} {
		r := carenet(t, args...)
		assert.Equal(t, 1, r.code, "%v", args)
		assert.Contains(t, r.stderr, "no carechain state folder at /nonexistent", "%v", args)
		assert.NotContains(t, r.stdout, "stop", "%v", args)
	}
}

// up writes into no folder that holds other files.
func TestUpRefusesAFolderThatHoldsOtherFiles(t *testing.T) {
	env(t)
	other := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644))
	r := carenet(t, "--no-deploy", "up", "--home", other)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "will not write into a folder that holds other files")
	entries, err := os.ReadDir(other)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "nothing written")
}

// Lines carenet cannot read exit 2, say why, and send to the help.
func TestUsageErrors(t *testing.T) {
	env(t)
	cases := map[string]struct {
		args []string
		says string
	}{
		"unknown command":            {[]string{"bogus"}, `unknown command "bogus" for "carenet"`},
		"near miss":                  {[]string{"statsu"}, "did you mean status?"},
		"unknown channel subcommand": {[]string{"channel", "sgn", "f"}, `unknown command "sgn" for "carenet channel"; did you mean sign?`},
		"unknown flag":               {[]string{"status", "--bogus"}, "unknown flag: --bogus"},
		"missing name":               {[]string{"approve"}, "missing NAME"},
		"approve without org":        {[]string{"approve", "basic"}, "--org ORG is needed"},
		"two names":                  {[]string{"commit", "a", "b"}, `unexpected argument "b"`},
		"no arguments":               {[]string{"status", "extra"}, `unexpected argument "extra": takes no arguments`},
		"flag of another command":    {[]string{"status", "--no-deploy"}, "--no-deploy applies to up only"},
		"bad cc-version":             {[]string{"--cc-version", "basic", "deploy"}, "want NAME=VERSION"},
		"sign without org":           {[]string{"channel", "sign", "f"}, "--org ORG is needed"},
		"env without org":            {[]string{"env"}, "missing ORG"},
		"crl without org":            {[]string{"crl"}, "missing ORG"},
		"builder without step":       {[]string{"builder"}, "usage: carenet builder"},
		"builder unknown step":       {[]string{"builder", "nope"}, `unknown step "nope"`},
	}
	for name, c := range cases {
		var out, errOut bytes.Buffer
		code := run(c.args, &out, &errOut)
		assert.Equal(t, 2, code, "%s: %s", name, errOut.String())
		assert.Contains(t, errOut.String(), c.says, name)
		assert.Empty(t, out.String(), name)
	}
}

// Every command has help, with its usage and an example, and help exits 0.
func TestEveryCommandHasHelpWithAnExample(t *testing.T) {
	env(t)
	root := (&app{}).rootCommand()
	var paths [][]string
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" {
			continue
		}
		paths = append(paths, []string{c.Name()})
		for _, sub := range c.Commands() {
			paths = append(paths, []string{c.Name(), sub.Name()})
		}
	}
	require.Greater(t, len(paths), 15)
	for _, p := range paths {
		var out, errOut bytes.Buffer
		code := run(append(p, "--help"), &out, &errOut)
		assert.Equal(t, 0, code, "%v", p)
		help := out.String()
		assert.Contains(t, help, "Usage:\n  carenet "+strings.Join(p, " "), "%v", p)
		if p[0] != "channel" || len(p) > 1 {
			assert.Contains(t, help, "Examples:\n", "%v has an example", p)
		}
		assert.Contains(t, help, "--home string", "%v", p)
	}
}

// A bare group prints its help and exits 0.
func TestABareGroupPrintsItsHelp(t *testing.T) {
	env(t)
	r := carenet(t, "channel")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "plan")
	assert.Contains(t, r.stdout, "submit")
}

var update = flag.Bool("update", false, "rewrite testdata/*.golden from what carenet prints now")

// carenet's help and the answers to lines it cannot read, as a reader
// sees them. Run go test ./network/cmd/carenet -run TestGolden -update to
// accept a change.
func TestGoldenHelpAndUsageErrors(t *testing.T) {
	env(t)
	var b strings.Builder
	for _, args := range [][]string{{"--help"}, {"clean", "--help"}, {"channel", "--help"}, {"statsu"}, {"approve"}, {"status", "--no-deploy"}, {"channel", "sign", "f"}} {
		var out, errOut bytes.Buffer
		code := run(args, &out, &errOut)
		fmt.Fprintf(&b, "$ carenet %s\n%s%s[exit %d]\n\n", strings.Join(args, " "), out.String(), errOut.String(), code)
	}
	file := filepath.Join("testdata", "carenet.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(file, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run with -update to write %s", file)
	assert.Equal(t, string(want), b.String(), "run go test ./network/cmd/carenet -run TestGolden -update to accept the change")
}
