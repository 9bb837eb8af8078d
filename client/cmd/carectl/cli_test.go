package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/profile"
	"github.com/carechain/carechain/internal/cmdline"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from what carectl prints now")

// answer is what one run of carectl printed.
type answer struct {
	code           int
	stdout, stderr string
}

// offline gives carectl a state folder that is not there (nothing may
// connect), no context file and no identity variables.
func offline(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("CARECHAIN_HOME", filepath.Join(dir, "no-consortium"))
	t.Setenv("CARECTL_CONFIG", filepath.Join(dir, "carectl.json"))
	t.Setenv("CARECTL_ORG", "")
	t.Setenv("CARECTL_USER", "")
	return dir
}

func carectlRun(args ...string) answer {
	var stdout, stderr bytes.Buffer
	code := (&app{out: &stdout, errOut: &stderr}).execute(context.Background(), args)
	return answer{code, stdout.String(), stderr.String()}
}

// jsonErr decodes the one JSON error document a failed -o json run printed
// on standard error, and checks standard output holds nothing.
func jsonErr(t *testing.T, a answer, what string) jsonError {
	t.Helper()
	assert.Empty(t, a.stdout, "%s: nothing on standard output", what)
	var doc map[string]jsonError
	dec := json.NewDecoder(strings.NewReader(a.stderr))
	require.NoError(t, dec.Decode(&doc), "%s: %s", what, a.stderr)
	assert.False(t, dec.More(), "%s: one JSON document: %s", what, a.stderr)
	require.Contains(t, doc, "error", what)
	return doc["error"]
}

// commands are every command of carectl's tree, by path below carectl.
func commands() map[string]*cobra.Command {
	out := map[string]*cobra.Command{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "help" || c.Hidden {
			return
		}
		out[strings.TrimPrefix(c.CommandPath(), "carectl ")] = c
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk((&app{}).rootCommand())
	delete(out, "carectl")
	return out
}

func sortedPaths(cmds map[string]*cobra.Command) []string {
	paths := make([]string, 0, len(cmds))
	for p := range cmds {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// The command tree as its help shows it: each command's usage and flags
// (required ones marked). A change of the command line shows here; run
// go test ./client/cmd/carectl -run TestCommandTreeGolden -update to
// accept it.
func TestCommandTreeGolden(t *testing.T) {
	offline(t)
	cmds := commands()
	var b strings.Builder
	for _, p := range sortedPaths(cmds) {
		c := cmds[p]
		fmt.Fprintf(&b, "%s\n", c.UseLine())
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" {
				return
			}
			req := ""
			if _, ok := f.Annotations[cobra.BashCompOneRequiredFlag]; ok {
				req = " (required)"
			}
			fmt.Fprintf(&b, "    --%s %s%s\n", f.Name, f.Value.Type(), req)
		})
	}
	golden(t, "testdata/commands.golden", b.String())
}

func golden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run with -update to write %s", file)
	assert.Equal(t, string(want), got, "%s differs: run go test ./client/cmd/carectl -run %s -update to accept the change", file, t.Name())
}

// Every command has help (exit 0) with its usage, its short line and an
// example that runs carectl.
func TestEveryCommandHasHelpWithAnExample(t *testing.T) {
	offline(t)
	cmds := commands()
	require.Greater(t, len(cmds), 90)
	for _, p := range sortedPaths(cmds) {
		r := carectlRun(append(strings.Fields(p), "--help")...)
		require.Equal(t, 0, r.code, "%s --help: %s", p, r.stderr)
		assert.Contains(t, r.stdout, "Usage:\n  carectl "+p, p)
		about := cmds[p].Long
		if about == "" {
			about = cmds[p].Short
		}
		assert.Contains(t, r.stdout, about, p)
		assert.Contains(t, r.stdout, "Examples:\n  ", "%s has an example", p)
		assert.Contains(t, r.stdout, "carectl", p)
		assert.Empty(t, r.stderr, p)
	}
}

