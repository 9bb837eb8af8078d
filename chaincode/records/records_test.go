package records

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

func TestAnchorRequestReleaseWithConsent(t *testing.T) {
	e := newEnv(t)
	plaintext := []byte("CBC: haemoglobin 13.1 g/dL")
	var r wire.Receipt
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, plaintext), "Anchor"), &r)
	assert.Equal(t, wire.Receipt{ID: "rec-1", Version: 1, Status: wire.StatusCurrent, TxID: r.TxID}, r)

	// Without consent: refused, and nothing is logged.
	before := e.Peer.Snapshot()
	e.Refused(before, e.request(physician, 2, "rec-1", "treatment"), "FORBIDDEN: no consent")

	e.grantLabs(3)
	docKey, rel := e.release(physician, 4, "rec-1", "treatment")
	assert.Equal(t, e.doc["rec-1/1"], docKey)
	assert.Equal(t, e.commitment("rec-1/1", plaintext), rel.PlainCommitment)
	assert.Equal(t, "application/pdf", rel.ContentType)

	// The access log, as the patient and the custodian's privacy officer see it.
	var log wire.AccessPage
	e.Must(e.Query(patient1, 5, "ListAccessLog", pt1, "", "10", ""), &log)
	require.Len(t, log.Items, 1)
	entry := log.Items[0]
	assert.Equal(t, "ProviderMSP/physician1", entry.Recipient)
	assert.Equal(t, parts.RolePhysician, entry.Role)
	assert.Equal(t, "treatment", entry.Purpose)
	assert.Equal(t, "consent:c-labs", entry.Basis)
	assert.Equal(t, "rec-1", entry.Record)
	assert.Equal(t, at(4).Format("2006-01-02T15:04:05Z07:00"), entry.Date)
	var byOrg wire.AccessPage
	e.Must(e.Query(privacy, 5, "ListAccessLogByCustodian", "ProviderMSP", wire.Oldest, "10", ""), &byOrg)
	assert.Len(t, byOrg.Items, 1)

	// After the patient revokes, access is refused again.
	e.revoke(6, "c-labs")
	before = e.Peer.Snapshot()
	e.Refused(before, e.request(physician, 7, "rec-1", "treatment"), "FORBIDDEN: ")
}

func TestNothingSensitiveInPublicStateResponsesOrEvents(t *testing.T) {
	e := newEnv(t)
	in := e.document("rec-1", 1, []byte("secret canary"))
	res := e.submit(clerk, 1, in, "Anchor")
	e.Must(res, nil)
	e.grantLabs(2)
	req := e.request(physician, 3, "rec-1", "treatment")
	e.Must(req, nil)
	docKey := e.doc["rec-1/1"]
	for _, r := range []memstub.Result{res, req} {
		for _, s := range []string{pt1, "labs", in.PlainCommitment, in.WrappedKey} {
			assert.NotContains(t, string(r.Payload), s)
			assert.NotContains(t, string(r.Event.Payload), s)
		}
	}
	for _, k := range e.Peer.Keys("records") {
		v, _ := e.Peer.State("records", k)
		assert.NotContains(t, string(v), pt1, k)
		assert.NotContains(t, string(v), "labs", k)
		assert.False(t, bytes.Contains(v, docKey), k)
		assert.NotContains(t, k, pt1, "no public key names the patient")
	}
	// The private collection holds the wrapped key, never the key itself.
	snap := e.Peer.Snapshot()
	assert.False(t, strings.Contains(fmt.Sprintf("%v", snap), fmt.Sprintf("%v", docKey)[1:40]))
}

func TestBreakGlassAndPatientAccessAreLogged(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("x-ray report")), "Anchor"), nil)
	e.Must(e.breakGlass(physician2, 2, 30), nil)
	key, _ := e.release(physician2, 3, "rec-1", "emergency")
	assert.Equal(t, e.doc["rec-1/1"], key)
	key, _ = e.release(patient1, 4, "rec-1", "treatment")
	assert.Equal(t, e.doc["rec-1/1"], key, "patients read their own records without consent")
	var log wire.AccessPage
	e.Must(e.Query(patient1, 5, "ListAccessLog", pt1, wire.Oldest, "10", ""), &log)
	require.Len(t, log.Items, 2)
	assert.True(t, strings.HasPrefix(log.Items[0].Basis, "break-glass:bg-"), log.Items[0].Basis)
	assert.Equal(t, "patient", log.Items[1].Basis)
	var newest wire.AccessPage
	e.Must(e.Query(patient1, 5, "ListAccessLog", pt1, wire.Newest, "10", ""), &newest)
	assert.Equal(t, []wire.AccessEntry{log.Items[1], log.Items[0]}, newest.Items)
}

