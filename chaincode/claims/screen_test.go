package claims

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/state"
)

// screenAs runs Screen as who on its org's peer, endorsed by that peer only.
func (e *env) screenAs(who *memstub.Identity, minute int, id string) memstub.Result {
	e.Peer.SetMSP(who.MSPID)
	defer e.Peer.SetMSP("ProviderMSP")
	return e.Peer.Submit(memstub.Tx{Chaincode: "claims", Identity: who, Time: at(minute), Endorsers: []string{who.MSPID},
		Args: [][]byte{[]byte(wire.FnScreen), []byte(id)}})
}

func (e *env) flags(who *memstub.Identity, minute int) []wire.Flag {
	e.T.Helper()
	e.Peer.SetMSP(who.MSPID)
	defer e.Peer.SetMSP("ProviderMSP")
	var page wire.FlagPage
	e.Must(e.Query(who, minute, "ListFlags", "50", ""), &page)
	return page.Items
}

// The same services billed to PayerMSP and, a cent dearer, with modifiers
// reordered and another billable period, to MutualMSP: the second payer's
// screen flags both claims' lines, each to its own payer, naming only its
// own claim and a match token both share.
func TestCrossPayerDuplicateIsFlaggedToBoth(t *testing.T) {
	e := twoPayers(t)
	first := office("clm-a")
	first.Items[0].Modifiers = []string{"25", "59"}
	e.submitClaim(1, first)
	e.Must(e.screenAs(intake, 2, "clm-a"), nil)
	assert.Empty(t, e.flags(intake, 2), "nothing to match yet")

	again := toMutual(office("clm-b"))
	again.Items = append([]wire.Item(nil), again.Items...)
	again.Items[0].Modifiers = []string{"59", "25"}
	again.Items[1].UnitCents, again.Items[1].NetCents, again.TotalCents = 4001, 4001, 19001
	again.BillablePeriod = wire.Period{Start: "2026-06-01", End: "2026-06-14"}
	e.submitClaim(3, again)
	var r wire.Receipt
	e.Must(e.screenAs(mutualIntake, 4, "clm-b"), &r)
	assert.Equal(t, "screened", r.Status)

	mine, theirs := e.flags(intake, 5), e.flags(mutualIntake, 5)
	require.Len(t, mine, 2)
	require.Len(t, theirs, 2)
	for i := range mine {
		assert.Equal(t, "clm-a", mine[i].Claim)
		assert.Equal(t, "clm-b", theirs[i].Claim)
	}
	assert.ElementsMatch(t, []int{1, 2}, []int{mine[0].Line, mine[1].Line})
	assert.ElementsMatch(t, []string{mine[0].Match, mine[1].Match}, []string{theirs[0].Match, theirs[1].Match}, "one case, one match token")
	for _, f := range mine {
		raw, _ := json.Marshal(f)
		assert.NotContains(t, string(raw), "clm-b")
		assert.NotContains(t, string(raw), mutualMSP)
	}
	// Screening again changes no private record.
	keys := e.Peer.Ledger("care").PrivateKeys("claims", wire.PayersCollection)
	e.Must(e.screenAs(mutualIntake, 6, "clm-b"), nil)
	e.Must(e.screenAs(intake, 6, "clm-a"), nil)
	assert.Equal(t, keys, e.Peer.Ledger("care").PrivateKeys("claims", wire.PayersCollection))
	assert.Len(t, e.flags(intake, 7), 2)
}