// Each command refuses at least one malformed line with exit code 2, a
// message naming what is wrong and, with -o json, one USAGE document on
// standard error; nothing is connected (the state folder is not there).
func TestEveryCommandRefusesAUsageError(t *testing.T) {
	offline(t)
	cmds := commands()
	for _, p := range sortedPaths(cmds) {
		c := cmds[p]
		args, says := usageErrorOf(p, c)
		r := carectlRun(args...)
		assert.Equal(t, cmdline.ExitUsage, r.code, "%v: %s", args, r.stderr)
		assert.Contains(t, r.stderr, says, "%v", args)
		assert.NotContains(t, r.stderr, "network.json", "%v: refused before connecting", args)

		r = carectlRun(append(args, "-o", "json")...)
		e := jsonErr(t, r, strings.Join(args, " "))
		assert.Equal(t, CodeUsage, e.Code, "%v", args)
		assert.Contains(t, e.Message, says, "%v", args)
	}
}

// usageErrorOf is a line p refuses, and what the refusal says: a missing
// argument, one too many, an unknown subcommand of a group, or an unknown
// flag.
func usageErrorOf(p string, c *cobra.Command) ([]string, string) {
	path := strings.Fields(p)
	want := cmdline.Positional(c.Use)
	switch {
	case c.HasSubCommands():
		return append(path, "nosuchcommand"), `unknown command "nosuchcommand" for "carectl ` + p + `"`
	case strings.Contains(c.Use, "|"):
		return append(path, "--no-such-flag"), "unknown flag: --no-such-flag"
	case len(want) > 0 && !strings.HasPrefix(want[0], "["):
		return path, "missing " + want[0]
	case len(want) == 0 && c.Args != nil:
		if r := carectlRun(append(path, "extra")...); r.code == cmdline.ExitUsage {
			return append(path, "extra"), `unexpected argument "extra"`
		}
	}
	return append(path, "--no-such-flag"), "unknown flag: --no-such-flag"
}

// A mistyped subcommand is refused (it printed help and exited 0), with
// the names it is close to.
func TestUnknownSubcommandsAreRefusedWithSuggestions(t *testing.T) {
	offline(t)
	for args, says := range map[string]string{
		"consent gett":           `unknown command "gett" for "carectl consent"; did you mean get?`,
		"consnet get x":          `unknown command "consnet" for "carectl"; did you mean consent?`,
		"drugs batch crate":      "did you mean create?",
		"consent break-glass ls": `unknown command "ls" for "carectl consent break-glass"`,
		"records zzz":            "commands: ",
	} {
		r := carectlRun(strings.Fields(args)...)
		assert.Equal(t, 2, r.code, args)
		assert.Contains(t, r.stderr, says, args)
		assert.Empty(t, r.stdout, "%s: no help printed as if it worked", args)
	}
	r := carectlRun("consent")
	assert.Equal(t, 0, r.code, "a bare group prints its help")
	assert.Contains(t, r.stdout, "Available Commands:")
}

// Missing arguments are named; required flags are marked and refused.
func TestUsageErrorsNameWhatIsMissing(t *testing.T) {
	offline(t)
	for args, says := range map[string]string{
		"consent get":                           "carectl consent get: missing ID (usage: carectl consent get ID)",
		"consent update cns-1":                  "missing JSON",
		"submit baseline":                       "missing FUNCTION",
		"drugs batch create 10614141123459":     "missing LOT EXPIRY",
		"consent break-glass --patient pt-1":    `required flag(s) "class", "reason" not set`,
		"consent delegate add":                  `required flag(s) "delegate" not set`,
		"drugs recall 10614141123459 LOT-1":     `required flag(s) "reason" not set`,
		"drugs suspect 10614141123459.SN1 why":  `unexpected argument "why"`,
		"enroll --name x":                       `required flag(s) "secret" not set`,
		"consent get a b":                       `unexpected argument "b"`,
		"consent get a --minutes x":             "unknown flag: --minutes",
		"consent break-glass --minutes many":    `invalid argument "many"`,
		"-o yaml identities":                    `--output must be text or json, not "yaml"`,
		"consent grants --grantee ProviderMSP":  "want ORG/ROLE/ID",
		"consent check --requester a/b":         "want ORG/ROLE/ID",
		"submit baseline Put k v --transient x": "want KEY=VALUE",
	} {
		r := carectlRun(strings.Fields(args)...)
		assert.Equal(t, 2, r.code, "%s: %s", args, r.stderr)
		assert.Contains(t, r.stderr, says, args)
	}
	r := carectlRun("consent", "break-glass", "--help")
	assert.Regexp(t, `--reason string +why \(required\)`, r.stdout)
}

