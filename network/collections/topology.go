package collections

import "github.com/carechain/carechain/network/topology"

// FromTopology are the orgs of a channel as the generator needs them: MSP
// id, parts and whether they run peers.
func FromTopology(t *topology.Topology, channel string) []Org {
	ch := t.Channel(channel)
	if ch == nil {
		return nil
	}
	var out []Org
	for _, name := range ch.Orgs {
		if o := t.Org(name); o != nil {
			out = append(out, Org{MSPID: o.MSPID, Parts: o.Parts, Peer: len(o.Peers) > 0})
		}
	}
	return out
}
