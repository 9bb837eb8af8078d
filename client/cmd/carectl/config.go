package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// carectlContext is the identity and state folder carectl acts with when
// neither a flag nor the environment names them: carectl config
// use-context saves it in the context file.
type carectlContext struct {
	Org  string `json:"org,omitempty"`
	User string `json:"user,omitempty"`
	Home string `json:"home,omitempty"`
}

func (carectlContext) orOr(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// contextFile is $CARECTL_CONFIG, else carechain/carectl.json in the
// user's configuration folder.
func contextFile() string {
	if f := os.Getenv("CARECTL_CONFIG"); f != "" {
		return f
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "carechain", "carectl.json")
}

// loadContext reads the context file; none, or one that does not read,
// is no context (config view says why).
func loadContext() carectlContext {
	ctx, _ := readContext(contextFile())
	return ctx
}

func readContext(path string) (carectlContext, error) {
	var ctx carectlContext
	if path == "" {
		return ctx, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ctx, nil
	}
	if err != nil {
		return ctx, err
	}
	if err := json.Unmarshal(data, &ctx); err != nil {
		return carectlContext{}, fmt.Errorf("%s: %w", path, err)
	}
	return ctx, nil
}

func (a *app) configCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "the context carectl acts in when no flag or variable says: org, user, state folder",
		Long: `The acting org and user come from --org and --user, else $CARECTL_ORG and
$CARECTL_USER, else the context file ($CARECTL_CONFIG, default
carechain/carectl.json in your configuration folder), else provider/admin.
The state folder likewise: --home, $CARECHAIN_HOME, the context, .carechain.`,
	}
	cmd.AddCommand(a.configUseContext(), a.configView())
	return cmd
}

func (a *app) configUseContext() *cobra.Command {
	use := &cobra.Command{
		Use:     "use-context",
		Short:   "save --org, --user (and --home when given) as the context of later commands",
		Example: "  carectl --org provider --user physician1 --home /tmp/h1 config use-context\n  carectl consent check --patient pt-... --class labs   # as provider/physician1",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := carectlContext{Org: a.org, User: a.user}
			if cmd.Flags().Changed("home") || cmd.Flags().Changed("network") {
				abs, err := filepath.Abs(a.network)
				if err != nil {
					return err
				}
				ctx.Home = abs
			}
			path := contextFile()
			if path == "" {
				return errors.New("no configuration folder: set CARECTL_CONFIG")
			}
			if err := writeContext(path, ctx); err != nil {
				return err
			}
			a.print(map[string]any{"file": path, "context": ctx}, func(w io.Writer) {
				fmt.Fprintf(w, "context: --org %s --user %s", ctx.Org, ctx.User)
				if ctx.Home != "" {
					fmt.Fprintf(w, " --home %s", ctx.Home)
				}
				fmt.Fprintf(w, " (saved in %s)\n", path)
			})
			return nil
		},
	}
	return use
}

func (a *app) configView() *cobra.Command {
	view := &cobra.Command{
		Use:     "view",
		Short:   "the org, user and state folder carectl acts with now, and the context file",
		Example: "  carectl config view\n  CARECTL_USER=nurse1 carectl config view -o json",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			path := contextFile()
			if _, err := readContext(path); err != nil {
				return err
			}
			out := map[string]string{"org": a.org, "user": a.user, "home": a.network, "file": path}
			a.print(out, func(w io.Writer) {
				fmt.Fprintf(w, "--org %s --user %s --home %s (context file %s)\n", a.org, a.user, a.network, path)
			})
			return nil
		},
	}
	return view
}

func writeContext(path string, ctx carectlContext) error {
	data, err := json.MarshalIndent(ctx, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o600)
}
