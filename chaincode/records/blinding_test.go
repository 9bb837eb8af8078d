package records

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// The members SetupBlinding admits are the collection's, as
// collections.json's member policy names them.
func TestCollectionMembersAreTheCollectionsPolicy(t *testing.T) {
	data, err := os.ReadFile("collections.json")
	require.NoError(t, err)
	var defs []struct {
		Name   string `json:"name"`
		Policy string `json:"policy"`
	}
	require.NoError(t, json.Unmarshal(data, &defs))
	require.Len(t, defs, 1)
	var members []string
	for _, m := range regexp.MustCompile(`'([A-Za-z0-9]+)\.member'`).FindAllStringSubmatch(defs[0].Policy, -1) {
		members = append(members, m[1])
	}
	assert.Equal(t, CollectionMembers, members)
	assert.Equal(t, care, CollectionMembers)
}

// SetupBlinding refuses what is not its input; nothing changes.
func TestSetupBlindingInputs(t *testing.T) {
	e := newEnvUnblinded(t)
	before := e.Peer.Snapshot()
	e.Refused(before, e.setupBlinding(provAdmin, 1, "consentDetails"), `INVALID_ARGUMENT: field "collection"`)
	e.Refused(before, e.Query(physician, 1, "BlindingReady", "consentDetails"), `INVALID_ARGUMENT: field "collection"`)
	e.Refused(before, e.Submit(provAdmin, 1, blind.TransientSecret, make([]byte, 31), "SetupBlinding", Collection), `INVALID_ARGUMENT: field "blinding-secret"`)
	e.Refused(before, e.Peer.Invoke("records", provAdmin, at(1), map[string][]byte{blind.TransientSecret: testSecret[:], "anchor": []byte("{}")},
		"SetupBlinding", Collection), `INVALID_ARGUMENT: field "anchor"`)
	// Unknown records need no secret: claims asks about cited records
	// whether or not records holds any.
	var m wire.SubjectMatch
	e.Must(e.matchViaClaims(billing, 1, "rec-9", pt1), &m)
	assert.Equal(t, wire.SubjectMatch{}, m)
	var v wire.Verification
	e.Must(e.Query(auditor, 1, "Verify", "rec-9", "0", hexSum(nil)), &v)
	assert.Equal(t, wire.Unknown, v.Result)
	// Before the secret is set, nothing that writes a private key works.
	e.Must(e.submit(provAdmin, 1, nil, "RegisterCustodianKey", b64(e.kekPublic())), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.submit(clerk, 2, e.document("rec-1", 1, []byte("labs")), "Anchor"), "FAILED_PRECONDITION: collection recordDetails has no blinding secret")
}

// Attack: two colluding members forge a new blinding secret, which would
// hide every blinded key (records, access logs, lists) from the chaincode.
// The secret's key needs every member's peer.
func TestAttackForgedBlindingSecretIsRefused(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("labs")), "Anchor"), nil)
	k := blind.SecretKey()
	_, ok := e.Peer.PrivateState("records", Collection, k)
	require.True(t, ok, "kit/blind keeps the secret at %q", k)
	forged := []byte(`{"secret":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`)
	for _, endorsers := range [][]string{{"ProviderMSP", "PayerMSP"}, {"PayerMSP", roles.RegulatorMSP}, {"ProviderMSP", roles.RegulatorMSP}} {
		before := e.Peer.Snapshot()
		res := e.Peer.Forge(memstub.Forgery{Chaincode: "records", Endorsers: endorsers,
			Writes: []memstub.ForgedWrite{{Collection: Collection, Key: k, Value: forged}}})
		assert.Equal(t, memstub.EndorsementPolicyFailure, res.Validation, "forged by %v", endorsers)
		assert.Equal(t, before, e.Peer.Snapshot())
	}
	var a wire.Anchor
	e.Must(e.Query(clerk, 2, "Get", "rec-1", "0"), &a)
	assert.Equal(t, pt1, a.Subject)
}
