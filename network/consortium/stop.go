package consortium

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/carechain/carechain/network/proc"
	"github.com/carechain/carechain/network/topology"
)

// stopGrace is how long a node has to exit after SIGTERM.
const stopGrace = 15 * time.Second

// Down stops every local node and the chaincode processes the peers run,
// peers first, then orderers, then CAs, nodes removed from the topology
// included; then, for the whole consortium (no --host), every other
// process that still works in the state folder, whatever a failed step
// left behind. Ledgers and certificates stay. It carries on past a node it
// cannot stop and reports every failure.
func (c *Consortium) Down(ctx context.Context) error {
	p := &progress{w: c.Out, start: time.Now()}
	var errs []error
	for _, kind := range []topology.Kind{topology.KindPeer, topology.KindOrderer, topology.KindCA} {
		ids := c.localIDs(kind)
		errs = append(errs, p.step("stop "+string(kind)+"s", func() error {
			return parallel(ids, len(ids)+1, func(id string) error {
				if err := proc.Stop(c.Home.Pid(id), c.binaryOfKind(kind), stopGrace); err != nil {
					return &NodeError{Node: id, Log: c.Home.Log(id), Err: err}
				}
				return nil
			})
		}))
	}
	if c.Host == "" {
		errs = append(errs, p.step("stop every other process in "+string(c.Home), c.stopLingering))
	}
	return errors.Join(errs...)
}

// localIDs are the ids of the local nodes of a kind, the topology's and
// the retired ones.
func (c *Consortium) localIDs(kind topology.Kind) []string {
	var ids []string
	for _, n := range c.nodesOf(kind) {
		if c.local(n) {
			ids = append(ids, n.ID())
		}
	}
	for _, r := range c.Retired() {
		if r.Kind == kind && (c.Host == "" || r.Host == c.Host) {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// Lingering lists the live processes of the consortium that work in its
// state folder (/proc: working folder, program or an argument inside it)
// and run one of its programs: a Fabric binary of FABRIC_BIN, a program
// inside the state folder (chaincode, the builder's carenet) or carenet
// (the supervisor). A shell or an editor in the folder is not one.
func (c *Consortium) Lingering() ([]proc.Process, error) {
	ps, err := proc.Within(string(c.Home))
	if err != nil {
		return nil, err
	}
	var out []proc.Process
	for _, p := range ps {
		if c.owns(p) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (c *Consortium) owns(p proc.Process) bool {
	within := func(dir string) bool {
		dir = filepath.Clean(dir)
		return dir != "." && strings.HasPrefix(p.Exe, dir+"/")
	}
	return within(string(c.Home)) || (c.Bin != "" && within(c.Bin)) || filepath.Base(p.Exe) == "carenet"
}

// stopLingering stops what Lingering finds, and fails naming what survives.
func (c *Consortium) stopLingering() error {
	ps, err := c.Lingering()
	if err != nil || len(ps) == 0 {
		return err
	}
	for _, p := range ps {
		fmt.Fprintf(c.Out, "  stopping %s, which no pid file names\n", p)
	}
	if left := proc.Terminate(ps, stopGrace); len(left) > 0 {
		return &RunningError{Home: string(c.Home), Processes: left}
	}
	return nil
}

// RunningError is a state folder whose processes still run.
type RunningError struct {
	Home      string
	Processes []proc.Process
}

func (e *RunningError) Error() string {
	names := make([]string, len(e.Processes))
	for i, p := range e.Processes {
		names[i] = p.String()
	}
	return fmt.Sprintf("%d processes of %s still run: %s", len(e.Processes), e.Home, strings.Join(names, "; "))
}

// Clean stops everything and removes the whole state folder, never while
// one of its processes still runs.
func (c *Consortium) Clean(ctx context.Context) error {
	if err := c.Down(ctx); err != nil {
		return fmt.Errorf("%w; the state folder is kept", err)
	}
	p := &progress{w: c.Out}
	return p.step("remove "+string(c.Home), c.removeState)
}

// removeState removes the state folder unless a process of it runs.
func (c *Consortium) removeState() error {
	ps, err := c.Lingering()
	if err != nil {
		return err
	}
	if len(ps) > 0 {
		return fmt.Errorf("not removed: %w", &RunningError{Home: string(c.Home), Processes: ps})
	}
	if _, err := os.Stat(string(c.Home)); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return os.RemoveAll(string(c.Home))
}