func TestReleaseKeyRules(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("note")), "Anchor"), nil)
	e.Must(e.submit(clerk, 1, e.document("rec-2", 1, []byte("other")), "Anchor"), nil)
	e.grantEveryone(2)
	var r wire.Receipt
	e.Must(e.request(physician, 3, "rec-1", "treatment"), &r)
	_, pub := oneTimeKey(t)
	before := e.Peer.Snapshot()
	rel := func(id *memstub.Identity, minute int, access, record, purpose, key string) memstub.Result {
		return e.releaseKey(id, at(minute), access, record, purpose, key)
	}
	// Only the logged requester, for the record and purpose it asked,
	// within the window, on the custodian's peer.
	e.Refused(before, rel(physician2, 4, r.AccessID, "rec-1", "treatment", pub), "FORBIDDEN: access")
	e.Refused(before, rel(physician, 4, r.AccessID, "rec-2", "treatment", pub), "FORBIDDEN: access")
	e.Refused(before, rel(physician, 4, r.AccessID, "rec-1", "research", pub), "FORBIDDEN: access")
	e.Refused(before, rel(physician, 3+int(ReleaseWindow.Minutes()), r.AccessID, "rec-1", "treatment", pub), "FAILED_PRECONDITION: access")
	e.Refused(before, rel(physician, 2, r.AccessID, "rec-1", "treatment", pub), "FAILED_PRECONDITION: transaction time")
	e.Peer.SetMSP("PayerMSP")
	e.Refused(before, rel(physician, 4, r.AccessID, "rec-1", "treatment", pub), "FAILED_PRECONDITION: this peer holds no key-encryption key of ProviderMSP")
	e.Peer.SetMSP("ProviderMSP")
	e.Refused(before, rel(physician, 4, r.AccessID, "rec-1", "treatment", "bm90IGEga2V5"), `INVALID_ARGUMENT: field "recipientKey"`)
	e.Refused(before, rel(physician, 4, r.AccessID, "rec-1", "curiosity", pub), `INVALID_ARGUMENT: field "purpose"`)
	e.Refused(before, rel(physician, 4, r.AccessID, "", "treatment", pub), `INVALID_ARGUMENT: field "id"`)
	e.Refused(before, rel(physician, 4, "nope", "rec-1", "treatment", pub), "NOT_FOUND: ")
	e.Must(rel(physician, 3+int(ReleaseWindow.Minutes())-1, r.AccessID, "rec-1", "treatment", pub), nil)
}

func TestReleaseKeyChecksConsentAgain(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("note")), "Anchor"), nil)
	e.grantLabs(2)
	var r wire.Receipt
	e.Must(e.request(physician, 3, "rec-1", "treatment"), &r)
	e.revoke(4, "c-labs")
	_, pub := oneTimeKey(t)
	e.Refused(e.Peer.Snapshot(), e.releaseKey(physician, at(5), r.AccessID, "rec-1", "treatment", pub), "FORBIDDEN: no consent")
}

