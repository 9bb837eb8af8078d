package records

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	consentwire "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/policy"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// The attacks measured on the running consortium, each as a test that
// fails on the records chaincode as it was before the registry, the clock
// and key-level endorsement (see the package doc's trust model).

// psychiatry anchors rec-psy, a ProviderMSP psychiatry record of pt1.
func (e *env) psychiatry(minute int) {
	e.T.Helper()
	in := e.document("rec-psy", 1, []byte("psychiatric assessment"))
	in.Category = "psychiatry"
	e.Must(e.submit(clerk, minute, in, "Anchor"), nil)
}

// forgeAccess has two colluding orgs commit an access-log entry without
// running the chaincode; the collection's policy (any two of the three
// peer orgs) lets the new key in.
func (e *env) forgeAccess(entry wire.AccessEntry, endorsers ...string) memstub.Result {
	k, err := accessKeyOf(e.blinder(), entry.ID)
	require.NoError(e.T, err)
	data, err := json.Marshal(entry)
	require.NoError(e.T, err)
	return e.Peer.Forge(memstub.Forgery{Chaincode: "records", Endorsers: endorsers,
		Writes: []memstub.ForgedWrite{{Collection: Collection, Key: k, Value: data}}})
}

// Attack 1: a PayerMSP identity minted as a physician broke the glass,
// requested a ProviderMSP psychiatry record for research, and ReleaseKey on
// the custodian's peer returned the document key.
func TestAttackInsurerObtainsHospitalDocumentKeys(t *testing.T) {
	e := newEnv(t)
	e.psychiatry(1)
	// Whatever consent says of the insurer's "physician" (its break-glass,
	// or a consent naming the insurer for research)...
	e.breakGlass(payerDoc, 2, 60)
	e.grant(3, consentwire.GrantInput{ID: "c-research", Subject: pt1, Decision: consentwire.Permit,
		Period: consentwire.Period{Start: at(0).Format(time.RFC3339)},
		Provision: consentwire.Provision{Actors: []consentwire.Actor{{Org: "PayerMSP"}}, Actions: []string{"access"},
			Purposes: []string{"research"}, DataClasses: []string{"psychiatry"}}})
	// ...a physician counts only in an org playing the provider part.
	before := e.Peer.Snapshot()
	e.Refused(before, e.request(payerDoc, 4, "rec-psy", "research"), "FORBIDDEN: ")
	e.Refused(before, e.request(payerDoc, 4, "rec-psy", "emergency"), "FORBIDDEN: ")
	// The payer's own roles cannot ask for research either.
	e.Refused(before, e.request(adjudicator, 4, "rec-psy", "research"), "FORBIDDEN: ")

	// Two colluding orgs forge the access-log entry RequestAccess refused to write...
	forged := wire.AccessEntry{ID: "forged-1", Date: at(4).Format(time.RFC3339Nano), Subject: pt1, Record: "rec-psy", Version: 1,
		Category: "psychiatry", Custodian: "ProviderMSP", Org: "PayerMSP", Recipient: "PayerMSP/doc1", Role: parts.RolePhysician,
		Purpose: "research", Basis: "consent:c-research"}
	require.Equal(t, memstub.Valid, e.forgeAccess(forged, "PayerMSP", roles.RegulatorMSP).Validation)
	// ...and the custodian's peer still releases nothing: it checks the
	// requester's part and role again, and consent again.
	_, pub := oneTimeKey(t)
	before = e.Peer.Snapshot()
	e.Refused(before, e.releaseKey(payerDoc, at(5), "forged-1", "rec-psy", "research", pub), "FORBIDDEN: ")

	// A forged entry naming a provider physician whom no consent permits
	// for research is refused by consent, asked again on release.
	forged.ID, forged.Org, forged.Recipient = "forged-2", "ProviderMSP", "ProviderMSP/physician1"
	require.Equal(t, memstub.Valid, e.forgeAccess(forged, "PayerMSP", roles.RegulatorMSP).Validation)
	before = e.Peer.Snapshot()
	e.Refused(before, e.releaseKey(physician, at(5), "forged-2", "rec-psy", "research", pub), "FORBIDDEN: no consent")

	// A committed request releases only for the same requester, record and purpose.
	e.grantLabs(6)
	e.Must(e.submit(clerk, 6, e.document("rec-labs", 1, []byte("labs")), "Anchor"), nil)
	var r wire.Receipt
	e.Must(e.request(physician, 7, "rec-labs", "treatment"), &r)
	before = e.Peer.Snapshot()
	e.Refused(before, e.releaseKey(payerDoc, at(8), r.AccessID, "rec-labs", "treatment", pub), "FORBIDDEN: ")
	e.Refused(before, e.releaseKey(physician, at(8), r.AccessID, "rec-psy", "treatment", pub), "FORBIDDEN: access")
	e.Refused(before, e.releaseKey(physician, at(8), r.AccessID, "rec-labs", "research", pub), "FORBIDDEN: access")
	// ...and only on the custodian's own peer.
	e.Peer.SetMSP("PayerMSP")
	e.Refused(before, e.releaseKey(physician, at(8), r.AccessID, "rec-labs", "treatment", pub), "FAILED_PRECONDITION: this peer holds no key-encryption key of ProviderMSP")
	e.Peer.SetMSP("ProviderMSP")
	e.Must(e.releaseKey(physician, at(8), r.AccessID, "rec-labs", "treatment", pub), nil)

	// Records refuses on its own, whatever consent answers.
	y := newEnv(t, withYesConsent())
	y.psychiatry(1)
	before = y.Peer.Snapshot()
	y.Refused(before, y.request(payerDoc, 4, "rec-psy", "research"), "FORBIDDEN: role \"physician\" of PayerMSP may not request")
	y.Refused(before, y.request(adjudicator, 4, "rec-psy", "research"), "FORBIDDEN: role \"adjudicator\" of PayerMSP may not request records for research")
	forged.ID, forged.Org, forged.Recipient = "forged-3", "PayerMSP", "PayerMSP/doc1"
	require.Equal(t, memstub.Valid, y.forgeAccess(forged, "PayerMSP", roles.RegulatorMSP).Validation)
	before = y.Peer.Snapshot()
	y.Refused(before, y.releaseKey(payerDoc, at(5), "forged-3", "rec-psy", "research", pub), "FORBIDDEN: role \"physician\" of PayerMSP may not request")
}

