// Command carenet runs the carechain consortium on this machine: it starts
// and stops the Fabric CAs, orderers and peers described in
// network/topology.yaml, creates the channels and deploys the chaincodes.
// It is also the peers' external chaincode builder (carenet builder STEP).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/carechain/carechain/network/ccbuilder"
	"github.com/carechain/carechain/network/consortium"
	"github.com/carechain/carechain/network/supervise"
)

const usage = `usage: carenet [flags] COMMAND

commands:
  up        start the consortium (idempotent), create channels, deploy chaincode;
            then supervise it in the background (--watch, on by default)
  supervise restart nodes that exit, within a restart budget (what up --watch runs)
  deploy    package, install, approve and commit changed chaincode
  approve   approve NAME --org ORG: one org's admin approves a chaincode's
            definition (built and installed on that org's peers); prints
            who has approved and who is missing (--json)
  commit    commit NAME: commit the definition once the approvals meet the
            channel's lifecycle policy; else names the orgs still to approve
  readiness readiness NAME: who has approved the definition as it is now,
            who is missing, whether it is committed (checkcommitreadiness)
  package   package NAME: build the package, print its id (a chaincode
            service's CHAINCODE_ID)
  crl       crl ORG: put the CRL of ORG's CA into ORG's MSP on each of its
            channels (signed by ORG's admin): the peers then refuse what a
            certificate revoked at the CA (carectl users revoke) signs
  down      stop every node, keep all data
  clean     stop every node and remove all state
  status    which nodes run; block height per channel and node
  logs      list the log files (logs NODE prints the tail of one)
  channel plan CHANNEL      write the config update that brings CHANNEL to the topology
                            into HOME/channels/CHANNEL/updates/, signed by nobody yet
  channel sign FILE --org ORG
                            add ORG's admin signature, with the key in ORG's own folder
  channel submit FILE [--org ORG]
                            submit it once its signatures meet the channel's policies
                            (else name the orgs still to sign); as ORG's admin or the first signer's
  env ORG [--user USER]     print export lines that make peer, osnadmin and configtxlator
                            act as ORG's admin (or USER): eval "$(carenet env provider)"
  builder   the peers' external builder (detect, build, release, run)

flags:
`

func main() {
	if len(os.Args) > 1 && os.Args[1] == "builder" {
		os.Exit(builder(os.Args[2:]))
	}
	fs := flag.NewFlagSet("carenet", flag.ExitOnError)
	repo := fs.String("repo", ".", "repository root")
	topo := fs.String("topology", "", "topology file (default REPO/network/topology.yaml)")
	home := fs.String("home", "", "state folder (default $CARECHAIN_HOME or REPO/.carechain)")
	host := fs.String("host", "", "only act on the nodes placed on this host")
	noDeploy := fs.Bool("no-deploy", false, "up: do not deploy chaincode")
	watch := fs.Bool("watch", true, "up: start a background supervisor that restarts nodes that exit (down and clean stop it)")
	budget := supervise.DefaultBudget
	fs.IntVar(&budget.Restarts, "restarts", budget.Restarts, "supervise: restarts allowed per node within --restart-window")
	fs.DurationVar(&budget.Window, "restart-window", budget.Window, "supervise: the window restarts are counted in")
	versions := map[string]string{}
	fs.Func("cc-version", "deploy: stamp a chaincode's build, NAME=VERSION (repeatable); a new stamp upgrades it", func(v string) error {
		name, version, ok := strings.Cut(v, "=")
		if !ok {
			return fmt.Errorf("want NAME=VERSION")
		}
		versions[name] = version
		return nil
	})
	fs.Usage = func() { fmt.Fprint(os.Stderr, usage); fs.PrintDefaults() }
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() < 1 {
		fs.Usage()
		os.Exit(2)
	}
	root, err := filepath.Abs(*repo)
	if err != nil {
		fail(err)
	}
	c, err := consortium.New(consortium.Options{Repo: root, Topology: *topo, Home: *home, Host: *host, Out: os.Stdout})
	if err != nil {
		fail(err)
	}
	c.Versions = versions
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd := fs.Arg(0); cmd {
	case "up":
		err = up(ctx, c, *watch, superviseArgs(root, *topo, *host, budget))
		if err == nil && !*noDeploy {
			err = c.Deploy(ctx, fs.Args()[1:]...)
		}
	case "supervise":
		err = c.Supervise(ctx, budget)
	case "deploy":
		err = c.Deploy(ctx, fs.Args()[1:]...)
	case "approve", "commit", "package", "readiness":
		err = lifecycle(ctx, c, cmd, fs.Args()[1:])
	case "crl":
		if fs.NArg() != 2 {
			fail(errors.New("usage: carenet crl ORG"))
		}
		err = c.UpdateCRL(ctx, fs.Arg(1))
	case "down":
		stopSupervisor(c)
		err = c.Down(ctx)
	case "clean":
		stopSupervisor(c)
		err = c.Clean(ctx)
	case "status":
		if err = c.Status(ctx, os.Stdout); err == nil {
			printSupervisor(c)
		}
	case "logs":
		err = c.Logs(os.Stdout, fs.Args()[1:]...)
	case "channel":
		err = channelCmd(ctx, c, fs.Args()[1:])
	case "env":
		err = envCmd(c, os.Stdout, fs.Args()[1:])
	default:
		fs.Usage()
		os.Exit(2)
	}
	if err != nil {
		fail(err)
	}
}

