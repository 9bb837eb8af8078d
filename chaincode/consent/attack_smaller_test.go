package consent

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// denyAllExcept is a deny consent of pt1 against ProviderMSP with one
// exception.
func denyAllExcept(id string, exception wire.Provision) wire.GrantInput {
	return wire.GrantInput{ID: id, Subject: pt1, Decision: wire.Deny, Period: wire.Period{Start: at(0).Format(time.RFC3339)},
		Provision: wire.Provision{Actors: []wire.Actor{{Org: "ProviderMSP"}}, Provisions: []wire.Provision{exception}}}
}

// Attack 7: a deny consent with an empty exception permitted everything
// to the denied party. Validation refuses an empty exception, and the
// evaluation of a stored one fails closed.
func TestAttackEmptyExceptionPermitsEverything(t *testing.T) {
	e := newEnv(t)
	before := e.Peer.Snapshot()
	e.Refused(before, e.grantRes(patient1, 1, denyAllExcept("deny", wire.Provision{})), `INVALID_ARGUMENT: field "provision.provision[0]"`)
	nested := denyAllExcept("deny", wire.Provision{DataClasses: []string{"labs"}, Provisions: []wire.Provision{{}}})
	e.Refused(before, e.grantRes(patient1, 1, nested), `INVALID_ARGUMENT: field "provision.provision[0].provision[0]"`)

	// One stored before the fix, signed by the patient: it denies, the
	// empty exception matches nothing.
	c := wire.GrantedConsent(denyAllExcept("old", wire.Provision{}))
	c.Created, c.Updated = at(0).Format(time.RFC3339Nano), at(0).Format(time.RFC3339Nano)
	c.Signature = base64.StdEncoding.EncodeToString(patient1.Sign(wire.ConsentStatement("care", c)))
	c.Signer = string(patient1.CertPEM)
	e.forgeConsent(c)
	d := e.check(physician, 2, request(pt1, "psychiatry", wire.Actor{}))
	assert.Equal(t, wire.Deny, d.Decision)
	assert.Equal(t, "old", d.ConsentID)
	assert.Equal(t, wire.Deny, Decide([]*wire.Consent{&c}, physicianReq("labs"), at(2)).Decision)

	// A real exception still carves out what it names.
	e.grant(patient1, 3, denyAllExcept("deny-but-labs", wire.Provision{DataClasses: []string{"labs"}}))
	d = Decide([]*wire.Consent{ptr(e.stored("deny-but-labs"))}, wire.Request{Subject: pt1, Requester: physicianActor, Action: "access", Purpose: "treatment", DataClass: "labs"}, at(4))
	assert.Equal(t, wire.Permit, d.Decision)
}

func ptr[T any](v T) *T { return &v }

// Attack 7: ListGrants returned deny consents; it lists only what grants.
func TestAttackListGrantsListsOnlyPermits(t *testing.T) {
	e := newEnv(t)
	e.grant(patient1, 0, grantInput("permit"))
	e.grant(patient1, 1, denyAllExcept("deny", wire.Provision{DataClasses: []string{"labs"}}))
	var p wire.ConsentPage
	e.Must(e.Query(physician, 2, "ListGrants", "ProviderMSP", parts.RolePhysician, "physician1", "10", ""), &p)
	require.Len(t, p.Items, 1)
	assert.Equal(t, "permit", p.Items[0].ID)
	e.Must(e.Query(auditor, 2, "ListGrants", "ProviderMSP", "", "", "10", ""), &p)
	require.Len(t, p.Items, 1)
}

