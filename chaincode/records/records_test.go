package records

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent"
	"github.com/carechain/carechain/chaincode/kit/keywrap"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

func TestAnchorRequestReleaseWithConsent(t *testing.T) {
	e := newEnv(t)
	plaintext := []byte("CBC: haemoglobin 13.1 g/dL")
	var r Receipt
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, plaintext), "Anchor"), &r)
	assert.Equal(t, Receipt{ID: "rec-1", Version: 1, Status: StatusCurrent, TxID: r.TxID}, r)

	// Without consent: refused, and nothing is logged.
	before := e.Peer.Snapshot()
	e.Refused(before, e.submit(physician, 2, nil, "RequestAccess", "rec-1", "0", "treatment"), "FORBIDDEN: no consent")

	e.grantLabs(3)
	docKey, rel := e.release(physician, 4, "rec-1")
	assert.Equal(t, e.doc["rec-1/1"], docKey)
	assert.Equal(t, hexSum(plaintext), rel.PlainSHA256)
	assert.Equal(t, "application/pdf", rel.ContentType)

	// The access log, as the patient and the custodian's privacy officer see it.
	var log AccessPage
	e.Must(e.Query(patient1, 5, "ListAccessLog", pt1, "10", ""), &log)
	require.Len(t, log.Items, 1)
	entry := log.Items[0]
	assert.Equal(t, "ProviderMSP/physician1", entry.Recipient)
	assert.Equal(t, RolePhysician, entry.Role)
	assert.Equal(t, "treatment", entry.Purpose)
	assert.Equal(t, "consent:c-labs", entry.Basis)
	assert.Equal(t, "rec-1", entry.Record)
	var byOrg AccessPage
	e.Must(e.Query(privacy, 5, "ListAccessLogByCustodian", "ProviderMSP", "10", ""), &byOrg)
	assert.Len(t, byOrg.Items, 1)

	// After the patient revokes, access is refused again.
	e.Must(e.Peer.Invoke("consent", patient1, at(6), nil, "Revoke", "c-labs"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.submit(physician, 7, nil, "RequestAccess", "rec-1", "0", "treatment"), "FORBIDDEN: ")
}

func TestNothingSensitiveInPublicStateResponsesOrEvents(t *testing.T) {
	e := newEnv(t)
	in := e.document("rec-1", 1, []byte("secret canary"))
	res := e.submit(clerk, 1, in, "Anchor")
	e.Must(res, nil)
	e.grantLabs(2)
	req := e.submit(physician, 3, nil, "RequestAccess", "rec-1", "0", "treatment")
	e.Must(req, nil)
	docKey := e.doc["rec-1/1"]
	for _, r := range []memstub.Result{res, req} {
		for _, s := range []string{pt1, "labs", in.PlainSHA256, in.WrappedKey} {
			assert.NotContains(t, string(r.Payload), s)
			assert.NotContains(t, string(r.Event.Payload), s)
		}
	}
	for _, k := range e.Peer.Keys("records") {
		v, _ := e.Peer.State("records", k)
		assert.NotContains(t, string(v), pt1, k)
		assert.NotContains(t, string(v), "labs", k)
		assert.False(t, bytes.Contains(v, docKey), k)
	}
	// The private collection holds the wrapped key, never the key itself.
	snap := e.Peer.Snapshot()
	assert.False(t, strings.Contains(snapString(snap), fmt.Sprintf("%v", docKey)[1:40]))
}

func snapString(s memstub.Snapshot) string { return fmt.Sprintf("%v", s) }

func TestBreakGlassAndPatientAccessAreLogged(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("x-ray report")), "Anchor"), nil)
	bg := consent.BreakGlassInput{Subject: pt1, Reason: "unconscious", Minutes: 30}
	e.Must(e.Peer.Invoke("consent", physician2, at(2), map[string][]byte{consent.TransientBreakGlass: cctest.JSON(bg)}, "BreakGlass"), nil)
	key, _ := e.release(physician2, 3, "rec-1")
	assert.Equal(t, e.doc["rec-1/1"], key)
	key, _ = e.release(patient1, 4, "rec-1")
	assert.Equal(t, e.doc["rec-1/1"], key, "patients read their own records without consent")
	var log AccessPage
	e.Must(e.Query(patient1, 5, "ListAccessLog", pt1, "10", ""), &log)
	require.Len(t, log.Items, 2)
	assert.True(t, strings.HasPrefix(log.Items[0].Basis, "break-glass:bg-"), log.Items[0].Basis)
	assert.Equal(t, "patient", log.Items[1].Basis)
}

func TestReleaseKeyRules(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("note")), "Anchor"), nil)
	e.grantLabs(2)
	var r Receipt
	e.Must(e.submit(physician, 3, nil, "RequestAccess", "rec-1", "0", "treatment"), &r)
	one, _ := keywrap.NewEphemeral()
	pub := base64.StdEncoding.EncodeToString(one.PublicKey().Bytes())
	before := e.Peer.Snapshot()
	// Only the logged recipient, within the window, on the custodian's peer.
	e.Refused(before, e.Query(physician2, 4, "ReleaseKey", r.AccessID, pub), "FORBIDDEN: ")
	e.Refused(before, e.Query(physician, 3+int(ReleaseWindow.Minutes()), "ReleaseKey", r.AccessID, pub), "FAILED_PRECONDITION: ")
	e.Peer.SetMSP("PayerMSP")
	e.Refused(before, e.Query(physician, 4, "ReleaseKey", r.AccessID, pub), "FAILED_PRECONDITION: this peer holds no key-encryption key of ProviderMSP")
	e.Peer.SetMSP("ProviderMSP")
	e.Refused(before, e.Query(physician, 4, "ReleaseKey", r.AccessID, "bm90IGEga2V5"), `INVALID_ARGUMENT: field "recipientKey"`)
	e.Refused(before, e.Query(physician, 4, "ReleaseKey", "nope", pub), "NOT_FOUND: ")
	e.Must(e.Query(physician, 4, "ReleaseKey", r.AccessID, pub), nil)
}

