package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/carechain/carechain/network/consortium"
	"github.com/carechain/carechain/network/home"
	"github.com/carechain/carechain/network/supervise"
)

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func (a *app) upCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "up [CHAINCODE...]",
		Short: "start the consortium (idempotent), create channels, deploy chaincode; then supervise it (--watch)",
		Long: `Starts the consortium (idempotent): CAs, orderers, peers, channels, then
deploys the chaincode (all, or the ones named; --no-deploy: none) and starts
a supervisor in the background (--watch=false: none). A failed up undoes
what it changed. The state folder must not exist yet, be empty, or be a
carechain state folder: up writes into no folder that holds other files.`,
		Example: `  carenet up
  carenet --no-deploy up
  CARECHAIN_HOME=/tmp/h1 CARECHAIN_PORT_BASE=11000 carenet up`,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.consortium(home.Dir.CheckUsable)
			if err != nil {
				return err
			}
			_, root, _ := a.stateDir()
			return a.up(cmd.Context(), c, superviseArgs(root, a.topology, a.host, a.budget), !a.noDeploy, args)
		},
	}
}

// up starts the nodes with no supervisor about (it would race up to start
// a node), then, with --watch, starts the supervisor in the background,
// and deploys the chaincode (all, or the ones named) when asked, packaged
// and installed while the nodes start (UpAndDeploy). A failed up leaves
// the consortium as it was, a supervisor that ran included (it watches
// the commissioned nodes only, not the ones a failed reconcile tried to
// add); a failed deploy leaves it up and supervised.
func (a *app) up(ctx context.Context, c *consortium.Consortium, args []string, deploy bool, names []string) error {
	supervised := c.SupervisorPid() > 0
	if err := c.StopSupervisor(); err != nil {
		return err
	}
	args = append([]string{"--home", string(c.Home)}, args...)
	afterUp := func() error { return a.startSupervisor(c, args) }
	var err error
	if deploy {
		err = c.UpAndDeploy(ctx, afterUp, names...)
	} else if err = c.Up(ctx); err == nil {
		err = afterUp()
	}
	var se *consortium.StepError
	if errors.As(err, &se) && supervised {
		if _, serr := c.StartSupervisor(args); serr != nil {
			fmt.Fprintf(a.errOut, "carenet: restart the supervisor: %v\n", serr)
		}
	}
	return err
}

// startSupervisor starts the supervisor in the background, with --watch.
func (a *app) startSupervisor(c *consortium.Consortium, args []string) error {
	if !a.watch {
		return nil
	}
	pid, err := c.StartSupervisor(args)
	if err != nil {
		return fmt.Errorf("start the supervisor: %w", err)
	}
	fmt.Fprintf(a.out, "supervisor running (pid %d): restarts nodes that exit; log: %s\n", pid, c.Home.Log(c.SupervisorID()))
	return nil
}

func (a *app) superviseCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "supervise",
		Short:   "restart nodes that exit, within a restart budget (what up --watch runs)",
		Example: `  carenet --restarts 5 --restart-window 10m supervise`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			return c.Supervise(cmd.Context(), a.budget)
		},
	}
}

func (a *app) deployCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "deploy [CHAINCODE...]",
		Short: "package, install, approve and commit changed chaincode (all, or the ones named)",
		Example: `  carenet deploy
  carenet deploy baseline
  carenet --cc-version baseline=2 deploy baseline   # a new build stamp: upgrade`,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			return c.Deploy(cmd.Context(), args...)
		},
	}
}

func (a *app) crlCommand() *cobra.Command {
	return &cobra.Command{
		Use: "crl ORG",
		Short: "put the CRL of ORG's CA into ORG's MSP on each of its channels (signed by ORG's admin): " +
			"the peers then refuse what a revoked certificate signs",
		Example: `  carenet crl provider`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			return c.UpdateCRL(cmd.Context(), args[0])
		},
	}
}

func (a *app) downCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "down",
		Short:   "stop every node of the state folder, keep all data",
		Example: `  carenet down --home /tmp/h1`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "down: stopping every node of %s\n", c.Home)
			a.stopSupervisor(c)
			return c.Down(cmd.Context())
		},
	}
}

func (a *app) cleanCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "clean",
		Short: "stop every node and remove the state folder (a carechain state folder only)",
		Long: `Stops every node of the state folder, then removes the folder, never while
one of its processes still runs. It removes only a carechain state folder:
one that holds the file ` + home.Marker + ` with a port number (up writes it first),
and never the root of the file system, your home folder or one of its
parents. A folder that does not exist is nothing to remove.`,
		Example: `  carenet clean --home /tmp/h1`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, _, err := a.stateDir()
			if err != nil {
				return err
			}
			if err := h.CheckRemovable(); isNotExist(err) {
				fmt.Fprintf(a.out, "clean: nothing to remove: %s does not exist\n", h)
				return nil
			} else if err != nil {
				return fmt.Errorf("clean refused, nothing removed: %w", err)
			}
			c, err := a.consortium(nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "clean: stopping every node of %s, then removing that folder\n", h)
			a.stopSupervisor(c)
			return c.Clean(cmd.Context())
		},
	}
}

func (a *app) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "status",
		Short:   "which nodes run; block height per channel and node",
		Example: `  carenet status --home /tmp/h1`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			if err := c.Status(cmd.Context(), a.out); err != nil {
				return err
			}
			a.printSupervisor(c)
			return nil
		},
	}
}

func (a *app) logsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "logs [NODE...]",
		Short: "list the log files (logs NODE prints the tail of one)",
		Example: `  carenet logs
  carenet logs peer0.provider`,
		RunE: func(_ *cobra.Command, args []string) error {
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			return c.Logs(a.out, args...)
		},
	}
}

func builderCommand() *cobra.Command {
	return &cobra.Command{
		Use:                "builder detect|build|release|run ARGS...",
		Short:              "the peers' external chaincode builder (the peers call it)",
		Example:            `  carenet builder detect SOURCE METADATA`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
				return cmd.Help()
			}
			if code := builder(args, cmd.ErrOrStderr()); code != 0 {
				return fmt.Errorf("builder exited %d", code)
			}
			return nil
		},
	}
}

// superviseArgs are the flags a background `carenet supervise` needs.
func superviseArgs(root, topo, host string, b supervise.Budget) []string {
	args := []string{"--repo", root, "--restarts", fmt.Sprint(b.Restarts), "--restart-window", b.Window.String()}
	if topo != "" {
		args = append(args, "--topology", topo)
	}
	if host != "" {
		args = append(args, "--host", host)
	}
	return args
}

// stopSupervisor stops the background supervisor before the nodes; one
// that will not stop is reported, and down's scan of the state folder
// stops it with whatever else runs there.
func (a *app) stopSupervisor(c *consortium.Consortium) {
	if err := c.StopSupervisor(); err != nil {
		fmt.Fprintf(a.errOut, "carenet: stop the supervisor: %v\n", err)
	}
}

func (a *app) printSupervisor(c *consortium.Consortium) {
	if pid := c.SupervisorPid(); pid > 0 {
		fmt.Fprintf(a.out, "supervisor running (pid %d); log: %s\n", pid, c.Home.Log(c.SupervisorID()))
		return
	}
	fmt.Fprintln(a.out, "supervisor not running: nodes that exit stay down until `make up`")
}
