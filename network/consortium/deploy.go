package consortium

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/carechain/carechain/network/ccpackage"
	"github.com/carechain/carechain/network/topology"
)

// Deploy brings every chaincode (or the named ones) to its current source on
// each of its channels: it packages it reproducibly, installs the package on
// every member peer that lacks it, and — when the package, endorsement
// policy or collections changed — approves the definition for every member
// org with the next sequence and commits it; an org that joined a channel
// approves the committed definition. An unchanged chaincode is left alone,
// so Deploy is idempotent and an upgrade keeps the chaincode's state. The
// chaincodes are packaged, installed and defined side by side, each on
// its channels at once (at most installLimit builds at a time); what
// invokes a chaincode after its definition (the blinding secrets) waits
// until the parts registry, which every chaincode reads, is bootstrapped
// on that channel.
func (c *Consortium) Deploy(ctx context.Context, names ...string) error {
	p := c.newProgress()
	defer p.summary("deploy")
	if c.early == nil {
		c.forgetInstalled()
	}
	ccs, err := c.chaincodes(names)
	if err != nil {
		return err
	}
	builds := make(chan struct{}, installLimit)
	gate := newRegistryGate(ccs)
	return parallel(ccs, len(ccs), func(cc topology.Chaincode) error {
		in := c.installationOf(ctx, p, cc, builds)
		pkg, err := in.packageOf(ctx)
		if err != nil {
			gate.failAll(cc)
			return fmt.Errorf("deploy %s: %w", cc.Name, err)
		}
		derr := c.defineOnChannels(ctx, p, cc, pkg, in, gate)
		ierr := in.installed(ctx)
		switch {
		case derr != nil:
			return fmt.Errorf("deploy %s: %w", cc.Name, derr)
		case ierr != nil:
			return fmt.Errorf("deploy %s: %w", cc.Name, ierr)
		}
		return nil
	})
}

// registryGate is, per channel, whether the parts registry deployed in the
// same run is ready there: closed once its definition and bootstrap are
// done, failed when they failed (its failure is the one reported).
type registryGate struct {
	done   map[string]chan struct{}
	failed map[string]*atomic.Bool
}

func newRegistryGate(ccs []topology.Chaincode) *registryGate {
	g := &registryGate{done: map[string]chan struct{}{}, failed: map[string]*atomic.Bool{}}
	for _, cc := range ccs {
		if cc.Genesis == "" {
			continue
		}
		for _, ch := range cc.ChannelNames() {
			g.done[ch], g.failed[ch] = make(chan struct{}), &atomic.Bool{}
		}
	}
	return g
}

// open marks the registry on ch ready, or failed.
func (g *registryGate) open(ch string, err error) {
	if err != nil {
		g.failed[ch].Store(true)
	}
	close(g.done[ch])
}

// failAll marks the registry failed on every channel, when cc is it.
func (g *registryGate) failAll(cc topology.Chaincode) {
	if cc.Genesis == "" {
		return
	}
	for _, ch := range cc.ChannelNames() {
		g.open(ch, errRegistryFailed)
	}
}

var errRegistryFailed = errors.New("the parts registry failed")

