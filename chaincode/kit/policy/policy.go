// Package policy parses and evaluates Fabric signature policies: the
// endorsement policies of chaincode and collection definitions, written in
// the peer CLI's syntax (AND('A.peer','B.peer'), OR(...), OutOf(2, ...),
// nested), and key-level endorsement policies (validation parameters),
// which are serialized common.SignaturePolicyEnvelope messages such as
// statebased.KeyEndorsementPolicy.Policy produces.
//
// Evaluation follows the peer's signature policy evaluator: each endorser
// satisfies at most one principal of the whole policy, principals are
// matched greedily in endorsement order, and an endorser is a peer of its
// organisation, so it satisfies 'ORG.peer' and 'ORG.member' but not
// 'ORG.admin', 'ORG.client' or 'ORG.orderer'.
package policy

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// Policy is a parsed signature policy. The zero Policy is satisfied by
// nobody.
type Policy struct{ root *rule }

// rule is a node of a policy: a principal, or a gate that needs at least n
// of its rules.
type rule struct {
	principal *principal
	n         int
	rules     []*rule
}

// principal is an MSP role principal.
type principal struct {
	mspID string
	role  msp.MSPRole_MSPRoleType
}

// roleNames are the role names of the policy syntax.
var roleNames = map[msp.MSPRole_MSPRoleType]string{
	msp.MSPRole_MEMBER:  "member",
	msp.MSPRole_ADMIN:   "admin",
	msp.MSPRole_CLIENT:  "client",
	msp.MSPRole_PEER:    "peer",
	msp.MSPRole_ORDERER: "orderer",
}

// SatisfiedBy reports whether endorsements by one peer of each of mspIDs
// satisfy the policy. Repeated MSP ids count once.
func (p Policy) SatisfiedBy(mspIDs []string) bool {
	if p.root == nil {
		return false
	}
	var ids []string
	for _, id := range mspIDs {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return p.root.eval(ids, make([]bool, len(ids)))
}

// eval is the peer's evaluation: a principal takes the first endorser not
// used yet that satisfies it; a gate evaluates every rule, keeping the
// endorsers a satisfied rule used.
func (r *rule) eval(ids []string, used []bool) bool {
	if r.principal != nil {
		for i, id := range ids {
			if !used[i] && r.principal.satisfiedByPeerOf(id) {
				used[i] = true
				return true
			}
		}
		return false
	}
	verified := 0
	scratch := make([]bool, len(used))
	for _, sub := range r.rules {
		copy(scratch, used)
		if sub.eval(ids, scratch) {
			verified++
			copy(used, scratch)
		}
	}
	return verified >= r.n
}

func (pr *principal) satisfiedByPeerOf(mspID string) bool {
	return pr.mspID == mspID && (pr.role == msp.MSPRole_PEER || pr.role == msp.MSPRole_MEMBER)
}

// String returns the policy in the peer CLI's syntax: AND when every rule
// is needed, OR when one is, OutOf otherwise. Parse reads it back.
func (p Policy) String() string {
	if p.root == nil {
		return ""
	}
	var b strings.Builder
	p.root.write(&b)
	return b.String()
}

func (r *rule) write(b *strings.Builder) {
	if r.principal != nil {
		fmt.Fprintf(b, "'%s.%s'", r.principal.mspID, roleNames[r.principal.role])
		return
	}
	switch {
	case r.n == len(r.rules):
		b.WriteString("AND(")
	case r.n == 1:
		b.WriteString("OR(")
	default:
		b.WriteString("OutOf(" + strconv.Itoa(r.n) + ", ")
	}
	for i, sub := range r.rules {
		if i > 0 {
			b.WriteString(", ")
		}
		sub.write(b)
	}
	b.WriteString(")")
}

// Envelope returns the policy as a serialized SignaturePolicyEnvelope, the
// form of key-level endorsement policies, with one identity per principal
// as the peer CLI builds it.
func (p Policy) Envelope() ([]byte, error) {
	if p.root == nil {
		return nil, errors.New("policy: empty policy")
	}
	env := &common.SignaturePolicyEnvelope{}
	rule, err := p.root.proto(env)
	if err != nil {
		return nil, err
	}
	env.Rule = rule
	return proto.Marshal(env)
}

func (r *rule) proto(env *common.SignaturePolicyEnvelope) (*common.SignaturePolicy, error) {
	if r.principal != nil {
		role, err := proto.Marshal(&msp.MSPRole{MspIdentifier: r.principal.mspID, Role: r.principal.role})
		if err != nil {
			return nil, err
		}
		env.Identities = append(env.Identities, &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: role})
		at, err := int32Of(len(env.Identities) - 1)
		if err != nil {
			return nil, err
		}
		return &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: at}}, nil
	}
	rules := make([]*common.SignaturePolicy, 0, len(r.rules))
	for _, sub := range r.rules {
		sp, err := sub.proto(env)
		if err != nil {
			return nil, err
		}
		rules = append(rules, sp)
	}
	n, err := int32Of(r.n)
	if err != nil {
		return nil, err
	}
	nOutOf := &common.SignaturePolicy_NOutOf{N: n, Rules: rules}
	return &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: nOutOf}}, nil
}

// int32Of converts a count to the int32 Fabric's policy protos hold.
func int32Of(n int) (int32, error) {
	if n < 0 || n > math.MaxInt32 {
		return 0, fmt.Errorf("policy count %d out of range", n)
	}
	return int32(n), nil
}
