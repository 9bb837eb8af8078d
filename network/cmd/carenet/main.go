// Command carenet runs the carechain consortium on this machine: it starts
// and stops the Fabric CAs, orderers and peers described in
// network/topology.yaml, creates the channels and deploys the chaincodes.
// It is also the peers' external chaincode builder (carenet builder STEP).
//
// Flags stand anywhere on the line (carenet status --home X acts on X);
// the Go flag package's single-dash form (-home X) still reads. Exit code
// 0 on success, 1 when the work failed, 2 when the line cannot be read.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/carechain/carechain/internal/cmdline"
	"github.com/carechain/carechain/network/ccbuilder"
	"github.com/carechain/carechain/network/consortium"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is carenet with its arguments and outputs: the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "builder" && !(len(args) == 2 && (args[1] == "--help" || args[1] == "-h")) { // the peers' call: positional only
		return builder(args[1:], stderr)
	}
	a := &app{out: stdout, errOut: stderr}
	root := a.rootCommand()
	root.SetArgs(cmdline.LongFlags(root, args))
	root.SetOut(stdout)
	root.SetErr(stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := root.ExecuteContext(ctx)
	if err != nil {
		a.printError(err)
	}
	return cmdline.ExitCode(err)
}

// printError says why carenet failed: the step, the node and its log's
// last lines when it was a node.
func (a *app) printError(err error) {
	w := a.errOut
	if cmdline.IsUsage(err) {
		msg := err.Error()
		if !strings.HasPrefix(msg, "carenet") {
			msg = "carenet: " + msg
		}
		fmt.Fprintf(w, "%s\n%s\n", msg, cmdline.HelpHint(err, "carenet"))
		return
	}
	var se *consortium.StepError
	if errors.As(err, &se) {
		fmt.Fprintf(w, "carenet: step %q failed", se.Step)
		if se.Undo != nil {
			fmt.Fprintf(w, "; undoing the run failed too: %v", se.Undo)
		} else {
			fmt.Fprintf(w, "; what this run changed is undone")
		}
		fmt.Fprintln(w)
	}
	var ne *consortium.NodeError
	if !errors.As(err, &ne) {
		fmt.Fprintf(w, "carenet: %v\n", err)
		return
	}
	fmt.Fprintf(w, "carenet: node %s failed: %v\n  log: %s\n", ne.Node, ne.Err, ne.Log)
	if lines, terr := consortium.Tail(ne.Log, 15); terr == nil {
		fmt.Fprintf(w, "  last lines of the log:\n")
		for _, l := range lines {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}

func builder(args []string, stderr io.Writer) int {
	if len(args) < 1 {
		fmt.Fprintln(stderr, "usage: carenet builder detect|build|release|run ARGS")
		return cmdline.ExitUsage
	}
	steps := map[string]func([]string) error{
		"detect": ccbuilder.Detect, "build": ccbuilder.Build, "release": ccbuilder.Release, "run": ccbuilder.Run,
	}
	step, ok := steps[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "carenet builder: unknown step %q\n", args[0])
		return cmdline.ExitUsage
	}
	if err := step(args[1:]); err != nil {
		fmt.Fprintf(stderr, "carenet builder %s: %v\n", args[0], err)
		return cmdline.ExitFailure
	}
	return cmdline.ExitOK
}