// Another date of service is another service; a claim and its crossover
// (coordination of benefits) are the same service on purpose and never
// flagged; a voided claim no longer matches.
func TestScreenSparesOtherServicesCrossoversAndVoided(t *testing.T) {
	e := twoPayers(t)
	e.submitClaim(1, withSecondary(office("clm-1")))
	e.Must(e.screenAs(intake, 2, "clm-1"), nil)
	e.Must(e.crossover(billing, 3, "clm-1", e.sealed(2, "clm-1")), nil)
	e.Must(e.screenAs(mutualIntake, 4, "clm-1.cob"), nil)
	e.submitClaim(5, toMutual(onDay(office("clm-2"), "2026-06-11")))
	e.Must(e.screenAs(mutualIntake, 6, "clm-2"), nil)
	assert.Empty(t, e.flags(intake, 7))
	assert.Empty(t, e.flags(mutualIntake, 7))

	e.submitClaim(8, onDay(office("clm-3"), "2026-06-09"))
	e.Must(e.screenAs(intake, 9, "clm-3"), nil)
	e.Must(e.Submit(billing, 10, "", nil, "Void", "clm-3"), nil)
	e.submitClaim(11, toMutual(onDay(office("clm-4"), "2026-06-09")))
	e.Must(e.screenAs(mutualIntake, 12, "clm-4"), nil)
	assert.Empty(t, e.flags(mutualIntake, 13), "the voided claim is no longer billed")
}

// The provider's bill to PayerMSP and MutualMSP's intake of a paper claim
// for the same service are flagged to both.
func TestIntakeAndProviderBillAcrossPayersAreFlagged(t *testing.T) {
	e := twoPayers(t)
	e.submitClaim(1, office("clm-e1"))
	e.Must(e.screenAs(intake, 2, "clm-e1"), nil)
	paper := wire.IntakeInput{Claim: toMutual(office("clm-p1")), Provider: "ProviderMSP", Channel: wire.IntakeClearinghouse, Received: "2026-06-12"}
	e.Must(e.Submit(mutualIntake, 3, wire.TransientIntake, paper, "SubmitIntake"), nil)
	e.Must(e.screenAs(mutualIntake, 4, "clm-p1"), nil)
	assert.Len(t, e.flags(intake, 5), 2)
	assert.Len(t, e.flags(mutualIntake, 5), 2)
}