// up starts the nodes with no supervisor about (it would race up to start
// a node), then, with watch, starts the supervisor in the background.
// A failed up leaves the consortium as it was, a supervisor that ran
// included (it watches the commissioned nodes only, not the ones a failed
// reconcile tried to add).
func up(ctx context.Context, c *consortium.Consortium, watch bool, args []string) error {
	supervised := c.SupervisorPid() > 0
	if err := c.StopSupervisor(); err != nil {
		return err
	}
	if err := c.Up(ctx); err != nil {
		if supervised {
			if _, serr := c.StartSupervisor(append([]string{"--home", string(c.Home)}, args...)); serr != nil {
				fmt.Fprintf(os.Stderr, "carenet: restart the supervisor: %v\n", serr)
			}
		}
		return err
	}
	if !watch {
		return nil
	}
	pid, err := c.StartSupervisor(append([]string{"--home", string(c.Home)}, args...))
	if err != nil {
		return fmt.Errorf("start the supervisor: %w", err)
	}
	fmt.Printf("supervisor running (pid %d): restarts nodes that exit; log: %s\n", pid, c.Home.Log(c.SupervisorID()))
	return nil
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
func stopSupervisor(c *consortium.Consortium) {
	if err := c.StopSupervisor(); err != nil {
		fmt.Fprintf(os.Stderr, "carenet: stop the supervisor: %v\n", err)
	}
}

func printSupervisor(c *consortium.Consortium) {
	if pid := c.SupervisorPid(); pid > 0 {
		fmt.Printf("supervisor running (pid %d); log: %s\n", pid, c.Home.Log(c.SupervisorID()))
		return
	}
	fmt.Println("supervisor not running: nodes that exit stay down until `make up`")
}

func fail(err error) {
	if errors.Is(err, errUsage) {
		fmt.Fprintf(os.Stderr, "carenet: %v\n", err)
		os.Exit(2)
	}
	var se *consortium.StepError
	if errors.As(err, &se) {
		fmt.Fprintf(os.Stderr, "carenet: step %q failed", se.Step)
		if se.Undo != nil {
			fmt.Fprintf(os.Stderr, "; undoing the run failed too: %v", se.Undo)
		} else {
			fmt.Fprintf(os.Stderr, "; what this run changed is undone")
		}
		fmt.Fprintln(os.Stderr)
	}
	var ne *consortium.NodeError
	if errors.As(err, &ne) {
		fmt.Fprintf(os.Stderr, "carenet: node %s failed: %v\n  log: %s\n", ne.Node, ne.Err, ne.Log)
		if lines, terr := consortium.Tail(ne.Log, 15); terr == nil {
			fmt.Fprintf(os.Stderr, "  last lines of the log:\n")
			for _, l := range lines {
				fmt.Fprintf(os.Stderr, "    %s\n", l)
			}
		}
	} else {
		fmt.Fprintf(os.Stderr, "carenet: %v\n", err)
	}
	os.Exit(1)
}

func builder(args []string) int {
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "usage: carenet builder detect|build|release|run ARGS")
		return 2
	}
	steps := map[string]func([]string) error{
		"detect": ccbuilder.Detect, "build": ccbuilder.Build, "release": ccbuilder.Release, "run": ccbuilder.Run,
	}
	step, ok := steps[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "carenet builder: unknown step %q\n", args[0])
		return 2
	}
	if err := step(args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "carenet builder %s: %v\n", args[0], err)
		return 1
	}
	return 0
}
