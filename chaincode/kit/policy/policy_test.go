package policy_test

import (
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/carechain/carechain/chaincode/kit/policy"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in     string
		canon  string
		yes    [][]string
		no     [][]string
		reason string
	}{
		{in: "AND('A.peer','B.peer')", canon: "AND('A.peer', 'B.peer')",
			yes: [][]string{{"A", "B"}, {"B", "A", "C"}}, no: [][]string{{"A"}, {"B"}, nil, {"A", "A"}}},
		{in: "OR('A.peer', 'B.member')", canon: "OR('A.peer', 'B.member')",
			yes: [][]string{{"A"}, {"B"}, {"C", "B"}}, no: [][]string{{"C"}, nil}},
		{in: "OutOf(2, 'A.peer', 'B.member', 'C.peer')", canon: "OutOf(2, 'A.peer', 'B.member', 'C.peer')",
			yes: [][]string{{"A", "B"}, {"C", "A"}, {"A", "B", "C"}}, no: [][]string{{"A"}, {"C", "D"}}},
		{in: "and('A.member')", canon: "AND('A.member')", yes: [][]string{{"A"}}, no: [][]string{{"B"}}},
		{in: "Or(\"A.peer\")", canon: "AND('A.peer')", yes: [][]string{{"A"}}},
		{in: "OUTOF('1', 'A.peer', 'B.peer')", canon: "OR('A.peer', 'B.peer')", yes: [][]string{{"B"}}},
		{in: " AND ( 'A.peer' , OR('B.peer','C.peer') ) ", canon: "AND('A.peer', OR('B.peer', 'C.peer'))",
			yes: [][]string{{"A", "C"}, {"B", "A"}}, no: [][]string{{"B", "C"}, {"A"}}},
		{in: "OutOf(0, 'A.peer')", canon: "OutOf(0, 'A.peer')", yes: [][]string{nil, {"Z"}}},
		{in: "OutOf(3, 'A.peer', 'B.peer')", canon: "OutOf(3, 'A.peer', 'B.peer')", no: [][]string{{"A", "B"}},
			reason: "n+1 is allowed and cannot be satisfied"},
		{in: "OR('A.admin', 'A.client', 'A.orderer')", canon: "OR('A.admin', 'A.client', 'A.orderer')",
			no: [][]string{{"A"}}, reason: "an endorser is a peer"},
		{in: "OutOf(2, 'A.member', 'A.peer')", canon: "AND('A.member', 'A.peer')",
			no: [][]string{{"A"}, {"A", "A"}}, reason: "one endorser satisfies one principal; repeats count once"},
		{in: "AND('org1.example-com.peer', 'Org2MSP.member')", canon: "AND('org1.example-com.peer', 'Org2MSP.member')",
			yes: [][]string{{"org1.example-com", "Org2MSP"}}},
		{in: "AND(OR('A.member','B.member'), OR('A.member','C.member'))", canon: "AND(OR('A.member', 'B.member'), OR('A.member', 'C.member'))",
			yes: [][]string{{"A", "C"}, {"A", "B", "C"}}, no: [][]string{{"A"}, {"B", "A"}},
			reason: "greedy like the peer: the first OR uses every endorser its rules match, A and B"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := policy.Parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.canon, p.String())
			again, err := policy.Parse(p.String())
			require.NoError(t, err)
			assert.Equal(t, p, again, "String reads back")
			for _, ids := range tt.yes {
				assert.True(t, p.SatisfiedBy(ids), "%v %s", ids, tt.reason)
			}
			for _, ids := range tt.no {
				assert.False(t, p.SatisfiedBy(ids), "%v %s", ids, tt.reason)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"'A.peer'",
		"AND",
		"AND(",
		"AND()",
		"AND('A.peer'",
		"AND('A.peer',)",
		"AND(,'A.peer')",
		"AND('A.peer' 'B.peer')",
		"AND(A.peer)",
		"AND('A.peer') OR('B.peer')",
		"AND('A.peer'))",
		"aNd('A.peer')",
		"XOR('A.peer')",
		"AND('A.peers')",
		"AND('A')",
		"AND('.peer')",
		"AND('A_B.peer')",
		"AND('A.peer)",
		"AND('A.peer\")",
		"OutOf('A.peer')",
		"OutOf(2)",
		"OutOf(, 'A.peer')",
		"OutOf(2 'A.peer', 'B.peer')",
		"OutOf(-1, 'A.peer')",
		"OutOf(3, 'A.peer')",
		"OutOf(1.5, 'A.peer')",
		"OutOf('x', 'A.peer')",
		"AND('A.peer', OR())",
		"AND('A.peer', 'B.peer') && 1",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := policy.Parse(in)
			assert.Error(t, err)
		})
	}
	assert.Panics(t, func() { policy.MustParse("AND(") })
}

