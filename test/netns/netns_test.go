//go:build e2e

// Package netns runs a consortium across several hosts on one machine:
// each org's nodes on a host of their own, a Linux network namespace with
// one address on a bridge, where the org's own folder is the only one of
// the state folder's private folders (HOME/orgs/ORG) that they can read.
// carenet, the operator's tool, runs on a host of its own (the hub, which
// holds the bridge) and starts each node on its host through a launcher
// (CARENET_LAUNCHER); each org's client (carectl) runs on that org's host.
// It shows that endorsement by several orgs and reads across orgs work,
// that an org whose cable is cut catches up once it is back, and that
// every node listens only on its own host's address; and it leaves no
// namespace, link or process behind. Needs root and iproute2, else it is
// skipped. Run with `make e2e` (scripts/e2e.sh).
package netns

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carechain/carechain/network/proc"
)

// orgs are the consortium's orgs, one host each, in address order.
var orgs = []string{"orderer", "provider", "payer", "regulator"}

// topologyYAML is a small consortium: one orderer, three peer orgs on
// care, the baseline chaincode endorsed by any two of them. %s are the
// hosts' addresses in the order of orgs, then the port base.
const topologyYAML = `portBase: %[5]s
orgs:
  - name: orderer
    mspId: OrdererMSP
    parts: [orderer]
    host: %[1]s
    orderers: [orderer1]
    users: [{name: admin, type: admin}]
  - name: provider
    mspId: ProviderMSP
    parts: [provider]
    host: %[2]s
    peers: [peer0]
    users: [{name: admin, type: admin}, {name: app1}]
  - name: payer
    mspId: PayerMSP
    parts: [payer]
    host: %[3]s
    peers: [peer0]
    users: [{name: admin, type: admin}, {name: app1}]
  - name: regulator
    mspId: RegulatorMSP
    parts: [regulator]
    host: %[4]s
    peers: [peer0]
    users: [{name: admin, type: admin}, {name: app1}]
channels:
  - name: care
    orgs: [provider, payer, regulator]
chaincodes:
  - name: baseline
    path: ./test/bench/baseline
    channels:
      care:
        endorsement: "OutOf(2, 'ProviderMSP.peer', 'PayerMSP.peer', 'RegulatorMSP.peer')"
`

// world is the running lab: its hosts, the state folder and the tools.
type world struct {
	lab              *lab
	repo, home, dir  string
	carenet, carectl string
	fabricBin        string
	ports            string
}

func TestConsortiumAcrossNetworkNamespaces(t *testing.T) {
	needLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	w := newWorld(t, ctx)
	t.Logf("lab %s made, tools built: %.1fs", w.lab.id, time.Since(start).Seconds())

	up := time.Now()
	if out, err := w.operator(ctx, "up"); err != nil {
		w.logTails(t)
		t.Fatalf("carenet up across the hosts: %v\n%s", err, out)
	}
	t.Logf("carenet up across %d hosts: %.1fs", len(w.lab.hosts), time.Since(up).Seconds())

	t.Run("every node listens only on its own host's address", func(t *testing.T) { w.checkListeners(t) })
	t.Run("each org's processes see only its own private folder", func(t *testing.T) { w.checkFolders(t) })
	t.Run("endorsement by two orgs, read by every org on its own host", func(t *testing.T) { w.checkCrossOrg(t, ctx) })
	t.Run("a host whose link is cut catches up when it is back", func(t *testing.T) { w.checkPartition(t, ctx) })
	t.Logf("whole test: %.1fs", time.Since(start).Seconds())
}

