package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/caclient"
	"github.com/carechain/carechain/internal/cmdline"
)

// app holds the global flags and the lazily opened client.
type app struct {
	network string
	org     string
	user    string
	channel string
	gateway string
	output  string
	store   string
	wallet  string
	out     io.Writer
	errOut  io.Writer
	cl      *client.Client
	// newClaims, when set, gives the claims commands their client instead
	// of a session's (the tests' fake).
	newClaims func(a *app) claimsAPI
}

func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return (&app{out: stdout, errOut: stderr}).execute(ctx, args)
}

// execute runs the command line on a and returns the exit code: 0, 1 when
// the work failed, 2 when the line or its input cannot be read (nothing was
// sent). With -o json an error is one JSON document on standard error.
func (a *app) execute(ctx context.Context, args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(a.out)
	root.SetErr(a.errOut)
	err := root.ExecuteContext(ctx)
	if a.cl != nil {
		_ = a.cl.Close()
	}
	if err == nil {
		return cmdline.ExitOK
	}
	if a.output != "json" && outputOf(args) == "json" {
		a.output = "json" // a line that did not parse: its -o json still counts
	}
	if !errors.As(err, new(reported)) {
		a.printError(err)
	}
	return a.exitCode(err)
}

// outputOf reads -o/--output from a line cobra could not parse.
func outputOf(args []string) string {
	out := "text"
	for i, arg := range args {
		switch {
		case arg == "--":
			return out
		case (arg == "-o" || arg == "--output") && i+1 < len(args):
			out = args[i+1]
		case strings.HasPrefix(arg, "--output="), strings.HasPrefix(arg, "-o="):
			_, out, _ = strings.Cut(arg, "=")
		case strings.HasPrefix(arg, "-o") && !strings.HasPrefix(arg, "--"):
			out = arg[2:]
		}
	}
	return out
}

// exitCode is 2 for a line that cannot be read and for input refused
// before anything was sent, 1 for every other failure.
func (a *app) exitCode(err error) int {
	var ce *client.Error
	if errors.As(err, &ce) && ce.Code == client.CodeInvalidArgument && a.cl == nil {
		return cmdline.ExitUsage
	}
	return cmdline.ExitCode(err)
}

// reported is an error the command's output already shows.
type reported struct{ error }

func (r reported) Unwrap() error { return r.error }