func TestAmendVersionsAndHistoryVerify(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("v1")), "Anchor"), nil)
	var r wire.Receipt
	e.Must(e.submit(physician, 2, e.document("rec-1", 2, []byte("v2")), "Amend", "rec-1"), &r)
	assert.Equal(t, 2, r.Version)
	var hist wire.HistoryPage
	e.Must(e.Query(clerk, 3, "History", "rec-1", "0", ""), &hist)
	require.Len(t, hist.Items, 2)
	assert.Empty(t, hist.Bookmark)
	assert.Equal(t, wire.StatusCurrent, hist.Items[0].Anchor.Status)
	assert.Equal(t, wire.StatusSuperseded, hist.Items[1].Anchor.Status)
	// The chain: v2 links to v1's anchor hash, which is public.
	assert.Equal(t, hist.Items[1].AnchorHash, hist.Items[0].Anchor.PreviousAnchorHash)
	for _, v := range hist.Items {
		c, err := wire.AnchorCommitment(&v.Anchor)
		require.NoError(t, err)
		assert.Equal(t, c, v.AnchorHash, "version %d", v.Anchor.Version)
		assert.NotEqual(t, hexSum(cctest.JSON(v.Anchor)), v.AnchorHash, "a commitment, not a bare hash")
	}
	// Page by page.
	var first, second wire.HistoryPage
	e.Must(e.Query(patient1, 3, "History", "rec-1", "1", ""), &first)
	require.Len(t, first.Items, 1)
	e.Must(e.Query(patient1, 3, "History", "rec-1", "1", first.Bookmark), &second)
	assert.Equal(t, hist.Items, append(first.Items, second.Items...))
	assert.Empty(t, second.Bookmark)
	e.Refused(e.Peer.Snapshot(), e.Query(patient1, 3, "History", "rec-1", "1", "7"), `INVALID_ARGUMENT: field "bookmark"`)

	var v wire.Verification
	e.Must(e.Query(adjudicator, 4, "Verify", "rec-1", "1", e.commitment("rec-1/1", []byte("v1"))), &v)
	assert.Equal(t, wire.Verification{Result: wire.Match, Of: "plaintext", Status: wire.StatusSuperseded, Version: 1}, v)
	e.Must(e.Query(auditor, 4, "Verify", "rec-1", "0", e.commitment("rec-1/1", []byte("v1"))), &v)
	assert.Equal(t, wire.Mismatch, v.Result)
	e.Must(e.Query(patient2, 4, "Verify", "rec-9", "0", e.commitment("rec-1/1", []byte("v1"))), &v)
	assert.Equal(t, wire.Unknown, v.Result)
	// The ciphertext's SHA-256 matches too.
	var cv wire.Verification
	e.Must(e.Query(auditor, 4, "Verify", "rec-1", "2", hist.Items[0].Anchor.CipherSHA256), &cv)
	assert.Equal(t, wire.Verification{Result: wire.Match, Of: "ciphertext", Status: wire.StatusCurrent, Version: 2}, cv)

	// Each version has its own key.
	e.grantLabs(5)
	k2, rel := e.release(physician, 6, "rec-1", "treatment")
	assert.Equal(t, e.doc["rec-1/2"], k2)
	assert.Equal(t, 2, rel.Version)

	// Entered in error: no more access to that version, no amend.
	e.Must(e.submit(clerk, 7, nil, "MarkEnteredInError", "rec-1"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.submit(physician, 8, nil, "RequestAccess", "rec-1", "2", "treatment"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.submit(clerk, 8, e.document("rec-1", 3, []byte("v3")), "Amend", "rec-1"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.submit(clerk, 8, nil, "MarkEnteredInError", "rec-1"), "FAILED_PRECONDITION: ")
}

func TestEraseShredsTheKeys(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("v1")), "Anchor"), nil)
	e.Must(e.submit(clerk, 2, e.document("rec-1", 2, []byte("v2")), "Amend", "rec-1"), nil)
	e.grantLabs(3)
	var r wire.Receipt
	e.Must(e.request(physician, 4, "rec-1", "treatment"), &r)
	for v := 1; v <= 2; v++ {
		k, _ := wrappedKeyOf(e.blinder(), "rec-1", v)
		_, ok := e.Peer.PrivateState("records", Collection, k)
		require.True(t, ok, "the test builds version %d's stored key", v)
	}

	e.Must(e.submit(privacy, 5, nil, "Erase", "rec-1"), nil)
	for v := 1; v <= 2; v++ {
		k, _ := wrappedKeyOf(e.blinder(), "rec-1", v)
		_, ok := e.Peer.PrivateState("records", Collection, k)
		assert.False(t, ok, "version %d key purged", v)
		_, ok = e.Peer.PrivateHash("records", Collection, k)
		assert.False(t, ok, "version %d key hash purged", v)
	}
	before := e.Peer.Snapshot()
	_, pub := oneTimeKey(t)
	e.Refused(before, e.releaseKey(physician, at(5), r.AccessID, "rec-1", "treatment", pub), "FAILED_PRECONDITION: ")
	e.Refused(before, e.request(physician, 6, "rec-1", "treatment"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.submit(privacy, 6, nil, "Erase", "rec-1"), "FAILED_PRECONDITION: ")
	// History still verifies.
	var hist wire.HistoryPage
	e.Must(e.Query(patient1, 7, "History", "rec-1", "0", ""), &hist)
	require.Len(t, hist.Items, 2)
	assert.True(t, hist.Items[0].KeyErased)
	assert.Equal(t, hist.Items[1].AnchorHash, hist.Items[0].Anchor.PreviousAnchorHash)
	var v wire.Verification
	e.Must(e.Query(auditor, 7, "Verify", "rec-1", "2", e.commitment("rec-1/2", []byte("v2"))), &v)
	assert.Equal(t, wire.Match, v.Result)
}

