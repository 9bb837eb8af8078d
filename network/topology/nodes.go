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

// Nodes resolves every node of the consortium on a fresh port record,
// CAs first, then orderers, then peers, each listener at the next offset
// from portBase in file order. A running consortium's nodes come from
// Assign on the state folder's record instead, so that they keep their
// ports when the description changes.
func (t *Topology) Nodes(portBase int) []Node {
	nodes, _ := t.Assign(NewPorts(portBase), nil)
	return nodes
}

// PortSpan is how many ports Nodes uses from the base.
func (t *Topology) PortSpan() int {
	n := 0
	for _, o := range t.Orgs {
		n += 2 + 3*len(o.Orderers) + 3*len(o.Peers)
	}
	return n
}
