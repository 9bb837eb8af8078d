package channelcfg

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"
)

// Member is an application org as a channel should hold it.
type Member struct {
	MSPID string
	// MSP is written when the org joins the channel; an existing member's
	// MSP is left as the channel has it.
	MSP         configtx.MSP
	Policies    map[string]configtx.Policy
	AnchorPeers []configtx.Address
}

// Want is the application side of a channel as it should be: its members
// and the application policies carenet keeps (every other value, such as
// ACLs and capabilities, stays as the channel has it).
type Want struct {
	Members  []Member
	Policies map[string]configtx.Policy
	// Batch, when set, is the orderers' batching the channel should have;
	// nil leaves the orderer side as the channel has it.
	Batch *Batch
}

// Plan is the change that brings a channel's config to a Want: which orgs
// join or leave, what else changes, and whose signatures it needs.
type Plan struct {
	Channel string
	Added   []string // MSP ids, sorted
	Removed []string
	// Changed names every other change, e.g. "policy Endorsement",
	// "anchor peers of PayerMSP".
	Changed []string
	// Sequence is the config sequence the plan starts from.
	Sequence uint64
	tx       configtx.ConfigTx
	reqs     []requirement
}

// Empty reports a channel that already is as wanted.
func (p *Plan) Empty() bool { return len(p.Added)+len(p.Removed)+len(p.Changed) == 0 }

// Updated is the channel's config once the plan applies.
func (p *Plan) Updated() *cb.Config { return p.tx.UpdatedConfig() }

// Original is the channel's config the plan starts from.
func (p *Plan) Original() *cb.Config { return p.tx.OriginalConfig() }

func (p *Plan) String() string {
	if p.Empty() {
		return fmt.Sprintf("channel %s: no change", p.Channel)
	}
	return fmt.Sprintf("channel %s: add %v, remove %v, change %v", p.Channel, p.Added, p.Removed, p.Changed)
}

