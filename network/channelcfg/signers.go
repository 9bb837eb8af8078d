package channelcfg

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	mb "github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// requirement is what one modified element's mod_policy asks: the admins
// of Need of the orgs Among (each org's admin satisfies its own Admins,
// Writers and Readers policies).
type requirement struct {
	Policy string // the policy's path, for messages
	Need   int
	Among  []string
	err    error
}

// groupModPolicy is the requirement of modifying a group of the
// application side: nil is the Application group, [MSP] an org's group.
// The policies in force are the original config's.
func (p *Plan) groupModPolicy(path []string) requirement {
	g := p.Original().ChannelGroup.Groups[configtx.ApplicationGroupKey]
	where := []string{configtx.ChannelGroupKey, configtx.ApplicationGroupKey}
	for _, name := range path {
		if g = g.Groups[name]; g == nil {
			return requirement{err: fmt.Errorf("group %s is not in the channel", name)}
		}
		where = append(where, name)
	}
	return policyRequirement(p.Original().ChannelGroup, g, where, g.ModPolicy)
}

// policyRequirement reads the policy name (relative to group g at path
// where, or absolute from the channel group root) as signers.
func policyRequirement(root, g *cb.ConfigGroup, where []string, name string) requirement {
	if strings.HasPrefix(name, "/") {
		parts := strings.Split(strings.TrimPrefix(name, "/"), "/")
		g = root
		for _, part := range parts[1 : len(parts)-1] {
			if g = g.Groups[part]; g == nil {
				return requirement{err: fmt.Errorf("mod policy %s: no group %s", name, part)}
			}
		}
		where, name = parts[:len(parts)-1], parts[len(parts)-1]
	}
	r := requirement{Policy: "/" + strings.Join(append(slices.Clone(where), name), "/")}
	cp := g.Policies[name]
	if cp == nil || cp.Policy == nil {
		r.err = fmt.Errorf("mod policy %s is not defined", r.Policy)
		return r
	}
	switch cb.Policy_PolicyType(cp.Policy.Type) {
	case cb.Policy_IMPLICIT_META:
		r.Need, r.Among, r.err = implicitSigners(cp.Policy.Value, g)
	case cb.Policy_SIGNATURE:
		r.Need, r.Among, r.err = signatureSigners(cp.Policy.Value)
	default:
		r.err = fmt.Errorf("mod policy %s: policy type %d is not supported", r.Policy, cp.Policy.Type)
	}
	return r
}

// implicitSigners: ANY, ALL or MAJORITY of the group's sub-groups (orgs).
func implicitSigners(value []byte, g *cb.ConfigGroup) (int, []string, error) {
	var imp cb.ImplicitMetaPolicy
	if err := proto.Unmarshal(value, &imp); err != nil {
		return 0, nil, err
	}
	among := slices.Sorted(maps.Keys(g.Groups))
	switch imp.Rule {
	case cb.ImplicitMetaPolicy_ANY:
		return 1, among, nil
	case cb.ImplicitMetaPolicy_ALL:
		return len(among), among, nil
	default:
		return len(among)/2 + 1, among, nil
	}
}

// signatureSigners: N out of the MSPs a flat signature policy names; a
// nested one is read as all of the MSPs it names.
func signatureSigners(value []byte) (int, []string, error) {
	var env cb.SignaturePolicyEnvelope
	if err := proto.Unmarshal(value, &env); err != nil {
		return 0, nil, err
	}
	var among []string
	for _, id := range env.Identities {
		var role mb.MSPRole
		if id.PrincipalClassification != mb.MSPPrincipal_ROLE || proto.Unmarshal(id.Principal, &role) != nil {
			return 0, nil, fmt.Errorf("a signature policy principal of classification %v is not supported", id.PrincipalClassification)
		}
		if !slices.Contains(among, role.MspIdentifier) {
			among = append(among, role.MspIdentifier)
		}
	}
	n := env.GetRule().GetNOutOf()
	flat := n != nil
	for _, r := range n.GetRules() {
		_, signedBy := r.GetType().(*cb.SignaturePolicy_SignedBy)
		flat = flat && signedBy
	}
	if !flat || int(n.GetN()) > len(among) {
		return len(among), among, nil
	}
	return int(n.GetN()), among, nil
}

// Signers are the orgs (MSP ids) whose admins sign the plan's update so
// that every modified element's mod_policy is met, chosen in the order of
// available: the orgs whose admin can sign, in order of preference.
func (p *Plan) Signers(available []string) ([]string, error) {
	var chosen []string
	for _, r := range p.reqs {
		if r.err != nil {
			return nil, fmt.Errorf("channel %s: %w", p.Channel, r.err)
		}
		have := 0
		for _, m := range chosen {
			if slices.Contains(r.Among, m) {
				have++
			}
		}
		for _, m := range available {
			if have >= r.Need {
				break
			}
			if slices.Contains(r.Among, m) && !slices.Contains(chosen, m) {
				chosen = append(chosen, m)
				have++
			}
		}
		if have < r.Need {
			return nil, fmt.Errorf("channel %s: %s needs the admins of %d of %v; only %v can sign here", p.Channel, r.Policy, r.Need, r.Among, available)
		}
	}
	slices.SortStableFunc(chosen, func(a, b string) int { return slices.Index(available, a) - slices.Index(available, b) })
	return chosen, nil
}
