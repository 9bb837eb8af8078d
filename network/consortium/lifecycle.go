package consortium

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/carechain/carechain/network/topology"
)

// Readiness is who has approved a chaincode definition on one channel
// (Fabric's checkcommitreadiness), and how many approvals the channel's
// LifecycleEndorsement policy needs: carenet writes it as a majority of
// the channel's orgs that run peers (channelcfg.MajorityOf).
type Readiness struct {
	Chaincode string          `json:"chaincode"`
	Channel   string          `json:"channel"`
	Sequence  int64           `json:"sequence"`
	Version   string          `json:"version"`
	Approvals map[string]bool `json:"approvals"`
	Need      int             `json:"need"`
	// Committed: this definition is the channel's committed one.
	Committed bool `json:"committed"`
}

// Approved are the MSP ids that approved, sorted.
func (r Readiness) Approved() []string { return r.with(true) }

// Missing are the MSP ids that have not approved, sorted.
func (r Readiness) Missing() []string { return r.with(false) }

// Ready reports whether the definition may be committed.
func (r Readiness) Ready() bool { return len(r.Approved()) >= r.Need }

func (r Readiness) with(approved bool) []string {
	var out []string
	for msp, ok := range r.Approvals {
		if ok == approved {
			out = append(out, msp)
		}
	}
	sort.Strings(out)
	return out
}

func (r Readiness) String() string {
	state := fmt.Sprintf("approved by %v, missing %v (%d of %d needed)", r.Approved(), r.Missing(), r.Need, len(r.Approvals))
	if r.Committed {
		state = "committed; " + state
	}
	return fmt.Sprintf("%s on %s, sequence %d: %s", r.Chaincode, r.Channel, r.Sequence, state)
}

// NotReadyError is a commit the lifecycle policy does not allow yet: it
// names the orgs whose admins still have to approve.
type NotReadyError struct{ Readiness Readiness }

func (e *NotReadyError) Error() string {
	return fmt.Sprintf("%s on %s, sequence %d: not committed: approved by %v, %d approvals needed; still to approve: %v "+
		"(carenet approve %s --org ORG)", e.Readiness.Chaincode, e.Readiness.Channel, e.Readiness.Sequence,
		e.Readiness.Approved(), e.Readiness.Need, e.Readiness.Missing(), e.Readiness.Chaincode)
}

// ErrNotMember is an org asked to approve a chaincode on none of whose
// channels it runs peers.
var ErrNotMember = errors.New("the org runs no peer on any channel of the chaincode")

// target is the sequence a definition is approved and committed at: the
// committed sequence when the definition is the committed one (an org
// approving late), else the next.
func (c *Consortium) target(ctx context.Context, d definition) (seq int64, cur *committed, err error) {
	first := c.peerAdmin(c.Topo.PeerOrgs(d.channel)[0])
	out, err := first.Run(ctx, "lifecycle", "chaincode", "querycommitted", "-C", d.channel, "-n", d.cc.Name, "--output", "json")
	if err != nil {
		if strings.Contains(err.Error(), "not defined") || strings.Contains(err.Error(), "not found") {
			return 1, nil, nil
		}
		return 0, nil, err
	}
	var have committed
	if err := json.Unmarshal(out, &have); err != nil {
		return 0, nil, fmt.Errorf("querycommitted: %w", err)
	}
	if have.Version == d.version {
		return have.Sequence, &have, nil
	}
	return have.Sequence + 1, nil, nil
}

// readiness asks the channel who approved the definition at seq.
func (c *Consortium) readiness(ctx context.Context, d definition, seq int64, cur *committed) (Readiness, error) {
	orgs := c.Topo.PeerOrgs(d.channel)
	r := Readiness{Chaincode: d.cc.Name, Channel: d.channel, Sequence: seq, Version: d.version, Need: len(orgs)/2 + 1}
	if cur != nil {
		r.Approvals, r.Committed = peerOrgApprovals(orgs, cur.Approvals), true
		return r, nil
	}
	args := append([]string{"lifecycle", "chaincode", "checkcommitreadiness"}, d.args(seq)...)
	out, err := c.peerAdmin(orgs[0]).Run(ctx, append(args, "--output", "json")...)
	if err != nil {
		return r, fmt.Errorf("checkcommitreadiness: %w", err)
	}
	var ready struct {
		Approvals map[string]bool `json:"approvals"`
	}
	if err := json.Unmarshal(out, &ready); err != nil {
		return r, fmt.Errorf("checkcommitreadiness: %w", err)
	}
	r.Approvals = peerOrgApprovals(orgs, ready.Approvals)
	return r, nil
}

// peerOrgApprovals keeps the approvals of the orgs that run peers: an org
// without peers (patients) has no peer to approve on, and the lifecycle
// majority does not count it.
func peerOrgApprovals(orgs []*topology.Org, all map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, o := range orgs {
		out[o.MSPID] = all[o.MSPID]
	}
	return out
}

