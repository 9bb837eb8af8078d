package claims

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// withSecondary is c with pt1's MutualMSP coverage as its secondary.
func withSecondary(c wire.ClaimInput) wire.ClaimInput {
	c.Secondary = &wire.CoverageRef{Payer: mutualMSP, Coverage: "cov-m1"}
	return c
}

// sealed is a claim's sealed record as its primary payer reads it.
func (e *env) sealed(minute int, id string) []byte {
	e.T.Helper()
	res := e.Query(adjudicator, minute, "SealedRecord", id)
	e.Must(res, nil)
	return res.Payload
}

// crossover runs Crossover as who, on the secondary's peer, endorsed by
// the provider's and the secondary's peers.
func (e *env) crossover(who *memstub.Identity, minute int, id string, record []byte) memstub.Result {
	e.Peer.SetMSP(mutualMSP)
	defer e.Peer.SetMSP("ProviderMSP")
	return e.Peer.Submit(memstub.Tx{Chaincode: "claims", Identity: who, Time: at(minute), Endorsers: []string{"ProviderMSP", mutualMSP},
		Transient: map[string][]byte{wire.TransientPrimary: cctest.JSON(string(record))}, Args: [][]byte{[]byte(wire.FnCrossover), []byte(id)}})
}

// The primary pays its share; the crossover, endorsed by the provider and
// the secondary (whose peer cannot read the primary's record), makes the
// secondary's claim, which pays only the remainder: deductible, copay and
// annual limit of the secondary apply, it never pays what the primary
// paid, and primary + secondary + patient is the primary's allowed amount.
func TestCoordinationOfBenefits(t *testing.T) {
	e := twoPayers(t)
	r := e.submitClaim(1, withSecondary(office("clm-1")))
	require.Equal(t, wire.StatusAdjudicated, r.Status)
	// Gold: 99213 allowed 120.00 − deductible 50.00 − copay 20.00 → pays 50.00; panel 40.00.
	e.Must(e.Submit(adjudicator, 2, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-1", AmountCents: 9000}, "Pay", "clm-1"), nil)
	record := e.sealed(3, "clm-1")

	// The provider's peer endorses the same crossover (the same
	// transaction id gives the same salts): it needs no record it lacks.
	e.Peer.SetMSP("ProviderMSP")
	sim := e.Peer.Simulate(memstub.Tx{Chaincode: "claims", Identity: billing, Time: at(4), TxID: "cob-tx",
		Transient: map[string][]byte{wire.TransientPrimary: cctest.JSON(string(record))}, Args: [][]byte{[]byte(wire.FnCrossover), []byte("clm-1")}, Evaluate: true})
	require.True(t, sim.Result().OK(), sim.Result().Message)

	var cr wire.Receipt
	e.Must(e.crossover(billing, 4, "clm-1", record), &cr)
	assert.Equal(t, wire.Receipt{ID: "clm-1.cob", Status: wire.StatusAdjudicated, Outcome: wire.OutcomePartial, TxID: cr.TxID}, cr)

	var c wire.Claim
	e.Must(e.Query(mutualIntake, 5, "Get", "clm-1.cob"), &c)
	require.NotNil(t, c.Primary)
	assert.Equal(t, wire.Prior{Claim: "clm-1", Payer: "PayerMSP", AllowedCents: 16000, PaidCents: 9000, PatientCents: 7000, Lines: c.Primary.Lines}, *c.Primary)
	adj := c.Adjudication
	// Bronze alone: 99213 allowed 100.00 − deductible 30.00 − copay 10.00 = 60.00, capped at the $45 limit.
	// Of the 70.00 the primary left to the patient it pays 45.00; the panel was paid in full by the primary.
	assert.Equal(t, int64(4500), adj.Lines[0].PaidCents)
	assert.Equal(t, int64(2500), adj.Lines[0].PatientCents)
	// The 150.00 charge: the primary's contract wrote off 30.00, so of the
	// secondary's own 50.00 (CO-45) and 15.00 (CO-119) only 30.00 stands;
	// the primary paid 50.00 (OA-23); the patient owes 25.00 of the
	// primary's deductible and copay; the secondary pays 45.00.
	assert.Equal(t, []wire.Reason{{Group: "CO", Code: "45", Amount: 3000},
		{Group: "OA", Code: "23", Amount: 5000}, {Group: "PR", Code: "1", Amount: 500}, {Group: "PR", Code: "3", Amount: 2000}}, adj.Lines[0].Reasons)
	assert.Equal(t, int64(0), adj.Lines[1].PaidCents)
	assert.Equal(t, int64(0), adj.Lines[1].PatientCents)
	assert.Contains(t, adj.Rules, RuleCoordination)
	for i, l := range adj.Lines {
		p := c.Primary.Lines[i]
		assert.LessOrEqual(t, l.PaidCents, p.PatientCents, "line %d: the secondary pays only the remainder", i)
		assert.Equal(t, p.AllowedCents, p.PaidCents+l.PaidCents+l.PatientCents, "line %d adds up", i)
		assert.Equal(t, l.SubmittedCents-l.PaidCents, reasonsSum(l.Reasons), "line %d: its adjustments explain its charge less its payment", i)
	}
	var acc Accumulator
	mutualColl := wire.PayerCollection(mutualMSP)
	e.privateRecordIn(mutualColl, e.blindKeyIn(mutualColl, objAccumulator, mutualMSP, pt1, "2026"), &acc)
	assert.Equal(t, Accumulator{PaidCents: 4500}, acc, "the secondary's limit counts what it paid")

	// The remittance shows both payers, and balances.
	var rem wire.Remittance
	e.Must(e.Query(billing, 5, "Remittance", "clm-1.cob"), &rem)
	var adjusted, linesPaid int64
	for _, l := range rem.Lines {
		adjusted += reasonsSum(l.Adjustments)
		linesPaid += l.PaidCents
	}
	assert.Equal(t, rem.ChargedCents-rem.PaidCents, adjusted)
	assert.Equal(t, rem.PaidCents, linesPaid)
	assert.Equal(t, int64(4500), rem.PaidCents)
	assert.Equal(t, int64(2500), rem.PatientCents)
	require.NotNil(t, rem.Prior)
	assert.Equal(t, int64(9000), rem.Prior.PaidCents)
	assert.Equal(t, []int64{5000, 4000}, []int64{rem.Lines[0].PriorPaidCents, rem.Lines[1].PriorPaidCents})
	e.Must(e.Submit(mutualAdjudicator, 6, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-M1", AmountCents: 4500}, "Pay", "clm-1.cob"), nil)

	// A crossover happens once.
	before := e.Peer.Snapshot()
	e.Refused(before, e.crossover(billing, 7, "clm-1", record), "CONFLICT: ")
	e.Refused(before, e.crossover(mutualIntake, 7, "clm-1", record), "CONFLICT: ")
}

// A crossover needs the primary's true record, a secondary coverage, an
// adjudication, and the primary's payer or the provider; anything else
// changes nothing.
func TestCrossoverRefusals(t *testing.T) {
	e := twoPayers(t)
	e.submitClaim(1, withSecondary(office("clm-1")))
	e.submitClaim(1, onDay(office("clm-2"), "2026-06-09"))
	pended := withSecondary(onDay(office("clm-3"), "2026-06-08"))
	pended.Items = []wire.Item{{Sequence: 1, Code: "70553", Units: 1, UnitCents: 100000, NetCents: 100000, Date: "2026-06-08"}}
	pended.TotalCents = 100000
	e.submitClaim(1, pended)
	record := e.sealed(2, "clm-1")
	tampered := []byte(base64.StdEncoding.EncodeToString(append(mustDecode(t, record), ' ')))
	before := e.Peer.Snapshot()
	e.Refused(before, e.crossover(billing, 3, "clm-1", tampered), `FAILED_PRECONDITION: field "primary"`)
	e.Refused(before, e.crossover(billing, 3, "clm-1", []byte("not base64!")), `INVALID_ARGUMENT: field "primary"`)
	e.Refused(before, e.crossover(billing, 3, "clm-1", e.sealed(2, "clm-2")), `FAILED_PRECONDITION: field "primary"`)
	e.Refused(before, e.crossover(billing, 3, "clm-2", e.sealed(2, "clm-2")), "FAILED_PRECONDITION: ")
	e.Refused(before, e.crossover(billing, 3, "clm-3", e.sealed(2, "clm-3")), "FAILED_PRECONDITION: ")
	// The primary's staff are no members of the secondary's collections;
	// the secondary forwards only claims that name it.
	e.Refused(before, e.crossover(adjudicator, 3, "clm-1", record), "FORBIDDEN: ")
	e.Refused(before, e.crossover(mutualIntake, 3, "clm-2", e.sealed(2, "clm-2")), "FORBIDDEN: ")
	e.Refused(before, e.crossover(auditor, 3, "clm-1", record), "FORBIDDEN: ")
	e.Refused(before, e.crossover(identity("ClinicMSP", "billing"), 3, "clm-1", record), "FORBIDDEN: ")
	// A claim's secondary is another payer that plays the payer.
	self := withSecondary(onDay(office("clm-4"), "2026-06-07"))
	self.Secondary.Payer = "PayerMSP"
	e.Refused(before, e.Submit(billing, 3, wire.TransientClaim, self, "Submit"), `INVALID_ARGUMENT: field "secondary.payer"`)
	self.Secondary.Payer = "RegulatorMSP"
	e.Refused(before, e.Submit(billing, 3, wire.TransientClaim, self, "Submit"), `INVALID_ARGUMENT: field "secondary.payer"`)
	// The secondary may forward it, given the record.
	e.Must(e.crossover(mutualIntake, 4, "clm-1", record), nil)
}

// A record read before the primary paid is no longer the claim's record:
// the crossover made with it is refused as stale (FAILED_PRECONDITION,
// which the provider's system tries again with a new read), changes
// nothing, and the record read again crosses over.
func TestACrossoverOfARecordReadBeforeThePaymentIsStale(t *testing.T) {
	e := twoPayers(t)
	e.submitClaim(1, withSecondary(office("clm-1")))
	stale := e.sealed(2, "clm-1")
	e.Must(e.Submit(adjudicator, 3, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-1", AmountCents: 9000}, "Pay", "clm-1"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.crossover(billing, 4, "clm-1", stale), `FAILED_PRECONDITION: field "primary"`)
	var cr wire.Receipt
	e.Must(e.crossover(billing, 5, "clm-1", e.sealed(5, "clm-1")), &cr)
	assert.Equal(t, "clm-1.cob", cr.ID)
}

func mustDecode(t *testing.T, b []byte) []byte {
	raw, err := base64.StdEncoding.DecodeString(string(b))
	require.NoError(t, err)
	return raw
}

// The rule between a primary claim and its crossover: while the
// crossover is live the primary is neither voided, replaced, appealed nor
// denied a line as a duplicate (the secondary's claim rests on the
// primary's adjudication); a flag on it may still be cleared. The
// secondary reverses its payment, the provider voids the crossover (a
// paid one is not voided), and the primary may then be replaced, its
// replacement crossing over under its own id.
func TestAPrimaryIsNotChangedUnderItsLiveCrossover(t *testing.T) {
	e := twoPayers(t)
	// A line the plan does not cover makes the adjudication one to appeal.
	primary := withSecondary(office("clm-1"))
	primary.Items = append(primary.Items, wire.Item{Sequence: 3, Code: "J1100", Units: 1, UnitCents: 500, NetCents: 500, Date: "2026-06-10"})
	primary.TotalCents += 500
	require.Equal(t, wire.OutcomePartial, e.submitClaim(1, primary).Outcome)
	e.Must(e.screenAs(intake, 2, "clm-1"), nil)
	// A claim at MutualMSP for the same services flags clm-1; it is voided
	// (its fingerprints would make the crossover a duplicate), the flag stays.
	e.submitClaim(2, toMutual(office("clm-x")))
	e.Must(e.screenAs(mutualIntake, 2, "clm-x"), nil)
	e.Must(e.Submit(billing, 2, "", nil, "Void", "clm-x"), nil)
	e.Must(e.crossover(billing, 3, "clm-1", e.sealed(2, "clm-1")), nil)
	e.Must(e.Submit(mutualAdjudicator, 4, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-M1", AmountCents: 4500}, "Pay", "clm-1.cob"), nil)
	flag := e.sealedFlag(adjudicator, 7, "clm-1", 1)

	replacement := primary
	replacement.ID, replacement.Diagnoses = "clm-1r", []string{"E11.65"}
	before := e.Peer.Snapshot()
	for _, res := range []memstub.Result{
		e.Submit(billing, 8, "", nil, "Void", "clm-1"),
		e.Submit(billing, 8, wire.TransientClaim, replacement, "Replace", "clm-1"),
		e.Submit(billing, 8, "", nil, "Appeal", "clm-1"),
		e.resolve(adjudicator, 8, "clm-1", 1, wire.ResolutionInput{Outcome: wire.ResolutionDuplicate, Reason: "billed twice", Flag: flag}),
	} {
		e.Refused(before, res, "FAILED_PRECONDITION: ")
		assert.Contains(t, res.Message, "clm-1.cob")
	}
	// A paid crossover is not voided: its payer reverses the payment first.
	e.Refused(before, e.Submit(billing, 8, "", nil, "Void", "clm-1.cob"), "FAILED_PRECONDITION: ")
	e.Must(e.resolve(adjudicator, 8, "clm-1", 1, wire.ResolutionInput{Outcome: wire.ResolutionCleared, Reason: "a second visit", Flag: flag}), nil)

	e.Must(e.Submit(mutualAdjudicator, 9, "", nil, "ReversePayment", "clm-1.cob"), nil)
	e.Must(e.Submit(billing, 10, "", nil, "Void", "clm-1.cob"), nil)
	var r wire.Receipt
	e.Must(e.Submit(billing, 11, wire.TransientClaim, replacement, "Replace", "clm-1"), &r)
	assert.Equal(t, "clm-1r", r.ID)
	assert.Equal(t, wire.StatusReplaced, e.get(12, "clm-1").Status)
	e.Must(e.crossover(billing, 12, "clm-1r", e.sealed(12, "clm-1r")), &r)
	assert.Equal(t, "clm-1r.cob", r.ID)
}

// A voided crossover no longer holds its primary: the primary is voided.
func TestAPrimaryIsVoidedOnceItsCrossoverIs(t *testing.T) {
	e := twoPayers(t)
	e.submitClaim(1, withSecondary(office("clm-1")))
	e.Must(e.crossover(billing, 2, "clm-1", e.sealed(1, "clm-1")), nil)
	e.Must(e.Submit(billing, 3, "", nil, "Void", "clm-1.cob"), nil)
	var r wire.Receipt
	e.Must(e.Submit(billing, 4, "", nil, "Void", "clm-1"), &r)
	assert.Equal(t, wire.StatusVoided, r.Status)
}

func reasonsSum(rs []wire.Reason) int64 {
	var n int64
	for _, r := range rs {
		n += r.Amount
	}
	return n
}
