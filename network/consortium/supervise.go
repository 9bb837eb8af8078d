package consortium

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/carechain/carechain/network/health"
	"github.com/carechain/carechain/network/proc"
	"github.com/carechain/carechain/network/supervise"
	"github.com/carechain/carechain/network/topology"
)

// SupervisorID names the supervisor's log and pid files (HOME/logs,
// HOME/run); with --host, one per host.
func (c *Consortium) SupervisorID() string {
	if c.Host != "" {
		return "supervisor-" + c.Host
	}
	return "supervisor"
}

// ErrSupervised is a second supervisor refused for one state folder.
var ErrSupervised = errors.New("a supervisor already runs for this state folder")

// Supervise restarts every local node that exits, within budget, until ctx
// ends (carenet supervise): the nodes of the topology that a successful up
// commissioned, not a node that a failed reconcile tried to add. The pid file names this process, so `carenet
// down` stops it before it stops the nodes.
func (c *Consortium) Supervise(ctx context.Context, budget supervise.Budget) error {
	if err := c.claimSupervisor(); err != nil {
		return err
	}
	defer c.releaseSupervisor()
	var targets []supervise.Target
	for _, n := range c.Nodes() {
		if c.local(n) && c.commissioned(n) {
			targets = append(targets, c.supervised(n))
		}
	}
	fmt.Fprintf(c.Out, "%s supervising %d nodes of %s (budget %s each)\n",
		time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00"), len(targets), c.Home, budget)
	s := &supervise.Supervisor{Targets: targets, Budget: budget, Out: c.Out}
	err := s.Run(ctx)
	fmt.Fprintf(c.Out, "%s supervisor stopped: %v\n", time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00"), err)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// supervised is a node as a supervision target: running is its pid file's
// process, starting it is carenet up's start of that node.
func (c *Consortium) supervised(n topology.Node) supervise.Target {
	pidFile, bin, log := c.Home.Pid(n.ID()), c.binaryOf(n), c.Home.Log(n.ID())
	return supervise.Target{
		ID:      n.ID(),
		Log:     log,
		Running: func() bool { _, ok := proc.Running(pidFile, bin); return ok },
		Start: func(context.Context) error {
			if err := proc.Reap(pidFile, bin); err != nil {
				return err
			}
			spec, err := c.procSpec(n)
			if err != nil {
				return err
			}
			_, err = proc.Start(spec)
			return err
		},
		Healthy: func(ctx context.Context) bool {
			ctx, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			ok, _ := health.Healthy(ctx, n.OperationsAddress())
			return ok
		},
		Tail: func(k int) []string { lines, _ := Tail(log, k); return lines },
	}
}

// claimSupervisor writes this process's pid into the supervisor's pid file,
// unless another live carenet holds it.
func (c *Consortium) claimSupervisor() error {
	pidFile := c.Home.Pid(c.SupervisorID())
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if pid, ok := proc.Running(pidFile, self); ok && pid != os.Getpid() {
		return fmt.Errorf("%w (pid %d, %s)", ErrSupervised, pid, pidFile)
	}
	if err := os.MkdirAll(filepath.Dir(pidFile), 0o755); err != nil {
		return err
	}
	return os.WriteFile(pidFile, []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644)
}

func (c *Consortium) releaseSupervisor() {
	pidFile := c.Home.Pid(c.SupervisorID())
	if proc.Pid(pidFile) == os.Getpid() {
		_ = os.Remove(pidFile)
	}
}

// StartSupervisor starts `carenet ARGS... supervise` in the background,
// unless one runs. carenet is this program; args locate the consortium
// (--repo, --home, --topology, --host) and set the budget.
func (c *Consortium) StartSupervisor(args []string) (int, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	id := c.SupervisorID()
	if pid, ok := proc.Running(c.Home.Pid(id), self); ok {
		return pid, nil
	}
	env := []string{"FABRIC_BIN=" + c.Bin}
	if c.Launcher != "" {
		// The supervisor starts nodes again as up does: through the launcher.
		env = append(env, LauncherEnv+"="+c.Launcher)
	}
	return proc.Start(proc.Spec{Binary: self, Args: append(args, "supervise"), Dir: string(c.Home),
		Env: env, LogFile: c.Home.Log(id), PidFile: c.Home.Pid(id)})
}

// StopSupervisor stops the background supervisor, if one runs, so that
// stopping nodes does not look like nodes dying.
func (c *Consortium) StopSupervisor() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	return proc.Stop(c.Home.Pid(c.SupervisorID()), self, 10*time.Second)
}

// SupervisorPid is the background supervisor's pid, 0 when none runs.
func (c *Consortium) SupervisorPid() int {
	self, err := os.Executable()
	if err != nil {
		return 0
	}
	pid, ok := proc.Running(c.Home.Pid(c.SupervisorID()), self)
	if !ok {
		return 0
	}
	return pid
}
