package consortium

import (
	"context"

	"github.com/carechain/carechain/client/profile"
	"github.com/carechain/carechain/network/topology"
)

// Profile describes the consortium for clients.
func (c *Consortium) Profile() *profile.Profile {
	p := &profile.Profile{}
	peers := c.nodesOf(topology.KindPeer)
	for _, n := range c.nodesOf(topology.KindOrderer) {
		p.Orderers = append(p.Orderers, c.profileNode(n))
	}
	for _, ch := range c.Topo.Channels {
		p.Channels = append(p.Channels, profile.Channel{Name: ch.Name, Orgs: ch.Orgs})
	}
	for i := range c.Topo.Orgs {
		p.Orgs = append(p.Orgs, c.profileOrg(&c.Topo.Orgs[i], peers))
	}
	return p
}

// profileOrg is one org for clients: its peers or the gateways it
// submits through, its users, its CA.
func (c *Consortium) profileOrg(o *topology.Org, peers []topology.Node) profile.Org {
	po := profile.Org{Name: o.Name, MSPID: o.MSPID, UsersDir: c.Home.OrgUsers(o.Name), Parts: o.Parts, CA: c.profileCA(o)}
	for _, n := range peers {
		if n.Org.Name == o.Name {
			po.Peers = append(po.Peers, c.profileNode(n))
			po.Gateways = append(po.Gateways, n.ID())
		}
	}
	if len(po.Peers) > 0 {
		po.KEKDir = c.Home.KEK(o.Name)
	}
	if len(po.Gateways) == 0 {
		po.Gateways = c.borrowedGateways(o, peers)
	}
	for _, u := range o.Users {
		typ := u.Type
		if typ == "" {
			typ = "client"
		}
		po.Users = append(po.Users, profile.User{Name: u.Name, Type: typ, Role: u.Role})
	}
	return po
}

// borrowedGateways: an org without peers submits through the peers of the
// orgs it shares channels with, in channel order.
func (c *Consortium) borrowedGateways(o *topology.Org, peers []topology.Node) []string {
	var out []string
	seen := map[string]bool{}
	for _, ch := range c.Topo.ChannelsOf(o.Name) {
		for _, po2 := range c.Topo.PeerOrgs(ch) {
			for _, n := range peers {
				if n.Org.Name == po2.Name && !seen[n.ID()] {
					seen[n.ID()] = true
					out = append(out, n.ID())
				}
			}
		}
	}
	return out
}

// profileCA is where the org's CA listens and which roots to trust.
func (c *Consortium) profileCA(o *topology.Org) *profile.CA {
	for _, n := range c.nodesOf(topology.KindCA) {
		if n.Org.Name == o.Name {
			return &profile.CA{URL: "https://" + n.Address(), Name: caName(o), TLSRootCert: c.Home.CACert(o.Name),
				ServerName: n.Host, RootCert: c.Home.CACert(o.Name)}
		}
	}
	return nil
}

func (c *Consortium) profileNode(n topology.Node) profile.Node {
	return profile.Node{ID: n.ID(), Address: n.Address(), TLSRootCert: c.Home.CACert(n.Org.Name),
		ServerName: n.Host, Operations: n.OperationsAddress()}
}

func (c *Consortium) writeProfile(context.Context) error {
	return c.Profile().Save(c.Home.Profile())
}

// caName is the name of an org's CA inside its fabric-ca-server.
func caName(o *topology.Org) string { return "ca-" + o.Name }
