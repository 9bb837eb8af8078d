package claims

import (
	"math"
	"slices"
	"time"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Claim statuses.
const (
	StatusPended      = "pended"
	StatusAdjudicated = "adjudicated"
	StatusAppealed    = "appealed"
	StatusPaid        = "paid"
	StatusVoided      = "voided"
	StatusReplaced    = "replaced"
)

// Adjudication outcomes (X12 835 / FHIR ClaimResponse.outcome, per claim).
const (
	OutcomeApproved = "approved"
	OutcomePartial  = "partial"
	OutcomeDenied   = "denied"
)

// Reasons a claim is pended.
const (
	PendCoverage  = "COVERAGE_INACTIVE"
	PendPriorAuth = "PRIOR_AUTH_REQUIRED"
	PendFraud     = "FRAUD_REVIEW"
)

// Limits that keep a claim sane and every amount far from overflow.
const (
	maxItems        = 50
	maxDiagnoses    = 12
	maxModifiers    = 4
	maxUnits        = 999
	maxUnitCents    = 10_000_000_00 // $10M per unit
	maxInputBytes   = 64 * 1024
	maxRecordsCited = 10
)

const dateLayout = "2006-01-02"

// Period is a date range (YYYY-MM-DD), inclusive.
type Period struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Item is a claim line: a procedure with modifiers, units and charge.
type Item struct {
	Sequence  int      `json:"sequence"`
	Code      string   `json:"productOrService"`
	Modifiers []string `json:"modifier,omitempty" metadata:",optional"`
	Units     int64    `json:"quantity"`
	UnitCents int64    `json:"unitPrice"`
	NetCents  int64    `json:"net"`
	Date      string   `json:"servicedDate"`
	// PriorAuth is the payer's prior-authorization number, when one was given.
	PriorAuth string `json:"priorAuth,omitempty" metadata:",optional"`
}

// ClaimInput is the transient input "claim" of Submit and Replace, shaped
// after FHIR Claim and X12 837P.
type ClaimInput struct {
	ID             string   `json:"id"`
	Patient        string   `json:"patient"`
	Coverage       string   `json:"coverage"`
	Payer          string   `json:"payer"`
	RenderingNPI   string   `json:"renderingNpi"`
	BillablePeriod Period   `json:"billablePeriod"`
	PlaceOfService string   `json:"placeOfService"`
	Diagnoses      []string `json:"diagnosis"`
	Items          []Item   `json:"item"`
	TotalCents     int64    `json:"total"`
	// Records are supporting record anchors (records chaincode ids).
	Records []string `json:"supportingInfo,omitempty" metadata:",optional"`
}

// decodeClaim decodes a claim input strictly.
func decodeClaim(data []byte, in *ClaimInput) error {
	return validate.DecodeJSON("claim", data, in, maxInputBytes)
}

// validate refuses malformed and impossible claims; now is the transaction time.
func (in *ClaimInput) validate(now time.Time) error {
	if err := validate.Identifier("id", in.ID); err != nil {
		return err
	}
	if err := validate.Identifier("patient", in.Patient); err != nil {
		return err
	}
	if err := validate.Identifier("coverage", in.Coverage); err != nil {
		return err
	}
	if err := validate.Identifier("payer", in.Payer); err != nil {
		return err
	}
	if err := checkNPI("renderingNpi", in.RenderingNPI); err != nil {
		return err
	}
	start, end, err := in.BillablePeriod.parse("billablePeriod")
	if err != nil {
		return err
	}
	today := now.UTC().Truncate(24 * time.Hour)
	if end.After(today) {
		return ccerr.Invalid("billablePeriod.end", "services cannot be billed before they happen")
	}
	if !placeOfService.MatchString(in.PlaceOfService) {
		return ccerr.Invalid("placeOfService", "must be a two-digit CMS place-of-service code")
	}
	if len(in.Diagnoses) == 0 || len(in.Diagnoses) > maxDiagnoses {
		return ccerr.Invalid("diagnosis", "between 1 and %d codes", maxDiagnoses)
	}
	for _, d := range in.Diagnoses {
		if err := checkICD10("diagnosis", d); err != nil {
			return err
		}
	}
	if len(in.Items) == 0 || len(in.Items) > maxItems {
		return ccerr.Invalid("item", "between 1 and %d lines", maxItems)
	}
	var total int64
	for i := range in.Items {
		it := &in.Items[i]
		if it.Sequence != i+1 {
			return ccerr.Invalid("item.sequence", "lines are numbered 1, 2, 3, … in order")
		}
		if err := checkProcedure("item.productOrService", it.Code); err != nil {
			return err
		}
		if len(it.Modifiers) > maxModifiers {
			return ccerr.Invalid("item.modifier", "at most %d modifiers", maxModifiers)
		}
		for j, m := range it.Modifiers {
			if !modifier.MatchString(m) || slices.Contains(it.Modifiers[:j], m) {
				return ccerr.Invalid("item.modifier", "%q is not a two-character modifier, or repeats", m)
			}
		}
		if err := validate.Range("item.quantity", it.Units, 1, maxUnits); err != nil {
			return err
		}
		if err := validate.Range("item.unitPrice", it.UnitCents, 1, maxUnitCents); err != nil {
			return err
		}
		if it.NetCents != it.Units*it.UnitCents {
			return ccerr.Invalid("item.net", "line %d: net must be quantity × unit price", it.Sequence)
		}
		d, err := time.Parse(dateLayout, it.Date)
		if err != nil {
			return ccerr.Invalid("item.servicedDate", "must be a date YYYY-MM-DD")
		}
		if d.Before(start) || d.After(end) {
			return ccerr.Invalid("item.servicedDate", "line %d is outside the billable period", it.Sequence)
		}
		if it.PriorAuth != "" {
			if err := validate.Identifier("item.priorAuth", it.PriorAuth); err != nil {
				return err
			}
		}
		total += it.NetCents // bounded: 50 × 999 × 10^9 < 2^63
	}
	if total != in.TotalCents {
		return ccerr.Invalid("total", "must be the sum of the lines' net amounts (%d)", total)
	}
	if len(in.Records) > maxRecordsCited {
		return ccerr.Invalid("supportingInfo", "at most %d records", maxRecordsCited)
	}
	for _, r := range in.Records {
		if err := validate.Identifier("supportingInfo", r); err != nil {
			return err
		}
	}
	return nil
}

func (p Period) parse(field string) (time.Time, time.Time, error) {
	start, err := time.Parse(dateLayout, p.Start)
	if err != nil {
		return start, start, ccerr.Invalid(field+".start", "must be a date YYYY-MM-DD")
	}
	end, err := time.Parse(dateLayout, p.End)
	if err != nil {
		return start, end, ccerr.Invalid(field+".end", "must be a date YYYY-MM-DD")
	}
	if end.Before(start) {
		return start, end, ccerr.Invalid(field+".end", "must not be before the start")
	}
	return start, end, nil
}

// contains reports whether the period holds the date (YYYY-MM-DD).
func (p Period) contains(date string) bool {
	return p.Start <= date && date <= p.End
}

// Coverage is a payer's coverage of a member under a plan.
type Coverage struct {
	ID     string `json:"id"`
	Member string `json:"member"`
	Payer  string `json:"payer"`
	Plan   string `json:"plan"`
	Period Period `json:"period"`
	// AnnualLimitCents caps what the plan pays per member and year (0: none).
	AnnualLimitCents int64  `json:"annualLimit"`
	CopayCents       int64  `json:"copay"`
	DeductibleCents  int64  `json:"deductible"`
	Status           string `json:"status"`
	Registered       string `json:"registered"`
}

func (c *Coverage) validate() error {
	for field, v := range map[string]string{"id": c.ID, "member": c.Member, "plan": c.Plan} {
		if err := validate.Identifier(field, v); err != nil {
			return err
		}
	}
	if _, _, err := c.Period.parse("period"); err != nil {
		return err
	}
	for field, v := range map[string]int64{"annualLimit": c.AnnualLimitCents, "copay": c.CopayCents, "deductible": c.DeductibleCents} {
		if err := validate.Range(field, v, 0, math.MaxInt64/4); err != nil {
			return err
		}
	}
	return nil
}

// Rules are a plan's adjudication rules.
type Rules struct {
	Plan string `json:"plan"`
	// Allowed is the allowed amount per unit by procedure code; codes not
	// listed are not covered.
	Allowed map[string]int64 `json:"allowed"`
	// PriorAuth lists codes that need a prior authorization.
	PriorAuth []string `json:"priorAuth,omitempty" metadata:",optional"`
	// MaxClaimsPerPatientDay flags more claims than this for one patient
	// and service day (0: 5).
	MaxClaimsPerPatientDay int `json:"maxClaimsPerPatientDay,omitempty" metadata:",optional"`
}

func (r *Rules) validate() error {
	if err := validate.Identifier("plan", r.Plan); err != nil {
		return err
	}
	if len(r.Allowed) == 0 || len(r.Allowed) > 10000 {
		return ccerr.Invalid("allowed", "between 1 and 10000 codes")
	}
	for code, cents := range r.Allowed {
		if err := checkProcedure("allowed", code); err != nil {
			return err
		}
		if err := validate.Range("allowed", cents, 0, maxUnitCents); err != nil {
			return err
		}
	}
	for _, code := range r.PriorAuth {
		if err := checkProcedure("priorAuth", code); err != nil {
			return err
		}
	}
	if r.MaxClaimsPerPatientDay < 0 || r.MaxClaimsPerPatientDay > 1000 {
		return ccerr.Invalid("maxClaimsPerPatientDay", "between 0 and 1000")
	}
	return nil
}

func (r *Rules) maxPerDay() int {
	if r.MaxClaimsPerPatientDay == 0 {
		return 5
	}
	return r.MaxClaimsPerPatientDay
}
