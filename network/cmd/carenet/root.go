package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/carechain/carechain/internal/cmdline"
	"github.com/carechain/carechain/network/consortium"
	"github.com/carechain/carechain/network/home"
	"github.com/carechain/carechain/network/supervise"
)

// app holds carenet's flags and outputs.
type app struct {
	repo, topology, home, host string
	noDeploy, watch            bool
	budget                     supervise.Budget
	versions                   map[string]string
	out, errOut                io.Writer
}

// appliesTo names the commands a flag of the root means something to;
// given to another command, it is refused rather than ignored.
var appliesTo = map[string][]string{
	"no-deploy":      {"up"},
	"watch":          {"up"},
	"restarts":       {"up", "supervise"},
	"restart-window": {"up", "supervise"},
	"cc-version":     {"up", "deploy", "approve", "commit", "readiness", "package"},
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "carenet COMMAND [flags]",
		Short: "run the carechain consortium on this machine",
		Long: `carenet runs the carechain consortium on this machine: the Fabric CAs,
orderers and peers of network/topology.yaml, its channels and chaincode.

The state folder (--home, default $CARECHAIN_HOME or REPO/.carechain) holds
every certificate, ledger, log and pid file; it is a carechain state folder
when it holds the file ` + home.Marker + ` (up writes it first). Flags stand
anywhere on the line. Exit code 0 on success, 1 when the work failed,
2 when the line cannot be read.`,
		Example: `  carenet up                                # start (idempotent), deploy, supervise
  carenet status --home /tmp/h1             # another consortium's state folder
  carenet --cc-version basic=2 deploy basic # a new build stamp: upgrade
  carenet clean --home /tmp/h1              # stop it and remove its folder`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: a.checkFlags,
	}
	a.globalFlags(root.PersistentFlags())
	root.AddCommand(a.upCommand(), a.superviseCommand(), a.deployCommand(),
		a.lifecycleCommand("approve"), a.lifecycleCommand("commit"), a.lifecycleCommand("readiness"), a.lifecycleCommand("package"),
		a.crlCommand(), a.downCommand(), a.cleanCommand(), a.statusCommand(), a.logsCommand(),
		a.channelCommand(), a.envCommand(), builderCommand())
	root.CompletionOptions.DisableDefaultCmd = true
	cmdline.Apply(root)
	return root
}

func (a *app) globalFlags(f *pflag.FlagSet) {
	f.StringVar(&a.repo, "repo", ".", "repository root")
	f.StringVar(&a.topology, "topology", "", "topology file (default $CARECHAIN_TOPOLOGY or REPO/network/topology.yaml)")
	f.StringVar(&a.home, "home", "", "state folder (default $CARECHAIN_HOME or REPO/.carechain); carectl's --home names the same")
	f.StringVar(&a.home, "network", "", "the state folder: an alias of --home")
	_ = f.MarkDeprecated("network", "use --home")
	f.StringVar(&a.host, "host", "", "only act on the nodes placed on this host")
	f.BoolVar(&a.noDeploy, "no-deploy", false, "up: do not deploy chaincode")
	f.BoolVar(&a.watch, "watch", true, "up: start a background supervisor that restarts nodes that exit (down and clean stop it)")
	a.budget = supervise.DefaultBudget
	f.IntVar(&a.budget.Restarts, "restarts", a.budget.Restarts, "up, supervise: restarts allowed per node within --restart-window")
	f.DurationVar(&a.budget.Window, "restart-window", a.budget.Window, "up, supervise: the window restarts are counted in")
	a.versions = map[string]string{}
	f.Func("cc-version", "up, deploy, lifecycle: stamp a chaincode's build, NAME=VERSION (repeatable); a new stamp upgrades it", func(v string) error {
		name, version, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return fmt.Errorf("want NAME=VERSION")
		}
		a.versions[name] = version
		return nil
	})
}

// checkFlags refuses a root flag given to a command it means nothing to.
func (a *app) checkFlags(cmd *cobra.Command, _ []string) error {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if cmds, ok := appliesTo[f.Name]; ok && err == nil && !slices.Contains(cmds, cmd.Name()) {
			err = cmdline.Usagef(cmd, "--%s applies to %s only", f.Name, strings.Join(cmds, ", "))
		}
	})
	return err
}

// stateDir is the state folder the line names.
func (a *app) stateDir() (home.Dir, string, error) {
	root, err := filepath.Abs(a.repo)
	if err != nil {
		return "", "", err
	}
	if a.home == "" {
		return home.Resolve(root), root, nil
	}
	h, err := filepath.Abs(a.home)
	return home.Dir(h), root, err
}

// consortium opens the consortium of the line's state folder; check, when
// set, vets the folder first.
func (a *app) consortium(check func(home.Dir) error) (*consortium.Consortium, error) {
	h, root, err := a.stateDir()
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(h); err != nil {
			return nil, err
		}
	}
	c, err := consortium.New(consortium.Options{Repo: root, Topology: a.topology, Home: string(h), Host: a.host, Out: a.out})
	if err != nil {
		return nil, err
	}
	c.Versions = a.versions
	return c, nil
}

// existingState is the check of the commands that act on nodes that ran:
// a state folder, not a folder that merely exists.
func existingState(h home.Dir) error {
	if err := h.CheckState(); err != nil {
		if isNotExist(err) {
			return fmt.Errorf("no carechain state folder at %s (carenet up makes one): %w", h, err)
		}
		return err
	}
	return nil
}
