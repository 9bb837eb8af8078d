package topology

import "fmt"

// Kind is what a node is.
type Kind string

// The kinds of node carenet runs.
const (
	KindCA      Kind = "ca"
	KindOrderer Kind = "orderer"
	KindPeer    Kind = "peer"
)

// Node is one process of the consortium with its resolved addresses.
type Node struct {
	Org  *Org
	Name string // e.g. "peer0", "orderer1", "ca"
	Kind Kind
	Host string
	// Port is the main gRPC (peer, orderer) or HTTPS (CA) listener.
	Port int
	// AdminPort is the orderer's channel participation API.
	AdminPort int
	// ChaincodePort is where the peer's chaincode processes connect.
	ChaincodePort int
	// OperationsPort serves /healthz and /metrics.
	OperationsPort int
}

// ID names the node across the consortium, e.g. "peer0.provider".
func (n Node) ID() string { return n.Name + "." + n.Org.Name }

// Address is host:port of the node's main listener.
func (n Node) Address() string { return fmt.Sprintf("%s:%d", n.Host, n.Port) }

// OperationsAddress is host:port of the operations listener.
func (n Node) OperationsAddress() string { return fmt.Sprintf("%s:%d", n.Host, n.OperationsPort) }

// Nodes resolves every node of the consortium, CAs first, then orderers, then
// peers, each listener at the next offset from portBase in file order. The
// order, and so every port, depends only on the description and the base.
func (t *Topology) Nodes(portBase int) []Node {
	next := portBase
	take := func() int { next++; return next - 1 }
	var cas, orderers, peers []Node
	for i := range t.Orgs {
		o := &t.Orgs[i]
		cas = append(cas, Node{Org: o, Name: "ca", Kind: KindCA, Host: o.HostOf("ca"), Port: take(), OperationsPort: take()})
		for _, name := range o.Orderers {
			orderers = append(orderers, Node{Org: o, Name: name, Kind: KindOrderer, Host: o.HostOf(name),
				Port: take(), AdminPort: take(), OperationsPort: take()})
		}
		for _, name := range o.Peers {
			peers = append(peers, Node{Org: o, Name: name, Kind: KindPeer, Host: o.HostOf(name),
				Port: take(), ChaincodePort: take(), OperationsPort: take()})
		}
	}
	return append(append(cas, orderers...), peers...)
}

// PortSpan is how many ports Nodes uses from the base.
func (t *Topology) PortSpan() int {
	n := 0
	for _, o := range t.Orgs {
		n += 2 + 3*len(o.Orderers) + 3*len(o.Peers)
	}
	return n
}