// Input is read before anything connects: malformed JSON, an unknown field
// or a bad --transient is the answer, not the missing connection profile.
func TestInputIsValidatedBeforeConnecting(t *testing.T) {
	offline(t)
	for name, c := range map[string]struct {
		args       []string
		field, say string
	}{
		"malformed JSON":     {[]string{"consent", "grant", "{not json"}, "JSON", "is not JSON"},
		"unknown field":      {[]string{"consent", "grant", `{"decision":"permit","colour":"red"}`}, "JSON", `unknown field "colour"`},
		"malformed in drugs": {[]string{"drugs", "product", "add", `{"gtin":`}, "JSON", "is not JSON"},
		"unknown in partner": {[]string{"drugs", "partner", "add", `{"colour":"red"}`}, "JSON", `unknown field "colour"`},
		"unknown in product": {[]string{"drugs", "product", "add", `{"gtin":"1","colour":"red"}`}, "JSON", `unknown field "colour"`},
		"unknown in claim":   {[]string{"claims", "submit", `{"colour":"red"}`}, "JSON", `unknown field "colour"`},
		"unknown in replace": {[]string{"claims", "replace", "clm-1", `{"colour":"red"}`}, "JSON", `unknown field "colour"`},
		"unknown in intake":  {[]string{"claims", "intake", `{"colour":"red"}`}, "JSON", `unknown field "colour"`},
		"unknown in rules":   {[]string{"claims", "rules", `{"colour":"red"}`}, "JSON", `unknown field "colour"`},
		"unknown in cover":   {[]string{"claims", "coverage", "add", `{"colour":"red"}`}, "JSON", `unknown field "colour"`},
		"malformed dscsa":    {[]string{"drugs", "ship", "s1", "PharmacyMSP", "a", "--dscsa", `{"x":`}, "dscsa", "--dscsa is not JSON"},
		"trailing data":      {[]string{"claims", "rules", `{} {}`}, "JSON", "the JSON argument is not JSON"},
		"missing @file":      {[]string{"consent", "update", "cns-1", "@/nonexistent/consent.json"}, "JSON", "no such file"},
		"bad transient":      {[]string{"submit", "cc", "Fn", "--transient", "=v"}, "transient[0]", "want KEY=VALUE"},
		"twice transient":    {[]string{"submit", "cc", "Fn", "--transient", "k=1", "--transient", "k=2"}, "transient[1]", `key "k" given twice`},
		"bad requester":      {[]string{"consent", "check", "--requester", "ProviderMSP"}, "requester", "want ORG/ROLE/ID"},
		"delegate with role": {[]string{"consent", "delegate", "add", "--delegate", "PatientsMSP/patient/guardian1"}, "delegate", "want ORG//ID"},
		"delegate org/id":    {[]string{"consent", "delegate", "revoke", "--delegate", "PatientsMSP/guardian1"}, "delegate", "want ORG/ROLE/ID"},
	} {
		r := carectlRun(append(c.args, "-o", "json")...)
		assert.Equal(t, 2, r.code, name)
		e := jsonErr(t, r, name)
		assert.Equal(t, string(client.CodeInvalidArgument), e.Code, name)
		assert.Equal(t, c.field, e.Field, name)
		assert.Contains(t, e.Message, c.say, name)
		assert.NotContains(t, e.Message, "network.json", name)
	}
	// A well-formed line gets as far as the missing profile: exit 1.
	r := carectlRun("consent", "get", "cns-1", "-o", "json")
	assert.Equal(t, 1, r.code)
	e := jsonErr(t, r, "consent get")
	assert.Equal(t, string(client.CodeNotFound), e.Code)
}