// wait waits until the registry on ch is ready; false when it failed.
func (g *registryGate) wait(ctx context.Context, ch string) (bool, error) {
	done, ok := g.done[ch]
	if !ok {
		return true, nil // not deployed in this run
	}
	select {
	case <-done:
		return !g.failed[ch].Load(), nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// chaincodes are the named chaincodes, or all.
func (c *Consortium) chaincodes(names []string) ([]topology.Chaincode, error) {
	if len(names) == 0 {
		return c.Topo.Chaincodes, nil
	}
	var ccs []topology.Chaincode
	for _, n := range names {
		cc := c.Topo.Chaincode(n)
		if cc == nil {
			return nil, fmt.Errorf("deploy: unknown chaincode %q", n)
		}
		ccs = append(ccs, *cc)
	}
	return ccs, nil
}

// installLimit is how many installs run at once. Compiles are bounded by
// the builder itself (ccbuilder's compile slots), and each package
// compiles once: the peers after the first link its cached binary.
const installLimit = 8

// installationOf is the early install Up made of the chaincode
// (UpAndDeploy), or its packaging and install started now.
func (c *Consortium) installationOf(ctx context.Context, p *progress, cc topology.Chaincode, builds chan struct{}) *installation {
	if in := c.earlyResult(cc); in != nil {
		return in
	}
	in := newInstallation()
	go in.run(func() (*ccpackage.Package, error) { return c.packageStep(p, cc) },
		func(pkg *ccpackage.Package) error { return c.installStep(ctx, p, cc, pkg, builds) })
	return in
}

// installStep installs the package on the member peers, as a step of p.
func (c *Consortium) installStep(ctx context.Context, p *progress, cc topology.Chaincode, pkg *ccpackage.Package, builds chan struct{}) error {
	return p.step("install "+cc.Name+" on member peers", func() error { return c.install(ctx, cc, pkg, builds) })
}

// packageStep packages the chaincode, as a step of p.
func (c *Consortium) packageStep(p *progress, cc topology.Chaincode) (*ccpackage.Package, error) {
	var pkg *ccpackage.Package
	err := p.step("package "+cc.Name, func() error {
		var err error
		pkg, err = c.packageChaincode(cc)
		if err == nil {
			p.note("%s: package id %s", cc.Name, pkg.ID)
		}
		return err
	})
	return pkg, err
}

// defineOnChannels defines the chaincode on each of its channels at once
// (while the peers install it: a definition names the package by its id),
// then, once it is installed, runs what follows the definition there.
func (c *Consortium) defineOnChannels(ctx context.Context, p *progress, cc topology.Chaincode, pkg *ccpackage.Package, in *installation, gate *registryGate) error {
	return parallel(cc.ChannelNames(), len(cc.ChannelNames()), func(ch string) error {
		err := p.step(fmt.Sprintf("define %s on %s", cc.Name, ch), func() error {
			return c.define(ctx, p, cc, ch, pkg)
		})
		if err == nil {
			err = in.installed(ctx)
		}
		if err == nil {
			err = c.afterDefine(ctx, p, cc, ch, gate)
		}
		if cc.Genesis != "" {
			gate.open(ch, err)
		}
		return err
	})
}

// afterDefine bootstraps the parts registry and brings it to the
// topology's orgs, and sets the collections' blinding secrets (once the
// registry is ready on the channel), where the topology asks for them.
func (c *Consortium) afterDefine(ctx context.Context, p *progress, cc topology.Chaincode, ch string, gate *registryGate) error {
	if cc.Genesis != "" {
		if err := p.step(fmt.Sprintf("bootstrap %s on %s", cc.Name, ch), func() error {
			return c.bootstrapRegistry(ctx, p, cc, ch)
		}); err != nil {
			return err
		}
		if err := c.gossipConverged(ctx); err != nil {
			return err
		}
		if err := p.step(fmt.Sprintf("bring %s on %s to the topology's orgs", cc.Name, ch), func() error {
			return c.reconcileRegistry(ctx, p, cc, ch)
		}); err != nil {
			return err
		}
	}
	if !cc.Blinding {
		return nil
	}
	if ok, err := gate.wait(ctx, ch); !ok || err != nil {
		return err // the registry's failure is the one reported
	}
	// A secret reaches the collection's other members by gossip.
	if err := c.gossipConverged(ctx); err != nil {
		return err
	}
	return p.step(fmt.Sprintf("blinding secrets of %s on %s", cc.Name, ch), func() error {
		return c.setupBlinding(ctx, p, cc, ch)
	})
}

func (c *Consortium) packageChaincode(cc topology.Chaincode) (*ccpackage.Package, error) {
	var overlays []ccpackage.Overlay
	if cc.Genesis != "" {
		data, err := c.genesisOfRecord(cc)
		if err != nil {
			return nil, err
		}
		overlays = append(overlays, ccpackage.Overlay{Path: strings.TrimPrefix(cc.Genesis, "./"), Data: data})
	}
	pkg, err := c.buildPackage(cc, overlays)
	if err != nil {
		return nil, err
	}
	dir := c.Home.Chaincode()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return pkg, os.WriteFile(c.packagePath(pkg), pkg.Bytes, 0o644)
}

// buildPackage packages the chaincode from where the topology says it is:
// a package of the repository, a module of its own, or a service.
func (c *Consortium) buildPackage(cc topology.Chaincode, overlays []ccpackage.Overlay) (*ccpackage.Package, error) {
	switch {
	case cc.Service != nil:
		root, err := os.ReadFile(c.repoPath(cc.Service.TLSRoot))
		if err != nil {
			return nil, fmt.Errorf("chaincode service %s: TLS root: %w", cc.Name, err)
		}
		return ccpackage.BuildService(cc.Name, ccpackage.Connection{Address: cc.Service.Address,
			DialTimeout: cc.Service.DialTimeout, TLSRequired: true, RootCert: string(root)})
	case cc.Module != "":
		return ccpackage.BuildModule(c.repoPath(cc.Module), cc.Name, cc.Path, c.Versions[cc.Name])
	}
	return ccpackage.Build(c.Repo, cc.Name, cc.Path, c.Versions[cc.Name], overlays...)
}

// repoPath is a topology path: absolute, or relative to the repository.
func (c *Consortium) repoPath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Repo, p)
}

