package consortium

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/network/pki"
	"github.com/carechain/carechain/network/topology"
)

// registryChanges are the changes that bring a registry's entries to the
// wanted ones: removals of orgs no longer wanted, then entries that are
// missing or differ, each in MSP id order.
func registryChanges(have, want []wire.Org) []wire.Change {
	var changes []wire.Change
	wanted := map[string]wire.Org{}
	for _, o := range want {
		wanted[o.MSPID] = o
	}
	for _, o := range sortedByMSP(have) {
		if _, ok := wanted[o.MSPID]; !ok {
			changes = append(changes, wire.Change{Remove: o.MSPID})
		}
	}
	for _, w := range sortedByMSP(want) {
		i := slices.IndexFunc(have, func(o wire.Org) bool { return o.MSPID == w.MSPID })
		if i < 0 || !sameEntry(have[i], w) {
			changes = append(changes, wire.Change{Set: &w})
		}
	}
	return changes
}

func sortedByMSP(orgs []wire.Org) []wire.Org {
	out := slices.Clone(orgs)
	slices.SortFunc(out, func(a, b wire.Org) int { return strings.Compare(a.MSPID, b.MSPID) })
	return out
}

// sameEntry compares two entries as the registry normalises them (sorted
// lists, no update stamp).
func sameEntry(a, b wire.Org) bool {
	norm := func(s []string) []string { return slices.Compact(slices.Sorted(slices.Values(s))) }
	return a.MSPID == b.MSPID && a.Name == b.Name && a.Peer == b.Peer &&
		slices.Equal(norm(a.Parts), norm(b.Parts)) && slices.Equal(norm(a.Plans), norm(b.Plans)) &&
		slices.Equal(norm(a.CompanyPrefixes), norm(b.CompanyPrefixes)) && slices.Equal(a.RootCerts, b.RootCerts)
}

func describeChange(ch wire.Change) string {
	if ch.Set != nil {
		return fmt.Sprintf("set %s (%s)", ch.Set.MSPID, strings.Join(ch.Set.Parts, ", "))
	}
	return "remove " + ch.Remove
}

// reconcileRegistry brings the parts registry on a channel to the
// topology's orgs through the registry's own governance: an org's admin
// proposes each change, the admins of other governing orgs (orgs that run
// peers, in the registry) approve it, each with its own key, until a
// majority has.
func (c *Consortium) reconcileRegistry(ctx context.Context, p *progress, cc topology.Chaincode, ch string) error {
	want, err := c.registryOf(ch)
	if err != nil {
		return err
	}
	have, err := c.readRegistry(ctx, cc, ch)
	if err != nil {
		return err
	}
	if len(have.Orgs) == 0 {
		return errors.New("the registry lists no org: it is not bootstrapped")
	}
	changes := registryChanges(have.Orgs, want.Orgs)
	if len(changes) == 0 {
		p.note("the registry on %s matches the topology (%d orgs)", ch, len(have.Orgs))
		return nil
	}
	for _, change := range changes {
		if err := c.govern(ctx, p, cc, ch, have.Orgs, change); err != nil {
			return fmt.Errorf("registry on %s: %s: %w", ch, describeChange(change), err)
		}
	}
	return nil
}

func (c *Consortium) readRegistry(ctx context.Context, cc topology.Chaincode, ch string) (wire.Registry, error) {
	var r wire.Registry
	out, err := c.evaluateAsAdmin(ctx, c.Topo.PeerOrgs(ch)[0], cc, ch, wire.FnList)
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal(out, &r)
}

// govern has one change proposed and approved until it applies. A
// proposal a failed run left open is approved rather than proposed again.
func (c *Consortium) govern(ctx context.Context, p *progress, cc topology.Chaincode, ch string, have []wire.Org, change wire.Change) error {
	governors := c.governors(ch, have, change)
	if len(governors) == 0 {
		return errors.New("no org that governs the registry has its admin here")
	}
	key, err := json.Marshal(change)
	if err != nil {
		return err
	}
	prop, err := c.pendingProposal(ctx, cc, ch, string(key))
	if err != nil {
		return err
	}
	if prop == nil {
		if prop, err = c.governTx(ctx, governors[0], cc, ch, wire.FnPropose, string(key)); err != nil {
			return err
		}
		if err := c.recordPending(ch, string(key), prop.ID); err != nil {
			return err
		}
	}
	for _, o := range governors {
		if prop.Status != wire.ProposalOpen || slices.Contains(prop.Approvals, o.MSPID) {
			continue
		}
		if prop, err = c.governTx(ctx, o, cc, ch, wire.FnApprove, prop.ID); err != nil {
			return err
		}
	}
	if prop.Status != wire.ProposalApplied {
		return fmt.Errorf("proposal %s has the approvals of %v, %d are needed", prop.ID, prop.Approvals, prop.Needed)
	}
	p.note("the registry on %s: %s, proposal %s approved by %v", ch, describeChange(change), prop.ID, prop.Approvals)
	return c.recordPending(ch, string(key), "")
}

