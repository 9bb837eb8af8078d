package profile

import (
	"fmt"
	"slices"
)

// GatewayPeer is a peer that an org's clients may use as their gateway.
type GatewayPeer struct {
	Node
	// Org is the name of the org that runs the peer; MSPID is its MSP id.
	Org, MSPID string
	// Channels are the channels on which the peer serves the client's org:
	// those that both orgs are members of. Nil when the profile lists no
	// channels at all (any channel, then); empty when they share none.
	Channels []string
}

// Serves reports whether the peer serves the client's org on channel.
func (g GatewayPeer) Serves(channel string) bool {
	return g.Channels == nil || slices.Contains(g.Channels, channel)
}

// Gateways lists the gateway peers org's clients may use, in the order to
// try them: first the org's own gateways (Org.Gateways: its peers, or for
// an org without peers those it borrows), then the peers of every other
// org that shares a channel with it, in the order of the profile's
// channels and of their orgs. Each peer is listed once.
func (p *Profile) Gateways(org string) ([]GatewayPeer, error) {
	o, err := p.Org(org)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(o.Gateways)
	for _, ch := range p.Channels {
		if !slices.Contains(ch.Orgs, o.Name) {
			continue
		}
		for _, member := range ch.Orgs {
			ids = append(ids, p.peerIDs(member)...)
		}
	}
	return p.GatewayPeers(o.Name, dedupe(ids)...)
}

// GatewayPeers describes the peers ids as gateways of org's clients, in
// the order given.
func (p *Profile) GatewayPeers(org string, ids ...string) ([]GatewayPeer, error) {
	o, err := p.Org(org)
	if err != nil {
		return nil, err
	}
	out := make([]GatewayPeer, 0, len(ids))
	for _, id := range ids {
		owner, node, err := p.peerOwner(id)
		if err != nil {
			return nil, err
		}
		out = append(out, GatewayPeer{Node: *node, Org: owner.Name, MSPID: owner.MSPID, Channels: p.shared(o.Name, owner.Name)})
	}
	return out, nil
}

// peerIDs are the ids of an org's peers ("" or an unknown org: none).
func (p *Profile) peerIDs(org string) []string {
	o, err := p.Org(org)
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(o.Peers))
	for _, n := range o.Peers {
		ids = append(ids, n.ID)
	}
	return ids
}

// peerOwner finds a peer and the org that runs it.
func (p *Profile) peerOwner(id string) (*Org, *Node, error) {
	for i := range p.Orgs {
		for j := range p.Orgs[i].Peers {
			if p.Orgs[i].Peers[j].ID == id {
				return &p.Orgs[i], &p.Orgs[i].Peers[j], nil
			}
		}
	}
	return nil, nil, fmt.Errorf("unknown peer %q", id)
}

// shared lists the channels both orgs are members of, in profile order;
// nil when the profile lists no channels.
func (p *Profile) shared(a, b string) []string {
	if len(p.Channels) == 0 {
		return nil
	}
	out := []string{}
	for _, ch := range p.Channels {
		if slices.Contains(ch.Orgs, a) && slices.Contains(ch.Orgs, b) {
			out = append(out, ch.Name)
		}
	}
	return out
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