func TestFromEnvelopeStateBased(t *testing.T) {
	ep, err := statebased.NewStateEP(nil)
	require.NoError(t, err)
	require.NoError(t, ep.AddOrgs(statebased.RoleTypePeer, "BMSP", "AMSP"))
	require.NoError(t, ep.AddOrgs(statebased.RoleTypeMember, "CMSP"))
	vp, err := ep.Policy()
	require.NoError(t, err)

	p, err := policy.FromEnvelope(vp)
	require.NoError(t, err)
	assert.Equal(t, "AND('AMSP.peer', 'BMSP.peer', 'CMSP.member')", p.String())
	assert.True(t, p.SatisfiedBy([]string{"CMSP", "BMSP", "AMSP"}))
	assert.False(t, p.SatisfiedBy([]string{"AMSP", "BMSP"}))
}

func TestEnvelopeRoundTrip(t *testing.T) {
	p := policy.MustParse("OutOf(2, 'A.peer', AND('B.member', 'C.peer'), 'D.admin')")
	b, err := p.Envelope()
	require.NoError(t, err)
	back, err := policy.FromEnvelope(b)
	require.NoError(t, err)
	assert.Equal(t, p.String(), back.String())
	assert.True(t, back.SatisfiedBy([]string{"A", "B", "C"}))
	assert.False(t, back.SatisfiedBy([]string{"A", "D"}))

	_, err = policy.Policy{}.Envelope()
	assert.Error(t, err)
}

func TestZeroPolicy(t *testing.T) {
	var p policy.Policy
	assert.False(t, p.SatisfiedBy([]string{"A"}))
	assert.Empty(t, p.String())
}

func TestFromEnvelopeMalformed(t *testing.T) {
	role := func(m *msp.MSPRole) *msp.MSPPrincipal {
		b, err := proto.Marshal(m)
		require.NoError(t, err)
		return &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: b}
	}
	signedBy := func(i int32) *common.SignaturePolicy {
		return &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: i}}
	}
	peerA := role(&msp.MSPRole{MspIdentifier: "A", Role: msp.MSPRole_PEER})
	tests := map[string]*common.SignaturePolicyEnvelope{
		"no rule":          {Identities: []*msp.MSPPrincipal{peerA}},
		"version 1":        {Version: 1, Rule: signedBy(0), Identities: []*msp.MSPPrincipal{peerA}},
		"index too large":  {Rule: signedBy(1), Identities: []*msp.MSPPrincipal{peerA}},
		"negative index":   {Rule: signedBy(-1), Identities: []*msp.MSPPrincipal{peerA}},
		"unknown role":     {Rule: signedBy(0), Identities: []*msp.MSPPrincipal{role(&msp.MSPRole{MspIdentifier: "A", Role: 9})}},
		"OU principal":     {Rule: signedBy(0), Identities: []*msp.MSPPrincipal{{PrincipalClassification: msp.MSPPrincipal_ORGANIZATION_UNIT}}},
		"bad role message": {Rule: signedBy(0), Identities: []*msp.MSPPrincipal{{Principal: []byte{0xff}}}},
		"nested bad": {Rule: &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: &common.SignaturePolicy_NOutOf{
			N: 1, Rules: []*common.SignaturePolicy{signedBy(0), {}},
		}}}, Identities: []*msp.MSPPrincipal{peerA}},
	}
	for name, env := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := proto.Marshal(env)
			require.NoError(t, err)
			_, err = policy.FromEnvelope(b)
			assert.Error(t, err)
		})
	}
	_, err := policy.FromEnvelope([]byte("ep1"))
	assert.Error(t, err, "not a protobuf message")

	b, err := proto.Marshal(&common.SignaturePolicyEnvelope{Rule: signedBy(0), Identities: []*msp.MSPPrincipal{peerA}})
	require.NoError(t, err)
	p, err := policy.FromEnvelope(b)
	require.NoError(t, err)
	assert.Equal(t, "'A.peer'", p.String(), "an envelope may be a single principal")
	assert.True(t, p.SatisfiedBy([]string{"A"}))
}
