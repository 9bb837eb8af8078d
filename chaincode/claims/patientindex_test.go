package claims

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// listPatient evaluates ListByPatient as id, the patient in transient.
func (e *env) listPatient(id *memstub.Identity, minute int, patient string, size, bookmark string) memstub.Result {
	var tm map[string][]byte
	if patient != "" {
		tm = map[string][]byte{wire.TransientPatient: cctest.JSON(wire.PatientQuery{Patient: patient})}
	}
	return e.Peer.Submit(memstub.Tx{Chaincode: "claims", Identity: id, Time: at(minute), Transient: tm, Evaluate: true,
		Args: [][]byte{[]byte(wire.FnListByPatient), []byte(size), []byte(bookmark)}})
}

// claimIDs pages through a patient's list as id, pageSize at a time.
func (e *env) claimIDs(id *memstub.Identity, patient, size string) (ids []string, pages int) {
	e.T.Helper()
	bookmark := ""
	for {
		var p wire.ClaimPage
		e.Must(e.listPatient(id, 9, patient, size, bookmark), &p)
		pages++
		for _, c := range p.Items {
			require.Equal(e.T, patient, c.Input.Patient)
			ids = append(ids, c.Input.ID)
		}
		if bookmark = p.Bookmark; bookmark == "" || pages > 10 {
			return ids, pages
		}
	}
}

// patientStory: pt1's claims clm-a (PayerMSP), clm-b (MutualMSP) and
// clm-c (PayerMSP, later), pt2's clm-d (PayerMSP).
func patientStory(t *testing.T) *env {
	e := twoPayers(t)
	e.submitClaim(1, office("clm-a"))
	e.submitClaim(2, toMutual(onDay(office("clm-b"), "2026-06-11")))
	e.submitClaim(3, onDay(office("clm-c"), "2026-06-12"))
	d := onDay(office("clm-d"), "2026-06-09")
	d.Patient = pt2
	e.submitClaim(4, d)
	return e
}

// A provider lists a patient's claims with every payer, newest first; a
// payer lists only those it pays; pages of any size list each once.
func TestListByPatientListsTheCallersOwnClaims(t *testing.T) {
	e := patientStory(t)
	ids, _ := e.claimIDs(billing, pt1, "10")
	assert.Equal(t, []string{"clm-b", "clm-c", "clm-a"}, ids, "pair collections in name order (MutualMSP's, then PayerMSP's), newest first within each")
	ids, pages := e.claimIDs(billing, pt1, "1")
	assert.Equal(t, []string{"clm-b", "clm-c", "clm-a"}, ids)
	assert.LessOrEqual(t, pages, 4)
	ids, _ = e.claimIDs(intake, pt1, "2")
	assert.Equal(t, []string{"clm-c", "clm-a"}, ids)
	ids, _ = e.claimIDs(mutualAdjudicator, pt1, "10")
	assert.Equal(t, []string{"clm-b"}, ids)
	ids, _ = e.claimIDs(mutualAdjudicator, pt2, "10")
	assert.Empty(t, ids, "pt2 has no claim with MutualMSP")
	ids, _ = e.claimIDs(billing, pt2, "10")
	assert.Equal(t, []string{"clm-d"}, ids)
	ids, _ = e.claimIDs(billing, "pt-0000000000000000000000000000000a", "10")
	assert.Empty(t, ids)
}

// Nobody else lists them: the regulator, a patient, a payer's enrollment
// staff and an org's roles that its parts do not grant are FORBIDDEN; a
// bookmark of another list, or another org's collection, is refused.
func TestListByPatientRefusesOthers(t *testing.T) {
	e := patientStory(t)
	before := e.Peer.Snapshot()
	for _, id := range []*memstub.Identity{auditor, enrollment, hospitalAdjudicator, regAdmin,
		memstub.NewIdentity("PatientsMSP", pt1, map[string]string{"role": "patient"})} {
		e.Refused(before, e.listPatient(id, 9, pt1, "10", ""), "FORBIDDEN: ")
	}
	e.Refused(before, e.listPatient(billing, 9, "", "10", ""), `INVALID_ARGUMENT: field "patient"`)
	e.Refused(before, e.listPatient(billing, 9, "pt 1", "10", ""), `INVALID_ARGUMENT: field "patient"`)
	e.Refused(before, e.listPatient(billing, 9, pt1, "-1", ""), `INVALID_ARGUMENT: field "pageSize"`)
	e.Refused(before, e.listPatient(billing, 9, pt1, "10", "not-a-bookmark"), `INVALID_ARGUMENT: field "bookmark"`)
	// A bookmark naming a pair the caller is no party to is refused:
	// PayerMSP's intake given the ProviderMSP–MutualMSP pair's.
	e.Refused(before, e.listPatient(intake, 9, pt1, "2", patientBookmark{Collection: wire.PairCollection("ProviderMSP", mutualMSP)}.String()),
		`INVALID_ARGUMENT: field "bookmark"`)
}

// The index is private and blinded: each claim's entry key (with the
// patient's token) is in the blocks, while no key built from the
// pseudonym or its plain hash is, no public key is the index's, and the
// entry's value is sealed with a salt.
func TestPatientIndexIsBlinded(t *testing.T) {
	s := newStory(t)
	v := s.view()
	c := s.get(9, "clm-1")
	inv, err := invertedStamp(c.Submitted)
	require.NoError(t, err)
	entry := mustKey(t, objByPatient, s.token(objByPatient, pt1), inv, "clm-1")
	assert.True(t, v.hasKey(entry), "positive control: the entry's key hash is in the blocks")
	sum := sha256.Sum256([]byte(pt1))
	for _, guess := range []string{pt1, hex.EncodeToString(sum[:]), s.token(objPatientDay, pt1)} {
		assert.False(t, v.hasKey(mustKey(t, objByPatient, guess, inv, "clm-1")), "key from %q", guess)
		assert.False(t, v.hasKey(mustKey(t, objByPatient, guess)), "key from %q", guess)
	}
	for k := range v.public {
		assert.NotContains(t, k, objByPatient)
	}
	salt := s.privateRecord(entry, &patientEntry{})
	assert.Len(t, salt, 44)
	assert.True(t, v.valueHashes[commitBytes(salt, []byte(`{"claim":"clm-1"}`))])
	assert.False(t, v.valueHashes[sha256.Sum256([]byte(`{"claim":"clm-1"}`))])
}