func newWorld(t *testing.T, ctx context.Context) *world {
	t.Helper()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{repo: repo, ports: "27000"}
	if p := os.Getenv("CARECHAIN_E2E_PORT_BASE"); p != "" {
		w.ports = p
	}
	w.dir = t.TempDir()
	// The state folder is the test's to remove (after the lab: no node
	// may still write into it), unless kept to look at.
	if w.home = os.Getenv("CARECHAIN_NETNS_HOME"); w.home == "" {
		if w.home, err = os.MkdirTemp("", "carechain-netns-"); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { w.removeHome(t) })
	w.buildTools(t, ctx)
	w.lab = newLab(t, ctx, orgs)
	// Registered after the lab's removal, so it runs before it: nodes are
	// stopped by carenet first, then whatever is left is killed.
	t.Cleanup(func() { w.down(t) })
	var addrs []any
	for _, h := range w.lab.hosts {
		addrs = append(addrs, h.addr)
	}
	topo := filepath.Join(w.dir, "topology.yaml")
	if err := os.WriteFile(topo, []byte(fmt.Sprintf(topologyYAML, append(addrs, w.ports)...)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.launcherPath(), []byte(w.launcher()), 0o755); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) launcherPath() string { return filepath.Join(w.dir, "launch") }

// buildTools builds carenet and carectl into the test's folder and finds
// the Fabric binaries (FABRIC_BIN, else scripts/fabric-bins.sh).
func (w *world) buildTools(t *testing.T, ctx context.Context) {
	t.Helper()
	w.carenet, w.carectl = filepath.Join(w.dir, "carenet"), filepath.Join(w.dir, "carectl")
	for bin, pkg := range map[string]string{w.carenet: "./network/cmd/carenet", w.carectl: "./client/cmd/carectl"} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
		cmd.Dir = w.repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	if w.fabricBin = os.Getenv("FABRIC_BIN"); w.fabricBin == "" {
		out, err := exec.CommandContext(ctx, filepath.Join(w.repo, "scripts", "fabric-bins.sh")).Output()
		if err != nil {
			t.Fatalf("scripts/fabric-bins.sh: %v", err)
		}
		w.fabricBin = strings.TrimSpace(string(out))
	}
}

// others are the orgs other than org.
func others(org string) []string {
	return slices.DeleteFunc(slices.Clone(orgs), func(o string) bool { return o == org })
}

// launcher is the program carenet starts every node through: LAUNCHER ORG
// NODE HOST BINARY ARGS... runs BINARY on the org's host (onHost), and
// refuses a node placed on another address than that host's.
func (w *world) launcher() string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# carenet's launcher into the namespace lab (test/netns): ORG NODE HOST BINARY ARGS...\n")
	b.WriteString("org=$1 node=$2 addr=$3\nshift 3\ncase \"$org\" in\n")
	for _, h := range w.lab.hosts {
		// ip netns exec NS sh -c SCRIPT NAME, then the node's command.
		cmd := onHost(h, w.home, others(h.org))
		fmt.Fprintf(&b, "%s)\n  [ \"$addr\" = %q ] || { echo \"$node is placed on $addr, not on the host of $org (%s)\" >&2; exit 2; }\n", h.org, h.addr, h.addr)
		fmt.Fprintf(&b, "  exec %s %s %s %s %s %s '%s' %s \"$@\";;\n", cmd[0], cmd[1], cmd[2], cmd[3], cmd[4], cmd[5], cmd[6], cmd[7])
	}
	b.WriteString("*) echo \"no host for org $org\" >&2; exit 2;;\nesac\n")
	return b.String()
}

// env is the operator's and the clients' environment.
func (w *world) env() []string {
	return append(os.Environ(), "CARECHAIN_HOME="+w.home, "CARECHAIN_PORT_BASE="+w.ports, "FABRIC_BIN="+w.fabricBin,
		"CARENET_LAUNCHER="+w.launcherPath(), "CARECTL_WALLET="+filepath.Join(w.dir, "wallet"))
}

// operator runs carenet on the hub, the operator's host, and returns its
// output. On one machine carenet is the operator of every org (it does
// the exchange between the orgs' folders); the nodes it starts run each
// on its org's host.
func (w *world) operator(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", w.lab.hub, w.carenet,
		"--repo", w.repo, "--topology", filepath.Join(w.dir, "topology.yaml")}, args...)...)
	cmd.Env = w.env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// client runs carectl as org's app1 on the org's host, with --output json.
func (w *world) client(ctx context.Context, org string, args ...string) ([]byte, error) {
	argv := onHost(w.lab.host(org), w.home, others(org),
		append([]string{w.carectl, "--network", w.home, "--org", org, "--user", "app1", "--channel", "care", "-o", "json"}, args...)...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = w.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("carectl %s as %s: %w: %s%s", strings.Join(args, " "), org, err, out, stderr.Bytes())
	}
	return out, nil
}

// down stops the consortium as the operator would; the lab's removal
// then kills whatever is left.
func (w *world) down(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if out, err := w.operator(ctx, "down"); err != nil {
		t.Errorf("carenet down: %v\n%s", err, out)
	}
}

// removeHome checks that nothing of the run is left, then removes the
// state folder.
func (w *world) removeHome(t *testing.T) {
	if ps, err := proc.Within(w.home); err == nil && len(ps) > 0 {
		t.Errorf("processes are left in %s: %v", w.home, ps)
	}
	if os.Getenv("CARECHAIN_NETNS_KEEP") != "" || os.Getenv("CARECHAIN_NETNS_HOME") != "" {
		t.Logf("state folder kept: %s", w.home)
		return
	}
	_ = os.RemoveAll(w.home)
}

func (w *world) logTails(t *testing.T) {
	logs, _ := filepath.Glob(filepath.Join(w.home, "logs", "*.log"))
	for _, l := range logs {
		data, err := os.ReadFile(l)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		t.Logf("==> %s <==\n%s", l, strings.Join(lines[max(0, len(lines)-20):], "\n"))
	}
}

