package topology

import (
	"fmt"
	"slices"
	"sort"
)

// Ports is the record of every port ever given to a node of one
// consortium, by node id: the state folder keeps it (HOME/ports.json), so a
// node keeps its ports for the life of the state, whatever is added to or
// removed from the description before or after it. A node that leaves the
// description keeps its record: its ports stay reserved (its ledger and
// configuration still name them) and carenet can still find and stop it.
type Ports struct {
	Base  int                  `json:"base"`
	Nodes map[string]NodePorts `json:"nodes"`
}

// NodePorts are one node's listeners and what it is.
type NodePorts struct {
	Kind           Kind   `json:"kind"`
	Host           string `json:"host"`
	Port           int    `json:"port"`
	AdminPort      int    `json:"adminPort,omitempty"`
	ChaincodePort  int    `json:"chaincodePort,omitempty"`
	OperationsPort int    `json:"operationsPort"`
	// Commissioned: the node has been part of a consortium that came up
	// (a node a failed reconcile added is not: nothing supervises it).
	Commissioned bool `json:"commissioned,omitempty"`
}

// NewPorts is an empty record for a port base.
func NewPorts(base int) *Ports { return &Ports{Base: base, Nodes: map[string]NodePorts{}} }

// used lists every port of the record.
func (p *Ports) used() map[int]bool {
	used := map[int]bool{}
	for _, n := range p.Nodes {
		for _, port := range []int{n.Port, n.AdminPort, n.ChaincodePort, n.OperationsPort} {
			if port != 0 {
				used[port] = true
			}
		}
	}
	return used
}

// Assign resolves every node of the description with its ports: a node the
// record knows keeps its ports; a new node takes the lowest ports that no
// node of the record holds, in file order (CA, orderers, peers of each org
// in turn), and is added to the record. On an empty record this gives the
// ports of earlier carenet versions, which assigned them in file order.
// Nodes come back CAs first, then orderers, then peers. When free is
// set, a new node also skips the ports it reports taken on the node's
// host (another program's listener, a connection's local port: the port
// range is inside the kernel's ephemeral range).
func (t *Topology) Assign(p *Ports, free func(host string, port int) bool) ([]Node, error) {
	if p.Nodes == nil {
		p.Nodes = map[string]NodePorts{}
	}
	take := p.allocator(free)
	var cas, orderers, peers []Node
	for i := range t.Orgs {
		o := &t.Orgs[i]
		for _, n := range orgNodes(o) {
			rec, known := p.Nodes[n.ID()]
			if known && rec.Kind != n.Kind {
				return nil, fmt.Errorf("node %s: the state folder records it as a %s, the topology as a %s", n.ID(), rec.Kind, n.Kind)
			}
			if !known {
				rec = newPorts(n.Kind, take(n.Host))
			}
			rec.Host = n.Host
			p.Nodes[n.ID()] = rec
			n.Port, n.AdminPort, n.ChaincodePort, n.OperationsPort = rec.Port, rec.AdminPort, rec.ChaincodePort, rec.OperationsPort
			switch n.Kind {
			case KindCA:
				cas = append(cas, n)
			case KindOrderer:
				orderers = append(orderers, n)
			default:
				peers = append(peers, n)
			}
		}
	}
	return append(append(cas, orderers...), peers...), nil
}

// allocator hands out, for a host, the lowest ports from the base that
// no node of the record holds and free reports free, each once.
func (p *Ports) allocator(free func(host string, port int) bool) func(host string) func() int {
	used := p.used()
	next := p.Base
	return func(host string) func() int {
		return func() int {
			for used[next] || (free != nil && !free(host, next)) {
				next++
			}
			used[next] = true
			return next
		}
	}
}

// newPorts takes a new node's ports in the order earlier versions did:
// the main listener, the orderer's admin or the peer's chaincode
// listener, the operations listener.
func newPorts(kind Kind, take func() int) NodePorts {
	rec := NodePorts{Kind: kind, Port: take()}
	switch kind {
	case KindOrderer:
		rec.AdminPort = take()
	case KindPeer:
		rec.ChaincodePort = take()
	}
	rec.OperationsPort = take()
	return rec
}

// orgNodes are an org's nodes without ports, in file order.
func orgNodes(o *Org) []Node {
	nodes := []Node{{Org: o, Name: "ca", Kind: KindCA, Host: o.HostOf("ca")}}
	for _, name := range o.Orderers {
		nodes = append(nodes, Node{Org: o, Name: name, Kind: KindOrderer, Host: o.HostOf(name)})
	}
	for _, name := range o.Peers {
		nodes = append(nodes, Node{Org: o, Name: name, Kind: KindPeer, Host: o.HostOf(name)})
	}
	return nodes
}

// Retired are the recorded nodes the description no longer has, sorted by
// id: nodes removed from topology.yaml, whose state is kept until clean.
func (t *Topology) Retired(p *Ports) []RetiredNode {
	current := map[string]bool{}
	for i := range t.Orgs {
		for _, n := range orgNodes(&t.Orgs[i]) {
			current[n.ID()] = true
		}
	}
	var out []RetiredNode
	for id, rec := range p.Nodes {
		if !current[id] {
			out = append(out, RetiredNode{ID: id, NodePorts: rec})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// RetiredNode is a recorded node the description no longer has.
type RetiredNode struct {
	ID string
	NodePorts
}

// Check reports a record that gives one port to two nodes (a state folder
// edited by hand, or two records merged).
func (p *Ports) Check() error {
	owner := map[int]string{}
	ids := make([]string, 0, len(p.Nodes))
	for id := range p.Nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		n := p.Nodes[id]
		for _, port := range []int{n.Port, n.AdminPort, n.ChaincodePort, n.OperationsPort} {
			if port == 0 {
				continue
			}
			if other, ok := owner[port]; ok {
				return fmt.Errorf("port record: port %d is given to both %s and %s", port, other, id)
			}
			owner[port] = id
		}
	}
	return nil
}

// Commission records the nodes of a consortium that came up: these
// nodes are commissioned, every other node of the record (one removed
// from the topology) no longer is.
func (p *Ports) Commission(ids ...string) {
	for id, rec := range p.Nodes {
		rec.Commissioned = slices.Contains(ids, id)
		p.Nodes[id] = rec
	}
}

// Reassign gives a recorded node new ports: the lowest that no node of
// the record holds, that free reports free and that are not its old ones
// (another socket took one of them before the node could listen).
func (p *Ports) Reassign(id string, free func(host string, port int) bool) (NodePorts, error) {
	old, ok := p.Nodes[id]
	if !ok {
		return NodePorts{}, fmt.Errorf("port record: no node %s", id)
	}
	rec := newPorts(old.Kind, p.allocator(free)(old.Host))
	rec.Host, rec.Commissioned = old.Host, old.Commissioned
	p.Nodes[id] = rec
	return rec, nil
}
