package consortium

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"

	"github.com/carechain/carechain/network/channelcfg"
	"github.com/carechain/carechain/network/fabriccli"
	"github.com/carechain/carechain/network/health"
	"github.com/carechain/carechain/network/pki"
	"github.com/carechain/carechain/network/topology"
)

// applied is a channel update this run made: what to roll back to.
type applied struct {
	channel string
	before  *cb.Config
}

// updateChannels brings every existing channel's config to the topology
// by config update: orgs that join (with their anchor peers) or leave,
// and the majorities that count the members. A channel made in this run
// already is as described.
func (c *Consortium) updateChannels(ctx context.Context) error {
	p := &progress{w: c.Out}
	var names []string
	for _, ch := range c.Topo.Channels {
		if !c.created[ch.Name] {
			names = append(names, ch.Name)
		}
	}
	// Each channel's config is read at once; updates go one at a time.
	cfgs := make([]*cb.Config, len(names))
	err := parallel(names, len(names), func(name string) error {
		cfg, err := c.fetchConfig(ctx, name)
		if err != nil {
			return fmt.Errorf("channel %s: %w", name, err)
		}
		cfgs[slices.Index(names, name)] = cfg
		return nil
	})
	if err != nil {
		return err
	}
	for i, name := range names {
		if err := c.updateChannel(ctx, p, name, cfgs[i]); err != nil {
			return fmt.Errorf("channel %s: %w", name, err)
		}
	}
	return nil
}

func (c *Consortium) updateChannel(ctx context.Context, p *progress, name string, cfg *cb.Config) error {
	want, err := channelcfg.WantOf(c.channelSpec(name))
	if err != nil {
		return err
	}
	plan, err := channelcfg.NewPlan(name, cfg, want)
	if err != nil {
		return err
	}
	if plan.Empty() {
		p.note("%s matches the topology (config sequence %d)", name, plan.Sequence)
		return nil
	}
	p.note("%s", plan)
	if err := c.applyPlan(ctx, p, plan); err != nil {
		return err
	}
	c.applied = append(c.applied, applied{channel: name, before: cfg})
	return nil
}

// applyPlan goes through the exchange of a channel update between the
// orgs' folders: the plan's update written to a file, signed there by
// the admins its policies need, each with the key in its own org's folder
// (SignUpdateFile), then submitted as the first of them once it checks
// (SubmitUpdateFile), which waits until the orderers serve the new config.
func (c *Consortium) applyPlan(ctx context.Context, p *progress, plan *channelcfg.Plan) error {
	signers, err := plan.Signers(c.signerOrder(plan))
	if err != nil {
		return err
	}
	u, err := plan.Update()
	if err != nil {
		return err
	}
	file := c.updateFile(plan)
	if err := u.WriteFile(file); err != nil {
		return &ExchangeError{Step: "plan", File: file, Err: err}
	}
	for _, msp := range signers {
		if _, err := c.SignUpdateFile(file, c.orgOfMSP(msp).Name); err != nil {
			return err
		}
	}
	if err := c.SubmitUpdateFile(ctx, file, c.orgOfMSP(signers[0]).Name); err != nil {
		return err
	}
	p.note("%s: config update signed by the admins of %v, each from its own folder, submitted by %s (%s)", plan.Channel, signers, signers[0], file)
	return nil
}

// signerOrder is who may sign a channel's update, in order of preference:
// the channel's orgs in the topology with their admin enrolled, then the
// orgs that leave the channel, then the orderer org.
func (c *Consortium) signerOrder(plan *channelcfg.Plan) []string {
	var stay, leave []string
	for _, name := range c.Topo.Channel(plan.Channel).Orgs {
		o := c.Topo.Org(name)
		if pki.Enrolled(c.Home.UserMSP(o.Name, adminUser(o))) {
			stay = append(stay, o.MSPID)
		}
	}
	for _, msp := range plan.Removed {
		if o := c.orgOfMSP(msp); o != nil && pki.Enrolled(c.Home.UserMSP(o.Name, adminUser(o))) {
			leave = append(leave, msp)
		}
	}
	// The orderer org's admins sign what only they may change (batching).
	if oo := c.Topo.OrdererOrg(); pki.Enrolled(c.Home.UserMSP(oo.Name, adminUser(oo))) {
		leave = append(leave, oo.MSPID)
	}
	return append(stay, leave...)
}

// batchOf is the batching the topology gives a channel.
func (c *Consortium) batchOf(channel string) channelcfg.Batch {
	b := c.Topo.Channel(channel).Batch
	timeout, _ := b.TimeoutDuration() // checked when the topology was read
	return channelcfg.Batch{Timeout: timeout, MaxMessageCount: b.MaxMessageCount,
		AbsoluteMaxBytes: b.AbsoluteMaxBytes, PreferredMaxBytes: b.PreferredMaxBytes}.OrDefault()
}

// orgOfMSP is the topology's org of an MSP id, or nil.
func (c *Consortium) orgOfMSP(msp string) *topology.Org {
	for i := range c.Topo.Orgs {
		if c.Topo.Orgs[i].MSPID == msp {
			return &c.Topo.Orgs[i]
		}
	}
	return nil
}