func TestAmendVersionsAndHistoryVerify(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("v1")), "Anchor"), nil)
	var r Receipt
	e.Must(e.submit(physician, 2, e.document("rec-1", 2, []byte("v2")), "Amend", "rec-1"), &r)
	assert.Equal(t, 2, r.Version)
	var hist []VersionEntry
	e.Must(e.Query(clerk, 3, "History", "rec-1"), &hist)
	require.Len(t, hist, 2)
	assert.Equal(t, StatusCurrent, hist[0].Anchor.Status)
	assert.Equal(t, StatusSuperseded, hist[1].Anchor.Status)
	// The chain: v2 links to v1's anchor hash, which is public.
	assert.Equal(t, hist[1].AnchorHash, hist[0].Anchor.PreviousAnchorHash)
	assert.Equal(t, hexSum(cctest.JSON(hist[1].Anchor)), hist[1].AnchorHash)
	assert.Equal(t, hexSum(cctest.JSON(hist[0].Anchor)), hist[0].AnchorHash)

	var v Verification
	e.Must(e.Query(adjudicator, 4, "Verify", "rec-1", "1", hexSum([]byte("v1"))), &v)
	assert.Equal(t, Verification{Result: Match, Of: "plaintext", Status: StatusSuperseded, Version: 1}, v)
	e.Must(e.Query(auditor, 4, "Verify", "rec-1", "0", hexSum([]byte("v1"))), &v)
	assert.Equal(t, Mismatch, v.Result)
	e.Must(e.Query(patient2, 4, "Verify", "rec-9", "0", hexSum([]byte("v1"))), &v)
	assert.Equal(t, Unknown, v.Result)

	// Each version has its own key.
	e.grantLabs(5)
	k2, rel := e.release(physician, 6, "rec-1")
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
	var r Receipt
	e.Must(e.submit(physician, 4, nil, "RequestAccess", "rec-1", "0", "treatment"), &r)

	e.Must(e.submit(privacy, 5, nil, "Erase", "rec-1"), nil)
	for v := 1; v <= 2; v++ {
		k, _ := key(objKey, "rec-1", "00000"+itoa(v))
		_, ok := e.Peer.PrivateState("records", Collection, k)
		assert.False(t, ok, "version %d key purged", v)
		_, ok = e.Peer.PrivateHash("records", Collection, k)
		assert.False(t, ok, "version %d key hash purged", v)
	}
	before := e.Peer.Snapshot()
	one, _ := keywrap.NewEphemeral()
	e.Refused(before, e.Query(physician, 5, "ReleaseKey", r.AccessID, base64.StdEncoding.EncodeToString(one.PublicKey().Bytes())), "FAILED_PRECONDITION: ")
	e.Refused(before, e.submit(physician, 6, nil, "RequestAccess", "rec-1", "0", "treatment"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.submit(privacy, 6, nil, "Erase", "rec-1"), "FAILED_PRECONDITION: ")
	// History still verifies.
	var hist []VersionEntry
	e.Must(e.Query(patient1, 7, "History", "rec-1"), &hist)
	require.Len(t, hist, 2)
	assert.True(t, hist[0].KeyErased)
	assert.Equal(t, hist[1].AnchorHash, hist[0].Anchor.PreviousAnchorHash)
	var v Verification
	e.Must(e.Query(auditor, 7, "Verify", "rec-1", "2", hexSum([]byte("v2"))), &v)
	assert.Equal(t, Match, v.Result)
}

func TestAnchorNeedsARegisteredKeyAndAFreshID(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("a")), "Anchor"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.submit(clerk, 2, e.document("rec-1", 1, []byte("b")), "Anchor"), "CONFLICT: ")
	// PayerMSP has registered no key-encryption key.
	e.Refused(before, e.submit(payerClerk, 2, e.document("rec-2", 1, []byte("b")), "Anchor"), "FAILED_PRECONDITION: PayerMSP has registered no key-encryption key")
}

func TestMatchSubject(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("a")), "Anchor"), nil)
	var m SubjectMatch
	e.Must(e.Query(billing, 2, "MatchSubject", "rec-1", pt1), &m)
	assert.Equal(t, SubjectMatch{Known: true, Matches: true}, m)
	e.Must(e.Query(billing, 2, "MatchSubject", "rec-1", pt2), &m)
	assert.Equal(t, SubjectMatch{Known: true}, m)
	e.Must(e.Query(billing, 2, "MatchSubject", "rec-9", pt1), &m)
	assert.Equal(t, SubjectMatch{}, m)
	e.Must(e.submit(clerk, 3, nil, "MarkEnteredInError", "rec-1"), nil)
	e.Must(e.Query(billing, 4, "MatchSubject", "rec-1", pt1), &m)
	assert.Equal(t, at(3).Format("2006-01-02T15:04:05Z07:00"), m.EnteredInError)
}
