package consortium

import (
	"context"

	"github.com/carechain/carechain/client/profile"
	"github.com/carechain/carechain/network/topology"
)

// Profile describes the consortium for clients.
func (c *Consortium) Profile() *profile.Profile {
	p := &profile.Profile{}
	node := func(n topology.Node) profile.Node {
		return profile.Node{ID: n.ID(), Address: n.Address(), TLSRootCert: c.Home.CACert(n.Org.Name),
			ServerName: n.Host, Operations: n.OperationsAddress()}
	}
	peers := c.nodesOf(topology.KindPeer)
	for _, n := range c.nodesOf(topology.KindOrderer) {
		p.Orderers = append(p.Orderers, node(n))
	}
	for _, ch := range c.Topo.Channels {
		p.Channels = append(p.Channels, profile.Channel{Name: ch.Name, Orgs: ch.Orgs})
	}
	for i := range c.Topo.Orgs {
		o := &c.Topo.Orgs[i]
		po := profile.Org{Name: o.Name, MSPID: o.MSPID, UsersDir: c.Home.OrgUsers(o.Name), Parts: o.Parts}
		for _, n := range c.nodesOf(topology.KindCA) {
			if n.Org.Name == o.Name {
				po.CA = &profile.CA{URL: "https://" + n.Address(), Name: caName(o), TLSRootCert: c.Home.CACert(o.Name),
					ServerName: n.Host, RootCert: c.Home.CACert(o.Name)}
			}
		}
		for _, n := range peers {
			if n.Org.Name == o.Name {
				po.Peers = append(po.Peers, node(n))
				po.Gateways = append(po.Gateways, n.ID())
			}
		}
		if len(po.Peers) > 0 {
			po.KEKDir = c.Home.KEK(o.Name)
		}
		if len(po.Gateways) == 0 {
			// An org without peers submits through the peers of the orgs it
			// shares channels with, in channel order.
			seen := map[string]bool{}
			for _, ch := range c.Topo.ChannelsOf(o.Name) {
				for _, po2 := range c.Topo.PeerOrgs(ch) {
					for _, n := range peers {
						if n.Org.Name == po2.Name && !seen[n.ID()] {
							seen[n.ID()] = true
							po.Gateways = append(po.Gateways, n.ID())
						}
					}
				}
			}
		}
		for _, u := range o.Users {
			typ := u.Type
			if typ == "" {
				typ = "client"
			}
			po.Users = append(po.Users, profile.User{Name: u.Name, Type: typ, Role: u.Role})
		}
		p.Orgs = append(p.Orgs, po)
	}
	return p
}

func (c *Consortium) writeProfile(context.Context) error {
	return c.Profile().Save(c.Home.Profile())
}

// caName is the name of an org's CA inside its fabric-ca-server.
func caName(o *topology.Org) string { return "ca-" + o.Name }