// Attack 2a: the clock. A transaction stamped a year ahead of, or 30 days
// behind, the endorsing peer's clock is refused, whatever it does.
func TestAttackTimeSkewGuard(t *testing.T) {
	e := newEnv(t, withClock(at(0)))
	e.clock = at(1)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("labs")), "Anchor"), nil)
	e.grantLabs(2)
	e.clock = at(3)
	var r wire.Receipt
	e.Must(e.request(physician, 3, "rec-1", "treatment"), &r)
	_, pub := oneTimeKey(t)
	yearAhead, monthBehind := at(3).AddDate(1, 0, 0), at(3).AddDate(0, 0, -30)
	before := e.Peer.Snapshot()
	for _, when := range []time.Time{yearAhead, monthBehind} {
		e.Refused(before, e.Peer.Invoke("records", physician, when, nil, "RequestAccess", "rec-1", "0", "treatment"), `INVALID_ARGUMENT: field "timestamp"`)
		e.Refused(before, e.releaseKey(physician, when, r.AccessID, "rec-1", "treatment", pub), `INVALID_ARGUMENT: field "timestamp"`)
		e.Refused(before, e.Peer.Invoke("records", clerk, when, map[string][]byte{wire.TransientAnchor: mustJSON(e.document("rec-2", 1, []byte("x")))}, "Anchor"), `INVALID_ARGUMENT: field "timestamp"`)
		e.Refused(before, e.Peer.Query("records", patient1, when, "ListAccessLog", pt1, "", "10", ""), `INVALID_ARGUMENT: field "timestamp"`)
	}
	// Within the skew, and within the window, the key is released.
	e.Must(e.releaseKey(physician, at(5), r.AccessID, "rec-1", "treatment", pub), nil)
}

