package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/caclient"
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
	a := &app{out: stdout, errOut: stderr}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := root.ExecuteContext(ctx)
	if a.cl != nil {
		_ = a.cl.Close()
	}
	if err != nil {
		if !errors.As(err, new(reported)) {
			a.printError(err)
		}
		return 1
	}
	return 0
}

// reported is an error the command's output already shows.
type reported struct{ error }

func (r reported) Unwrap() error { return r.error }

func defaultNetwork() string {
	if h := os.Getenv("CARECHAIN_HOME"); h != "" {
		return h
	}
	return filepath.Join(".carechain")
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "carectl",
		Short:         "carechain's command line for consortium members",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if a.output != "text" && a.output != "json" {
				return fmt.Errorf("--output must be text or json")
			}
			return nil
		},
	}
	f := root.PersistentFlags()
	f.StringVar(&a.network, "network", defaultNetwork(), "consortium state folder or connection profile (network.json); $CARECHAIN_HOME")
	f.StringVar(&a.org, "org", "provider", "org to act for (name or MSP id)")
	f.StringVar(&a.user, "user", "admin", "enrolled user of the org")
	f.StringVar(&a.channel, "channel", "care", "channel")
	f.StringVar(&a.gateway, "gateway", "", "gateway peer id tried first (default: the org's own, in the profile's order); when it is lost, calls fail over to the next gateway of the org, then to other channel members' (never for calls with transient data)")
	f.StringVar(&a.wallet, "wallet", string(client.DefaultWallet()), "wallet of identities enrolled here (WALLET/ORG/USER/msp), for users network.json does not list; $"+client.WalletEnv)
	f.StringVarP(&a.output, "output", "o", "text", "output format: text or json")
	root.AddCommand(a.submitCommand(), a.evaluateCommand(), a.eventsCommand(), a.txInfoCommand(), a.identitiesCommand(),
		a.consentCommand(), a.recordsCommand(), a.claimsCommand(), a.drugsCommand(),
		a.usersCommand(), a.enrollCommand(), a.whoamiCommand(), a.serveCommand())
	return root
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

// print writes v as JSON (--output json) or through text.
func (a *app) print(v any, text func(w io.Writer)) {
	if a.output == "json" {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(v)
		return
	}
	text(a.out)
}

type jsonError struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	TxID    string `json:"txId,omitempty"`
}

func (a *app) printError(err error) {
	je := jsonError{Code: caCode(err), Message: err.Error()}
	var ce *client.Error
	if errors.As(err, &ce) {
		je = jsonError{Code: string(ce.Code), Field: ce.Field, Message: ce.Message, TxID: ce.TxID}
	}
	if a.output == "json" {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]jsonError{"error": je})
		return
	}
	fmt.Fprintf(a.errOut, "carectl: %v\n", err)
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