// checkListeners reads each host's listening sockets (ss, in its
// namespace): every one is on the host's own address, none on a wildcard
// or loopback, and every node of the org listens there.
func (w *world) checkListeners(t *testing.T) {
	for _, h := range w.lab.hosts {
		out, err := exec.Command("ip", "netns", "exec", h.ns, "ss", "-Hltnu").Output()
		if err != nil {
			t.Fatalf("ss on %s: %v", h.org, err)
		}
		n := 0
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 5 {
				continue
			}
			host, _, err := net.SplitHostPort(f[4])
			if err != nil || host != h.addr {
				t.Errorf("%s's host listens on %s, not only on its address %s: %s", h.org, f[4], h.addr, sc.Text())
			}
			n++
		}
		// The org's CA listens twice (API, operations), an orderer three
		// times (clients and cluster, admin, operations), a peer three
		// times (peer, chaincode, operations).
		if want := 2 + 3; n < want {
			t.Errorf("%s's host has %d listeners, want at least %d:\n%s", h.org, n, want, out)
		}
		t.Logf("%s (%s): %d listeners, all on %s", h.org, h.ns, n, h.addr)
	}
	// The operator's host and the test's own namespace: no listener of the
	// lab anywhere but on the hosts.
	if out, _ := exec.Command("ip", "netns", "exec", w.lab.hub, "ss", "-Hltnu").Output(); len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("the operator's host listens:\n%s", out)
	}
}

// checkFolders reads, through /proc/PID/root (the process's own view of
// the file system), what each node and its children see of the orgs'
// private folders: their own org's holds its keys, every other org's is
// empty.
func (w *world) checkFolders(t *testing.T) {
	pids, _ := filepath.Glob(filepath.Join(w.home, "run", "*.pid"))
	checked := 0
	for _, pf := range pids {
		node := strings.TrimSuffix(filepath.Base(pf), ".pid")
		org := orgOfNode(node)
		if org == "" {
			continue // the supervisor: the operator's process
		}
		for _, pid := range proc.GroupMembers(proc.Pid(pf)) {
			root := fmt.Sprintf("/proc/%d/root", pid)
			for _, o := range orgs {
				entries, err := os.ReadDir(root + filepath.Join(w.home, "orgs", o))
				switch {
				case o == org && (err != nil || len(entries) == 0):
					t.Errorf("%s (pid %d) cannot read its own org's folder: %v", node, pid, err)
				case o != org && len(entries) > 0:
					t.Errorf("%s (pid %d) of %s sees %s's private folder: %d entries", node, pid, org, o, len(entries))
				}
			}
			checked++
		}
	}
	if checked < len(orgs) {
		t.Fatalf("checked %d processes, want at least one per org", checked)
	}
	t.Logf("%d node processes (chaincode included) see their own org's folder only", checked)
}

// orgOfNode is the org of a node id (ca.ORG, peer0.ORG, orderer1.ORG).
func orgOfNode(id string) string {
	_, org, ok := strings.Cut(id, ".")
	if !ok || !slices.Contains(orgs, org) {
		return ""
	}
	return org
}

type txOut struct {
	TxID   string          `json:"txId"`
	Block  uint64          `json:"block"`
	Result json.RawMessage `json:"result"`
}

