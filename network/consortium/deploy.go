package consortium

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/carechain/carechain/network/ccpackage"
	"github.com/carechain/carechain/network/topology"
)

// Deploy brings every chaincode (or the named ones) to its current source on
// each of its channels: it packages it reproducibly, installs the package on
// every member peer that lacks it, and — when the package, endorsement
// policy or collections changed — approves the definition for every member
// org with the next sequence and commits it. An unchanged chaincode is left
// alone, so Deploy is idempotent and an upgrade keeps the chaincode's state.
func (c *Consortium) Deploy(ctx context.Context, names ...string) error {
	p := &progress{w: c.Out}
	ccs := c.Topo.Chaincodes
	if len(names) > 0 {
		ccs = nil
		for _, n := range names {
			cc := c.Topo.Chaincode(n)
			if cc == nil {
				return fmt.Errorf("deploy: unknown chaincode %q", n)
			}
			ccs = append(ccs, *cc)
		}
	}
	for _, cc := range ccs {
		var pkg *ccpackage.Package
		if err := p.step("package "+cc.Name, func() error {
			var err error
			pkg, err = c.packageChaincode(cc)
			if err == nil {
				p.note("package id %s", pkg.ID)
			}
			return err
		}); err != nil {
			return err
		}
		if err := p.step("install "+cc.Name+" on member peers", func() error { return c.install(ctx, cc, pkg) }); err != nil {
			return err
		}
		for _, ch := range cc.ChannelNames() {
			if err := p.step(fmt.Sprintf("define %s on %s", cc.Name, ch), func() error {
				return c.define(ctx, p, cc, ch, pkg)
			}); err != nil {
				return err
			}
			if err := c.afterDefine(ctx, p, cc, ch); err != nil {
				return err
			}
		}
	}
	return nil
}

// afterDefine bootstraps the parts registry and sets the collections'
// blinding secrets, where the topology asks for them.
func (c *Consortium) afterDefine(ctx context.Context, p *progress, cc topology.Chaincode, ch string) error {
	if cc.Genesis != "" {
		if err := p.step(fmt.Sprintf("bootstrap %s on %s", cc.Name, ch), func() error {
			return c.bootstrapRegistry(ctx, p, cc, ch)
		}); err != nil {
			return err
		}
	}
	if !cc.Blinding {
		return nil
	}
	return p.step(fmt.Sprintf("blinding secrets of %s on %s", cc.Name, ch), func() error {
		return c.setupBlinding(ctx, p, cc, ch)
	})
}

func (c *Consortium) packageChaincode(cc topology.Chaincode) (*ccpackage.Package, error) {
	var overlays []ccpackage.Overlay
	if cc.Genesis != "" {
		data, err := c.registryGenesis()
		if err != nil {
			return nil, err
		}
		overlays = append(overlays, ccpackage.Overlay{Path: strings.TrimPrefix(cc.Genesis, "./"), Data: data})
	}
	pkg, err := ccpackage.Build(c.Repo, cc.Name, cc.Path, c.Versions[cc.Name], overlays...)
	if err != nil {
		return nil, err
	}
	dir := c.Home.Chaincode()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return pkg, os.WriteFile(c.packagePath(pkg), pkg.Bytes, 0o644)
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

func (c *Consortium) install(ctx context.Context, cc topology.Chaincode, pkg *ccpackage.Package) error {
	peers := c.memberPeers(cc)
	installOn := func(n topology.Node) error {
		admin := c.peerAdminAt(n.Org, n)
		out, err := admin.Run(ctx, "lifecycle", "chaincode", "queryinstalled", "--output", "json")
		if err != nil {
			return c.nodeErr(n, err)
		}
		var list installed
		if err := json.Unmarshal(out, &list); err != nil {
			return c.nodeErr(n, fmt.Errorf("queryinstalled: %w", err))
		}
		for _, i := range list.Installed {
			if i.PackageID == pkg.ID {
				return nil
			}
		}
		if _, err := admin.Run(ctx, "lifecycle", "chaincode", "install", c.packagePath(pkg)); err != nil {
			return c.nodeErr(n, err)
		}
		return nil
	}
	if len(peers) == 0 {
		return nil
	}
	// The first build warms the Go build cache; the others then only link.
	if err := installOn(peers[0]); err != nil {
		return err
	}
	return parallel(peers[1:], 2, installOn)
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
	Sequence int64  `json:"sequence"`
	Version  string `json:"version"`
}

func (c *Consortium) define(ctx context.Context, p *progress, cc topology.Chaincode, ch string, pkg *ccpackage.Package) error {
	def := cc.Channels[ch]
	var collections []byte
	collectionsFile := ""
	if def.Collections != "" {
		collectionsFile = filepath.Join(c.Repo, def.Collections)
		var err error
		if collections, err = os.ReadFile(collectionsFile); err != nil {
			return err
		}
	}
	version := definitionVersion(pkg.ID, def.Endorsement, collections)
	orgs := c.Topo.PeerOrgs(ch)
	first := c.peerAdmin(orgs[0])

	seq := int64(1)
	out, err := first.Run(ctx, "lifecycle", "chaincode", "querycommitted", "-C", ch, "-n", cc.Name, "--output", "json")
	if err == nil {
		var cur committed
		if err := json.Unmarshal(out, &cur); err != nil {
			return fmt.Errorf("querycommitted: %w", err)
		}
		if cur.Version == version {
			p.note("%s on %s is up to date (sequence %d)", cc.Name, ch, cur.Sequence)
			return nil
		}
		seq = cur.Sequence + 1
	} else if !strings.Contains(err.Error(), "not defined") && !strings.Contains(err.Error(), "not found") {
		return err
	}
	common := []string{"-C", ch, "-n", cc.Name, "-v", version, "--sequence", fmt.Sprint(seq),
		"--signature-policy", def.Endorsement}
	if collectionsFile != "" {
		common = append(common, "--collections-config", collectionsFile)
	}
	orderer := c.ordererFlags()
	err = parallel(orgs, len(orgs), func(o *topology.Org) error {
		admin := c.peerAdmin(o)
		if out, err := admin.Run(ctx, "lifecycle", "chaincode", "queryapproved", "-C", ch, "-n", cc.Name,
			"--sequence", fmt.Sprint(seq), "--output", "json"); err == nil {
			var a committed
			if json.Unmarshal(out, &a) == nil && a.Version == version {
				return nil
			}
		}
		args := append([]string{"lifecycle", "chaincode", "approveformyorg", "--package-id", pkg.ID}, common...)
		if _, err := admin.Run(ctx, append(args, orderer...)...); err != nil {
			return fmt.Errorf("approve for %s: %w", o.MSPID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	args := append([]string{"lifecycle", "chaincode", "commit"}, common...)
	args = append(args, orderer...)
	args = append(args, c.endorserFlags(orgs)...)
	if _, err := first.Run(ctx, args...); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	p.note("%s committed on %s at sequence %d (version %s)", cc.Name, ch, seq, version)
	return nil
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
