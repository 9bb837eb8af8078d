package channelcfg

import (
	"errors"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	ob "github.com/hyperledger/fabric-protos-go-apiv2/orderer"
	"google.golang.org/protobuf/proto"
)

// Batch is how the orderers cut a channel's blocks: a block is cut
// Timeout after its first transaction arrived, or once it holds
// MaxMessageCount transactions or PreferredMaxBytes (one transaction may
// be up to AbsoluteMaxBytes). A zero field is DefaultBatch's.
type Batch struct {
	Timeout           time.Duration
	MaxMessageCount   uint32
	AbsoluteMaxBytes  uint32
	PreferredMaxBytes uint32
}

// DefaultBatch is the batching of a channel whose description sets none.
var DefaultBatch = Batch{Timeout: 250 * time.Millisecond, MaxMessageCount: 100, AbsoluteMaxBytes: 99 << 20, PreferredMaxBytes: 2 << 20}

// OrDefault is b with its zero fields DefaultBatch's.
func (b Batch) OrDefault() Batch {
	if b.Timeout == 0 {
		b.Timeout = DefaultBatch.Timeout
	}
	if b.MaxMessageCount == 0 {
		b.MaxMessageCount = DefaultBatch.MaxMessageCount
	}
	if b.AbsoluteMaxBytes == 0 {
		b.AbsoluteMaxBytes = DefaultBatch.AbsoluteMaxBytes
	}
	if b.PreferredMaxBytes == 0 {
		b.PreferredMaxBytes = DefaultBatch.PreferredMaxBytes
	}
	return b
}

func (b Batch) size() string {
	return fmt.Sprintf("%d transactions, %d bytes preferred, %d at most", b.MaxMessageCount, b.PreferredMaxBytes, b.AbsoluteMaxBytes)
}

// Validate refuses a batching the orderers would refuse.
func (b Batch) Validate() error {
	b = b.OrDefault()
	switch {
	case b.Timeout < 0:
		return fmt.Errorf("batch timeout %s: must be positive", b.Timeout)
	case b.PreferredMaxBytes > b.AbsoluteMaxBytes:
		return fmt.Errorf("batch preferredMaxBytes %d: must not exceed absoluteMaxBytes %d", b.PreferredMaxBytes, b.AbsoluteMaxBytes)
	}
	return nil
}

// BatchOf reads a config's batching (its orderer group's BatchSize and
// BatchTimeout values).
func BatchOf(cfg *cb.Config) (Batch, error) {
	g := cfg.GetChannelGroup().GetGroups()[configtx.OrdererGroupKey]
	if g == nil {
		return Batch{}, errors.New("the config has no orderer group")
	}
	var size ob.BatchSize
	var timeout ob.BatchTimeout
	sv, tv := g.Values["BatchSize"], g.Values["BatchTimeout"]
	if sv == nil || tv == nil {
		return Batch{}, errors.New("the orderer group has no BatchSize or BatchTimeout")
	}
	if err := proto.Unmarshal(sv.Value, &size); err != nil {
		return Batch{}, fmt.Errorf("BatchSize: %w", err)
	}
	if err := proto.Unmarshal(tv.Value, &timeout); err != nil {
		return Batch{}, fmt.Errorf("BatchTimeout: %w", err)
	}
	d, err := time.ParseDuration(timeout.Timeout)
	if err != nil {
		return Batch{}, fmt.Errorf("BatchTimeout: %w", err)
	}
	return Batch{Timeout: d, MaxMessageCount: size.MaxMessageCount, AbsoluteMaxBytes: size.AbsoluteMaxBytes, PreferredMaxBytes: size.PreferredMaxBytes}, nil
}

// batch brings the orderers' batching of the channel to want. Each value
// it changes needs its own mod_policy (configtxgen's: the orderer group's
// Admins, a majority of the orderer orgs' admins).
func (p *Plan) batch(want Batch) error {
	want = want.OrDefault()
	if err := want.Validate(); err != nil {
		return err
	}
	have, err := BatchOf(p.Original())
	if err != nil {
		return err
	}
	ord := p.tx.Orderer()
	if have.Timeout != want.Timeout {
		if err := ord.SetBatchTimeout(want.Timeout); err != nil {
			return err
		}
		p.Changed = append(p.Changed, fmt.Sprintf("batch timeout %s -> %s", have.Timeout, want.Timeout))
		p.reqs = append(p.reqs, p.ordererValueModPolicy("BatchTimeout"))
	}
	if have.size() == want.size() {
		return nil
	}
	size := ord.BatchSize()
	for _, set := range []error{size.SetMaxMessageCount(want.MaxMessageCount), size.SetAbsoluteMaxBytes(want.AbsoluteMaxBytes),
		size.SetPreferredMaxBytes(want.PreferredMaxBytes)} {
		if set != nil {
			return set
		}
	}
	p.Changed = append(p.Changed, fmt.Sprintf("batch size %s -> %s", have.size(), want.size()))
	p.reqs = append(p.reqs, p.ordererValueModPolicy("BatchSize"))
	return nil
}

// ordererValueModPolicy is the requirement of changing a value of the
// orderer group, as the original config governs it.
func (p *Plan) ordererValueModPolicy(key string) requirement {
	root := p.Original().ChannelGroup
	g := root.Groups[configtx.OrdererGroupKey]
	v := g.Values[key]
	if v == nil || v.ModPolicy == "" {
		return requirement{Policy: "/Channel/Orderer/" + key, err: fmt.Errorf("orderer value %s has no mod policy", key)}
	}
	return policyRequirement(root, g, []string{configtx.ChannelGroupKey, configtx.OrdererGroupKey}, v.ModPolicy)
}
