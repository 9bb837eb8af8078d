package claims

import "slices"

// Reason is an adjustment in the style of X12 claim adjustment reason
// codes: a group (CO contractual, PR patient responsibility, OA other), a
// CARC code and the amount.
type Reason struct {
	Group  string `json:"group"`
	Code   string `json:"code"`
	Amount int64  `json:"amount"`
}

// CARC codes the rules use.
const (
	carcDeductible   = "1"   // PR: deductible amount
	carcCopay        = "3"   // PR: co-payment amount
	carcContractual  = "45"  // CO: charge exceeds fee schedule
	carcNonCovered   = "96"  // CO: non-covered charge
	carcBenefitMax   = "119" // CO: benefit maximum reached
	carcPriorAuthAbs = "197" // CO: precertification absent
)

// Rule names, as recorded on an adjudication.
const (
	RuleCoverage     = "coverage-active"
	RuleNonCovered   = "non-covered-code"
	RuleAllowed      = "allowed-amount"
	RuleDeductible   = "deductible"
	RuleCopay        = "copay"
	RuleAnnualLimit  = "annual-limit"
	RulePriorAuth    = "prior-authorization"
	RulePriorAuthDen = "prior-authorization-denied"
)

// LineResult is one line's adjudication.
type LineResult struct {
	Sequence       int      `json:"sequence"`
	SubmittedCents int64    `json:"submitted"`
	AllowedCents   int64    `json:"allowed"`
	PatientCents   int64    `json:"patientResponsibility"`
	PaidCents      int64    `json:"paid"`
	Outcome        string   `json:"outcome"`
	Reasons        []Reason `json:"adjustments"`
}

// Adjudication is a claim's adjudication (FHIR ClaimResponse).
type Adjudication struct {
	Outcome      string       `json:"outcome"`
	Lines        []LineResult `json:"item"`
	PaidCents    int64        `json:"payment"`
	PatientCents int64        `json:"patientResponsibility"`
	// Rules names every rule that fired, in order.
	Rules []string `json:"rules"`
	// Manual is set when an adjudicator decided (pended or appealed claims).
	Manual bool   `json:"manual"`
	At     string `json:"at"`
}

// Accumulator is what a member's plan has paid and what deductible the
// member has met in a year.
type Accumulator struct {
	PaidCents          int64 `json:"paid"`
	DeductibleMetCents int64 `json:"deductibleMet"`
}

// Decision is what an adjudicator adds to the rules (transient "decision").
type Decision struct {
	// ApprovePriorAuth treats the lines that need prior authorization as authorized.
	ApprovePriorAuth bool `json:"approvePriorAuth,omitempty" metadata:",optional"`
	// DenyPriorAuth denies those lines instead (CO-197).
	DenyPriorAuth bool `json:"denyPriorAuth,omitempty" metadata:",optional"`
}

// needsPriorAuth reports whether a line needs an authorization it lacks.
func needsPriorAuth(it Item, rules *Rules) bool {
	return it.PriorAuth == "" && slices.Contains(rules.PriorAuth, it.Code)
}

// Adjudicate applies a plan's rules to a claim deterministically. It
// returns pend = PendPriorAuth, without an adjudication, when a line needs a
// prior authorization and the decision neither approves nor denies it.
func Adjudicate(c *ClaimInput, cov *Coverage, rules *Rules, acc Accumulator, d Decision) (adj Adjudication, next Accumulator, pend string) {
	fired := func(rule string) {
		if !slices.Contains(adj.Rules, rule) {
			adj.Rules = append(adj.Rules, rule)
		}
	}
	fired(RuleCoverage)
	copayLeft := cov.CopayCents
	denied, reduced := 0, false
	for _, it := range c.Items {
		line := LineResult{Sequence: it.Sequence, SubmittedCents: it.NetCents, Reasons: []Reason{}}
		perUnit, covered := rules.Allowed[it.Code]
		switch {
		case !covered:
			fired(RuleNonCovered)
			line.Outcome = OutcomeDenied
			line.Reasons = append(line.Reasons, Reason{"CO", carcNonCovered, it.NetCents})
		case needsPriorAuth(it, rules) && d.DenyPriorAuth:
			fired(RulePriorAuthDen)
			line.Outcome = OutcomeDenied
			line.Reasons = append(line.Reasons, Reason{"CO", carcPriorAuthAbs, it.NetCents})
		case needsPriorAuth(it, rules) && !d.ApprovePriorAuth:
			return Adjudication{}, acc, PendPriorAuth
		default:
			if slices.Contains(rules.PriorAuth, it.Code) {
				fired(RulePriorAuth)
			}
			line.AllowedCents = min(it.NetCents, perUnit*it.Units)
			if over := it.NetCents - line.AllowedCents; over > 0 {
				fired(RuleAllowed)
				line.Reasons = append(line.Reasons, Reason{"CO", carcContractual, over})
			}
			rest := line.AllowedCents
			if ded := min(max(cov.DeductibleCents-acc.DeductibleMetCents, 0), rest); ded > 0 {
				fired(RuleDeductible)
				line.Reasons = append(line.Reasons, Reason{"PR", carcDeductible, ded})
				acc.DeductibleMetCents += ded
				line.PatientCents += ded
				rest -= ded
			}
			if co := min(copayLeft, rest); co > 0 {
				fired(RuleCopay)
				line.Reasons = append(line.Reasons, Reason{"PR", carcCopay, co})
				copayLeft -= co
				line.PatientCents += co
				rest -= co
			}
			if cov.AnnualLimitCents > 0 {
				if left := max(cov.AnnualLimitCents-acc.PaidCents, 0); rest > left {
					fired(RuleAnnualLimit)
					line.Reasons = append(line.Reasons, Reason{"CO", carcBenefitMax, rest - left})
					rest = left
					reduced = true
				}
			}
			line.PaidCents = rest
			acc.PaidCents += rest
			line.Outcome = OutcomeApproved
			if rest == 0 && line.PatientCents == 0 {
				line.Outcome = OutcomeDenied
			}
		}
		if line.Outcome == OutcomeDenied {
			denied++
		}
		adj.PaidCents += line.PaidCents
		adj.PatientCents += line.PatientCents
		adj.Lines = append(adj.Lines, line)
	}
	switch {
	case denied == len(c.Items):
		adj.Outcome = OutcomeDenied
	case denied > 0 || reduced:
		adj.Outcome = OutcomePartial
	default:
		adj.Outcome = OutcomeApproved
	}
	return adj, acc, ""
}