// governors are the topology's orgs whose admins may propose and approve:
// members of the channel with an entry that runs peers, their admin
// enrolled here; the change's own subject last.
func (c *Consortium) governors(ch string, have []wire.Org, change wire.Change) []*topology.Org {
	var out, subject []*topology.Org
	for _, o := range c.Topo.PeerOrgs(ch) {
		i := slices.IndexFunc(have, func(e wire.Org) bool { return e.MSPID == o.MSPID })
		if i < 0 || !have[i].Peer || !pki.Enrolled(c.Home.UserMSP(o.Name, adminUser(o))) {
			continue
		}
		if o.MSPID == change.Remove || (change.Set != nil && o.MSPID == change.Set.MSPID) {
			subject = append(subject, o)
			continue
		}
		out = append(out, o)
	}
	return append(out, subject...)
}

// governTx submits a Propose or Approve as an org's admin, once, and
// waits until every local peer of the channel has committed it, so the
// next admin's peer knows the proposal.
func (c *Consortium) governTx(ctx context.Context, o *topology.Org, cc topology.Chaincode, ch, fn, arg string) (*wire.Proposal, error) {
	gw, closeGW, err := c.adminGateway(o)
	if err != nil {
		return nil, err
	}
	defer closeGW()
	out, commit, err := gw.GetNetwork(ch).GetContract(cc.Name).SubmitAsyncWithContext(ctx, fn, client.WithArguments(arg))
	if err != nil {
		return nil, fmt.Errorf("%s as the admin of %s: %w", fn, o.MSPID, err)
	}
	st, err := commit.StatusWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s as the admin of %s: commit status of %s: %w", fn, o.MSPID, commit.TransactionID(), err)
	}
	if !st.Successful {
		return nil, fmt.Errorf("%s as the admin of %s: transaction %s is %s", fn, o.MSPID, st.TransactionID, st.Code)
	}
	var prop wire.Proposal
	if err := json.Unmarshal(out, &prop); err != nil {
		return nil, fmt.Errorf("%s as %s: %w", fn, o.MSPID, err)
	}
	if st.BlockNumber >= math.MaxInt32 {
		return nil, fmt.Errorf("%s as %s: block %d beyond the heights carenet follows", fn, o.MSPID, st.BlockNumber)
	}
	return &prop, c.waitChannelPeers(ctx, ch, int(st.BlockNumber)+1)
}

// waitChannelPeers waits until every local peer of the channel's orgs has
// height at least target.
func (c *Consortium) waitChannelPeers(ctx context.Context, ch string, target int) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var peers []topology.Node
	for _, n := range c.nodesOf(topology.KindPeer) {
		if c.local(n) && slices.Contains(c.Topo.Channel(ch).Orgs, n.Org.Name) {
			peers = append(peers, n)
		}
	}
	return parallel(peers, len(peers), func(n topology.Node) error { return c.waitHeight(ctx, n, ch, target) })
}

// evaluateAsAdmin evaluates a transaction as an org's admin.
func (c *Consortium) evaluateAsAdmin(ctx context.Context, o *topology.Org, cc topology.Chaincode, ch string, fn string, args ...string) ([]byte, error) {
	gw, closeGW, err := c.adminGateway(o)
	if err != nil {
		return nil, err
	}
	defer closeGW()
	out, err := gw.GetNetwork(ch).GetContract(cc.Name).EvaluateWithContext(ctx, fn, client.WithArguments(args...))
	if err != nil {
		return nil, fmt.Errorf("%s as the admin of %s: %w", fn, o.MSPID, err)
	}
	return out, nil
}

// pendingFile records the proposals a run opened and has not seen
// applied, by change.
func (c *Consortium) pendingFile(ch string) string {
	return filepath.Join(c.Home.Channel(ch), "registry-proposals.json")
}

func (c *Consortium) readPending(ch string) (map[string]string, error) {
	pending := map[string]string{}
	data, err := os.ReadFile(c.pendingFile(ch))
	if errors.Is(err, os.ErrNotExist) {
		return pending, nil
	}
	if err != nil {
		return nil, err
	}
	return pending, json.Unmarshal(data, &pending)
}

func (c *Consortium) recordPending(ch, key, id string) error {
	pending, err := c.readPending(ch)
	if err != nil {
		return err
	}
	if id == "" {
		delete(pending, key)
	} else {
		pending[key] = id
	}
	data, err := json.MarshalIndent(pending, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(c.pendingFile(ch), data, 0o644)
}

// pendingProposal is the open proposal a failed run left for the change, or nil.
func (c *Consortium) pendingProposal(ctx context.Context, cc topology.Chaincode, ch, key string) (*wire.Proposal, error) {
	pending, err := c.readPending(ch)
	if err != nil || pending[key] == "" {
		return nil, err
	}
	out, err := c.evaluateAsAdmin(ctx, c.Topo.PeerOrgs(ch)[0], cc, ch, wire.FnProposal, pending[key])
	if err != nil {
		return nil, nil // gone: propose again
	}
	var prop wire.Proposal
	if json.Unmarshal(out, &prop) != nil || prop.Status != wire.ProposalOpen {
		return nil, nil
	}
	return &prop, nil
}