// Package builds the named chaincode's package and writes it to the state
// folder, without installing it: its id is what a chaincode service is
// started with (CHAINCODE_ID) before the peers connect to it.
func (c *Consortium) Package(name string) (*ccpackage.Package, error) {
	ccs, err := c.chaincodes([]string{name})
	if err != nil {
		return nil, err
	}
	return c.packageChaincode(ccs[0])
}

func (c *Consortium) packagePath(pkg *ccpackage.Package) string {
	return filepath.Join(c.Home.Chaincode(), pkg.Label+".tar.gz")
}

// memberPeers are the local peers of every org on the chaincode's channels.
func (c *Consortium) memberPeers(cc topology.Chaincode) []topology.Node {
	orgs := map[string]bool{}
	for _, ch := range cc.ChannelNames() {
		for _, o := range c.Topo.PeerOrgs(ch) {
			orgs[o.Name] = true
		}
	}
	var out []topology.Node
	for _, n := range c.nodesOf(topology.KindPeer) {
		if orgs[n.Org.Name] && c.local(n) {
			out = append(out, n)
		}
	}
	return out
}

type installed struct {
	Installed []struct {
		PackageID string `json:"package_id"`
	} `json:"installed_chaincodes"`
}

// install installs the package on every member peer that lacks it, each
// build holding a slot of builds.
func (c *Consortium) install(ctx context.Context, cc topology.Chaincode, pkg *ccpackage.Package, builds chan struct{}) error {
	return c.installOn(ctx, c.memberPeers(cc), pkg, builds)
}

// installOn installs the package on each of peers that lacks it.
func (c *Consortium) installOn(ctx context.Context, peers []topology.Node, pkg *ccpackage.Package, builds chan struct{}) error {
	installOn := func(n topology.Node) error {
		have, err := c.installedOn(ctx, n)
		if err != nil {
			return c.nodeErr(n, err)
		}
		if have[pkg.ID] {
			return nil
		}
		builds <- struct{}{}
		defer func() { <-builds }()
		if _, err := c.peerAdminAt(n.Org, n).Run(ctx, "lifecycle", "chaincode", "install", c.packagePath(pkg)); err != nil {
			return c.nodeErr(n, err)
		}
		return nil
	}
	return parallel(peers, len(peers), installOn)
}

// installedPackages is, per peer, the packages it had installed when this
// run first asked: one queryinstalled per peer, not one per chaincode.
// A package this run installs is not in it, and needs not be: each
// chaincode's package is installed by its own deploy only.
type installedPackages struct {
	mu     sync.Mutex
	byPeer map[string]*installedList
}

type installedList struct {
	once sync.Once
	ids  map[string]bool
	err  error
}

// installedOn is the ids of the packages the peer had installed.
func (c *Consortium) installedOn(ctx context.Context, n topology.Node) (map[string]bool, error) {
	m := &c.installed
	m.mu.Lock()
	if m.byPeer == nil {
		m.byPeer = map[string]*installedList{}
	}
	l, ok := m.byPeer[n.ID()]
	if !ok {
		l = &installedList{}
		m.byPeer[n.ID()] = l
	}
	m.mu.Unlock()
	l.once.Do(func() { l.ids, l.err = c.queryInstalled(ctx, n) })
	return l.ids, l.err
}

// forgetInstalled drops what the peers were found to have installed: a
// new run asks again.
func (c *Consortium) forgetInstalled() {
	c.installed.mu.Lock()
	c.installed.byPeer = nil
	c.installed.mu.Unlock()
}

func (c *Consortium) queryInstalled(ctx context.Context, n topology.Node) (map[string]bool, error) {
	out, err := c.peerAdminAt(n.Org, n).Run(ctx, "lifecycle", "chaincode", "queryinstalled", "--output", "json")
	if err != nil {
		return nil, err
	}
	var list installed
	if err := json.Unmarshal(out, &list); err != nil {
		return nil, fmt.Errorf("queryinstalled: %w", err)
	}
	ids := map[string]bool{}
	for _, i := range list.Installed {
		ids[i.PackageID] = true
	}
	return ids, nil
}

