//go:build e2e

package netns

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/carechain/carechain/network/proc"
)

// Prefix starts the name of every namespace this test makes, followed by
// the test process's pid: a run's namespaces are told from another run's,
// and those of a run that died without its clean-up (its pid gone) are
// removed by the next run.
const Prefix = "ccns"

// subnet is the /24 of the lab's bridge. Each run's namespaces are a
// network of their own, so runs side by side never meet.
const subnet = "10.213.0."

// lab is a set of network namespaces on one bridge: one per org (its
// host), and a hub that holds the bridge and is the operator's host.
type lab struct {
	id    string // Prefix + pid
	hub   string // the hub's namespace
	hosts []*host
	// links are the test's own namespace's links before the lab was made.
	links []string
}

// host is one org's machine: a namespace with one address on the bridge.
type host struct {
	org  string
	ns   string
	addr string
	link string // the hub's end of the host's cable, a bridge port
}

// ns is the namespace name of a part of the lab.
func (l *lab) ns(part string) string { return l.id + "-" + part }

// host is the org's host, or nil.
func (l *lab) host(org string) *host {
	for _, h := range l.hosts {
		if h.org == org {
			return h
		}
	}
	return nil
}

// needLab skips the test where namespaces cannot be made: not root, no
// iproute2, or a kernel (container) that refuses them.
func needLab(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: network namespaces need root (this runs as uid " + strconv.Itoa(os.Geteuid()) + ")")
	}
	for _, tool := range []string{"ip", "ss", "mount", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("skipped: %s not found (iproute2, util-linux): %v", tool, err)
		}
	}
	probe := fmt.Sprintf("%s%d-probe", Prefix, os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		t.Skipf("skipped: this kernel refuses network namespaces: ip netns add: %v: %s", err, out)
	}
	if out, err := exec.Command("ip", "netns", "del", probe).CombinedOutput(); err != nil {
		t.Fatalf("ip netns del %s: %v: %s", probe, err, out)
	}
}

// newLab makes the hub with its bridge (subnet.1) and one host per org
// (subnet.10, .11, …), each cabled to the bridge by a veth pair made
// directly inside the two namespaces (nothing of the lab is ever in the
// test's own namespace). Every namespace gets its loopback up. Its
// removal is registered first, so a half-made lab is removed too.
func newLab(t *testing.T, ctx context.Context, orgs []string) *lab {
	t.Helper()
	reapStale(t)
	l := &lab{id: fmt.Sprintf("%s%d", Prefix, os.Getpid())}
	l.hub = l.ns("hub")
	l.links = rootLinks()
	t.Cleanup(func() { l.remove(t) })
	stop := removeOnSignal(l)
	t.Cleanup(stop)
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	run("netns", "add", l.hub)
	run("-n", l.hub, "link", "set", "lo", "up")
	run("-n", l.hub, "link", "add", "br0", "type", "bridge")
	run("-n", l.hub, "addr", "add", subnet+"1/24", "dev", "br0")
	run("-n", l.hub, "link", "set", "br0", "up")
	for i, org := range orgs {
		h := &host{org: org, ns: l.ns(org), addr: fmt.Sprintf("%s%d", subnet, 10+i), link: fmt.Sprintf("v%d", i)}
		l.hosts = append(l.hosts, h)
		run("netns", "add", h.ns)
		run("-n", h.ns, "link", "set", "lo", "up")
		run("link", "add", "eth0", "netns", h.ns, "type", "veth", "peer", "name", h.link, "netns", l.hub)
		run("-n", h.ns, "addr", "add", h.addr+"/24", "dev", "eth0")
		run("-n", h.ns, "link", "set", "eth0", "up")
		run("-n", l.hub, "link", "set", h.link, "master", "br0")
		run("-n", l.hub, "link", "set", h.link, "up")
	}
	return l
}

// removeOnSignal removes the lab when the test is interrupted (SIGINT,
// SIGTERM: a ^C, a CI job cancelled), where no clean-up would run, and
// exits; the returned function stops watching.
func removeOnSignal(l *lab) func() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sig:
			fmt.Fprintf(os.Stderr, "netns: %v: removing the lab %s\n", s, l.id)
			var mine []string
			for ns, pid := range ours() {
				if pid == os.Getpid() {
					mine = append(mine, ns)
				}
			}
			if err := removeNamespaces(mine); err != nil {
				fmt.Fprintln(os.Stderr, "netns:", err)
			}
			os.Exit(1)
		case <-done:
		}
	}()
	return func() { signal.Stop(sig); close(done) }
}

// setLink cuts (up false) or restores the cable of org's host at the hub.
func (l *lab) setLink(t *testing.T, org string, up bool) {
	t.Helper()
	state := "down"
	if up {
		state = "up"
	}
	if out, err := exec.Command("ip", "-n", l.hub, "link", "set", l.host(org).link, state).CombinedOutput(); err != nil {
		t.Fatalf("ip link set %s %s: %v: %s", l.host(org).link, state, err, out)
	}
}

// namespaces are the lab's namespace names, hosts first, the hub last.
func (l *lab) namespaces() []string {
	var names []string
	for _, h := range l.hosts {
		names = append(names, h.ns)
	}
	return append(names, l.hub)
}