// Attack 2b: a key released 30 days after a break-glass by dating the
// release back into the window: the custodian's own clock bounds it.
func TestAttackTimeReleaseLongAfterBreakGlass(t *testing.T) {
	e := newEnv(t, withClock(at(0)))
	e.clock = at(1)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("x-ray")), "Anchor"), nil)
	e.Must(e.breakGlass(physician2, 2, 60), nil)
	e.clock = at(3)
	var r wire.Receipt
	e.Must(e.request(physician2, 3, "rec-1", "emergency"), &r)
	_, pub := oneTimeKey(t)
	// Thirty days later, on the custodian's peer.
	e.clock = at(3).AddDate(0, 0, 30)
	before := e.Peer.Snapshot()
	e.Refused(before, e.releaseKey(physician2, at(4), r.AccessID, "rec-1", "emergency", pub), `INVALID_ARGUMENT: field "timestamp"`)
	e.Refused(before, e.releaseKey(physician2, e.clock, r.AccessID, "rec-1", "emergency", pub), "FAILED_PRECONDITION: access")
	// A new request dated back into the break-glass is refused too.
	e.Refused(before, e.request(physician2, 4, "rec-1", "emergency"), `INVALID_ARGUMENT: field "timestamp"`)
	// The window is 15 minutes after the request: not before, not after.
	e.clock = at(3)
	e.Refused(before, e.releaseKey(physician2, at(3).Add(-time.Second), r.AccessID, "rec-1", "emergency", pub), "FAILED_PRECONDITION: transaction time")
	e.clock = at(3).Add(ReleaseWindow)
	e.Refused(before, e.releaseKey(physician2, at(3).Add(ReleaseWindow), r.AccessID, "rec-1", "emergency", pub), "FAILED_PRECONDITION: access")
	e.Must(e.releaseKey(physician2, at(3).Add(ReleaseWindow-time.Second), r.AccessID, "rec-1", "emergency", pub), nil)
}

// Attack 2c: a request stamped inside an expired consent's period, after
// the consent expired and later transactions committed, released a key.
// Per-object monotonic time refuses it even without a clock: nothing is
// stamped before the record's latest change or before the requester's
// latest request of it.
func TestAttackTimeBackdatingCannotReopenAnExpiredWindow(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("v1")), "Anchor"), nil)
	e.grant(2, consentwire.GrantInput{ID: "c-short", Subject: pt1, Decision: consentwire.Permit,
		Period: consentwire.Period{Start: at(0).Format(time.RFC3339), End: at(20).Format(time.RFC3339)},
		Provision: consentwire.Provision{Actors: []consentwire.Actor{{Org: "ProviderMSP", Role: parts.RolePhysician}}, Actions: []string{"access"},
			Purposes: []string{"treatment"}, DataClasses: []string{"labs"}}})
	var first wire.Receipt
	e.Must(e.request(physician, 19, "rec-1", "treatment"), &first)
	before := e.Peer.Snapshot()
	// The consent has expired.
	e.Refused(before, e.request(physician, 21, "rec-1", "treatment"), "FORBIDDEN: ")
	// Dated back inside the period, before the physician's own latest request.
	e.Refused(before, e.request(physician, 18, "rec-1", "treatment"), "FAILED_PRECONDITION: transaction time")
	// Another physician's backdated request after the record changed.
	e.Must(e.submit(clerk, 22, e.document("rec-1", 2, []byte("v2")), "Amend", "rec-1"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.request(physician2, 18, "rec-1", "treatment"), "FAILED_PRECONDITION: transaction time")
	e.Refused(before, e.submit(physician2, 18, nil, "RequestAccess", "rec-1", "1", "treatment"), "FAILED_PRECONDITION: transaction time")
	// The release of the earlier request, dated back into its window,
	// after the record changed: refused too.
	_, pub := oneTimeKey(t)
	e.Refused(before, e.releaseKey(physician, at(21), first.AccessID, "rec-1", "treatment", pub), "FAILED_PRECONDITION: transaction time")
	// Custodian changes are monotonic as well.
	e.Refused(before, e.submit(clerk, 21, nil, "MarkEnteredInError", "rec-1"), "FAILED_PRECONDITION: transaction time")
	e.Refused(before, e.submit(clerk, 21, e.document("rec-1", 3, []byte("v3")), "Amend", "rec-1"), "FAILED_PRECONDITION: transaction time")
	e.Refused(before, e.submit(privacy, 21, nil, "Erase", "rec-1"), "FAILED_PRECONDITION: transaction time")
	e.Refused(before, e.submit(provAdmin, -1, nil, "RegisterCustodianKey", b64(e.kekPublic())), "FAILED_PRECONDITION: transaction time")
}