// inputError is input carectl refuses before sending anything: the
// argument or flag it is about, and why.
func inputError(field string, err error) error {
	return &client.Error{Code: client.CodeInvalidArgument, Field: field, Message: err.Error(), Err: err}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func defaultNetwork(ctx carectlContext) string {
	return envOr("CARECHAIN_HOME", ctx.orOr(ctx.Home, filepath.Join(".carechain")))
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "carectl",
		Short: "carechain's command line for consortium members",
		Long: `carectl: consortium members submit and query chaincode transactions and
listen to events, each as one of their org's enrolled users.

The acting identity is --org and --user, by default $CARECTL_ORG and
$CARECTL_USER (else the context set with carectl config use-context, else
provider/admin). Every command prints one JSON document with -o json, an
error too (on standard error, {"error":{"code":…}}). Exit code 0 on
success, 1 when the work failed, 2 when the line or its input cannot be
read (nothing was sent).`,
		Example: `  export CARECTL_ORG=provider CARECTL_USER=physician1
  carectl consent check --patient pt-... --class labs
  carectl --org regulator --user auditor1 -o json tx TXID`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: a.prepare,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	a.globalFlags(root)
	root.AddCommand(a.submitCommand(), a.evaluateCommand(), a.eventsCommand(), a.txInfoCommand(), a.identitiesCommand(),
		a.consentCommand(), a.recordsCommand(), a.claimsCommand(), a.drugsCommand(),
		a.usersCommand(), a.enrollCommand(), a.whoamiCommand(), a.serveCommand(), a.configCommand())
	addExamples(root)
	cmdline.Apply(root)
	return root
}

func (a *app) globalFlags(root *cobra.Command) {
	f := root.PersistentFlags()
	ctx := loadContext()
	f.StringVar(&a.network, "home", defaultNetwork(ctx), "consortium state folder (carenet's --home) or its connection profile (network.json); $CARECHAIN_HOME")
	f.StringVar(&a.network, "network", defaultNetwork(ctx), "the state folder: an alias of --home")
	_ = f.MarkHidden("network")
	f.StringVar(&a.org, "org", envOr("CARECTL_ORG", ctx.orOr(ctx.Org, "provider")), "org to act for (name or MSP id); $CARECTL_ORG")
	f.StringVar(&a.user, "user", envOr("CARECTL_USER", ctx.orOr(ctx.User, "admin")), "enrolled user of the org; $CARECTL_USER")
	f.StringVar(&a.channel, "channel", "", "channel (default: supply for the drugs commands, care for the others)")
	f.StringVar(&a.gateway, "gateway", "", "gateway peer id tried first (default: the org's own, in the profile's order); when it is lost, calls fail over to the next gateway of the org, then to other channel members' (never for calls with transient data)")
	f.StringVar(&a.wallet, "wallet", string(client.DefaultWallet()), "wallet of identities enrolled here (WALLET/ORG/USER/msp), for users network.json does not list; $"+client.WalletEnv)
	f.StringVarP(&a.output, "output", "o", "text", "output format: text or json")
}

// prepare checks the global flags and settles the channel before anything
// connects (commands read their JSON arguments then too: jsonArgFirst).
func (a *app) prepare(cmd *cobra.Command, args []string) error {
	if a.output != "text" && a.output != "json" {
		out := a.output
		a.output = "text"
		return cmdline.Usagef(cmd, "--output must be text or json, not %q", out)
	}
	if a.channel == "" {
		a.channel = "care"
		if path := strings.Fields(cmd.CommandPath()); len(path) > 1 && path[1] == "drugs" {
			a.channel = "supply"
		}
	}
	return nil
}

func (a *app) client() (*client.Client, error) {
	if a.cl == nil {
		cl, err := client.Open(a.network)
		if err != nil {
			return nil, err
		}
		a.cl = cl
	}
	return a.cl, nil
}

func (a *app) session() (*client.Session, error) {
	cl, err := a.client()
	if err != nil {
		return nil, err
	}
	return cl.Session(a.org, a.user, client.SessionOptions{Gateway: a.gateway, Wallet: client.Wallet(a.wallet)})
}

// print writes v as one JSON document (--output json) or through text.
func (a *app) print(v any, text func(w io.Writer)) {
	if a.output == "json" {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(v)
		return
	}
	text(a.out)
}

// progress writes a progress line that rewrites itself, on a terminal
// only, and never with -o json.
func (a *app) progress(format string, args ...any) {
	if a.output == "json" || !isTerminal(a.errOut) {
		return
	}
	fmt.Fprintf(a.errOut, "\r"+format, args...)
}

// progressDone ends a progress line.
func (a *app) progressDone() {
	if a.output != "json" && isTerminal(a.errOut) {
		fmt.Fprintln(a.errOut)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

type jsonError struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	TxID    string `json:"txId,omitempty"`
}

// CodeUsage is the JSON code of a command line carectl cannot read.
const CodeUsage = "USAGE"

// errorJSON is err as the JSON error: the client's code and field, USAGE
// for a line that cannot be read, the CA's refusals by their kind.
func errorJSON(err error) jsonError {
	var ce *client.Error
	switch {
	case errors.As(err, &ce):
		return jsonError{Code: string(ce.Code), Field: ce.Field, Message: ce.Message, TxID: ce.TxID}
	case cmdline.IsUsage(err):
		return jsonError{Code: CodeUsage, Message: err.Error()}
	case errors.Is(err, fs.ErrNotExist):
		return jsonError{Code: string(client.CodeNotFound), Message: err.Error()}
	}
	return jsonError{Code: caCode(err), Message: err.Error()}
}

func (a *app) printError(err error) {
	if a.output == "json" {
		data, merr := json.Marshal(map[string]jsonError{"error": errorJSON(err)})
		if merr != nil {
			data = []byte(`{"error":{"code":"UNKNOWN","message":"carectl: the error does not encode"}}`)
		}
		fmt.Fprintf(a.errOut, "%s\n", data)
		return
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "carectl") {
		msg = "carectl: " + msg
	}
	fmt.Fprintln(a.errOut, msg)
	if hint := cmdline.HelpHint(err, "carectl"); hint != "" {
		fmt.Fprintln(a.errOut, hint)
	}
}

// caCode is the JSON error code of a Fabric CA refusal.
func caCode(err error) string {
	switch {
	case errors.Is(err, caclient.ErrAlreadyRegistered):
		return "ALREADY_EXISTS"
	case errors.Is(err, caclient.ErrAuthentication):
		return "UNAUTHENTICATED"
	case errors.Is(err, caclient.ErrAuthorization):
		return string(client.CodeForbidden)
	case errors.Is(err, caclient.ErrNotFound):
		return string(client.CodeNotFound)
	case errors.Is(err, caclient.ErrUnreachable):
		return string(client.CodeUnavailable)
	}
	return string(client.CodeUnknown)
}

// requireFlags marks flags required: cobra refuses the line without them
// (exit 2) and the help says so.
func requireFlags(cmd *cobra.Command, names ...string) {
	for _, name := range names {
		if f := cmd.Flags().Lookup(name); f != nil && !slices.Contains(strings.Fields(f.Usage), "(required)") {
			f.Usage += " (required)"
		}
		_ = cmd.MarkFlagRequired(name)
	}
}

// show prints v (read with err) as print does; an error is the answer
// instead, and nothing is printed.
func (a *app) show(v any, err error, text func(w io.Writer)) error {
	if err != nil {
		return err
	}
	a.print(v, text)
	return nil
}

// withSession runs fn with a session of the command's identity and the
// domain client open makes of it, and closes the session after.
func withSession[K any](a *app, open func(*client.Session) K, fn func(cmd *cobra.Command, args []string, k K, s *client.Session) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		s, err := a.session()
		if err != nil {
			return err
		}
		defer s.Close()
		return fn(cmd, args, open(s), s)
	}
}
