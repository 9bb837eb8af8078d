// Package collections makes the private data collection definitions of the
// chaincodes whose collections follow the consortium's parts instead of
// being listed by hand: claims has one collection per provider–payer pair,
// one per payer and one of all payers (chaincode/claims/wire names them).
// Claims is a pure function of the channel's orgs; FromTopology reads them
// from the topology, and carenet's deploy writes what For returns as the
// chaincode's collections config, so an org that joins a channel with the
// provider or payer part gets its collections with the next definition.
package collections

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	claims "github.com/carechain/carechain/chaincode/claims/wire"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Org is what the generator needs of a channel member.
type Org struct {
	MSPID string
	Parts []string
	// Peer is true for orgs that run peers: only they can hold private
	// data and endorse.
	Peer bool
}

func (o Org) plays(part string) bool { return o.Peer && slices.Contains(o.Parts, part) }

// Definition is one collection in the peer CLI's collections config format.
type Definition struct {
	Name              string             `json:"name"`
	Policy            string             `json:"policy"`
	RequiredPeerCount int                `json:"requiredPeerCount"`
	MaxPeerCount      int                `json:"maxPeerCount"`
	BlockToLive       uint64             `json:"blockToLive"`
	MemberOnlyRead    bool               `json:"memberOnlyRead"`
	MemberOnlyWrite   bool               `json:"memberOnlyWrite"`
	EndorsementPolicy *EndorsementPolicy `json:"endorsementPolicy,omitempty"`
}

// EndorsementPolicy is a collection-level endorsement policy.
type EndorsementPolicy struct {
	SignaturePolicy string `json:"signaturePolicy"`
}

// Members are the MSP ids the definition's member policy names, in order.
func (d Definition) Members() []string {
	var out []string
	for _, f := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(d.Policy, "OR("), ")"), ",") {
		f = strings.Trim(strings.TrimSpace(f), "'")
		if m, ok := strings.CutSuffix(f, ".member"); ok {
			out = append(out, m)
		}
	}
	return out
}

// For returns the collections of chaincode on a channel with these orgs;
// false when the chaincode's collections are not generated (its
// topology entry names a file).
func For(chaincode string, orgs []Org) ([]Definition, bool) {
	if chaincode == claims.Chaincode {
		return Claims(orgs), true
	}
	return nil, false
}

// Claims are the claims chaincode's collections for a channel's orgs, in
// a fixed order (the pairs by provider then payer, then each payer's, then
// the payers'), so the same orgs always give the same definition:
//
//	claims_P_Y    P and Y, for every org P playing the provider and every
//	              other org Y playing the payer; AND of both peers
//	claimsPayer_Y Y and every provider; AND of Y's peer and one provider's
//	claimsPayers  every payer; any payer's peer
//
// Only orgs that run peers are members. A channel without a payer has
// none.
func Claims(orgs []Org) []Definition {
	var providers, payers []string
	for _, o := range orgs {
		if o.plays(parts.PartProvider) {
			providers = append(providers, o.MSPID)
		}
		if o.plays(parts.PartPayer) {
			payers = append(payers, o.MSPID)
		}
	}
	slices.Sort(providers)
	slices.Sort(payers)
	out := pairs(providers, payers)
	for _, y := range payers {
		out = append(out, payerCollection(y, providers))
	}
	if len(payers) > 0 {
		out = append(out, definition(claims.PayersCollection, payers, or(mapped(payers, peer)...)))
	}
	return out
}

// pairs are the provider–payer collections, a provider never its own payer.
func pairs(providers, payers []string) []Definition {
	var out []Definition
	for _, p := range providers {
		for _, y := range payers {
			if p != y {
				out = append(out, definition(claims.PairCollection(p, y), []string{p, y}, and(peer(p), peer(y))))
			}
		}
	}
	return out
}

// payerCollection is payer y's collection: y and every other provider.
func payerCollection(y string, providers []string) Definition {
	others := slices.DeleteFunc(slices.Clone(providers), func(p string) bool { return p == y })
	policy := and(peer(y))
	if len(others) > 0 {
		policy = and(peer(y), or(mapped(others, peer)...))
	}
	return definition(claims.PayerCollection(y), append([]string{y}, others...), policy)
}

// definition is a member-only collection of members (MSP ids) whose
// writes need policy; each private write reaches one other member peer
// before endorsement when there is one.
func definition(name string, members []string, policy string) Definition {
	others := min(len(members)-1, 1)
	return Definition{Name: name, Policy: or(mapped(members, member)...), RequiredPeerCount: others,
		MaxPeerCount: others, MemberOnlyRead: true, MemberOnlyWrite: true,
		EndorsementPolicy: &EndorsementPolicy{SignaturePolicy: policy}}
}

func member(msp string) string { return fmt.Sprintf("'%s.member'", msp) }
func peer(msp string) string   { return fmt.Sprintf("'%s.peer'", msp) }
func or(p ...string) string    { return "OR(" + strings.Join(p, ", ") + ")" }
func and(p ...string) string   { return "AND(" + strings.Join(p, ", ") + ")" }

func mapped(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// Marshal is the collections config file of defs: indented JSON and a
// final newline, as chaincode/claims/collections.json is written.
func Marshal(defs []Definition) ([]byte, error) {
	if defs == nil {
		defs = []Definition{}
	}
	data, err := json.MarshalIndent(defs, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Retain adds to next every definition of previous that next lacks.
// Fabric refuses a definition that drops a committed collection ("existing
// collection missing") and one whose member is not on the channel, so
// the collections of an org that left stay defined with the members that
// are still on the channel (orgs), their writes needing every one of
// those members' peers — and are never used again: the chaincode finds
// its collections through the parts registry, which no longer lists the
// org on the channel. A retained collection none of whose members is left
// is an error naming it. Retained ones follow next's, by name.
func Retain(previous, next []Definition, orgs []Org) ([]Definition, error) {
	out := slices.Clone(next)
	var kept []Definition
	for _, d := range previous {
		if slices.ContainsFunc(next, func(n Definition) bool { return n.Name == d.Name }) {
			continue
		}
		left := slices.DeleteFunc(d.Members(), func(m string) bool {
			return !slices.ContainsFunc(orgs, func(o Org) bool { return o.MSPID == m && o.Peer })
		})
		if len(left) == 0 {
			return nil, fmt.Errorf("collection %s must stay defined and none of its members is on the channel any more", d.Name)
		}
		r := definition(d.Name, left, and(mapped(left, peer)...))
		r.BlockToLive = d.BlockToLive
		kept = append(kept, r)
	}
	slices.SortFunc(kept, func(a, b Definition) int { return strings.Compare(a.Name, b.Name) })
	return append(out, kept...), nil
}

// Unmarshal reads a collections config file that Marshal wrote.
func Unmarshal(data []byte) ([]Definition, error) {
	var defs []Definition
	if err := json.Unmarshal(data, &defs); err != nil {
		return nil, fmt.Errorf("collections config: %w", err)
	}
	return defs, nil
}