// Attack 2d: the access log records the transaction's date, which the
// skew guard bounds: a request dated ahead of the peer's clock by more
// than the skew is refused, one within it is logged with its date.
func TestAttackTimeAccessLogDates(t *testing.T) {
	e := newEnv(t, withClock(at(0)))
	e.clock = at(1)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("labs")), "Anchor"), nil)
	e.grantLabs(2)
	e.clock = at(10)
	before := e.Peer.Snapshot()
	e.Refused(before, e.request(physician, 16, "rec-1", "treatment"), `INVALID_ARGUMENT: field "timestamp"`)
	e.Refused(before, e.request(physician, 4, "rec-1", "treatment"), `INVALID_ARGUMENT: field "timestamp"`)
	e.Must(e.request(physician, 12, "rec-1", "treatment"), nil)
	var log wire.AccessPage
	e.Must(e.Query(patient1, 12, "ListAccessLog", pt1, "", "10", ""), &log)
	require.Len(t, log.Items, 1)
	assert.Equal(t, at(12).Format(time.RFC3339Nano), log.Items[0].Date)
}

// ownedBy asserts that a key's validation parameter is the custodian's:
// ProviderMSP's peer and one other org, never two others, never
// ProviderMSP alone.
func ownedBy(t *testing.T, vp []byte, what string) {
	t.Helper()
	require.NotEmpty(t, vp, "%s has no key-level endorsement policy", what)
	p, err := policy.FromEnvelope(vp)
	require.NoError(t, err, what)
	assert.True(t, p.SatisfiedBy([]string{"ProviderMSP", roles.RegulatorMSP}), what)
	assert.True(t, p.SatisfiedBy([]string{"ProviderMSP", "PayerMSP"}), what)
	assert.False(t, p.SatisfiedBy([]string{"PayerMSP", roles.RegulatorMSP}), what)
	assert.False(t, p.SatisfiedBy([]string{"ProviderMSP"}), what)
}