// Only a claim's payer screens it; a provider's peer cannot run the
// screen (it holds neither the payers' secret nor their collection); a
// payer cannot rewrite another payer's entries; bad input changes nothing.
func TestScreenAccessAndForgery(t *testing.T) {
	e := twoPayers(t)
	e.submitClaim(1, office("clm-a"))
	before := e.Peer.Snapshot()
	e.Refused(before, e.screenAs(mutualIntake, 2, "clm-a"), "FORBIDDEN: ")
	e.Refused(before, e.screenAs(billing, 2, "clm-a"), "FORBIDDEN: ")
	e.Refused(before, e.screenAs(auditor, 2, "clm-a"), "FORBIDDEN: ")
	e.Refused(before, e.screenAs(intake, 2, "clm-nope"), "NOT_FOUND: ")
	e.Refused(before, e.screenAs(intake, 2, "bad id!"), `INVALID_ARGUMENT: field "id"`)
	// PayerMSP's intake on the provider's peer: no payers' secret there.
	res := e.Peer.Invoke("claims", intake, at(2), nil, "Screen", "clm-a")
	assert.False(t, res.OK(), "the provider's peer screened")
	assert.Equal(t, before, e.Peer.Snapshot())
	e.Refused(before, e.Query(billing, 2, "ListFlags", "10", ""), "FORBIDDEN: ")

	e.Must(e.screenAs(intake, 3, "clm-a"), nil)
	var entry string
	for _, k := range e.Peer.Ledger("care").PrivateKeys("claims", wire.PayersCollection) {
		if typ, _, err := state.SplitKey(k); err == nil && typ == objServiceEntry {
			entry = k
		}
	}
	require.NotEmpty(t, entry)
	for _, w := range []memstub.ForgedWrite{
		{Collection: wire.PayersCollection, Key: entry, Delete: true},
		{Collection: wire.PayersCollection, Key: entry, Value: []byte("{}")},
	} {
		forged := e.Peer.Forge(memstub.Forgery{Chaincode: "claims", Endorsers: []string{mutualMSP, "ProviderMSP"}, Writes: []memstub.ForgedWrite{w}})
		assert.Equal(t, memstub.EndorsementPolicyFailure, forged.Validation, "another payer and a provider rewrote PayerMSP's entry")
	}
	e.Must(e.Submit(billing, 4, "", nil, "Void", "clm-a"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.screenAs(intake, 5, "clm-a"), "FAILED_PRECONDITION: ")
}

// The payers' systems screen each claim when its event arrives, in
// whatever order: when the second payer's screen comes before the first
// payer's (its system is behind), the first payer's screen flags both; the
// intake of a paper claim is matched by the provider's own bill to another
// payer the same way. A service date written another way than YYYY-MM-DD
// never reaches a fingerprint: it is refused at the boundary, by field.
func TestTheSecondClaimIsFlaggedWhicheverPayerScreensFirst(t *testing.T) {
	e := twoPayers(t)
	paper := wire.IntakeInput{Claim: toMutual(office("clm-p1")), Provider: "ProviderMSP", Channel: wire.IntakePaper, Received: "2026-06-12"}
	e.Must(e.Submit(mutualIntake, 1, wire.TransientIntake, paper, "SubmitIntake"), nil)
	e.Must(e.screenAs(mutualIntake, 2, "clm-p1"), nil)
	assert.Empty(t, e.flags(mutualIntake, 2))

	own := office("clm-e1")
	own.Items = append([]wire.Item(nil), own.Items...)
	own.Items[0].UnitCents, own.Items[0].NetCents, own.TotalCents = 14999, 14999, 18999
	own.BillablePeriod = wire.Period{Start: "2026-06-10", End: "2026-06-10"}
	for i, bad := range []string{"20260610", "2026-6-10", "06/10/2026"} {
		wrong := own
		wrong.ID = fmt.Sprintf("clm-bad%d", i)
		wrong.Items = append([]wire.Item(nil), own.Items...)
		wrong.Items[0].Date = bad
		before := e.Peer.Snapshot()
		e.Refused(before, e.Submit(billing, 3, wire.TransientClaim, wrong, "Submit"), `INVALID_ARGUMENT: field "item[0]`)
	}
	e.submitClaim(3, own)
	// PayerMSP's system is behind: MutualMSP screens its claim again (an
	// event replayed after a restart) and finds nothing new.
	e.Must(e.screenAs(mutualIntake, 4, "clm-p1"), nil)
	assert.Empty(t, e.flags(mutualIntake, 4))
	e.Must(e.screenAs(intake, 5, "clm-e1"), nil)
	mine, theirs := e.flags(intake, 6), e.flags(mutualIntake, 6)
	require.Len(t, mine, 2, "the provider's bill, a cent less under another billable period")
	require.Len(t, theirs, 2, "the paper claim")
	for i := range mine {
		assert.Equal(t, "clm-e1", mine[i].Claim)
		assert.Equal(t, "clm-p1", theirs[i].Claim)
	}
	assert.ElementsMatch(t, []string{mine[0].Match, mine[1].Match}, []string{theirs[0].Match, theirs[1].Match})
}

// Screening a claim again writes its payer's entries as they are: Fabric
// validates a transaction without writes against the chaincode's policy,
// which the payer's peer alone does not meet. Two screens of the same
// claim endorsed at once therefore conflict (the second read what the
// first wrote), which only a write can make happen.
func TestScreeningAgainWrites(t *testing.T) {
	e := twoPayers(t)
	e.submitClaim(1, office("clm-a"))
	e.Must(e.screenAs(intake, 2, "clm-a"), nil)
	e.Peer.SetMSP(intake.MSPID)
	defer e.Peer.SetMSP("ProviderMSP")
	again := func(txID string) *memstub.Pending {
		return e.Peer.Simulate(memstub.Tx{Chaincode: "claims", Identity: intake, Time: at(3), TxID: txID, Endorsers: []string{intake.MSPID},
			Args: [][]byte{[]byte(wire.FnScreen), []byte("clm-a")}})
	}
	first, second := again("screen-again-1"), again("screen-again-2")
	res := e.Peer.Commit(first, second)
	assert.Equal(t, memstub.Valid, res[0].Validation)
	assert.Equal(t, memstub.MVCCReadConflict, res[1].Validation)
}
