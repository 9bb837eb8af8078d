package claims

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	consentwire "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/events"
)

func TestSubmitAdjudicatePayRemit(t *testing.T) {
	e := newEnv(t)
	res := e.Submit(billing, 1, wire.TransientClaim, office("clm-1"), "Submit")
	var r wire.Receipt
	e.Must(res, &r)
	assert.Equal(t, wire.Receipt{ID: "clm-1", Status: wire.StatusAdjudicated, Outcome: wire.OutcomeApproved, TxID: r.TxID}, r)
	env, err := events.Decode(res.Event.Payload)
	require.NoError(t, err)
	assert.Equal(t, "claim.adjudicated", env.Changes[0].Type)

	c := e.get(2, "clm-1")
	require.NotNil(t, c.Adjudication)
	// 150.00 → allowed 120.00 − deductible 50.00 − copay 20.00 = 50.00; panel 40.00 paid in full.
	assert.Equal(t, int64(9000), c.Adjudication.PaidCents)
	assert.Equal(t, int64(7000), c.Adjudication.PatientCents)
	assert.Equal(t, []string{wire.RuleCoverage, wire.RuleAllowed, wire.RuleDeductible, wire.RuleCopay}, c.Adjudication.Rules)

	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(adjudicator, 3, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-1", AmountCents: 100}, "Pay", "clm-1"), `INVALID_ARGUMENT: field "amount"`)
	e.Must(e.Submit(adjudicator, 3, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-1", AmountCents: 9000}, "Pay", "clm-1"), &r)
	assert.Equal(t, wire.StatusPaid, r.Status)

	var rem wire.Remittance
	e.Must(e.Query(billing, 4, "Remittance", "clm-1"), &rem)
	assert.Equal(t, int64(19000), rem.ChargedCents)
	assert.Equal(t, int64(9000), rem.PaidCents)
	assert.Equal(t, []wire.Payment{{Trace: "EFT-1", AmountCents: 9000, Date: at(3).Format("2006-01-02T15:04:05Z07:00")}}, rem.Payments)
	assert.Equal(t, []wire.Reason{{Group: "CO", Code: "45", Amount: 3000}, {Group: "PR", Code: "1", Amount: 5000}, {Group: "PR", Code: "3", Amount: 2000}}, rem.Lines[0].Adjustments)
	assert.Equal(t, "99213", rem.Lines[0].Code)

	// Reverse the payment, then pay again.
	e.Must(e.Submit(adjudicator, 5, "", nil, "ReversePayment", "clm-1"), &r)
	assert.Equal(t, wire.StatusAdjudicated, r.Status)
	e.Must(e.Submit(adjudicator, 6, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-2", AmountCents: 9000}, "Pay", "clm-1"), nil)
	c = e.get(7, "clm-1")
	require.Len(t, c.Payments, 2)
	assert.NotEmpty(t, c.Payments[0].Reversed)
	assert.Empty(t, c.Payments[1].Reversed)
}

func TestPublicStateHoldsNoClaimDetailAndTheTraceNeedsBothParties(t *testing.T) {
	e := newEnv(t)
	res := e.Submit(billing, 1, wire.TransientClaim, office("clm-1"), "Submit")
	e.Must(res, nil)
	for _, k := range e.Peer.Keys("claims") {
		v, _ := e.Peer.State("claims", k)
		for _, secret := range []string{pt1, "E11.9", "99213", "19000", "cov-1", "gold"} {
			assert.NotContains(t, string(v), secret, k)
			assert.NotContains(t, k, secret)
		}
	}
	for _, secret := range []string{pt1, "E11.9", "99213"} {
		assert.NotContains(t, string(res.Payload), secret)
		assert.NotContains(t, string(res.Event.Payload), secret)
	}
	k, _ := key(objTrace, "clm-1")
	ep := e.Peer.Ledger("care").ValidationParameter("claims", k)
	assert.NotEmpty(t, ep, "the claim's trace carries a state-based endorsement policy")
	assert.Contains(t, string(ep), "ProviderMSP")
	assert.Contains(t, string(ep), "PayerMSP")

	// A peer of a third org holds no claim detail and cannot read it.
	e.Peer.SetMSP("RegulatorMSP")
	assert.False(t, e.Query(auditor, 2, "Get", "clm-1").OK())
	var tr wire.Trace
	e.Must(e.Query(auditor, 2, "GetTrace", "clm-1"), &tr)
	assert.Equal(t, wire.StatusAdjudicated, tr.Status)
	assert.Len(t, tr.DetailsHash, 64)
}

func TestDuplicatesAreRefusedWithTheOriginal(t *testing.T) {
	e := newEnv(t)
	e.submitClaim(1, office("clm-1"))
	dup := office("clm-2")
	// Same services in another order: still a duplicate.
	dup.Items[0], dup.Items[1] = dup.Items[1], dup.Items[0]
	dup.Items[0].Sequence, dup.Items[1].Sequence = 1, 2
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(billing, 2, wire.TransientClaim, dup, "Submit"), "CONFLICT: duplicate of claim clm-1: item[0] bills the service of its line 2")

	// Another day is another service; voiding releases the fingerprints.
	e.submitClaim(3, onDay(office("clm-3"), "2026-06-11"))
	e.Must(e.Submit(billing, 4, "", nil, "Void", "clm-1"), nil)
	e.submitClaim(5, dup)
}

func TestCoverageAndPriorAuthorizationPend(t *testing.T) {
	e := newEnv(t)
	out := office("clm-1")
	out.Coverage = "cov-404"
	r := e.submitClaim(1, out)
	assert.Equal(t, wire.Receipt{ID: "clm-1", Status: wire.StatusPended, TxID: r.TxID}, r, "the response, in the block, says no more than the trace")
	assert.Equal(t, wire.PendCoverage, e.get(1, "clm-1").PendReason)
	other := office("clm-2")
	other.Patient = pt2 // cov-1 is pt1's
	e.submitClaim(2, other)
	assert.Equal(t, wire.PendCoverage, e.get(2, "clm-2").PendReason)

	mri := office("clm-3")
	mri.Items = []wire.Item{{Sequence: 1, Code: "70553", Units: 1, UnitCents: 100000, NetCents: 100000, Date: "2026-06-10"}}
	mri.TotalCents = 100000
	assert.Equal(t, wire.StatusPended, e.submitClaim(3, mri).Status)
	assert.Equal(t, wire.PendPriorAuth, e.get(3, "clm-3").PendReason)
	var adj wire.Receipt
	e.Must(e.Submit(adjudicator, 4, wire.TransientDecision, wire.Decision{ApprovePriorAuth: true}, "Adjudicate", "clm-3"), &adj)
	assert.Equal(t, wire.OutcomeApproved, adj.Outcome)
	c := e.get(5, "clm-3")
	assert.True(t, c.Adjudication.Manual)
	assert.Contains(t, c.Adjudication.Rules, wire.RulePriorAuth)
}

func TestFraudSignalsPendForReview(t *testing.T) {
	e := newEnv(t)
	c := office("clm-1")
	c.Records = []string{"rec-404"}
	r := e.submitClaim(1, c)
	assert.Equal(t, wire.StatusPended, r.Status)
	got := e.get(2, "clm-1")
	assert.Equal(t, wire.PendFraud, got.PendReason)
	assert.Equal(t, []wire.Signal{{Code: wire.SignalUnknownRecord, Reason: "cited record rec-404 does not exist"}}, got.Signals)
	// The adjudicator reviews it and adjudicates.
	e.Must(e.Submit(adjudicator, 3, "", nil, "Adjudicate", "clm-1"), &r)
	assert.Equal(t, wire.StatusAdjudicated, r.Status)

	// Two claims a day for pt1 is the plan's limit: the third is flagged.
	for i, id := range []string{"clm-2", "clm-3"} {
		e.submitClaim(4+i, sameDay(id, i))
	}
	e.submitClaim(7, sameDay("clm-4", 2))
	assert.Equal(t, wire.PendFraud, e.get(8, "clm-4").PendReason)
	assert.Equal(t, wire.SignalTooManyPerDay, e.get(8, "clm-4").Signals[0].Code)
}

func TestAppealReadjudicatesWithoutCountingTwice(t *testing.T) {
	e := newEnv(t)
	c := office("clm-1")
	c.Items = append(c.Items, wire.Item{Sequence: 3, Code: "J1100", Units: 1, UnitCents: 500, NetCents: 500, Date: "2026-06-10"})
	c.TotalCents += 500
	r := e.submitClaim(1, c)
	assert.Equal(t, wire.OutcomePartial, r.Outcome, "J1100 is not covered")
	e.Must(e.Submit(billing, 2, "", nil, "Appeal", "clm-1"), &r)
	assert.Equal(t, wire.StatusAppealed, r.Status)
	e.Must(e.Submit(adjudicator, 3, "", nil, "Adjudicate", "clm-1"), &r)
	assert.Equal(t, wire.StatusAdjudicated, r.Status)
	got := e.get(4, "clm-1")
	// The deductible still applies once: re-adjudication starts from the
	// accumulator without this claim.
	assert.Equal(t, int64(9000), got.Adjudication.PaidCents)
	var acc Accumulator
	e.privateRecord(e.blindKey(objAccumulator, "PayerMSP", pt1, "2026"), &acc)
	assert.Equal(t, Accumulator{PaidCents: 9000, DeductibleMetCents: 5000}, acc)
}

func TestReplaceBeforePayment(t *testing.T) {
	e := newEnv(t)
	e.submitClaim(1, office("clm-1"))
	corrected := office("clm-1b")
	corrected.Diagnoses = []string{"E11.65"}
	var r wire.Receipt
	e.Must(e.Submit(billing, 2, wire.TransientClaim, corrected, "Replace", "clm-1"), &r)
	assert.Equal(t, "clm-1b", r.ID)
	assert.Equal(t, wire.OutcomeApproved, r.Outcome)
	old := e.get(3, "clm-1")
	assert.Equal(t, wire.StatusReplaced, old.Status)
	assert.Equal(t, "clm-1b", old.ReplacedBy)
	assert.Equal(t, "clm-1", e.get(3, "clm-1b").Replaces)
	// The member paid the deductible once, not twice.
	assert.Equal(t, int64(9000), e.get(3, "clm-1b").Adjudication.PaidCents)
	// The patient-day record, written twice by Replace, holds the replacement only.
	var day dayEntry
	e.privateRecord(e.blindKey(objPatientDay, "PayerMSP", pt1, "2026-06-10"), &day)
	assert.Equal(t, []string{"clm-1b"}, day.Claims)
	// Voided, the last claim of the day takes its record with it.
	e.Must(e.Submit(billing, 4, "", nil, "Void", "clm-1b"), nil)
	_, ok := e.Peer.PrivateState("claims", pairColl, e.blindKey(objPatientDay, "PayerMSP", pt1, "2026-06-10"))
	assert.False(t, ok)
}

func TestIllegalTransitionsAreRefused(t *testing.T) {
	e := newEnv(t)
	e.submitClaim(1, office("clm-1"))
	pend := onDay(office("clm-2"), "2026-06-11")
	pend.Coverage = "none"
	e.submitClaim(2, pend)
	e.Must(e.Submit(adjudicator, 3, wire.TransientPayment, wire.PaymentInput{Trace: "T1", AmountCents: 9000}, "Pay", "clm-1"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(adjudicator, 4, wire.TransientPayment, wire.PaymentInput{Trace: "T2", AmountCents: 1}, "Pay", "clm-2"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(adjudicator, 4, "", nil, "Adjudicate", "clm-1"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(billing, 4, "", nil, "Appeal", "clm-1"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(billing, 4, "", nil, "Void", "clm-1"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(billing, 4, "", nil, "Appeal", "clm-2"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(adjudicator, 4, "", nil, "ReversePayment", "clm-2"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(billing, 4, wire.TransientClaim, office("clm-9"), "Replace", "clm-1"), "FAILED_PRECONDITION: ")
	// Voided and replaced are final.
	e.Must(e.Submit(billing, 5, "", nil, "Void", "clm-2"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(adjudicator, 6, "", nil, "Adjudicate", "clm-2"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(billing, 6, "", nil, "Void", "clm-2"), "FAILED_PRECONDITION: ")
}

func TestPaymentConsentSetting(t *testing.T) {
	e := newEnv(t)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(adjudicator, 1, "", nil, "SetSettings", "true"), "FORBIDDEN: ")
	e.Must(e.Submit(regAdmin, 1, "", nil, "SetSettings", "true"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(billing, 2, wire.TransientClaim, office("clm-1"), "Submit"), "FORBIDDEN: the patient's consent does not permit")
	patient := e.patients.Patient("patient1", pt1)
	e.patients.Grant(e.Harness, patient, 3, consentwire.GrantInput{ID: "c-pay", Subject: pt1, Decision: "permit",
		Period: consentwire.Period{Start: "2026-01-01T00:00:00Z"},
		Provision: consentwire.Provision{Actors: []consentwire.Actor{{Org: "ProviderMSP", Role: "billing"}},
			Actions: []string{"disclose"}, Purposes: []string{"payment"}, DataClasses: []string{"claims"}}})
	e.submitClaim(4, office("clm-1"))
	var s wire.Settings
	e.Must(e.Query(auditor, 5, "GetSettings"), &s)
	assert.True(t, s.PaymentConsentRequired)
}

func TestBadClaimsAreRefusedWithTheField(t *testing.T) {
	mut := func(f func(*wire.ClaimInput)) wire.ClaimInput { c := office("clm-9"); f(&c); return c }
	cases := map[string]refusedSubmit{
		"not JSON":          {[]byte("{"), "claim"},
		"unknown field":     {[]byte(`{"id":"x","ssn":"123"}`), "claim"},
		"bad diagnosis":     {mut(func(c *wire.ClaimInput) { c.Diagnoses = []string{"I10", "diabetes"} }), "diagnosis[1]"},
		"no diagnosis":      {mut(func(c *wire.ClaimInput) { c.Diagnoses = nil }), "diagnosis"},
		"bad code":          {mut(func(c *wire.ClaimInput) { c.Items[1].Code = "9921" }), "item[1].productOrService"},
		"bad modifier":      {mut(func(c *wire.ClaimInput) { c.Items[0].Modifiers = []string{"25", "X"} }), "item[0].modifier[1]"},
		"repeated modifier": {mut(func(c *wire.ClaimInput) { c.Items[1].Modifiers = []string{"91", "91"} }), "item[1].modifier[1]"},
		"negative price":    {mut(func(c *wire.ClaimInput) { c.Items[0].UnitCents, c.Items[0].NetCents = -100, -100 }), "item[0].unitPrice"},
		"overflowing price": {mut(func(c *wire.ClaimInput) { c.Items[0].UnitCents = 1 << 62 }), "item[0].unitPrice"},
		"zero units":        {mut(func(c *wire.ClaimInput) { c.Items[0].Units = 0 }), "item[0].quantity"},
		"wrong net":         {mut(func(c *wire.ClaimInput) { c.Items[1].NetCents++ }), "item[1].net"},
		"wrong total":       {mut(func(c *wire.ClaimInput) { c.TotalCents++ }), "total"},
		"future service":    {mut(func(c *wire.ClaimInput) { c.BillablePeriod.End, c.Items[0].Date = "2026-07-01", "2026-07-01" }), "billablePeriod.end"},
		"line outside":      {mut(func(c *wire.ClaimInput) { c.Items[0].Date = "2026-06-01" }), "item[0].servicedDate"},
		"end before start":  {mut(func(c *wire.ClaimInput) { c.BillablePeriod.Start = "2026-06-11" }), "billablePeriod.end"},
		"bad NPI":           {mut(func(c *wire.ClaimInput) { c.RenderingNPI = "1234567890" }), "renderingNpi"},
		"bad place":         {mut(func(c *wire.ClaimInput) { c.PlaceOfService = "office" }), "placeOfService"},
		"sequence gap":      {mut(func(c *wire.ClaimInput) { c.Items[1].Sequence = 3 }), "item[1].sequence"},
		"same line twice":   {mut(func(c *wire.ClaimInput) { c.Items[1] = c.Items[0]; c.Items[1].Sequence = 2; c.TotalCents = 30000 }), "item[1]"},
		"bad record":        {mut(func(c *wire.ClaimInput) { c.Records = []string{"rec-1", "bad record"} }), "supportingInfo[1]"},
		"no lines":          {mut(func(c *wire.ClaimInput) { c.Items, c.TotalCents = nil, 0 }), "item"},
		"bad id":            {mut(func(c *wire.ClaimInput) { c.ID = "" }), "id"},
		"id of the patient": {mut(func(c *wire.ClaimInput) { c.ID = "PCN-" + strings.ToUpper(pt1) + "-1" }), "id"},
		"id of the cover":   {mut(func(c *wire.ClaimInput) { c.ID = "clm-cov-1-a" }), "id"},
		"self as payer":     {mut(func(c *wire.ClaimInput) { c.Payer = "ProviderMSP" }), "payer"},
		"payer a regulator": {mut(func(c *wire.ClaimInput) { c.Payer = "RegulatorMSP" }), "payer"},
		"payer unknown":     {mut(func(c *wire.ClaimInput) { c.Payer = "NobodyMSP" }), "payer"},
	}
	refuseEachSubmit(t, cases)
	e := newEnv(t)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(billing, 1, "", nil, "Submit"), `INVALID_ARGUMENT: field "claim"`)
	e.Refused(before, e.Submit(enrollment, 1, wire.TransientCoverage, wire.Coverage{ID: "c", Member: pt1, Plan: "gold", Period: wire.Period{Start: "2026-02-01", End: "2026-01-01"}}, "RegisterCoverage"), `INVALID_ARGUMENT: field "period.end"`)
	e.Refused(before, e.Submit(enrollment, 1, wire.TransientCoverage, wire.Coverage{ID: "c", Member: pt1, Plan: "gold", Period: wire.Period{Start: "2026-01-01", End: "2026-02-01"}, CopayCents: -1}, "RegisterCoverage"), `INVALID_ARGUMENT: field "copay"`)
	e.Refused(before, e.Submit(adjudicator, 1, wire.TransientRules, wire.Rules{Plan: "gold", Allowed: map[string]int64{"bad": 1}}, "SetRules"), `INVALID_ARGUMENT: field "allowed[\"bad\"]"`)
	e.Refused(before, e.Submit(adjudicator, 1, wire.TransientRules, wire.Rules{Plan: "gold", Allowed: map[string]int64{"99213": 1}, PriorAuth: []string{"70553", "x"}}, "SetRules"), `INVALID_ARGUMENT: field "priorAuth[1]"`)
	e.Refused(before, e.Submit(enrollment, 1, wire.TransientSalt, map[string]string{"salt": "c2hvcnQ="}, "SetSalt"), `INVALID_ARGUMENT: field "salt"`)
	e.Refused(before, e.Query(billing, 1, "ListByStatus", "lost", "10", ""), `INVALID_ARGUMENT: field "status"`)
	assert.True(t, strings.HasPrefix(e.Submit(enrollment, 1, wire.TransientSalt, map[string]string{"salt": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}, "SetSalt").Message, "CONFLICT: "))
}

// sameDay is office(id) for the same patient and day, with the services
// told apart by a modifier (k-th of a list): another service, not a
// duplicate.
func sameDay(id string, k int) wire.ClaimInput {
	mod := []string{"59", "76", "77", "91", "XE", "XS", "XU"}[k]
	c := office(id)
	c.Items[0].Modifiers = []string{"25", mod}
	c.Items[1].Modifiers = []string{mod}
	return c
}

// refusedSubmit is a claim a provider's billing submits and the field its
// refusal names.
type refusedSubmit struct {
	input any
	field string
}

// refuseEachSubmit submits each case on a fresh ledger: refused naming its
// field, nothing written.
func refuseEachSubmit(t *testing.T, cases map[string]refusedSubmit) {
	t.Helper()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			before := e.Peer.Snapshot()
			e.Refused(before, e.Submit(billing, 1, wire.TransientClaim, c.input, "Submit"), `INVALID_ARGUMENT: field "`+c.field+`"`)
		})
	}
}
