package claims

import (
	"testing"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/stretchr/testify/assert"
)

func claimOf(items ...wire.Item) *wire.ClaimInput {
	c := &wire.ClaimInput{Items: items}
	for i := range c.Items {
		c.Items[i].Sequence = i + 1
		c.Items[i].NetCents = c.Items[i].Units * c.Items[i].UnitCents
		c.TotalCents += c.Items[i].NetCents
	}
	return c
}

var gold = &wire.Rules{Plan: "gold", Allowed: map[string]int64{"99213": 12000, "80053": 4500, "70553": 90000}, PriorAuth: []string{"70553"}}

func TestAdjudicateAllowedDeductibleCopay(t *testing.T) {
	cov := &wire.Coverage{CopayCents: 2000, DeductibleCents: 5000}
	c := claimOf(wire.Item{Code: "99213", Units: 1, UnitCents: 15000}, wire.Item{Code: "80053", Units: 2, UnitCents: 4000})
	adj, acc, pend := Adjudicate(c, cov, gold, Accumulator{}, wire.Decision{})
	assert.Empty(t, pend)
	assert.Equal(t, wire.OutcomeApproved, adj.Outcome)
	// Line 1: 150.00 charged, 120.00 allowed (CO-45 30.00), deductible 50.00, copay 20.00, paid 50.00.
	assert.Equal(t, wire.LineResult{Sequence: 1, SubmittedCents: 15000, AllowedCents: 12000, PatientCents: 7000, PaidCents: 5000,
		Outcome: wire.OutcomeApproved, Reasons: []wire.Reason{{Group: "CO", Code: "45", Amount: 3000}, {Group: "PR", Code: "1", Amount: 5000}, {Group: "PR", Code: "3", Amount: 2000}}}, adj.Lines[0])
	// Line 2: 80.00 charged, allowed 2 × 45.00 = 90.00 > charge, so 80.00; nothing left to deduct.
	assert.Equal(t, wire.LineResult{Sequence: 2, SubmittedCents: 8000, AllowedCents: 8000, PaidCents: 8000, Outcome: wire.OutcomeApproved, Reasons: []wire.Reason{}}, adj.Lines[1])
	assert.Equal(t, int64(13000), adj.PaidCents)
	assert.Equal(t, int64(7000), adj.PatientCents)
	assert.Equal(t, []string{wire.RuleCoverage, wire.RuleAllowed, wire.RuleDeductible, wire.RuleCopay}, adj.Rules)
	assert.Equal(t, Accumulator{PaidCents: 13000, DeductibleMetCents: 5000}, acc)

	// The deductible is met: the next claim pays more.
	adj, _, _ = Adjudicate(claimOf(wire.Item{Code: "99213", Units: 1, UnitCents: 12000}), cov, gold, acc, wire.Decision{})
	assert.Equal(t, int64(10000), adj.PaidCents)
}

func TestAdjudicateNonCoveredAndAnnualLimit(t *testing.T) {
	cov := &wire.Coverage{AnnualLimitCents: 20000}
	c := claimOf(wire.Item{Code: "99213", Units: 1, UnitCents: 12000}, wire.Item{Code: "J1100", Units: 1, UnitCents: 500})
	adj, acc, _ := Adjudicate(c, cov, gold, Accumulator{PaidCents: 15000}, wire.Decision{})
	assert.Equal(t, wire.OutcomePartial, adj.Outcome)
	assert.Equal(t, int64(5000), adj.Lines[0].PaidCents, "only 50.00 left under the annual limit")
	assert.Equal(t, []wire.Reason{{Group: "CO", Code: "119", Amount: 7000}}, adj.Lines[0].Reasons)
	assert.Equal(t, wire.OutcomeDenied, adj.Lines[1].Outcome)
	assert.Equal(t, []wire.Reason{{Group: "CO", Code: "96", Amount: 500}}, adj.Lines[1].Reasons)
	assert.Equal(t, int64(20000), acc.PaidCents)
	assert.Contains(t, adj.Rules, wire.RuleAnnualLimit)
	assert.Contains(t, adj.Rules, wire.RuleNonCovered)

	all, _, _ := Adjudicate(claimOf(wire.Item{Code: "J1100", Units: 1, UnitCents: 500}), cov, gold, Accumulator{}, wire.Decision{})
	assert.Equal(t, wire.OutcomeDenied, all.Outcome)
}

func TestAdjudicatePriorAuthorization(t *testing.T) {
	cov := &wire.Coverage{}
	mri := wire.Item{Code: "70553", Units: 1, UnitCents: 100000}
	_, acc, pend := Adjudicate(claimOf(mri), cov, gold, Accumulator{}, wire.Decision{})
	assert.Equal(t, wire.PendPriorAuth, pend)
	assert.Equal(t, Accumulator{}, acc, "a pended claim changes no accumulator")

	adj, _, pend := Adjudicate(claimOf(mri), cov, gold, Accumulator{}, wire.Decision{ApprovePriorAuth: true})
	assert.Empty(t, pend)
	assert.Equal(t, int64(90000), adj.PaidCents)
	assert.Contains(t, adj.Rules, wire.RulePriorAuth)

	adj, _, _ = Adjudicate(claimOf(mri), cov, gold, Accumulator{}, wire.Decision{DenyPriorAuth: true})
	assert.Equal(t, wire.OutcomeDenied, adj.Outcome)
	assert.Equal(t, []wire.Reason{{Group: "CO", Code: "197", Amount: 100000}}, adj.Lines[0].Reasons)

	withAuth := mri
	withAuth.PriorAuth = "PA-42"
	adj, _, pend = Adjudicate(claimOf(withAuth), cov, gold, Accumulator{}, wire.Decision{})
	assert.Empty(t, pend)
	assert.Equal(t, wire.OutcomeApproved, adj.Outcome)
}
