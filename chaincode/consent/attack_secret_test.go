package consent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
)

// Attack: two colluding members replace the collection's blinding secret
// past the contract. Every consent, link and index would then be looked
// for under new tokens: each patient's consents would vanish (deny) and
// their enrollment would no longer be theirs. The collection's policy
// (2 of 3) allows the write; the secret's own key-level policy, every
// member's peer, refuses it.
func TestAttackForgedBlindingSecretIsRefused(t *testing.T) {
	e := newEnv(t)
	e.grant(patient1, 1, grantInput("c1"))
	k := blind.SecretKey()
	_, ok := e.Peer.PrivateState("consent", Collection, k)
	require.True(t, ok, "kit/blind keeps the secret at %q", k)
	forged := []byte(`{"secret":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`)
	for _, endorsers := range [][]string{{"ProviderMSP", "PayerMSP"}, {"PayerMSP", roles.RegulatorMSP}, {"ProviderMSP", roles.RegulatorMSP}} {
		before := e.Peer.Snapshot()
		res := e.Peer.Forge(memstub.Forgery{Chaincode: "consent", Endorsers: endorsers,
			Writes: []memstub.ForgedWrite{{Collection: Collection, Key: k, Value: forged}}})
		assert.Equal(t, memstub.EndorsementPolicyFailure, res.Validation, "forged by %v", endorsers)
		assert.Equal(t, before, e.Peer.Snapshot())
	}
	// Control: the same two orgs' forged write of another private key
	// passes validation (the chaincode, not the policy, refuses to honour
	// it), so the refusal above is the secret's own policy.
	other := e.Peer.Forge(memstub.Forgery{Chaincode: "consent", Endorsers: []string{"PayerMSP", roles.RegulatorMSP},
		Writes: []memstub.ForgedWrite{{Collection: Collection, Key: "\x00forged\x00x\x00", Value: []byte(`{}`)}}})
	assert.Equal(t, "VALID", other.Validation, other.Message)
	assert.Equal(t, wire.Permit, e.decision(physician, 2, "access", "treatment", "labs").Decision)
}
