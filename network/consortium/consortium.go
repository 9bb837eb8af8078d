// Package consortium brings the carechain consortium up and down as plain
// processes on one machine (or on several, one host at a time): Fabric CAs,
// etcdraft orderers and peers, channels made through the channel
// participation API, and chaincode deployed through the lifecycle.
package consortium

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sync"

	"github.com/carechain/carechain/network/fabriccli"
	"github.com/carechain/carechain/network/home"
	"github.com/carechain/carechain/network/proc"
	"github.com/carechain/carechain/network/topology"
)

// Consortium is one consortium's description, state folder and tools.
type Consortium struct {
	Repo     string // repository root: chaincode sources
	Home     home.Dir
	Topo     *topology.Topology
	PortBase int
	// Bin holds peer, orderer, configtxgen, osnadmin, fabric-ca-server, fabric-ca-client.
	Bin string
	// Templates holds Fabric's sample core.yaml and orderer.yaml.
	Templates string
	// Host, when set, limits start and stop to the nodes placed on that host.
	Host string
	// Launcher, when set, is a program every node is started through, as
	// `LAUNCHER ORG NODE HOST BINARY ARGS...`: one that brings the node onto
	// its host (for example into that host's network namespace) and then
	// execs BINARY. Default $CARENET_LAUNCHER.
	Launcher string
	// Out receives progress lines.
	Out io.Writer
	// Versions stamps chaincodes by name with a build version (see ccpackage).
	Versions map[string]string
	// ports is the state folder's port record (HOME/ports.json), nodes the
	// topology's nodes with the ports it gives them.
	ports *topology.Ports
	nodes []topology.Node
	// fresh are the nodes this process added to the record (they may move
	// to other ports until they first listen); portsMu guards the record.
	fresh   map[string]bool
	portsMu sync.Mutex
	// What this run of Up changed, to undo when a later step fails: the
	// channels it created, the channel updates it applied, the nodes it
	// started.
	created map[string]bool
	applied []applied
	started []topology.Node
	// timeline records the steps of Up and Deploy for their summary.
	timeline     *timeline
	timelineOnce sync.Once
	// early is the chaincode install Up starts for the Deploy that
	// follows it (UpAndDeploy), or nil.
	early *earlyInstall
	// installed is what each peer had installed when this run asked.
	installed installedPackages
	// users is the enrollment of users Up leaves going while the nodes
	// start, or nil.
	users *userEnrollment
}

// Options locate a consortium.
type Options struct {
	Repo      string
	Topology  string // default $CARECHAIN_TOPOLOGY or Repo/network/topology.yaml
	Home      string // default $CARECHAIN_HOME or Repo/.carechain
	PortBase  int    // default $CARECHAIN_PORT_BASE or the topology's
	Bin       string // default $FABRIC_BIN
	Templates string // default Bin/../config
	Host      string
	Launcher  string // default $CARENET_LAUNCHER
	Out       io.Writer
}

// LauncherEnv names the program nodes are started through (Options.Launcher).
const LauncherEnv = "CARENET_LAUNCHER"

// New loads the topology and resolves the state folder and tools. Once a
// state folder exists, the port base it was made with rules: a running
// consortium never moves under a changed variable.
func New(o Options) (*Consortium, error) {
	h := home.Dir(o.Home)
	if o.Home == "" {
		h = home.Resolve(o.Repo)
	}
	t, err := topology.Load(topologyPath(o))
	if err != nil {
		return nil, err
	}
	base, err := portBase(h, o.PortBase, t)
	if err != nil {
		return nil, err
	}
	bin := o.Bin
	if bin == "" {
		bin = os.Getenv("FABRIC_BIN")
	}
	if bin == "" {
		return nil, errors.New("FABRIC_BIN is not set: run scripts/fabric-bins.sh, which builds or finds the Fabric binaries")
	}
	tmpl := o.Templates
	if tmpl == "" {
		tmpl = filepath.Join(filepath.Dir(bin), "config")
	}
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	launcher := o.Launcher
	if launcher == "" {
		launcher = os.Getenv(LauncherEnv)
	}
	c := &Consortium{Repo: o.Repo, Home: h, Topo: t, PortBase: base, Bin: bin, Templates: tmpl, Host: o.Host, Launcher: launcher, Out: out}
	return c, c.assignPorts()
}

// assignPorts gives the topology's nodes their ports from the state
// folder's record, new nodes (fresh) free ones.
func (c *Consortium) assignPorts() error {
	ports, free, err := loadPorts(string(c.Home), c.PortBase)
	if err != nil {
		return err
	}
	known := maps.Clone(ports.Nodes)
	if c.nodes, err = c.Topo.Assign(ports, free); err != nil {
		return fmt.Errorf("%s: %w", portsFile(string(c.Home)), err)
	}
	c.ports, c.fresh = ports, map[string]bool{}
	for _, n := range c.nodes {
		if _, ok := known[n.ID()]; !ok {
			c.fresh[n.ID()] = true
		}
	}
	return nil
}

