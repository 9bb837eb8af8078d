package consortium

import (
	"context"
	"fmt"
	"slices"

	"github.com/carechain/carechain/network/channelcfg"
	"github.com/carechain/carechain/network/topology"
)

// UpdateCRL carries the revocations of an org's CA to the channels: it
// asks the CA for its CRL (as the CA's bootstrap admin) and, on each
// channel the org is a member of, has the org's admin sign and submit the
// config update that makes it the org's revocation list
// (channelcfg.NewRevocationPlan). From then on the channel's peers refuse
// what a revoked certificate signs — a revocation at the CA alone stops
// only new enrollments. A channel that holds the CRL already is left as it is.
func (c *Consortium) UpdateCRL(ctx context.Context, org string) error {
	o := c.Topo.Org(org)
	if o == nil {
		return fmt.Errorf("crl: unknown org %q", org)
	}
	crl, err := c.orgCRL(ctx, o)
	if err != nil {
		return err
	}
	p := &progress{w: c.Out}
	for _, ch := range c.Topo.Channels {
		if !slices.Contains(ch.Orgs, o.Name) {
			continue
		}
		if err := p.step(fmt.Sprintf("CRL of %s on %s", o.MSPID, ch.Name), func() error {
			return c.applyCRL(ctx, p, ch.Name, o, crl)
		}); err != nil {
			return fmt.Errorf("crl of %s on %s: %w", o.MSPID, ch.Name, err)
		}
	}
	return nil
}

// orgCRL asks the org's CA for its CRL.
func (c *Consortium) orgCRL(ctx context.Context, o *topology.Org) ([]byte, error) {
	for _, n := range c.nodesOf(topology.KindCA) {
		if n.Org.Name != o.Name {
			continue
		}
		ca, err := c.openCA(ctx, n)
		if err != nil {
			return nil, err
		}
		defer ca.Close()
		return ca.GenCRL(ctx)
	}
	return nil, fmt.Errorf("crl: org %s has no CA in the topology", o.Name)
}

func (c *Consortium) applyCRL(ctx context.Context, p *progress, ch string, o *topology.Org, crl []byte) error {
	cfg, err := c.fetchConfig(ctx, ch)
	if err != nil {
		return err
	}
	plan, err := channelcfg.NewRevocationPlan(ch, cfg, o.MSPID, crl)
	if err != nil {
		return err
	}
	if plan.Empty() {
		p.note("%s holds this CRL of %s already (config sequence %d)", ch, o.MSPID, plan.Sequence)
		return nil
	}
	return c.applyPlan(ctx, p, plan)
}
