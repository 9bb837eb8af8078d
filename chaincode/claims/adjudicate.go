package claims

import (
	"slices"

	"github.com/carechain/carechain/chaincode/claims/wire"
)

// CARC codes the rules use.
const (
	carcDeductible   = "1"   // PR: deductible amount
	carcCopay        = "3"   // PR: co-payment amount
	carcContractual  = "45"  // CO: charge exceeds fee schedule
	carcNonCovered   = "96"  // CO: non-covered charge
	carcBenefitMax   = "119" // CO: benefit maximum reached
	carcPriorAuthAbs = "197" // CO: precertification absent
)

// Accumulator is what a member's plan has paid and what deductible the
// member has met in a year.
type Accumulator struct {
	PaidCents          int64 `json:"paid"`
	DeductibleMetCents int64 `json:"deductibleMet"`
}

// needsPriorAuth reports whether a line needs an authorization it lacks.
func needsPriorAuth(it wire.Item, rules *wire.Rules) bool {
	return it.PriorAuth == "" && slices.Contains(rules.PriorAuth, it.Code)
}

// Adjudicate applies a plan's rules to a claim deterministically. It
// returns pend = PendPriorAuth, without an adjudication, when a line needs a
// prior authorization and the decision neither approves nor denies it.
func Adjudicate(c *wire.ClaimInput, cov *wire.Coverage, rules *wire.Rules, acc Accumulator, d wire.Decision) (adj wire.Adjudication, next Accumulator, pend string) {
	r := &rulesRun{cov: cov, rules: rules, d: d, acc: acc, copayLeft: cov.CopayCents}
	r.fired(wire.RuleCoverage)
	denied := 0
	for _, it := range c.Items {
		line, pend := r.line(it)
		if pend != "" {
			return wire.Adjudication{}, acc, pend
		}
		if line.Outcome == wire.OutcomeDenied {
			denied++
		}
		r.adj.PaidCents += line.PaidCents
		r.adj.PatientCents += line.PatientCents
		r.adj.Lines = append(r.adj.Lines, line)
	}
	switch {
	case denied == len(c.Items):
		r.adj.Outcome = wire.OutcomeDenied
	case denied > 0 || r.reduced:
		r.adj.Outcome = wire.OutcomePartial
	default:
		r.adj.Outcome = wire.OutcomeApproved
	}
	return r.adj, r.acc, ""
}

// rulesRun is one run of a plan's rules over a claim's lines.
type rulesRun struct {
	cov       *wire.Coverage
	rules     *wire.Rules
	d         wire.Decision
	adj       wire.Adjudication
	acc       Accumulator
	copayLeft int64
	reduced   bool
}

func (r *rulesRun) fired(rule string) {
	if !slices.Contains(r.adj.Rules, rule) {
		r.adj.Rules = append(r.adj.Rules, rule)
	}
}

// line adjudicates one line, or returns PendPriorAuth.
func (r *rulesRun) line(it wire.Item) (wire.LineResult, string) {
	line := wire.LineResult{Sequence: it.Sequence, SubmittedCents: it.NetCents, Reasons: []wire.Reason{}}
	perUnit, covered := r.rules.Allowed[it.Code]
	switch {
	case !covered:
		r.fired(wire.RuleNonCovered)
		line.Outcome = wire.OutcomeDenied
		line.Reasons = append(line.Reasons, wire.Reason{Group: "CO", Code: carcNonCovered, Amount: it.NetCents})
	case needsPriorAuth(it, r.rules) && r.d.DenyPriorAuth:
		r.fired(wire.RulePriorAuthDen)
		line.Outcome = wire.OutcomeDenied
		line.Reasons = append(line.Reasons, wire.Reason{Group: "CO", Code: carcPriorAuthAbs, Amount: it.NetCents})
	case needsPriorAuth(it, r.rules) && !r.d.ApprovePriorAuth:
		return line, wire.PendPriorAuth
	default:
		r.allow(&line, it, perUnit)
	}
	return line, ""
}

// allow pays a covered line: the allowed amount, less the deductible and
// the copay the member owes, within the annual limit.
func (r *rulesRun) allow(line *wire.LineResult, it wire.Item, perUnit int64) {
	if slices.Contains(r.rules.PriorAuth, it.Code) {
		r.fired(wire.RulePriorAuth)
	}
	line.AllowedCents = min(it.NetCents, perUnit*it.Units)
	if over := it.NetCents - line.AllowedCents; over > 0 {
		r.fired(wire.RuleAllowed)
		line.Reasons = append(line.Reasons, wire.Reason{Group: "CO", Code: carcContractual, Amount: over})
	}
	rest := line.AllowedCents
	if ded := min(max(r.cov.DeductibleCents-r.acc.DeductibleMetCents, 0), rest); ded > 0 {
		r.fired(wire.RuleDeductible)
		line.Reasons = append(line.Reasons, wire.Reason{Group: "PR", Code: carcDeductible, Amount: ded})
		r.acc.DeductibleMetCents += ded
		line.PatientCents += ded
		rest -= ded
	}
	if co := min(r.copayLeft, rest); co > 0 {
		r.fired(wire.RuleCopay)
		line.Reasons = append(line.Reasons, wire.Reason{Group: "PR", Code: carcCopay, Amount: co})
		r.copayLeft -= co
		line.PatientCents += co
		rest -= co
	}
	if left := max(r.cov.AnnualLimitCents-r.acc.PaidCents, 0); r.cov.AnnualLimitCents > 0 && rest > left {
		r.fired(wire.RuleAnnualLimit)
		line.Reasons = append(line.Reasons, wire.Reason{Group: "CO", Code: carcBenefitMax, Amount: rest - left})
		rest, r.reduced = left, true
	}
	line.PaidCents = rest
	r.acc.PaidCents += rest
	line.Outcome = wire.OutcomeApproved
	if rest == 0 && line.PatientCents == 0 {
		line.Outcome = wire.OutcomeDenied
	}
}