// Attack 3: writes not tied to the owning org. Anchors belong to their
// custodian: only its staff change them, and every key of a record carries
// the custodian's key-level endorsement policy, moved with the state.
func TestAttackWritesNotTiedToTheOwningOrg(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("v1")), "Anchor"), nil)
	e.Must(e.submit(clerk, 2, e.document("rec-1", 2, []byte("v2")), "Amend", "rec-1"), nil)
	l := e.Peer.Ledger("care")
	hk, _ := key(objHead, "rec-1")
	ownedBy(t, l.ValidationParameter("records", hk), "head")
	for v := 1; v <= 2; v++ {
		vk, _ := versionKey(objVersion, "rec-1", v)
		ak, _ := anchorKeyOf(e.blinder(), "rec-1", v)
		kk, _ := wrappedKeyOf(e.blinder(), "rec-1", v)
		ownedBy(t, l.ValidationParameter("records", vk), "version trace "+itoa(v))
		ownedBy(t, l.PrivateValidationParameter("records", Collection, ak), "anchor "+itoa(v))
		ownedBy(t, l.PrivateValidationParameter("records", Collection, kk), "wrapped key "+itoa(v))
	}
	ck, _ := key(objCustodianKey, "ProviderMSP")
	ownedBy(t, l.ValidationParameter("records", ck), "custodian key")

	// Two orgs that are not the custodian forge changes: refused at validation.
	head, _ := e.Peer.State("records", hk)
	forgedHead := []byte(strings.Replace(string(head), `"status":"current"`, `"status":"entered-in-error"`, 1))
	anchorKey, _ := anchorKeyOf(e.blinder(), "rec-1", 2)
	forgeries := map[string][]memstub.ForgedWrite{
		"head":           {{Key: hk, Value: forgedHead}},
		"head deleted":   {{Key: hk, Delete: true}},
		"policy removed": {{Key: hk, ValidationParameter: []byte{}}},
		"anchor":         {{Collection: Collection, Key: anchorKey, Value: []byte(`{"id":"rec-1","subject":"pt-someone-else"}`)}},
		"custodian key":  {{Key: ck, Value: []byte(`{"mspId":"ProviderMSP","publicKey":"BAAA"}`)}},
	}
	for name, writes := range forgeries {
		before := e.Peer.Snapshot()
		for _, endorsers := range [][]string{{"PayerMSP", roles.RegulatorMSP}, {"ProviderMSP"}} {
			res := e.Peer.Forge(memstub.Forgery{Chaincode: "records", Endorsers: endorsers, Writes: writes})
			assert.Equal(t, memstub.EndorsementPolicyFailure, res.Validation, "%s forged by %v", name, endorsers)
			assert.Equal(t, before, e.Peer.Snapshot(), "%s forged by %v", name, endorsers)
		}
	}
	// The chaincode's own Amend, endorsed by two orgs without the custodian, fails validation too.
	res := e.Peer.Submit(memstub.Tx{Chaincode: "records", Identity: clerk, Time: at(3), Endorsers: []string{"PayerMSP", roles.RegulatorMSP},
		Transient: map[string][]byte{wire.TransientAnchor: mustJSON(e.document("rec-1", 3, []byte("v3")))}, Args: [][]byte{[]byte("Amend"), []byte("rec-1")}})
	assert.Equal(t, memstub.EndorsementPolicyFailure, res.Validation)
	res = e.Peer.Submit(memstub.Tx{Chaincode: "records", Identity: clerk, Time: at(3), Endorsers: []string{"ProviderMSP", "PayerMSP"},
		Transient: map[string][]byte{wire.TransientAnchor: mustJSON(e.document("rec-1", 3, []byte("v3")))}, Args: [][]byte{[]byte("Amend"), []byte("rec-1")}})
	assert.Equal(t, memstub.Valid, res.Validation, res.Message)
	vk3, _ := versionKey(objVersion, "rec-1", 3)
	ownedBy(t, l.ValidationParameter("records", vk3), "version trace 3")

	// Only the custodian's staff write: not another org's (even one playing
	// the provider part), not a payer's roles.
	clinic := parts.Org{MSPID: "ClinicMSP", Name: "clinic", Parts: []string{parts.PartProvider}, Peer: true}
	e2 := newEnv(t, withGenesis(t, partstest.With(partstest.Reference(), "care", clinic)))
	e2.Must(e2.submit(clerk, 1, e2.document("rec-1", 1, []byte("v1")), "Anchor"), nil)
	clinicClerk := memstub.NewIdentity("ClinicMSP", "clerk1", map[string]string{"role": parts.RoleRecordsClerk})
	before := e2.Peer.Snapshot()
	for _, id := range []*memstub.Identity{clinicClerk, payerClerk, payerDoc} {
		e2.Refused(before, e2.submit(id, 2, e2.document("rec-1", 2, []byte("v2")), "Amend", "rec-1"), "FORBIDDEN: ")
		e2.Refused(before, e2.submit(id, 2, nil, "MarkEnteredInError", "rec-1"), "FORBIDDEN: ")
		e2.Refused(before, e2.submit(id, 2, nil, "Erase", "rec-1"), "FORBIDDEN: ")
	}
	// A payer that registered a key still cannot anchor records of its own.
	payerAdmin := memstub.NewIdentity("PayerMSP", "admin", map[string]string{"hf.Type": "admin"})
	e2.Refused(before, e2.submit(payerAdmin, 2, nil, "RegisterCustodianKey", b64(e2.kekPublic())), "FORBIDDEN: ")
	e2.Refused(before, e2.submit(payerClerk, 2, e2.document("rec-9", 1, []byte("x")), "Anchor"), "FORBIDDEN: ")
}

