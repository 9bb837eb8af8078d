package cmdline

import (
	"errors"
	"fmt"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cobra's untyped errors are told by their text: each prefix is a usage
// error, anything else a failure.
func TestExitCodeOfCobraAndOwnErrors(t *testing.T) {
	cases := map[string]struct {
		err  error
		code int
	}{
		"nil":            {nil, ExitOK},
		"own usage":      {&UsageError{Err: errors.New("x")}, ExitUsage},
		"wrapped usage":  {fmt.Errorf("at: %w", &UsageError{Err: errors.New("x")}), ExitUsage},
		"unknown flag":   {errors.New("unknown flag: --nope"), ExitUsage},
		"required flag":  {errors.New(`required flag(s) "reason" not set`), ExitUsage},
		"unknown cmd":    {errors.New(`unknown command "x" for "carectl"`), ExitUsage},
		"flag value":     {errors.New(`invalid argument "x" for "--minutes" flag: parse error`), ExitUsage},
		"network":        {errors.New("connection refused"), ExitFailure},
		"mention inside": {errors.New("peer said: unknown flag: --x"), ExitFailure},
	}
	for name, c := range cases {
		assert.Equal(t, c.code, ExitCode(c.err), name)
	}
}

func TestPositionalNamesComeFromTheUseLine(t *testing.T) {
	assert.Equal(t, []string{"ID"}, Positional("get ID"))
	assert.Equal(t, []string{"CHAINCODE", "FUNCTION", "[ARG...]"}, Positional("submit CHAINCODE FUNCTION [ARG...]"))
	assert.Equal(t, []string{"NAME"}, Positional("approve NAME --org ORG"))
	assert.Equal(t, []string{"FILE"}, Positional("sign FILE --org ORG"))
	assert.Empty(t, Positional("enroll --org ORG --name ID --secret S [--as NAME] [--wallet DIR]"))
	assert.Equal(t, []string{"[CHAINCODE...]"}, Positional("up [CHAINCODE...]"))
}

func tree() *cobra.Command {
	root := &cobra.Command{Use: "tool", SilenceErrors: true, SilenceUsage: true}
	root.PersistentFlags().String("home", "", "")
	root.PersistentFlags().StringP("output", "o", "", "")
	group := &cobra.Command{Use: "consent"}
	get := &cobra.Command{Use: "get ID [VERSION]", Args: cobra.RangeArgs(1, 2), RunE: func(*cobra.Command, []string) error { return nil }}
	list := &cobra.Command{Use: "list", Args: cobra.NoArgs, RunE: func(*cobra.Command, []string) error { return nil }}
	group.AddCommand(get, list)
	root.AddCommand(group)
	Apply(root)
	return root
}

func execute(args ...string) error {
	root := tree()
	root.SetArgs(args)
	root.SetOut(new(nopWriter))
	return root.Execute()
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

func TestApplyRefusesUnknownSubcommandsAndNamesArguments(t *testing.T) {
	err := execute("consent", "gett", "x")
	require.Error(t, err)
	assert.Equal(t, ExitUsage, ExitCode(err))
	assert.Contains(t, err.Error(), `unknown command "gett" for "tool consent"; did you mean get?`)
	assert.Equal(t, "Run 'tool consent --help' for usage.", HelpHint(err, "tool"))

	err = execute("consent", "zzz")
	assert.Contains(t, err.Error(), "commands: get, list")

	err = execute("consent", "get")
	assert.Equal(t, ExitUsage, ExitCode(err))
	assert.Contains(t, err.Error(), "tool consent get: missing ID (usage: tool consent get ID [VERSION])")

	err = execute("consent", "get", "a", "b", "c")
	assert.Contains(t, err.Error(), `unexpected argument "c"`)

	err = execute("consent", "list", "x")
	assert.Contains(t, err.Error(), `unexpected argument "x": takes no arguments`)

	err = execute("consent", "list", "--nope")
	assert.Equal(t, ExitUsage, ExitCode(err))

	assert.NoError(t, execute("consent"), "a bare group prints its help")
	assert.NoError(t, execute("consent", "get", "a"))
}

func TestLongFlagsReadsTheSingleDashForm(t *testing.T) {
	root := tree()
	got := LongFlags(root, []string{"-home", "X", "-home=Y", "-o", "json", "-ojson", "-x", "consent", "--", "-home"})
	assert.Equal(t, []string{"--home", "X", "--home=Y", "-o", "json", "-ojson", "-x", "consent", "--", "-home"}, got)
}
