package topology

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// doc is a topology of the orderer org and the named peer orgs (each with
// one peer, or the peers given after a colon: "a:p0,p1"), all on one channel.
func doc(t *testing.T, orgs ...string) *Topology {
	t.Helper()
	var b strings.Builder
	b.WriteString("portBase: 9000\norgs:\n  - {name: ord, mspId: OrdMSP, orderers: [o1, o2], users: [{name: admin, type: admin}]}\n")
	var names []string
	for _, o := range orgs {
		name, peers, ok := strings.Cut(o, ":")
		if !ok {
			peers = "peer0"
		}
		names = append(names, name)
		fmt.Fprintf(&b, "  - {name: %s, mspId: %sMSP, peers: [%s], users: [{name: admin, type: admin}]}\n", name, name, peers)
	}
	fmt.Fprintf(&b, "channels: [{name: ch, orgs: [%s]}]\n", strings.Join(names, ", "))
	topo, err := Parse([]byte(b.String()))
	require.NoError(t, err)
	return topo
}

func portsOf(nodes []Node) map[string][4]int {
	out := map[string][4]int{}
	for _, n := range nodes {
		out[n.ID()] = [4]int{n.Port, n.AdminPort, n.ChaincodePort, n.OperationsPort}
	}
	return out
}

func assign(t *testing.T, topo *Topology, p *Ports) map[string][4]int {
	t.Helper()
	nodes, err := topo.Assign(p, nil)
	require.NoError(t, err)
	require.NoError(t, p.Check())
	return portsOf(nodes)
}

// A fresh record gives the ports earlier versions gave: file order, org
// by org, each node's listeners in turn.
func TestAFreshRecordAssignsInFileOrder(t *testing.T) {
	got := assign(t, doc(t, "a", "b"), NewPorts(9000))
	assert.Equal(t, map[string][4]int{
		"ca.ord":  {9000, 0, 0, 9001},
		"o1.ord":  {9002, 9003, 0, 9004},
		"o2.ord":  {9005, 9006, 0, 9007},
		"ca.a":    {9008, 0, 0, 9009},
		"peer0.a": {9010, 0, 9011, 9012},
		"ca.b":    {9013, 0, 0, 9014},
		"peer0.b": {9015, 0, 9016, 9017},
	}, got)
}

// Adding orgs or peers anywhere in the file moves no node: the new ones
// take ports no node holds.
func TestNodesKeepTheirPortsWhenNodesAreAdded(t *testing.T) {
	p := NewPorts(9000)
	before := assign(t, doc(t, "a", "b"), p)
	for _, orgs := range [][]string{
		{"z", "a", "b"},                  // first in the file
		{"z", "a", "m", "b"},             // in the middle
		{"z", "a:peer0,peer1", "m", "b"}, // a second peer of an org
	} {
		after := assign(t, doc(t, orgs...), p)
		for id, ports := range before {
			assert.Equal(t, ports, after[id], "%s moved when %v was assigned", id, orgs)
		}
		before = after
	}
	assert.Equal(t, [4]int{9018, 0, 0, 9019}, before["ca.z"], "the first new node takes the first free ports")
	assert.Len(t, p.Nodes, 12)
}

// Removing an org keeps every other node's ports, keeps the removed nodes'
// ports reserved (they are listed as retired), and gives them back when
// the org returns.
func TestNodesKeepTheirPortsWhenNodesAreRemoved(t *testing.T) {
	p := NewPorts(9000)
	all := assign(t, doc(t, "a", "b", "c"), p)
	topo := doc(t, "a", "c")
	without := assign(t, topo, p)
	for id, ports := range without {
		assert.Equal(t, all[id], ports, id)
	}
	var retired []string
	for _, r := range topo.Retired(p) {
		retired = append(retired, r.ID)
		assert.Equal(t, all[r.ID], [4]int{r.Port, r.AdminPort, r.ChaincodePort, r.OperationsPort})
	}
	assert.Equal(t, []string{"ca.b", "peer0.b"}, retired)

	// A new org does not take the retired org's ports...
	withD := assign(t, doc(t, "a", "c", "d"), p)
	assert.Greater(t, withD["ca.d"][0], all["peer0.c"][3])
	// ...and the retired org gets its own back.
	again := assign(t, doc(t, "a", "b", "c", "d"), p)
	assert.Equal(t, all["peer0.b"], again["peer0.b"])
	assert.Empty(t, doc(t, "a", "b", "c", "d").Retired(p))
}