func (w *world) submit(t *testing.T, ctx context.Context, org string, args ...string) txOut {
	t.Helper()
	out, err := w.client(ctx, org, append([]string{"submit", "baseline"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	var tx txOut
	if err := json.Unmarshal(out, &tx); err != nil || tx.TxID == "" {
		t.Fatalf("submit output %q: %v", out, err)
	}
	return tx
}

// get reads key as org's client through its own org's peer.
func (w *world) get(ctx context.Context, org, key string) (string, error) {
	out, err := w.client(ctx, org, "evaluate", "baseline", "Get", key)
	if err != nil {
		return "", err
	}
	var tx txOut
	if err := json.Unmarshal(out, &tx); err != nil {
		return "", fmt.Errorf("evaluate output %q: %w", out, err)
	}
	var v string
	if err := json.Unmarshal(tx.Result, &v); err != nil {
		return "", fmt.Errorf("evaluate result %s: %w", tx.Result, err)
	}
	return v, nil
}

// checkCrossOrg: the provider's client submits through its own peer, the
// payer's and the regulator's peers endorse with it (two orgs, on their
// own hosts), and each org's client reads the value through its own peer.
func (w *world) checkCrossOrg(t *testing.T, ctx context.Context) {
	value := fmt.Sprintf("across-hosts-%d", time.Now().UnixNano())
	for _, endorsers := range []string{"ProviderMSP,PayerMSP", "ProviderMSP,RegulatorMSP"} {
		key := "netns-" + strings.ReplaceAll(endorsers, ",", "-")
		tx := w.submit(t, ctx, "provider", "Put", key, value, "--endorsers", endorsers)
		out, err := w.client(ctx, "regulator", "tx", tx.TxID)
		if err != nil {
			t.Fatal(err)
		}
		var info struct {
			Validation string   `json:"validation"`
			Endorsers  []string `json:"endorsers"`
		}
		if err := json.Unmarshal(out, &info); err != nil {
			t.Fatalf("tx output %q: %v", out, err)
		}
		if want := strings.Split(endorsers, ","); info.Validation != "VALID" || !slices.Equal(info.Endorsers, slices.Sorted(slices.Values(want))) {
			t.Errorf("tx %s: %s endorsed by %v, want VALID endorsed by %s", tx.TxID, info.Validation, info.Endorsers, endorsers)
		}
		for _, org := range []string{"provider", "payer", "regulator"} {
			got, err := w.waitValue(ctx, org, key, value, 30*time.Second)
			if err != nil {
				t.Errorf("%s reads %s: %q, %v; want %q", org, key, got, err, value)
			}
		}
	}
}

// waitValue reads key as org until it has want (a peer commits a block a
// moment after the submitting client's peer).
func (w *world) waitValue(ctx context.Context, org, key, want string, limit time.Duration) (string, error) {
	deadline := time.Now().Add(limit)
	for {
		got, err := w.get(ctx, org, key)
		if (err == nil && got == want) || time.Now().After(deadline) {
			return got, err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// minCut is how long the payer's cable stays cut.
const minCut = 10 * time.Second

// checkPartition cuts the payer's cable at the hub: the provider and the
// regulator go on (their two endorsements meet the policy) while the
// payer's peer, cut off, does not get their blocks; once the cable is
// back, the payer's peer catches up and reads what was written meanwhile.
func (w *world) checkPartition(t *testing.T, ctx context.Context) {
	before := w.submit(t, ctx, "provider", "Put", "netns-before-cut", "v-before", "--endorsers", "ProviderMSP,PayerMSP")
	if _, err := w.waitValue(ctx, "payer", "netns-before-cut", "v-before", 30*time.Second); err != nil {
		t.Fatalf("before the cut the payer reads: %v", err)
	}
	w.lab.setLink(t, "payer", false)
	restored := false
	defer func() {
		if !restored {
			w.lab.setLink(t, "payer", true)
		}
	}()
	cut := time.Now()
	var during []txOut
	for i := 0; i < 3; i++ {
		during = append(during, w.submit(t, ctx, "provider", "Put", fmt.Sprintf("netns-during-cut-%d", i), fmt.Sprintf("v%d", i), "--endorsers", "ProviderMSP,RegulatorMSP"))
	}
	if got, err := w.get(ctx, "regulator", "netns-during-cut-2"); err != nil || got != "v2" {
		t.Errorf("the regulator reads %q, %v while the payer is cut off; want v2", got, err)
	}
	// The cable stays cut for a while (longer than a few TCP
	// retransmissions); then the payer's peer, which answers its own
	// client from its own ledger, still lacks every block written since.
	time.Sleep(time.Until(cut.Add(minCut)))
	if got, err := w.get(ctx, "payer", "netns-during-cut-0"); err == nil {
		t.Errorf("the payer's peer, cut off, already has %q: the cable was not cut", got)
	} else if !strings.Contains(err.Error(), "NOT_FOUND") {
		t.Errorf("the payer's client on its own host: %v, want NOT_FOUND from its own peer", err)
	}
	t.Logf("while cut (%.1fs): %d transactions by the provider and the regulator, blocks %d..%d; the payer had block %d before the cut",
		time.Since(cut).Seconds(), len(during), during[0].Block, during[len(during)-1].Block, before.Block)
	w.lab.setLink(t, "payer", true)
	restored = true
	back := time.Now()
	for i := range during {
		if got, err := w.waitValue(ctx, "payer", fmt.Sprintf("netns-during-cut-%d", i), fmt.Sprintf("v%d", i), 120*time.Second); err != nil || got != fmt.Sprintf("v%d", i) {
			t.Fatalf("after the cable is back the payer reads %q, %v for netns-during-cut-%d", got, err, i)
		}
	}
	t.Logf("the payer's peer caught up %.1fs after its cable was back", time.Since(back).Seconds())
	// And it endorses again.
	tx := w.submit(t, ctx, "provider", "Put", "netns-after-cut", "ok", "--endorsers", "ProviderMSP,PayerMSP")
	if _, err := w.waitValue(ctx, "payer", "netns-after-cut", "ok", 30*time.Second); err != nil {
		t.Errorf("after the cut, tx %s: %v", tx.TxID, err)
	}
}
