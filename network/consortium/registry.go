package consortium

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/network/topology"
)

// registryOf is the parts registry a channel should hold, made from the
// topology: each member org's parts and facts, and its CA certificate
// (from its Fabric CA), which verifies what its members sign. Sorted by
// MSP id.
func (c *Consortium) registryOf(channel string) (wire.Registry, error) {
	var r wire.Registry
	for _, name := range c.Topo.Channel(channel).Orgs {
		if len(c.Topo.Org(name).Parts) == 0 {
			continue // an org that plays no part is not in the registry
		}
		o, err := c.registryOrg(c.Topo.Org(name))
		if err != nil {
			return r, err
		}
		r.Orgs = append(r.Orgs, o)
	}
	slices.SortFunc(r.Orgs, func(a, b wire.Org) int { return strings.Compare(a.MSPID, b.MSPID) })
	return r, nil
}

// genesisOfRecord is the parts registry's genesis that the package
// carries: made from the topology for every channel the first time, then
// kept in the state folder (HOME/chaincode/NAME-genesis.json), so that an
// org joining or leaving does not change the package (the registry, once
// bootstrapped, changes through its own governance); a channel the record
// lacks gets its registry from the topology, which changes the package.
func (c *Consortium) genesisOfRecord(cc topology.Chaincode) ([]byte, error) {
	file := filepath.Join(c.Home.Chaincode(), cc.Name+"-genesis.json")
	g := wire.Genesis{Channels: map[string]wire.Registry{}}
	data, err := os.ReadFile(file)
	switch {
	case err == nil:
		if err := json.Unmarshal(data, &g); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	added := false
	for _, ch := range c.Topo.Channels {
		if _, ok := g.Channels[ch.Name]; ok {
			continue
		}
		if g.Channels[ch.Name], err = c.registryOf(ch.Name); err != nil {
			return nil, err
		}
		added = true
	}
	if !added {
		return data, nil
	}
	if data, err = json.MarshalIndent(g, "", "  "); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, err
	}
	return data, os.WriteFile(file, data, 0o644)
}

func (c *Consortium) registryOrg(o *topology.Org) (wire.Org, error) {
	cert, err := os.ReadFile(c.Home.CACert(o.Name))
	if err != nil {
		return wire.Org{}, fmt.Errorf("registry genesis: CA certificate of %s: %w", o.Name, err)
	}
	parts := slices.Sorted(slices.Values(o.Parts))
	return wire.Org{MSPID: o.MSPID, Name: o.Name, Parts: parts, Peer: len(o.Peers) > 0,
		Plans: o.Plans, CompanyPrefixes: o.CompanyPrefixes, RootCerts: []string{string(cert)}}, nil
}

// bootstrapRegistry writes the packaged genesis of the parts registry on a
// channel once: when List answers with no org, Bootstrap is submitted,
// endorsed by every peer org, and waited for.
func (c *Consortium) bootstrapRegistry(ctx context.Context, p *progress, cc topology.Chaincode, ch string) error {
	orgs := c.Topo.PeerOrgs(ch)
	admin := c.peerAdmin(orgs[0])
	out, err := admin.Run(ctx, "chaincode", "query", "-C", ch, "-n", cc.Name, "-c", `{"Args":["`+wire.FnList+`"]}`)
	if err != nil {
		return fmt.Errorf("read the registry: %w", err)
	}
	var r wire.Registry
	if err := json.Unmarshal(out, &r); err != nil {
		return fmt.Errorf("read the registry: %w", err)
	}
	if len(r.Orgs) > 0 {
		p.note("the registry on %s lists %d orgs", ch, len(r.Orgs))
		return nil
	}
	args := []string{"chaincode", "invoke", "-C", ch, "-n", cc.Name, "-c", `{"Args":["` + wire.FnBootstrap + `"]}`, "--waitForEvent"}
	args = append(args, c.ordererFlags()...)
	args = append(args, c.endorserFlags(orgs)...)
	if _, err := admin.Run(ctx, args...); err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	p.note("the registry on %s is bootstrapped from the topology", ch)
	return nil
}
