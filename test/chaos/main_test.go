//go:build chaos

package chaos

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/profile"
	"github.com/carechain/carechain/network/consortium"
	"github.com/carechain/carechain/network/proc"
)

// env is the suite's consortium, set up by TestMain.
var env *cluster

// cluster is a consortium of the suite's own: its state folder, ports,
// binaries, and two clients — one straight to the peers (for checks), one
// whose provider gateway is reached through a TCP proxy and the other
// gateways directly (for the load, which fails over to them).
type cluster struct {
	repo, home, bin, fabricBin string
	portBase                   int
	prof                       *profile.Profile
	direct, viaProxy           *client.Client
	proxy                      *Proxy
}

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	c, err := setUp()
	if err != nil && c != nil && os.Getenv("CHAOS_REUSE") == "" {
		// A consortium that did not come up is a finding of its own (the
		// log tails say which node), not a fault the suite measures: it is
		// reported, its logs kept, and the set-up made once more from clean.
		fmt.Printf("chaos: FINDING: set-up failed, retrying once from a clean consortium: %v\n", err)
		c.postMortem()
		c.tearDown()
		c, err = setUp()
	}
	if err != nil {
		if c != nil {
			c.postMortem()
			c.tearDown()
		}
		fmt.Fprintln(os.Stderr, "chaos: set-up:", err)
		return 1
	}
	env = c
	code := m.Run()
	if code != 0 {
		c.postMortem()
	}
	if os.Getenv("CHAOS_KEEP") != "" {
		fmt.Printf("chaos: consortium left running in %s (CHAOS_KEEP)\n", c.home)
		return code
	}
	c.tearDown()
	return code
}

func setUp() (*cluster, error) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		return nil, err
	}
	c := &cluster{repo: repo, home: envOr("CARECHAIN_CHAOS_HOME", "/tmp/cc-chaos-suite")}
	if c.portBase, err = strconv.Atoi(envOr("CARECHAIN_CHAOS_PORT_BASE", "30000")); err != nil {
		return nil, err
	}
	if err := c.buildTools(); err != nil {
		return c, err
	}
	start := time.Now()
	steps := [][]string{{"clean"}, {"--no-deploy", "up"}, {"deploy", "baseline"}}
	if os.Getenv("CHAOS_REUSE") != "" { // a consortium a CHAOS_KEEP run left
		steps = steps[1:]
	}
	for _, args := range steps {
		if err := c.carenet(args...); err != nil {
			return c, fmt.Errorf("carenet %s: %w", strings.Join(args, " "), err)
		}
	}
	fmt.Printf("chaos: consortium up with baseline in %.1fs\n", time.Since(start).Seconds())
	if err := c.openClients(); err != nil {
		return c, err
	}
	env = c
	return c, c.ordererInStep()
}

// ordererInStep checks that every orderer replicates the care channel. A
// fresh `up` can leave a follower at height 1, never sent a block (its
// deliver service answers "consenter error", and a gateway that submits
// to it waits out its timeout); a restart mends it. That is reported, and
// mended, so that the faults are measured on a whole ordering service.
func (c *cluster) ordererInStep() error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	s, err := c.direct.Session("provider", "physician1")
	if err != nil {
		return err
	}
	defer s.Close()
	for restarted := false; ; time.Sleep(time.Second) {
		h, err := Height(ctx, s.Evaluate, channel)
		if err != nil {
			return err
		}
		stuck := behind(ctx, h)
		if len(stuck) == 0 || ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Until(deadlineOf(ctx)) < 70*time.Second && !restarted {
			fmt.Printf("chaos: FINDING: after up, %v not at care height %d (%v); restarting them\n", stuck, h, ordererHeights(ctx))
			for _, id := range stuck {
				_ = syscall.Kill(proc.Pid(filepath.Join(c.home, "run", id+".pid")), syscall.SIGKILL)
			}
			restarted = true
		}
	}
}

func deadlineOf(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}

// buildTools builds carenet and carectl into a folder of the run's own.
func (c *cluster) buildTools() error {
	out, err := exec.Command(filepath.Join(c.repo, "scripts", "fabric-bins.sh")).Output()
	if err != nil {
		return fmt.Errorf("fabric-bins.sh: %w", err)
	}
	c.fabricBin = strings.TrimSpace(string(out))
	if c.bin, err = os.MkdirTemp("", "cc-chaos-bin-"); err != nil {
		return err
	}
	for _, pkg := range []string{"./network/cmd/carenet", "./client/cmd/carectl"} {
		cmd := exec.Command("go", "build", "-o", c.bin, pkg)
		cmd.Dir, cmd.Stdout, cmd.Stderr = c.repo, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build %s: %w", pkg, err)
		}
	}
	return nil
}

// openClients opens the direct client and, through a proxy in front of
// the provider's gateway peer, the load's.
func (c *cluster) openClients() error {
	var err error
	if c.prof, err = profile.Load(c.home); err != nil {
		return err
	}
	c.direct = client.New(c.prof)
	gw, err := c.prof.Peer("peer0.provider")
	if err != nil {
		return err
	}
	if c.proxy, err = NewProxy(fmt.Sprintf("127.0.0.1:%d", c.portBase+90), gw.Address); err != nil {
		return err
	}
	proxied, err := profile.Load(c.home)
	if err != nil {
		return err
	}
	pgw, _ := proxied.Peer("peer0.provider")
	pgw.Address = c.proxy.Addr() // TLS still verifies the peer's name
	c.viaProxy = client.New(proxied)
	return nil
}

func (c *cluster) tearDown() {
	if c.viaProxy != nil {
		_ = c.viaProxy.Close()
		_ = c.direct.Close()
		_ = c.proxy.Close()
	}
	if err := c.carenet("clean"); err != nil {
		fmt.Fprintln(os.Stderr, "chaos: clean:", err)
	}
	if c.bin != "" {
		_ = os.RemoveAll(c.bin)
	}
}

// carenet runs the run's carenet on the suite's consortium.
func (c *cluster) carenet(args ...string) error {
	return c.carenetCtx(context.Background(), args...)
}

func (c *cluster) carenetCtx(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, "carenet"), append([]string{"--repo", c.repo}, args...)...)
	cmd.Env = append(os.Environ(), "CARECHAIN_HOME="+c.home, "CARECHAIN_PORT_BASE="+strconv.Itoa(c.portBase), "FABRIC_BIN="+c.fabricBin)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w\n%s", err, out.String())
	}
	return nil
}

func (c *cluster) printLogTails() {
	logs, _ := filepath.Glob(filepath.Join(c.home, "logs", "*.log"))
	for _, l := range logs {
		if lines, err := consortium.Tail(l, 6); err == nil {
			fmt.Printf("==> %s <==\n%s\n", l, strings.Join(lines, "\n"))
		}
	}
}

// postMortem prints the nodes' log tails and keeps their logs.
func (c *cluster) postMortem() {
	c.printLogTails()
	c.keepLogs()
}

// keepLogs copies the consortium's logs to CHAOS_LOGS (default
// /tmp/cc-chaos-logs) before the teardown removes them, for the post-mortem.
func (c *cluster) keepLogs() {
	dst := envOr("CHAOS_LOGS", "/tmp/cc-chaos-logs")
	_ = os.RemoveAll(dst)
	if err := exec.Command("cp", "-r", filepath.Join(c.home, "logs"), dst).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "chaos: keep logs:", err)
		return
	}
	fmt.Printf("chaos: the consortium's logs are kept in %s\n", dst)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func envInt(k string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(k)); err == nil && n > 0 {
		return n
	}
	return def
}
