//go:build chaos

package chaos

import (
	"context"
	"testing"

	"github.com/carechain/carechain/client/profile"
	"github.com/carechain/carechain/network/health"
)

// nodes are the consortium's peers and orderers.
func (c *cluster) nodes() []profile.Node {
	out := append([]profile.Node{}, c.prof.Orderers...)
	for _, o := range c.prof.Orgs {
		out = append(out, o.Peers...)
	}
	return out
}

func (c *cluster) node(t *testing.T, id string) profile.Node {
	for _, n := range c.nodes() {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no node %s", id)
	return profile.Node{}
}

// raftLeader is the orderer leading the care channel's Raft, "" for none.
func raftLeader(ctx context.Context) string {
	leader := ""
	for _, n := range env.prof.Orderers {
		samples, err := health.Metrics(ctx, n.Operations)
		if err != nil {
			continue
		}
		if v, ok := health.Value(samples, "consensus_etcdraft_is_leader", map[string]string{"channel": channel}); ok && v == 1 {
			if leader != "" {
				return "" // two claim it: an election is under way
			}
			leader = n.ID
		}
	}
	return leader
}

// raftNode is the care channel's Raft leader, or a follower.
func raftNode(ctx context.Context, t *testing.T, leader bool) string {
	l := raftLeader(ctx)
	if l == "" {
		t.Fatal("the care channel has no Raft leader")
	}
	if leader {
		return l
	}
	for _, n := range env.prof.Orderers {
		if n.ID != l {
			return n.ID
		}
	}
	t.Fatal("no follower")
	return ""
}

// ordererHeights is each orderer's care height (0: unreadable).
func ordererHeights(ctx context.Context) map[string]uint64 {
	out := map[string]uint64{}
	for _, n := range env.prof.Orderers {
		samples, err := health.Metrics(ctx, n.Operations)
		if err != nil {
			out[n.ID] = 0
			continue
		}
		h, _ := health.Value(samples, "ledger_blockchain_height", map[string]string{"channel": channel})
		out[n.ID] = uint64(h)
	}
	return out
}

// behind lists the orderers whose care height is not height.
func behind(ctx context.Context, height uint64) []string {
	var out []string
	for id, h := range ordererHeights(ctx) {
		if h != height {
			out = append(out, id)
		}
	}
	return out
}