// definitionVersion names the definition's content: the package and the
// policy and collections it runs under.
func definitionVersion(pkgID, policy string, collections []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", pkgID, policy)
	h.Write(collections)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

type committed struct {
	Sequence  int64           `json:"sequence"`
	Version   string          `json:"version"`
	Approvals map[string]bool `json:"approvals"`
}

// definition is a chaincode's definition on one channel as the topology
// and the package make it.
type definition struct {
	cc          topology.Chaincode
	channel     string
	pkg         *ccpackage.Package
	version     string
	collections string // the collections file, or ""
}

func (d definition) args(seq int64) []string {
	args := []string{"-C", d.channel, "-n", d.cc.Name, "-v", d.version, "--sequence", fmt.Sprint(seq),
		"--signature-policy", d.cc.Channels[d.channel].Endorsement}
	if d.collections != "" {
		args = append(args, "--collections-config", d.collections)
	}
	return args
}

func (c *Consortium) definitionOf(cc topology.Chaincode, ch string, pkg *ccpackage.Package) (definition, error) {
	d := definition{cc: cc, channel: ch, pkg: pkg}
	def := cc.Channels[ch]
	var collections []byte
	var err error
	if d.collections, collections, err = c.collectionsConfig(cc, ch); err != nil {
		return d, err
	}
	d.version = definitionVersion(pkg.ID, def.Endorsement, collections)
	return d, nil
}

// define commits the definition with the next sequence when the package,
// policy or collections changed, each member org's admin approving it
// with its own key first; when they did not, it has every member org that
// has not approved the committed definition (an org that joined the
// channel) approve it, so that its peers run the chaincode.
func (c *Consortium) define(ctx context.Context, p *progress, cc topology.Chaincode, ch string, pkg *ccpackage.Package) error {
	d, err := c.definitionOf(cc, ch, pkg)
	if err != nil {
		return err
	}
	orgs := c.Topo.PeerOrgs(ch)
	seq, cur, err := c.target(ctx, d)
	if err != nil {
		return err
	}
	if cur != nil {
		return c.approveCommitted(ctx, p, d, *cur, orgs)
	}
	if err := parallel(orgs, len(orgs), func(o *topology.Org) error { return c.approve(ctx, d, seq, o) }); err != nil {
		return err
	}
	_, err = c.commitAt(ctx, p, d, seq, nil)
	return err
}

// approveCommitted has the member orgs that lack an approval of the
// committed definition approve it.
func (c *Consortium) approveCommitted(ctx context.Context, p *progress, d definition, cur committed, orgs []*topology.Org) error {
	var missing []*topology.Org
	for _, o := range orgs {
		if !cur.Approvals[o.MSPID] {
			missing = append(missing, o)
		}
	}
	if len(missing) == 0 {
		p.note("%s on %s is up to date (sequence %d)", d.cc.Name, d.channel, cur.Sequence)
		return nil
	}
	if err := parallel(missing, len(missing), func(o *topology.Org) error { return c.approve(ctx, d, cur.Sequence, o) }); err != nil {
		return err
	}
	for _, o := range missing {
		p.note("%s on %s: %s approved the committed definition (sequence %d)", d.cc.Name, d.channel, o.MSPID, cur.Sequence)
	}
	return nil
}

// approve approves the definition at seq for an org, unless it has: the
// peer refuses to endorse an approval the org has made already (with the
// same package), and nothing is ordered then.
func (c *Consortium) approve(ctx context.Context, d definition, seq int64, o *topology.Org) error {
	args := append([]string{"lifecycle", "chaincode", "approveformyorg", "--package-id", d.pkg.ID}, d.args(seq)...)
	_, err := c.peerAdmin(o).Run(ctx, append(args, c.ordererFlags()...)...)
	if err != nil && !alreadyApproved(err) {
		return fmt.Errorf("approve for %s: %w", o.MSPID, err)
	}
	return nil
}

// alreadyApproved reports whether the peer refused an approval because
// the org approved the same definition and package before (Fabric's
// lifecycle: "attempted to redefine uncommitted sequence (N) ... with
// unchanged content", or "attempted to redefine the current committed
// sequence (N) for namespace NAME" with nothing after it; "with different
// parameters" is a real conflict).
func alreadyApproved(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "with unchanged content") ||
		strings.Contains(msg, "attempted to redefine the current committed sequence") && !strings.Contains(msg, "with different parameters")
}

// ordererFlags point the peer CLI at the first orderer over TLS.
func (c *Consortium) ordererFlags() []string {
	o := c.nodesOf(topology.KindOrderer)[0]
	return []string{"-o", o.Address(), "--tls", "--cafile", c.Home.CACert(o.Org.Name)}
}

// endorserFlags name one peer of each org for the commit's endorsements.
func (c *Consortium) endorserFlags(orgs []*topology.Org) []string {
	var args []string
	peers := c.nodesOf(topology.KindPeer)
	for _, o := range orgs {
		for _, n := range peers {
			if n.Org.Name == o.Name {
				args = append(args, "--peerAddresses", n.Address(), "--tlsRootCertFiles", c.Home.CACert(o.Name))
				break
			}
		}
	}
	return args
}