// The record survives its file: what is read back assigns the same.
func TestThePortRecordRoundTrips(t *testing.T) {
	p := NewPorts(9000)
	want := assign(t, doc(t, "a", "b"), p)
	data, err := json.Marshal(p)
	require.NoError(t, err)
	var back Ports
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, want, assign(t, doc(t, "b", "a"), &back), "file order no longer matters once recorded")
}

func TestABadRecordIsRefused(t *testing.T) {
	p := NewPorts(9000)
	assign(t, doc(t, "a"), p)
	p.Nodes["peer0.a"] = NodePorts{Kind: KindOrderer, Port: 9100, OperationsPort: 9101}
	_, err := doc(t, "a").Assign(p, nil)
	require.ErrorContains(t, err, "node peer0.a: the state folder records it as a orderer")

	dup := NewPorts(9000)
	dup.Nodes["peer0.a"] = NodePorts{Kind: KindPeer, Port: 9000, ChaincodePort: 9001, OperationsPort: 9002}
	dup.Nodes["peer0.b"] = NodePorts{Kind: KindPeer, Port: 9003, ChaincodePort: 9001, OperationsPort: 9004}
	require.ErrorContains(t, dup.Check(), "port 9001 is given to both peer0.a and peer0.b")
}

// The nodes of the last consortium that came up are commissioned; a node
// that left the topology is not, nor one that has never come up.
func TestCommissionFollowsTheLastConsortiumUp(t *testing.T) {
	p := NewPorts(9000)
	assign(t, doc(t, "a", "b"), p)
	p.Commission("ca.a", "peer0.a", "ca.b", "peer0.b")
	assign(t, doc(t, "a", "b", "c"), p)
	assert.False(t, p.Nodes["peer0.c"].Commissioned, "a node added by a reconcile that has not succeeded")
	p.Commission("ca.a", "peer0.a")
	assert.True(t, p.Nodes["peer0.a"].Commissioned)
	assert.False(t, p.Nodes["peer0.b"].Commissioned, "b left the topology")
}

// A new node skips a port that is taken on its host; recorded nodes keep
// theirs, taken or not (their own process holds them).
func TestANewNodeSkipsATakenPort(t *testing.T) {
	p := NewPorts(9000)
	before := assign(t, doc(t, "a"), p)
	taken := map[int]bool{9013: true, before["peer0.a"][0]: true}
	nodes, err := doc(t, "a", "b").Assign(p, func(host string, port int) bool {
		assert.Equal(t, DefaultHost, host)
		return !taken[port]
	})
	require.NoError(t, err)
	got := portsOf(nodes)
	assert.Equal(t, before["peer0.a"], got["peer0.a"])
	assert.Equal(t, [4]int{9014, 0, 0, 9015}, got["ca.b"], "9013, the first free port, is taken")
	require.NoError(t, p.Check())
}

// A node whose ports were taken before it listened moves to ports no node
// holds, its old ones included.
func TestReassignMovesANodeToFreePorts(t *testing.T) {
	p := NewPorts(9000)
	before := assign(t, doc(t, "a", "b"), p)
	rec, err := p.Reassign("peer0.a", func(_ string, port int) bool { return port != 9018 })
	require.NoError(t, err)
	assert.Equal(t, NodePorts{Kind: KindPeer, Host: DefaultHost, Port: 9019, ChaincodePort: 9020, OperationsPort: 9021}, rec,
		"9018 is taken; 9010-9017 are the record's")
	require.NoError(t, p.Check())
	after := assign(t, doc(t, "a", "b"), p)
	assert.Equal(t, before["peer0.b"], after["peer0.b"])
	assert.Equal(t, [4]int{9019, 0, 9020, 9021}, after["peer0.a"])
	_, err = p.Reassign("peer9.z", nil)
	require.Error(t, err)
}