// --transient splits at the first = only, keeps quotes, reads @FILE.
func TestTransientSplitsAtTheFirstEquals(t *testing.T) {
	file := filepath.Join(t.TempDir(), "secret.bin")
	require.NoError(t, os.WriteFile(file, []byte{0, 1, '=', 2}, 0o600))
	got, err := parseTransient([]string{`salt={"salt":"q83vEjRWeJA="}`, `note="hi"`, "k=a=b,c", "s=@" + file, "empty="})
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{
		"salt": []byte(`{"salt":"q83vEjRWeJA="}`), "note": []byte(`"hi"`), "k": []byte("a=b,c"), "s": {0, 1, '=', 2}, "empty": {},
	}, got)
	for _, bad := range [][]string{{"novalue"}, {"=v"}, {"k=1", "k=2"}, {"k=@/nonexistent"}} {
		_, err := parseTransient(bad)
		assert.Error(t, err, "%q", bad)
	}
}

// With -o json every error is one document on standard error: a usage
// error as USAGE (not UNKNOWN), a flag that does not parse included (its
// -o json stands after it).
func TestJSONErrorsAreOneDocumentOnStandardError(t *testing.T) {
	offline(t)
	for _, args := range [][]string{
		{"consent", "gett", "-o", "json"},
		{"consent", "get", "--bogus", "-o", "json"},
		{"-o", "json", "consent", "get"},
		{"--output=json", "drugs", "item"},
		{"-ojson", "tx"},
	} {
		e := jsonErr(t, carectlRun(args...), strings.Join(args, " "))
		assert.Equal(t, CodeUsage, e.Code, "%v", args)
	}
}

// A refused drug command is one document (the receipt that says why) and
// exit code 1, not the receipt and an error after it.
func TestARefusedDrugReceiptIsOneDocument(t *testing.T) {
	var stdout, stderr bytes.Buffer
	a := &app{out: &stdout, errOut: &stderr, output: "json"}
	err := a.drugReceipt(&pv.Receipt{ID: "10614141123459.SN1", Status: "refused", Signals: []pv.Signal{{Code: "RECALLED", Reason: "lot recalled"}}})
	require.Error(t, err)
	assert.ErrorAs(t, err, new(reported))
	assert.Equal(t, 1, a.exitCode(err))
	var doc pv.Receipt
	dec := json.NewDecoder(&stdout)
	require.NoError(t, dec.Decode(&doc))
	assert.False(t, dec.More())
	assert.Equal(t, "refused", doc.Status)
	assert.Empty(t, stderr.String())
	assert.NoError(t, a.drugReceipt(&pv.Receipt{ID: "x", Status: "shipped"}))
}

// drugs --help says its channel is supply and lists no care default; the
// others say care.
func TestDrugsHelpTellsItsChannelTruly(t *testing.T) {
	offline(t)
	for _, args := range [][]string{{"drugs", "--help"}, {"drugs", "item", "--help"}} {
		r := carectlRun(args...)
		assert.NotContains(t, r.stdout, `(default "care")`, "%v", args)
		assert.Contains(t, r.stdout, "supply", "%v", args)
	}
	var got []string
	for _, path := range [][]string{{"drugs", "item"}, {"consent", "get"}, {"tx"}} {
		a := &app{out: new(bytes.Buffer), errOut: new(bytes.Buffer)}
		root := a.rootCommand()
		cmd, _, err := root.Find(path)
		require.NoError(t, err)
		require.NoError(t, a.prepare(cmd, []string{"x"}))
		got = append(got, a.channel)
	}
	assert.Equal(t, []string{"supply", "care", "care"}, got)
}

// Progress bars are drawn on a terminal only: never into a pipe or file.
func TestProgressOnlyOnATerminal(t *testing.T) {
	var stderr bytes.Buffer
	a := &app{out: new(bytes.Buffer), errOut: &stderr, output: "text"}
	a.progress("commissioning %d/%d", 1, 2)
	a.progressDone()
	assert.Nil(t, a.progressBar("upload", 10<<20))
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	require.NoError(t, err)
	defer f.Close()
	a.errOut = f
	a.progress("x")
	assert.Nil(t, a.progressBar("upload", 10<<20))
	fi, err := f.Stat()
	require.NoError(t, err)
	assert.Zero(t, fi.Size())
	assert.Empty(t, stderr.String())
}