// settledReadiness is the readiness, asked again for a few seconds while
// it is short of the policy: the peer asked may not have committed the
// block of another org's approval yet.
func (c *Consortium) settledReadiness(ctx context.Context, d definition, seq int64, cur *committed) (Readiness, error) {
	for try := 0; ; try++ {
		r, err := c.readiness(ctx, d, seq, cur)
		if err != nil || r.Committed || r.Ready() || try == 10 {
			return r, err
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// Approve has one org's admin approve the named chaincode's definition,
// as the topology and the chaincode's source make it, on each channel
// where the org runs peers: the package is built and installed on the
// org's own peers, and the approval is signed with the org's admin key
// only. No other org's key is used, so each org approves when and where
// its operator decides; the readiness returned says who still has to.
func (c *Consortium) Approve(ctx context.Context, name, org string) ([]Readiness, error) {
	ccs, err := c.chaincodes([]string{name})
	if err != nil {
		return nil, err
	}
	cc, o := ccs[0], c.Topo.Org(org)
	if o == nil {
		return nil, fmt.Errorf("approve %s: unknown org %q", name, org)
	}
	var out []Readiness
	p := &progress{w: c.Out}
	for _, ch := range cc.ChannelNames() {
		if !slices.ContainsFunc(c.Topo.PeerOrgs(ch), func(m *topology.Org) bool { return m.Name == o.Name }) {
			continue
		}
		r, err := c.approveOn(ctx, p, cc, ch, o)
		if err != nil {
			return out, fmt.Errorf("approve %s on %s for %s: %w", name, ch, o.MSPID, err)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("approve %s for %s: %w", name, o.MSPID, ErrNotMember)
	}
	return out, nil
}

func (c *Consortium) approveOn(ctx context.Context, p *progress, cc topology.Chaincode, ch string, o *topology.Org) (Readiness, error) {
	pkg, err := c.packageChaincode(cc)
	if err != nil {
		return Readiness{}, err
	}
	if err := c.installOn(ctx, c.orgPeers(o), pkg, make(chan struct{}, installLimit)); err != nil {
		return Readiness{}, err
	}
	d, err := c.definitionOf(cc, ch, pkg)
	if err != nil {
		return Readiness{}, err
	}
	seq, cur, err := c.target(ctx, d)
	if err != nil {
		return Readiness{}, err
	}
	if err := c.approve(ctx, d, seq, o); err != nil {
		return Readiness{}, err
	}
	if cur != nil {
		cur.Approvals[o.MSPID] = true
	}
	r, err := c.readiness(ctx, d, seq, cur)
	if err == nil {
		p.note("%s", r)
	}
	return r, err
}

// ReadinessOf is the named chaincode's readiness on each of its channels,
// for the definition as the topology and its source make it now: who has
// approved it, who is missing, whether it is the committed one. It
// changes nothing on the channel (the package is built, not installed).
func (c *Consortium) ReadinessOf(ctx context.Context, name string) ([]Readiness, error) {
	ccs, err := c.chaincodes([]string{name})
	if err != nil {
		return nil, err
	}
	pkg, err := c.packageChaincode(ccs[0])
	if err != nil {
		return nil, err
	}
	var out []Readiness
	for _, ch := range ccs[0].ChannelNames() {
		d, err := c.definitionOf(ccs[0], ch, pkg)
		if err != nil {
			return out, err
		}
		seq, cur, err := c.target(ctx, d)
		if err != nil {
			return out, err
		}
		r, err := c.readiness(ctx, d, seq, cur)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// orgPeers are the org's peers placed on this host.
func (c *Consortium) orgPeers(o *topology.Org) []topology.Node {
	var out []topology.Node
	for _, n := range c.nodesOf(topology.KindPeer) {
		if n.Org.Name == o.Name && c.local(n) {
			out = append(out, n)
		}
	}
	return out
}

// Commit commits the named chaincode's definition on each of its channels
// where it is not committed yet, once the approvals meet the lifecycle
// policy; a channel where they do not is a *NotReadyError naming the
// orgs still to approve, and nothing is submitted there.
func (c *Consortium) Commit(ctx context.Context, name string) ([]Readiness, error) {
	ccs, err := c.chaincodes([]string{name})
	if err != nil {
		return nil, err
	}
	cc := ccs[0]
	pkg, err := c.packageChaincode(cc)
	if err != nil {
		return nil, err
	}
	p := &progress{w: c.Out}
	var out []Readiness
	for _, ch := range cc.ChannelNames() {
		d, err := c.definitionOf(cc, ch, pkg)
		if err != nil {
			return out, err
		}
		r, err := c.commit(ctx, p, d)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// commit commits d at its target sequence, unless it is committed.
func (c *Consortium) commit(ctx context.Context, p *progress, d definition) (Readiness, error) {
	seq, cur, err := c.target(ctx, d)
	if err != nil {
		return Readiness{}, err
	}
	return c.commitAt(ctx, p, d, seq, cur)
}

// commitAt commits d at seq once the approvals meet the lifecycle policy;
// cur is the committed definition when d is it.
func (c *Consortium) commitAt(ctx context.Context, p *progress, d definition, seq int64, cur *committed) (Readiness, error) {
	r, err := c.settledReadiness(ctx, d, seq, cur)
	if err != nil || r.Committed {
		return r, err
	}
	if !r.Ready() {
		return r, &NotReadyError{Readiness: r}
	}
	var approved []*topology.Org
	for _, o := range c.Topo.PeerOrgs(d.channel) {
		if r.Approvals[o.MSPID] {
			approved = append(approved, o)
		}
	}
	args := append([]string{"lifecycle", "chaincode", "commit"}, d.args(seq)...)
	args = append(args, c.ordererFlags()...)
	args = append(args, c.endorserFlags(approved)...)
	if _, err := c.peerAdmin(approved[0]).Run(ctx, args...); err != nil {
		return r, fmt.Errorf("commit %s on %s: %w", d.cc.Name, d.channel, err)
	}
	r.Committed = true
	p.note("%s committed on %s at sequence %d (version %s), approved by %v", d.cc.Name, d.channel, seq, d.version, r.Approved())
	return r, nil
}
