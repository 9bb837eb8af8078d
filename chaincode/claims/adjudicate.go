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
	r := &rulesRun{cov: cov, rules: rules, d: d, acc: acc, copayLeft: cov.CopayCents}
	r.fired(RuleCoverage)
	denied := 0
	for _, it := range c.Items {
		line, pend := r.line(it)
		if pend != "" {
			return Adjudication{}, acc, pend
		}
		if line.Outcome == OutcomeDenied {
			denied++
		}
		r.adj.PaidCents += line.PaidCents
		r.adj.PatientCents += line.PatientCents
		r.adj.Lines = append(r.adj.Lines, line)
	}
	switch {
	case denied == len(c.Items):
		r.adj.Outcome = OutcomeDenied
	case denied > 0 || r.reduced:
		r.adj.Outcome = OutcomePartial
	default:
		r.adj.Outcome = OutcomeApproved
	}
	return r.adj, r.acc, ""
}

// rulesRun is one run of a plan's rules over a claim's lines.
type rulesRun struct {
	cov       *Coverage
	rules     *Rules
	d         Decision
	adj       Adjudication
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
func (r *rulesRun) line(it Item) (LineResult, string) {
	line := LineResult{Sequence: it.Sequence, SubmittedCents: it.NetCents, Reasons: []Reason{}}
	perUnit, covered := r.rules.Allowed[it.Code]
	switch {
	case !covered:
		r.fired(RuleNonCovered)
		line.Outcome = OutcomeDenied
		line.Reasons = append(line.Reasons, Reason{"CO", carcNonCovered, it.NetCents})
	case needsPriorAuth(it, r.rules) && r.d.DenyPriorAuth:
		r.fired(RulePriorAuthDen)
		line.Outcome = OutcomeDenied
		line.Reasons = append(line.Reasons, Reason{"CO", carcPriorAuthAbs, it.NetCents})
	case needsPriorAuth(it, r.rules) && !r.d.ApprovePriorAuth:
		return line, PendPriorAuth
	default:
		r.allow(&line, it, perUnit)
	}
	return line, ""
}

// allow pays a covered line: the allowed amount, less the deductible and
// the copay the member owes, within the annual limit.
func (r *rulesRun) allow(line *LineResult, it Item, perUnit int64) {
	if slices.Contains(r.rules.PriorAuth, it.Code) {
		r.fired(RulePriorAuth)
	}
	line.AllowedCents = min(it.NetCents, perUnit*it.Units)
	if over := it.NetCents - line.AllowedCents; over > 0 {
		r.fired(RuleAllowed)
		line.Reasons = append(line.Reasons, Reason{"CO", carcContractual, over})
	}
	rest := line.AllowedCents
	if ded := min(max(r.cov.DeductibleCents-r.acc.DeductibleMetCents, 0), rest); ded > 0 {
		r.fired(RuleDeductible)
		line.Reasons = append(line.Reasons, Reason{"PR", carcDeductible, ded})
		r.acc.DeductibleMetCents += ded
		line.PatientCents += ded
		rest -= ded
	}
	if co := min(r.copayLeft, rest); co > 0 {
		r.fired(RuleCopay)
		line.Reasons = append(line.Reasons, Reason{"PR", carcCopay, co})
		r.copayLeft -= co
		line.PatientCents += co
		rest -= co
	}
	if left := max(r.cov.AnnualLimitCents-r.acc.PaidCents, 0); r.cov.AnnualLimitCents > 0 && rest > left {
		r.fired(RuleAnnualLimit)
		line.Reasons = append(line.Reasons, Reason{"CO", carcBenefitMax, rest - left})
		rest, r.reduced = left, true
	}
	line.PaidCents = rest
	r.acc.PaidCents += rest
	line.Outcome = OutcomeApproved
	if rest == 0 && line.PatientCents == 0 {
		line.Outcome = OutcomeDenied
	}
}