// Events print one object a line with -o json (NDJSON).
func TestEventsAreNDJSON(t *testing.T) {
	var out bytes.Buffer
	sink := &eventSink{w: &out, json: true}
	require.NoError(t, sink.write(client.Event{Block: 3, TxID: "t1", Chaincode: "consent", Name: "Granted", Payload: []byte(`{"a":{"b":[1,2]}}`)}))
	require.NoError(t, sink.write(client.Event{Block: 4, TxID: "t2", Chaincode: "consent", Name: "Revoked", Payload: []byte("text")}))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 2, out.String())
	for _, l := range lines {
		assert.True(t, json.Valid([]byte(l)), l)
	}
	assert.Equal(t, `{"block":3,"txId":"t1","chaincode":"consent","name":"Granted","payload":{"a":{"b":[1,2]}}}`, lines[0])
}

// identities -o json names orgs, gateways and users, and none of the
// profile's folders on this machine.
func TestIdentitiesJSONHoldsNoLocalPaths(t *testing.T) {
	dir := offline(t)
	p := &profile.Profile{Orgs: []profile.Org{{Name: "provider", MSPID: "ProviderMSP", Gateways: []string{"peer0.provider"},
		UsersDir: filepath.Join(dir, "orgs", "provider", "users"), KEKDir: filepath.Join(dir, "orgs", "provider", "kek"),
		Peers: []profile.Node{{ID: "peer0.provider", Address: "127.0.0.1:7051", TLSRootCert: filepath.Join(dir, "public", "ca.pem")}},
		Users: []profile.User{{Name: "physician1", Type: "client", Role: "physician"}}}}}
	path := filepath.Join(dir, "network.json")
	require.NoError(t, p.Save(path))
	r := carectlRun("identities", "--home", path, "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stdout, dir)
	var got []orgIdentities
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
	assert.Equal(t, []orgIdentities{{Name: "provider", MSPID: "ProviderMSP", Gateways: []string{"peer0.provider"},
		Users: []profile.User{{Name: "physician1", Type: "client", Role: "physician"}}}}, got)

	r = carectlRun("identities", "--network", path, "-o", "json")
	assert.Equal(t, 0, r.code, "--network still reads: %s", r.stderr)
}

// The acting identity: flags, else CARECTL_ORG/CARECTL_USER, else the
// context use-context saved, else provider/admin.
func TestContextNamesTheActingIdentity(t *testing.T) {
	dir := offline(t)
	view := func(args ...string) map[string]string {
		t.Helper()
		r := carectlRun(append(args, "config", "view", "-o", "json")...)
		require.Equal(t, 0, r.code, r.stderr)
		var out map[string]string
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
		return out
	}
	got := view()
	assert.Equal(t, []string{"provider", "admin"}, []string{got["org"], got["user"]})

	r := carectlRun("--org", "payer", "--user", "adjudicator1", "--home", filepath.Join(dir, "h1"), "config", "use-context")
	require.Equal(t, 0, r.code, r.stderr)
	t.Setenv("CARECHAIN_HOME", "")
	got = view()
	assert.Equal(t, []string{"payer", "adjudicator1", filepath.Join(dir, "h1")}, []string{got["org"], got["user"], got["home"]})

	t.Setenv("CARECTL_ORG", "regulator")
	t.Setenv("CARECTL_USER", "auditor1")
	got = view()
	assert.Equal(t, []string{"regulator", "auditor1"}, []string{got["org"], got["user"]}, "the environment over the context")
	got = view("--user", "admin")
	assert.Equal(t, []string{"regulator", "admin"}, []string{got["org"], got["user"]}, "a flag over the environment")
}

// A delegate is named as every identity is (ORG/ROLE/ID, the role empty)
// and reaches the chaincode in its own form, MSPID/enrollmentID; a list
// prints it back as --delegate takes it.
func TestDelegateIsNamedAsEveryIdentity(t *testing.T) {
	got, err := parseDelegate("PatientsMSP//guardian1")
	require.NoError(t, err)
	assert.Equal(t, "PatientsMSP/guardian1", got)
	assert.Equal(t, "PatientsMSP//guardian1", delegateActor(got))
	for _, bad := range []string{"PatientsMSP/guardian1", "PatientsMSP/patient/guardian1", "PatientsMSP//", "//guardian1"} {
		_, err := parseDelegate(bad)
		assert.Error(t, err, bad)
	}
}
