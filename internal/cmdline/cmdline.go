// Package cmdline holds the conventions carechain's two commands, carectl
// and carenet, share on top of cobra, so that both answer a mistyped line
// alike:
//
//   - exit code 0 on success, 1 when the work failed (a network, a refusal),
//     2 when the command line cannot be read (ExitCode);
//   - an unknown subcommand of any group is refused, with the names it is
//     close to ("unknown command … did you mean");
//   - a missing or extra positional argument is named, from the command's
//     Use line ("missing ID");
//   - the Go flag package's single-dash long flags (-home X) still read as
//     --home X (LongFlags).
//
// cobra's own errors carry no type; IsUsage tells them by their text, in
// this one tested place.
package cmdline

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The exit codes of carechain's commands.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// UsageError is a command line that cannot be read: the message says why,
// Cmd is the command's path (carectl consent get).
type UsageError struct {
	Cmd  string
	Err  error
	help string // the command whose help to read, when not Cmd
}

// HelpCommand is the command whose --help answers the error.
func (e *UsageError) HelpCommand() string {
	if e.help != "" {
		return e.help
	}
	return e.Cmd
}

// HelpHint is the line that sends a reader of err to the help of the
// command it is about, "" for an error that is no usage error.
func HelpHint(err error, root string) string {
	if !IsUsage(err) {
		return ""
	}
	var ue *UsageError
	if errors.As(err, &ue) && ue.HelpCommand() != "" {
		root = ue.HelpCommand()
	}
	return fmt.Sprintf("Run '%s --help' for usage.", root)
}

func (e *UsageError) Error() string {
	if e.Cmd == "" {
		return e.Err.Error()
	}
	return e.Cmd + ": " + e.Err.Error()
}

func (e *UsageError) Unwrap() error { return e.Err }

// Usagef is a usage error of cmd.
func Usagef(cmd *cobra.Command, format string, args ...any) error {
	return &UsageError{Cmd: cmd.CommandPath(), Err: fmt.Errorf(format, args...)}
}

// cobraUsage are the beginnings of the messages of cobra and pflag that
// say a command line cannot be read (they have no type of their own).
var cobraUsage = []string{
	"unknown command ",
	"unknown flag: ",
	"unknown shorthand flag: ",
	"flag needs an argument: ",
	"invalid argument ",
	"bad flag syntax: ",
	"required flag(s) ",
	"if any flags in the group ",
	"at least one of the flags in the group ",
	"accepts ",
	"requires at least ",
	"requires at most ",
	"invalid args ",
	"unexpected argument",
}

// IsUsage reports whether err says the command line cannot be read.
func IsUsage(err error) bool {
	if err == nil {
		return false
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		return true
	}
	msg := err.Error()
	for _, prefix := range cobraUsage {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}

// ExitCode is the exit code err calls for.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case IsUsage(err):
		return ExitUsage
	default:
		return ExitFailure
	}
}

// Apply gives every command of the tree the conventions: flag errors are
// usage errors; groups refuse unknown subcommands with suggestions (a bare
// group prints its help); argument errors name the argument.
func Apply(root *cobra.Command) {
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &UsageError{Cmd: c.CommandPath(), Err: err}
	})
	walk(root, func(c *cobra.Command) {
		if c.HasSubCommands() && !c.Runnable() {
			c.Args = cobra.ArbitraryArgs
			c.RunE = runGroup
			return
		}
		validate := c.Args
		if validate == nil {
			validate = cobra.ArbitraryArgs
		}
		c.Args = namedArgs(validate)
	})
}

func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

// runGroup is the RunE of a group: help without arguments, else the
// unknown subcommand refused.
func runGroup(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return c.Help()
	}
	return UnknownCommand(c, args[0])
}

// UnknownCommand refuses name as a subcommand of c, naming the ones it is
// close to.
func UnknownCommand(c *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, c.CommandPath())
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2
	}
	if near := c.SuggestionsFor(name); len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, " or ") + "?"
	} else {
		var names []string
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				names = append(names, sub.Name())
			}
		}
		msg += "; commands: " + strings.Join(names, ", ")
	}
	return &UsageError{Err: errors.New(msg), help: c.CommandPath()}
}

// namedArgs wraps a validator so that its refusal names the argument
// missing (from the Use line) or the first one too many.
func namedArgs(validate cobra.PositionalArgs) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		err := validate(c, args)
		if err == nil {
			return nil
		}
		if c.HasSubCommands() && len(args) > 0 {
			return UnknownCommand(c, args[0])
		}
		usage := "usage: " + c.CommandPath()
		if rest := strings.TrimSpace(strings.TrimPrefix(c.Use, c.Name())); rest != "" {
			usage += " " + rest
		}
		if strings.Contains(c.Use, "|") { // alternatives: the validator's own words
			return Usagef(c, "%v (%s)", err, usage)
		}
		want := Positional(c.Use)
		switch required := requiredCount(want); {
		case len(args) < required:
			return Usagef(c, "missing %s (%s)", strings.Join(want[len(args):required], " "), usage)
		case len(want) == 0:
			return Usagef(c, "unexpected argument %q: takes no arguments (%s)", args[0], usage)
		case len(args) > len(want) && !variadic(want):
			return Usagef(c, "unexpected argument %q (%s)", args[len(want)], usage)
		}
		return Usagef(c, "%v (%s)", err, usage)
	}
}

// Positional are the positional arguments a Use line names, flags left
// out: "get ID [FILE]" -> ID, [FILE].
func Positional(use string) []string {
	fields := strings.Fields(use)
	var out []string
	for i := 1; i < len(fields); i++ {
		f := fields[i]
		if strings.HasPrefix(f, "-") || strings.HasPrefix(f, "[-") {
			if !strings.Contains(f, "=") && i+1 < len(fields) && isUpperName(fields[i+1]) && !strings.HasSuffix(f, "]") {
				i++ // the flag's value
			}
			continue
		}
		if strings.HasPrefix(f, "[") || isUpperName(f) || strings.HasPrefix(f, "@") {
			out = append(out, f)
		}
	}
	return out
}

func isUpperName(s string) bool {
	s = strings.TrimRight(strings.TrimLeft(s, "[@"), ".]")
	return s != "" && strings.ToUpper(s) == s && strings.ToLower(s) != s
}

func requiredCount(want []string) int {
	n := 0
	for _, w := range want {
		if strings.HasPrefix(w, "[") {
			break
		}
		n++
	}
	return n
}

func variadic(want []string) bool {
	return len(want) > 0 && strings.Contains(want[len(want)-1], "...")
}

// LongFlags rewrites the single-dash form of the tree's long flags (-home
// X, -home=X), which the Go flag package reads and pflag would read as
// shorthands, as --home. Arguments after "--" are left alone, and so is a
// single dash that names no long flag.
func LongFlags(root *cobra.Command, args []string) []string {
	names := map[string]bool{}
	walk(root, func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) { names[f.Name] = true })
		c.PersistentFlags().VisitAll(func(f *pflag.Flag) { names[f.Name] = true })
	})
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(a, "-"), "=")
		if len(a) > 2 && a[0] == '-' && a[1] != '-' && len(name) > 1 && names[name] {
			a = "-" + a
		}
		out = append(out, a)
	}
	return out
}
