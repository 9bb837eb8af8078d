package policy

import (
	"errors"
	"fmt"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// FromEnvelope reads a serialized SignaturePolicyEnvelope, as stored in a
// key's validation parameter. Like the peer it accepts version 0 only and
// fails for an empty rule or an identity index out of range; principals
// must be MSP roles, the only kind this package evaluates.
func FromEnvelope(b []byte) (Policy, error) {
	env := &common.SignaturePolicyEnvelope{}
	if err := proto.Unmarshal(b, env); err != nil {
		return Policy{}, fmt.Errorf("policy: unmarshal signature policy envelope: %w", err)
	}
	if env.GetVersion() != 0 {
		return Policy{}, fmt.Errorf("policy: only version 0 is understood, got %d", env.GetVersion())
	}
	root, err := fromProto(env.GetRule(), env.GetIdentities())
	if err != nil {
		return Policy{}, err
	}
	return Policy{root: root}, nil
}

func fromProto(sp *common.SignaturePolicy, ids []*msp.MSPPrincipal) (*rule, error) {
	switch t := sp.GetType().(type) {
	case *common.SignaturePolicy_SignedBy:
		if t.SignedBy < 0 || int(t.SignedBy) >= len(ids) {
			return nil, fmt.Errorf("policy: identity index %d out of range, %d identities", t.SignedBy, len(ids))
		}
		pr, err := principalFromProto(ids[t.SignedBy])
		if err != nil {
			return nil, err
		}
		return &rule{principal: pr}, nil
	case *common.SignaturePolicy_NOutOf_:
		r := &rule{n: int(t.NOutOf.GetN())}
		for _, sub := range t.NOutOf.GetRules() {
			child, err := fromProto(sub, ids)
			if err != nil {
				return nil, err
			}
			r.rules = append(r.rules, child)
		}
		return r, nil
	}
	return nil, errors.New("policy: empty policy element")
}

func principalFromProto(p *msp.MSPPrincipal) (*principal, error) {
	if p.GetPrincipalClassification() != msp.MSPPrincipal_ROLE {
		return nil, fmt.Errorf("policy: unsupported principal classification %s", p.GetPrincipalClassification())
	}
	role := &msp.MSPRole{}
	if err := proto.Unmarshal(p.GetPrincipal(), role); err != nil {
		return nil, fmt.Errorf("policy: unmarshal MSP role: %w", err)
	}
	if _, ok := roleNames[role.GetRole()]; !ok {
		return nil, fmt.Errorf("policy: unknown MSP role %d", role.GetRole())
	}
	return &principal{mspID: role.GetMspIdentifier(), role: role.GetRole()}, nil
}