// Attack 4: MatchSubject was a yes/no oracle for anyone who knows a
// pseudonym. Now only the claims chaincode asks, as the provider's billing
// (its own records) or a payer's adjudicator.
func TestAttackMatchSubjectIsNoOracle(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("a")), "Anchor"), nil)
	before := e.Peer.Snapshot()
	for _, id := range []*memstub.Identity{payerDoc, patient2, auditor, physician, billing, adjudicator} {
		e.Refused(before, e.Query(id, 2, "MatchSubject", "rec-1", pt1), "FORBIDDEN: ")
	}
	for _, id := range []*memstub.Identity{payerDoc, patient2, auditor, physician, payerClerk} {
		e.Refused(before, e.matchViaClaims(id, 2, "rec-1", pt1), "FORBIDDEN: ")
	}
	// Another provider's billing clerk may not probe this provider's records.
	clinic := parts.Org{MSPID: "ClinicMSP", Name: "clinic", Parts: []string{parts.PartProvider}, Peer: true}
	e2 := newEnv(t, withGenesis(t, partstest.With(partstest.Reference(), "care", clinic)))
	e2.Must(e2.submit(clerk, 1, e2.document("rec-1", 1, []byte("a")), "Anchor"), nil)
	clinicBilling := memstub.NewIdentity("ClinicMSP", "billing1", map[string]string{"role": parts.RoleBilling})
	e2.Refused(e2.Peer.Snapshot(), e2.matchViaClaims(clinicBilling, 2, "rec-1", pt1), "FORBIDDEN: ")
	e2.Must(e2.matchViaClaims(billing, 2, "rec-1", pt1), nil)
}

// Attack 6: every transaction checks the caller's part in the registry,
// which alone decides: with ProviderMSP registered as a pharmacy only, its
// clinicians no longer anchor, and its admin no longer registers a key.
func TestAttackTheRegistryDecides(t *testing.T) {
	g := partstest.Reference()
	var provider parts.Org
	for _, o := range g.Channels["care"].Orgs {
		if o.MSPID == "ProviderMSP" {
			provider = o
		}
	}
	provider.Parts = []string{parts.PartPharmacy}
	e := newEnvWithoutKey(t, withGenesis(t, partstest.With(g, "care", provider)))
	before := e.Peer.Snapshot()
	e.Refused(before, e.submit(provAdmin, 1, nil, "RegisterCustodianKey", b64(e.kekPublic())), "FORBIDDEN: ")
	e.Refused(before, e.submit(clerk, 1, e.document("rec-1", 1, []byte("a")), "Anchor"), "FORBIDDEN: ")
	e.Refused(before, e.Query(physician, 1, "GetHead", "rec-1"), "FORBIDDEN: ")
	// An org the registry does not list plays no part at all.
	stranger := memstub.NewIdentity(outsider, "admin", map[string]string{"hf.Type": "admin"})
	e.Refused(before, e.submit(stranger, 1, nil, "RegisterCustodianKey", b64(e.kekPublic())), "FORBIDDEN: OutsiderMSP plays no part")
}

// newEnvWithoutKey is newEnv when the provider's admin cannot register.
func newEnvWithoutKey(t *testing.T, opts ...envOption) *env {
	t.Helper()
	return newEnvWith(t, false, opts...)
}