// topologyPath is the option's topology, $CARECHAIN_TOPOLOGY or the
// repository's network/topology.yaml.
func topologyPath(o Options) string {
	if o.Topology != "" {
		return o.Topology
	}
	if p := os.Getenv("CARECHAIN_TOPOLOGY"); p != "" {
		return p
	}
	return filepath.Join(o.Repo, "network", "topology.yaml")
}

// portBase is the state folder's port base, or (for a new folder) the
// option's, $CARECHAIN_PORT_BASE or the topology's: a running consortium
// never moves under a changed variable.
func portBase(h home.Dir, base int, t *topology.Topology) (int, error) {
	if base == 0 {
		if v := os.Getenv("CARECHAIN_PORT_BASE"); v != "" {
			if _, err := fmt.Sscan(v, &base); err != nil {
				return 0, fmt.Errorf("CARECHAIN_PORT_BASE=%q: %w", v, err)
			}
		}
	}
	if saved, err := readPortBase(h); err == nil && saved != 0 {
		if base != 0 && base != saved {
			return 0, fmt.Errorf("state %s was made with port base %d, not %d: run `make clean` first", h, saved, base)
		}
		base = saved
	}
	if base == 0 {
		base = t.PortBase
	}
	return base, nil
}

func readPortBase(h home.Dir) (int, error) {
	data, err := os.ReadFile(filepath.Join(string(h), "port-base"))
	if err != nil {
		return 0, err
	}
	var base int
	_, err = fmt.Sscan(string(data), &base)
	return base, err
}

func (c *Consortium) tool(name string) string { return filepath.Join(c.Bin, name) }

// Nodes are all nodes of the topology with the ports the state folder's
// record gives them.
func (c *Consortium) Nodes() []topology.Node { return c.nodes }

// local reports whether a node runs on this host.
func (c *Consortium) local(n topology.Node) bool { return c.Host == "" || n.Host == c.Host }

func (c *Consortium) nodesOf(kind topology.Kind) []topology.Node {
	var out []topology.Node
	for _, n := range c.Nodes() {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

func (c *Consortium) binaryOf(n topology.Node) string { return c.binaryOfKind(n.Kind) }

// nodeErr wraps an error with the node's id and log file.
func (c *Consortium) nodeErr(n topology.Node, err error) error {
	return &NodeError{Node: n.ID(), Log: c.Home.Log(n.ID()), Err: err}
}

// peerAdmin is the org admin's peer CLI against the org's first peer.
func (c *Consortium) peerAdmin(org *topology.Org) fabriccli.PeerAdmin {
	var peer topology.Node
	for _, n := range c.nodesOf(topology.KindPeer) {
		if n.Org.Name == org.Name {
			peer = n
			break
		}
	}
	return c.peerAdminAt(org, peer)
}

func (c *Consortium) peerAdminAt(org *topology.Org, peer topology.Node) fabriccli.PeerAdmin {
	return fabriccli.PeerAdmin{
		Bin:         c.tool("peer"),
		MSPID:       org.MSPID,
		MSPDir:      c.Home.UserMSP(org.Name, adminUser(org)),
		PeerAddress: peer.Address(),
		PeerTLSRoot: c.Home.CACert(org.Name),
		ConfigDir:   c.Home.Node(peer.Org.Name, peer.ID()),
	}
}

func (c *Consortium) ordererAdmin() fabriccli.OrdererAdmin {
	org := c.Topo.OrdererOrg()
	tlsDir := c.Home.UserTLS(org.Name, adminUser(org))
	return fabriccli.OrdererAdmin{
		Bin:        c.tool("osnadmin"),
		CACert:     c.Home.CACert(org.Name),
		ClientCert: filepath.Join(tlsDir, "server.crt"),
		ClientKey:  filepath.Join(tlsDir, "server.key"),
	}
}

// adminUser is the org's first user of type admin.
func adminUser(o *topology.Org) string {
	for _, u := range o.Users {
		if u.Type == "admin" {
			return u.Name
		}
	}
	return "admin"
}

// parallel runs fn for every item, at most limit at a time, and joins the
// errors in the items' order (not the order they failed in), so a failure
// of parallel work reads the same on every run.
func parallel[T any](items []T, limit int, fn func(T) error) error {
	var wg sync.WaitGroup
	errs := make([]error, len(items))
	sem := make(chan struct{}, max(limit, 1))
	for i, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = fn(it)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Running lists the local nodes whose process is alive.
func (c *Consortium) Running() []topology.Node {
	var out []topology.Node
	for _, n := range c.Nodes() {
		if _, ok := proc.Running(c.Home.Pid(n.ID()), c.binaryOf(n)); ok && c.local(n) {
			out = append(out, n)
		}
	}
	return out
}