// Attack 7: an org-level grantee let any identity of that org, admin
// included, read the whole consent. A grantee whose role counts in its
// org's part reads only what concerns it; others read nothing.
func TestAttackOrgLevelGranteeReadsOnlyItsPart(t *testing.T) {
	e := newEnv(t)
	in := grantInput("c1")
	in.Provision.Actors = []wire.Actor{{Org: "ProviderMSP"}, {Org: "PayerMSP", Role: "adjudicator"}}
	in.Provision.Provisions = []wire.Provision{{Actors: []wire.Actor{{Org: "PayerMSP"}}, DataClasses: []string{"imaging"}}, {DataClasses: []string{"labs"}, Purposes: []string{"research"}}}
	in.FormHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	e.grant(patient1, 0, in)

	before := e.Peer.Snapshot()
	noRole := memstub.NewIdentity("ProviderMSP", "someone", nil)
	payerAsProvider := memstub.NewIdentity("PayerMSP", "dr-payer", map[string]string{"role": parts.RolePhysician})
	for _, id := range []*memstub.Identity{orgAdmin, noRole, payerAsProvider, impostor} {
		e.Refused(before, e.Query(id, 1, "Get", "c1"), "FORBIDDEN: ")
	}
	pharmacist := memstub.NewIdentity("ProviderMSP", "pharm1", map[string]string{"role": "pharmacist"})
	var v wire.View
	e.Must(e.Query(pharmacist, 1, "Get", "c1"), &v)
	assert.True(t, v.Redacted)
	assert.Equal(t, []wire.Actor{{Org: "ProviderMSP"}}, v.Provision.Actors, "other grantees are left out")
	require.Len(t, v.Provision.Provisions, 1, "the exception about PayerMSP is left out")
	assert.Equal(t, []string{"labs"}, v.Provision.Provisions[0].DataClasses)
	assert.Empty(t, v.Signature)
	assert.Empty(t, v.Signer)
	assert.Empty(t, v.FormHash)
	assert.Empty(t, v.Grantor)
	assert.Equal(t, wire.Permit, v.Decision)

	v = wire.View{}
	e.Must(e.Query(payerPriv, 1, "Get", "c1"), &v)
	assert.True(t, v.Redacted)
	assert.Equal(t, []wire.Actor{{Org: "PayerMSP", Role: "adjudicator"}}, v.Provision.Actors, "the privacy officer reads its org's part")
	require.Len(t, v.Provision.Provisions, 2)
	e.Refused(before, e.Query(pharmacist, 1, "History", "c1", "10", ""), "FORBIDDEN: ")

	v = wire.View{}
	e.Must(e.Query(patient1, 1, "Get", "c1"), &v)
	assert.False(t, v.Redacted)
	assert.Len(t, v.Provision.Actors, 2)
	assert.NotEmpty(t, v.Signature)
}

// Attack 7: which validation error came back depended on map iteration
// order. Validation walks the input in field order: the same input gives
// the same error, every time.
func TestAttackValidationErrorsAreDeterministic(t *testing.T) {
	e := newEnv(t)
	in := grantInput("c1")
	in.Provision.Actors = []wire.Actor{{Org: "ProviderMSP"}, {Org: ""}, {Org: "bad org"}}
	in.Provision.Actions = []string{"delete"}
	in.Provision.DataClasses = []string{"labs", "labs"}
	in.Provision.Provisions = []wire.Provision{{}, {Period: &wire.Period{Start: "nope"}}}
	before := e.Peer.Snapshot()
	for i := 0; i < 50; i++ {
		e.Refused(before, e.grantRes(patient1, 1, in), `INVALID_ARGUMENT: field "provision.actor[1].org"`)
	}
	in.Provision.Actors = []wire.Actor{{Org: "ProviderMSP"}}
	e.Refused(before, e.grantRes(patient1, 1, in), `INVALID_ARGUMENT: field "provision.action[0]"`)
	in.Provision.Actions = []string{"access"}
	e.Refused(before, e.grantRes(patient1, 1, in), `INVALID_ARGUMENT: field "provision.class[1]"`)
	in.Provision.DataClasses = []string{"labs"}
	e.Refused(before, e.grantRes(patient1, 1, in), `INVALID_ARGUMENT: field "provision.provision[0]"`)
	in.Provision.Provisions = in.Provision.Provisions[1:]
	e.Refused(before, e.grantRes(patient1, 1, in), `INVALID_ARGUMENT: field "provision.provision[0].period.start"`)
}