// Attack 7: which validation error comes back never depends on map
// iteration order: unexpected transient inputs are named in sorted order,
// and an input with every field wrong always names the first field.
func TestAttackDeterministicValidationErrors(t *testing.T) {
	e := newEnv(t)
	before := e.Peer.Snapshot()
	in := e.document("rec-1", 1, []byte("a"))
	tm := map[string][]byte{wire.TransientAnchor: mustJSON(in)}
	for _, k := range []string{"zulu", "mike", "alpha", "kilo", "bravo", "yankee", "delta", "x-ray"} {
		tm[k] = []byte(`{}`)
	}
	bad := wire.AnchorInput{ID: "", Subject: "", Type: "Tweet", Category: "a b", ContentType: "pdf", Size: -1, Location: ""}
	for i := 0; i < 50; i++ {
		e.Refused(before, e.Peer.Invoke("records", clerk, at(1), tm, "Anchor"), `INVALID_ARGUMENT: field "alpha"`)
		e.Refused(before, e.submit(clerk, 1, bad, "Anchor"), `INVALID_ARGUMENT: field "id"`)
	}
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}

// Attack 8: a patient's certificate named their pseudonym (patient_id),
// and records believed it. Patients' certificates carry none now; which
// subject a patient is comes from the patient registry's link (consent's
// PatientSubject, via kit/patient): a patient certificate that claims pt1
// in the old attribute, unlinked or linked to someone else, is not pt1.
func TestAttackPatientIDAttributeCountsForNothing(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("labs")), "Anchor"), nil)
	claims := map[string]string{"role": parts.RolePatient, "patient_id": pt1}
	unlinked := pts.CA.Issue("p00000000000000000000000000000bad", claims)
	other := pts.CA.Issue("p00000000000000000000000000000b0b", claims)
	require.True(t, pts.Link(e.Peer, other, pt2).OK())
	before := e.Peer.Snapshot()
	for _, id := range []*memstub.Identity{unlinked, other} {
		e.Refused(before, e.Query(id, 2, "ListAccessLog", pt1, "", "10", ""), "FORBIDDEN: ")
		e.Refused(before, e.Query(id, 2, "ListBySubject", pt1, "", "10", ""), "FORBIDDEN: ")
		e.Refused(before, e.Query(id, 2, "Get", "rec-1", "0"), "FORBIDDEN: ")
		e.Refused(before, e.Query(id, 2, "History", "rec-1", "0", ""), "FORBIDDEN: ")
		// Not the subject: a patient request of another's record needs consent.
		e.Refused(before, e.request(id, 2, "rec-1", "patient-request"), "FORBIDDEN: no consent")
	}
	e.Refused(before, e.Query(unlinked, 2, "ListAccessLog", "", "", "10", ""), "FORBIDDEN: ")
	// The linked patient reads their own, with or without naming themselves.
	var page wire.RecordPage
	e.Must(e.Query(patient1, 2, "ListBySubject", "", "", "10", ""), &page)
	require.Len(t, page.Items, 1)
	e.Must(e.Query(patient1, 2, "ListBySubject", pt1, "", "10", ""), &page)
	require.Len(t, page.Items, 1)
	var log wire.AccessPage
	e.Must(e.request(patient1, 3, "rec-1", "patient-request"), nil)
	e.Must(e.Query(patient1, 4, "ListAccessLog", "", "", "10", ""), &log)
	require.Len(t, log.Items, 1)
	assert.Equal(t, "patient", log.Items[0].Basis)
	// The other linked patient lists only their own (none).
	e.Must(e.Query(other, 4, "ListAccessLog", "", "", "10", ""), &log)
	assert.Empty(t, log.Items)
	// The auditor must name the patient.
	e.Refused(e.Peer.Snapshot(), e.Query(auditor, 4, "ListAccessLog", "", "", "10", ""), `INVALID_ARGUMENT: field "subject"`)
}