// NewPlan compares a channel's current config with what is wanted.
func NewPlan(channel string, current *cb.Config, want Want) (*Plan, error) {
	if current.GetChannelGroup().GetGroups()[configtx.ApplicationGroupKey] == nil {
		return nil, fmt.Errorf("channel %s: the config has no application group", channel)
	}
	p := &Plan{Channel: channel, Sequence: current.GetSequence(), tx: configtx.New(proto.Clone(current).(*cb.Config))}
	if g := p.Updated().ChannelGroup.Groups[configtx.ApplicationGroupKey]; g.Groups == nil {
		g.Groups = map[string]*cb.ConfigGroup{} // an application group without orgs
	}
	app := p.tx.Application()
	wanted := map[string]Member{}
	for _, m := range want.Members {
		wanted[m.MSPID] = m
	}
	for _, name := range slices.Sorted(maps.Keys(p.Original().ChannelGroup.Groups[configtx.ApplicationGroupKey].Groups)) {
		if _, ok := wanted[name]; !ok {
			app.RemoveOrganization(name)
			p.Removed = append(p.Removed, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(wanted)) {
		if err := p.member(wanted[name]); err != nil {
			return nil, fmt.Errorf("channel %s: %s: %w", channel, name, err)
		}
	}
	if err := p.applicationPolicies(want.Policies); err != nil {
		return nil, fmt.Errorf("channel %s: %w", channel, err)
	}
	if len(p.Added)+len(p.Removed) > 0 {
		p.reqs = append(p.reqs, p.groupModPolicy(nil))
	}
	if want.Batch != nil {
		if err := p.batch(*want.Batch); err != nil {
			return nil, fmt.Errorf("channel %s: %w", channel, err)
		}
	}
	return p, nil
}

// member adds a wanted org that the channel lacks, or brings an existing
// one's policies and anchor peers to what is wanted.
func (p *Plan) member(m Member) error {
	app := p.tx.Application()
	org := app.Organization(m.MSPID)
	if org == nil {
		p.Added = append(p.Added, m.MSPID)
		return app.SetOrganization(configtx.Organization{Name: m.MSPID, Policies: m.Policies, MSP: m.MSP, AnchorPeers: m.AnchorPeers})
	}
	have, err := org.Policies()
	if err != nil {
		return err
	}
	same, err := samePolicies(have, m.Policies)
	if err != nil {
		return err
	}
	if !same {
		if err := org.SetPolicies(m.Policies); err != nil {
			return err
		}
		p.Changed = append(p.Changed, "policies of "+m.MSPID)
		p.reqs = append(p.reqs, p.groupModPolicy([]string{m.MSPID}))
	}
	return p.anchorPeers(org, m)
}

func (p *Plan) anchorPeers(org *configtx.ApplicationOrg, m Member) error {
	have, err := org.AnchorPeers()
	if err != nil {
		return err
	}
	if sameAddresses(have, m.AnchorPeers) {
		return nil
	}
	for _, a := range have {
		if !slices.Contains(m.AnchorPeers, a) {
			if err := org.RemoveAnchorPeer(a); err != nil {
				return err
			}
		}
	}
	for _, a := range m.AnchorPeers {
		if err := org.AddAnchorPeer(a); err != nil {
			return err
		}
	}
	p.Changed = append(p.Changed, "anchor peers of "+m.MSPID)
	p.reqs = append(p.reqs, p.groupModPolicy([]string{m.MSPID}))
	return nil
}

// applicationPolicies sets the wanted application policies that differ.
func (p *Plan) applicationPolicies(want map[string]configtx.Policy) error {
	app := p.tx.Application()
	have, err := app.Policies()
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		cur, ok := have[name]
		if ok {
			same, err := samePolicy(cur, want[name])
			if err != nil {
				return fmt.Errorf("policy %s: %w", name, err)
			}
			if same {
				continue
			}
		}
		if err := app.SetPolicy(name, want[name]); err != nil {
			return err
		}
		p.Changed = append(p.Changed, "policy "+name)
		p.reqs = append(p.reqs, p.groupModPolicy(nil))
	}
	return nil
}

func sameAddresses(a, b []configtx.Address) bool {
	key := func(x configtx.Address) string { return fmt.Sprintf("%s:%d", x.Host, x.Port) }
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i, x := range a {
		ka[i] = key(x)
	}
	for i, x := range b {
		kb[i] = key(x)
	}
	sort.Strings(ka)
	sort.Strings(kb)
	return slices.Equal(ka, kb)
}

func samePolicies(have, want map[string]configtx.Policy) (bool, error) {
	if len(have) != len(want) {
		return false, nil
	}
	for name, w := range want {
		h, ok := have[name]
		if !ok {
			return false, nil
		}
		same, err := samePolicy(h, w)
		if err != nil || !same {
			return false, err
		}
	}
	return true, nil
}

// samePolicy compares a policy read from a config with one written as
// carenet writes it, in the form fabric-config reads back (OutOf(2, …)
// reads as OUTOF(2, …), OutOf(1, …) as OR(…)).
func samePolicy(have, want configtx.Policy) (bool, error) {
	w, err := normalise(want)
	if err != nil {
		return false, err
	}
	if have.ModPolicy == "" {
		have.ModPolicy = configtx.AdminsPolicyKey
	}
	return have == w, nil
}

// normalise writes a policy into a scratch group and reads it back.
func normalise(pol configtx.Policy) (configtx.Policy, error) {
	scratch := configtx.New(&cb.Config{ChannelGroup: &cb.ConfigGroup{Groups: map[string]*cb.ConfigGroup{
		configtx.ApplicationGroupKey: {Groups: map[string]*cb.ConfigGroup{}, Values: map[string]*cb.ConfigValue{}, Policies: map[string]*cb.ConfigPolicy{}},
	}}})
	if err := scratch.Application().SetPolicy("p", pol); err != nil {
		return configtx.Policy{}, err
	}
	read, err := scratch.Application().Policies()
	if err != nil {
		return configtx.Policy{}, err
	}
	got, ok := read["p"]
	if !ok {
		return configtx.Policy{}, errors.New("policy not written")
	}
	return got, nil
}