// remove kills every process left in the lab's namespaces (the hub's
// first: the operator's carenet and supervisor, which would start nodes
// again) and deletes the namespaces, and with them their links. It
// reports what it could not remove.
func (l *lab) remove(t *testing.T) {
	t.Helper()
	if err := removeNamespaces(append([]string{l.hub}, l.namespaces()[:len(l.hosts)]...)); err != nil {
		t.Errorf("removing the lab %s: %v", l.id, err)
	}
	for name, pid := range ours() {
		if pid == os.Getpid() {
			t.Errorf("namespace %s is left", name)
		}
	}
	if now := rootLinks(); !slices.Equal(now, l.links) {
		t.Errorf("the test's own namespace had links %v before the lab, now %v", l.links, now)
	}
}

// rootLinks are the names of the links of the test's own namespace.
func rootLinks() []string {
	out, _ := exec.Command("ip", "-o", "link", "show").Output()
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			names = append(names, strings.TrimSuffix(f[1], ":"))
		}
	}
	slices.Sort(names)
	return names
}

func removeNamespaces(names []string) error {
	var errs []string
	for _, ns := range names {
		if !exists(ns) {
			continue
		}
		if left := killAll(ns); len(left) > 0 {
			errs = append(errs, fmt.Sprintf("%s: processes %v outlived SIGKILL", ns, left))
		}
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Sprintf("ip netns del %s: %v: %s", ns, err, out))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// killAll kills the processes of a namespace until none is left (a dying
// supervisor may have started one more), for up to five seconds.
func killAll(ns string) []int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		pids := pidsIn(ns)
		if len(pids) == 0 || time.Now().After(deadline) {
			return pids
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pidsIn are the live processes whose network namespace is ns.
func pidsIn(ns string) []int {
	out, err := exec.Command("ip", "netns", "pids", ns).Output()
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && proc.Alive(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func exists(ns string) bool {
	_, err := os.Stat(filepath.Join("/run/netns", ns))
	return err == nil
}

// ours lists the namespaces made by this test, by any run: the pid of
// the run that made each.
func ours() map[string]int {
	out, _ := exec.Command("ip", "netns", "list").Output()
	re := regexp.MustCompile(`^` + Prefix + `(\d+)-\S+`)
	found := map[string]int{}
	for _, line := range strings.Split(string(out), "\n") {
		if m := re.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			pid, _ := strconv.Atoi(m[1])
			found[m[0]] = pid
		}
	}
	return found
}

// reapStale removes the namespaces of runs whose process is gone (a run
// killed before its clean-up), and what runs in them.
func reapStale(t *testing.T) {
	t.Helper()
	var stale []string
	for ns, pid := range ours() {
		if pid != os.Getpid() && !proc.Alive(pid) {
			stale = append(stale, ns)
		}
	}
	if len(stale) == 0 {
		return
	}
	t.Logf("removing namespaces of an earlier run that died: %v", stale)
	if err := removeNamespaces(stale); err != nil {
		t.Errorf("stale namespaces: %v", err)
	}
}

// onHost is a command run on org's host: in its network namespace, in a
// mount namespace of its own where every other org's private folder
// (HOME/orgs/OTHER) is an empty read-only tmpfs, as if on another machine.
// The command must be last: the script execs it, keeping its pid.
func onHost(h *host, home string, others []string, command ...string) []string {
	var script bytes.Buffer
	script.WriteString("set -e\n")
	for _, o := range others {
		dir := filepath.Join(home, "orgs", o)
		fmt.Fprintf(&script, "mkdir -p %q && "+tool("mount")+" -t tmpfs -o ro,size=4k,mode=0555 ccns-elsewhere %q\n", dir, dir)
	}
	script.WriteString(`exec "$@"` + "\n")
	return append([]string{tool("ip"), "netns", "exec", h.ns, tool("sh"), "-c", script.String(), "on-" + h.org}, command...)
}

// tool is a program's path (the launcher runs with the nodes' PATH).
func tool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return name
}

// The namespaces of a run that died before its clean-up (its pid gone)
// are removed by the next run, with what still runs in them; a live
// run's are not touched.
func TestStaleLabsAreRemoved(t *testing.T) {
	needLab(t)
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead, live := fmt.Sprintf("%s%d-stale", Prefix, gone.Process.Pid), fmt.Sprintf("%s%d-live", Prefix, os.Getpid())
	if proc.Alive(gone.Process.Pid) {
		t.Skip("the pid was taken again at once")
	}
	t.Cleanup(func() { _ = removeNamespaces([]string{dead, live}) })
	for _, ns := range []string{dead, live} {
		if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			t.Fatalf("ip netns add %s: %v: %s", ns, err, out)
		}
	}
	sleeper := exec.Command("ip", "netns", "exec", dead, "sleep", "300")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = sleeper.Wait() }()
	for i := 0; i < 100 && len(pidsIn(dead)) == 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if len(pidsIn(dead)) == 0 {
		t.Fatal("the sleeper never ran in the stale namespace")
	}
	reapStale(t)
	if exists(dead) {
		t.Errorf("the stale namespace %s is left", dead)
	}
	if proc.Alive(sleeper.Process.Pid) {
		t.Errorf("the process in the stale namespace (pid %d) still runs", sleeper.Process.Pid)
	}
	if !exists(live) {
		t.Errorf("the namespace %s of a live run was removed", live)
	}
}