func TestAnchorNeedsARegisteredKeyAndAFreshID(t *testing.T) {
	clinic := parts.Org{MSPID: "ClinicMSP", Name: "clinic", Parts: []string{parts.PartProvider}, Peer: true}
	e := newEnv(t, withGenesis(t, partstest.With(partstest.Reference(), "care", clinic)))
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("a")), "Anchor"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.submit(clerk, 2, e.document("rec-1", 1, []byte("b")), "Anchor"), "CONFLICT: ")
	// ClinicMSP plays the provider part but has registered no key-encryption key.
	clinicClerk := memstub.NewIdentity("ClinicMSP", "clerk1", map[string]string{"role": parts.RoleRecordsClerk})
	e.Refused(before, e.submit(clinicClerk, 2, e.document("rec-2", 1, []byte("b")), "Anchor"), "FAILED_PRECONDITION: ClinicMSP has registered no key-encryption key")
	// PayerMSP does not play the provider part: its clerk's role does not count.
	e.Refused(before, e.submit(payerClerk, 2, e.document("rec-2", 1, []byte("b")), "Anchor"), "FORBIDDEN: ")
}

func TestMatchSubjectThroughClaims(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("a")), "Anchor"), nil)
	var m wire.SubjectMatch
	e.Must(e.matchViaClaims(billing, 2, "rec-1", pt1), &m)
	assert.Equal(t, wire.SubjectMatch{Known: true, Matches: true}, m)
	e.Must(e.matchViaClaims(billing, 2, "rec-1", pt2), &m)
	assert.Equal(t, wire.SubjectMatch{Known: true}, m)
	e.Must(e.matchViaClaims(billing, 2, "rec-9", pt1), &m)
	assert.Equal(t, wire.SubjectMatch{}, m)
	e.Must(e.matchViaClaims(adjudicator, 2, "rec-1", pt1), &m)
	assert.Equal(t, wire.SubjectMatch{Known: true, Matches: true}, m)
	e.Must(e.submit(clerk, 3, nil, "MarkEnteredInError", "rec-1"), nil)
	e.Must(e.matchViaClaims(billing, 4, "rec-1", pt1), &m)
	assert.Equal(t, at(3).Format("2006-01-02T15:04:05Z07:00"), m.EnteredInError)
}

func TestListBySubject(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= 3; i++ {
		e.Must(e.submit(clerk, i, e.document("rec-"+itoa(i), 1, []byte("doc")), "Anchor"), nil)
	}
	var page wire.RecordPage
	e.Must(e.Query(patient1, 5, "ListBySubject", pt1, "", "2", ""), &page)
	require.Len(t, page.Items, 2)
	assert.Equal(t, []string{"rec-3", "rec-2"}, []string{page.Items[0].ID, page.Items[1].ID})
	var rest wire.RecordPage
	e.Must(e.Query(patient1, 5, "ListBySubject", pt1, "", "2", page.Bookmark), &rest)
	require.Len(t, rest.Items, 1)
	assert.Equal(t, "rec-1", rest.Items[0].ID)
	assert.Empty(t, rest.Bookmark)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Query(patient2, 5, "ListBySubject", pt1, "", "2", ""), "FORBIDDEN: ")
	e.Refused(before, e.Query(patient1, 5, "ListBySubject", pt1, wire.Oldest, "2", page.Bookmark), `INVALID_ARGUMENT: field "bookmark"`)
	e.Refused(before, e.Query(patient1, 5, "ListBySubject", pt1, "sideways", "2", ""), `INVALID_ARGUMENT: field "order"`)
}