// adminCLI is the peer CLI as an org's admin: against the org's first
// peer, or, for an org without peers, with its own CLI config and
// another org's peer address, published (channel fetch and update talk
// to the orderer only).
func (c *Consortium) adminCLI(org *topology.Org) fabriccli.PeerAdmin {
	if len(org.Peers) > 0 {
		return c.peerAdmin(org)
	}
	peers := c.nodesOf(topology.KindPeer)
	return fabriccli.PeerAdmin{
		Bin: c.tool("peer"), MSPID: org.MSPID, MSPDir: c.Home.UserMSP(org.Name, adminUser(org)),
		PeerAddress: peers[0].Address(), PeerTLSRoot: c.Home.CACert(peers[0].Org.Name), ConfigDir: c.Home.CLIConfig(org.Name),
	}
}

// fetchConfig reads a channel's current config from the orderers, as the
// orderer org's admin (a reader of every channel).
func (c *Consortium) fetchConfig(ctx context.Context, channel string) (*cb.Config, error) {
	dir := filepath.Join(c.Home.Channel(channel), "updates")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "current.block")
	args := append([]string{"channel", "fetch", "config", file, "-c", channel}, c.ordererFlags()...)
	if _, err := c.adminCLI(c.Topo.OrdererOrg()).Run(ctx, args...); err != nil {
		return nil, fmt.Errorf("fetch the config: %w", err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return channelcfg.ConfigFromBlock(data)
}

// waitConfig waits until the orderers serve a config newer than sequence.
func (c *Consortium) waitConfig(ctx context.Context, channel string, sequence uint64) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var last error
	err := health.Poll(ctx, 250*time.Millisecond, func(ctx context.Context) (bool, error) {
		cfg, err := c.fetchConfig(ctx, channel)
		last = err
		return err == nil && cfg.GetSequence() > sequence, nil
	})
	if err != nil {
		return fmt.Errorf("the orderers never served config sequence %d: %w (last: %w)", sequence+1, err, last)
	}
	return nil
}

// rollBackChannels undoes this run's channel updates, newest first, by
// updates back to the configs before them.
func (c *Consortium) rollBackChannels(ctx context.Context) error {
	p := &progress{w: c.Out}
	for i := len(c.applied) - 1; i >= 0; i-- {
		a := c.applied[i]
		cfg, err := c.fetchConfig(ctx, a.channel)
		if err != nil {
			return fmt.Errorf("channel %s: %w", a.channel, err)
		}
		want, err := channelcfg.WantFrom(a.before)
		if err != nil {
			return err
		}
		plan, err := channelcfg.NewPlan(a.channel, cfg, want)
		if err != nil {
			return err
		}
		if plan.Empty() {
			continue
		}
		p.note("roll back %s", plan)
		if err := c.applyPlan(ctx, p, plan); err != nil {
			return fmt.Errorf("channel %s: %w", a.channel, err)
		}
	}
	c.applied = nil
	return nil
}

// waitCaughtUp waits until every local peer of each channel has the
// height the orderers have: a peer that joined late has caught up.
func (c *Consortium) waitCaughtUp(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	for _, ch := range c.Topo.Channels {
		target, err := c.ordererHeight(ctx, ch.Name)
		if err != nil {
			return err
		}
		var peers []topology.Node
		for _, n := range c.nodesOf(topology.KindPeer) {
			if c.local(n) && slices.Contains(ch.Orgs, n.Org.Name) {
				peers = append(peers, n)
			}
		}
		if err := parallel(peers, len(peers), func(n topology.Node) error { return c.waitHeight(ctx, n, ch.Name, target) }); err != nil {
			return err
		}
	}
	return nil
}

// ordererHeight is the highest block height a local orderer reports for a
// channel.
func (c *Consortium) ordererHeight(ctx context.Context, channel string) (int, error) {
	best := 0
	for _, n := range c.nodesOf(topology.KindOrderer) {
		if !c.local(n) {
			continue
		}
		if samples, err := health.Metrics(ctx, n.OperationsAddress()); err == nil {
			if h, ok := health.Value(samples, "ledger_blockchain_height", map[string]string{"channel": channel}); ok && int(h) > best {
				best = int(h)
			}
		}
	}
	if best == 0 {
		return 0, fmt.Errorf("channel %s: no local orderer reports its height", channel)
	}
	return best, nil
}

func (c *Consortium) waitHeight(ctx context.Context, n topology.Node, channel string, target int) error {
	got := 0.0
	err := health.Poll(ctx, 200*time.Millisecond, func(ctx context.Context) (bool, error) {
		samples, err := health.Metrics(ctx, n.OperationsAddress())
		if err != nil {
			return false, nil
		}
		got, _ = health.Value(samples, "ledger_blockchain_height", map[string]string{"channel": channel})
		return int(got) >= target, nil
	})
	if err != nil {
		return c.nodeErr(n, fmt.Errorf("channel %s: at height %d of the orderers' %d: %w", channel, int(got), target, err))
	}
	return nil
}
