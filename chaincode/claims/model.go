package claims

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
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

// decodeClaim decodes a claim input strictly.
func decodeClaim(data []byte, in *wire.ClaimInput) error {
	return validate.DecodeJSON("claim", data, in, maxInputBytes)
}

// validateClaim refuses malformed and impossible claims; now is the transaction
// time. Every error names its field, with the index of the line, diagnosis
// or record it is about (item[1].modifier[0]).
func validateClaim(in *wire.ClaimInput, now time.Time) error {
	if err := validateClaimHeader(in); err != nil {
		return err
	}
	start, end, err := parsePeriod(in.BillablePeriod, "billablePeriod")
	if err != nil {
		return err
	}
	if end.After(now.UTC().Truncate(24 * time.Hour)) {
		return ccerr.Invalid("billablePeriod.end", "services cannot be billed before they happen")
	}
	if err := validateDiagnoses(in); err != nil {
		return err
	}
	if len(in.Items) == 0 || len(in.Items) > maxItems {
		return ccerr.Invalid("item", "between 1 and %d lines", maxItems)
	}
	var total int64
	for i := range in.Items {
		field := fmt.Sprintf("item[%d]", i)
		if err := validateItem(&in.Items[i], field, i, start, end); err != nil {
			return err
		}
		if err := validatePointers(&in.Items[i], field, len(in.Diagnoses)); err != nil {
			return err
		}
		if err := validateLinePlace(&in.Items[i], field, in.PlaceOfService); err != nil {
			return err
		}
		total += in.Items[i].NetCents // bounded: 50 × 999 × 10^9 < 2^63
	}
	if total != in.TotalCents {
		return ccerr.Invalid("total", "must be the sum of the lines' net amounts (%d)", total)
	}
	if err := validateIdentifiers(in.Identifiers); err != nil {
		return err
	}
	return validateRecords(in)
}

func validateClaimHeader(in *wire.ClaimInput) error {
	for _, f := range []struct{ name, v string }{{"id", in.ID}, {"patient", in.Patient}, {"coverage", in.Coverage}, {"payer", in.Payer}} {
		if err := validate.Identifier(f.name, f.v); err != nil {
			return err
		}
	}
	if err := validateOpaqueID(in); err != nil {
		return err
	}
	if s := in.Secondary; s != nil {
		if err := validate.Identifier("secondary.payer", s.Payer); err != nil {
			return err
		}
		if err := validate.Identifier("secondary.coverage", s.Coverage); err != nil {
			return err
		}
		if s.Payer == in.Payer {
			return ccerr.Invalid("secondary.payer", "the secondary coverage is another payer's")
		}
	}
	if err := checkNPI("renderingNpi", in.RenderingNPI); err != nil {
		return err
	}
	if !placeOfService.MatchString(in.PlaceOfService) {
		return ccerr.Invalid("placeOfService", "must be a two-digit CMS place-of-service code")
	}
	return nil
}

// validateOpaqueID refuses a claim id that carries the patient's
// pseudonym or the coverage id (of four characters or more): the id is
// public — the trace is keyed by it and transactions name it in their
// arguments — so it must not be a patient control number built from them.
func validateOpaqueID(in *wire.ClaimInput) error {
	id := strings.ToLower(in.ID)
	for _, f := range []struct{ name, v string }{{"patient", in.Patient}, {"coverage", in.Coverage}} {
		if len(f.v) >= 4 && strings.Contains(id, strings.ToLower(f.v)) {
			return ccerr.Invalid("id", "a claim id is public: it must not contain the %s id", f.name)
		}
	}
	return nil
}

func validateDiagnoses(in *wire.ClaimInput) error {
	if len(in.Diagnoses) == 0 || len(in.Diagnoses) > maxDiagnoses {
		return ccerr.Invalid("diagnosis", "between 1 and %d codes", maxDiagnoses)
	}
	for i, d := range in.Diagnoses {
		if err := checkICD10(fmt.Sprintf("diagnosis[%d]", i), d); err != nil {
			return err
		}
	}
	return nil
}

func validateRecords(in *wire.ClaimInput) error {
	if len(in.Records) > maxRecordsCited {
		return ccerr.Invalid("supportingInfo", "at most %d records", maxRecordsCited)
	}
	for i, r := range in.Records {
		if err := validate.Identifier(fmt.Sprintf("supportingInfo[%d]", i), r); err != nil {
			return err
		}
	}
	return nil
}

// validateItem checks line i (field names it) against the billable period.
func validateItem(it *wire.Item, field string, i int, start, end time.Time) error {
	if it.Sequence != i+1 {
		return ccerr.Invalid(field+".sequence", "lines are numbered 1, 2, 3, … in order")
	}
	if err := checkProcedure(field+".productOrService", it.Code); err != nil {
		return err
	}
	if err := checkModifiers(field+".modifier", it.Modifiers); err != nil {
		return err
	}
	if err := validate.Range(field+".quantity", it.Units, 1, maxUnits); err != nil {
		return err
	}
	if err := validate.Range(field+".unitPrice", it.UnitCents, 1, maxUnitCents); err != nil {
		return err
	}
	if it.NetCents != it.Units*it.UnitCents {
		return ccerr.Invalid(field+".net", "line %d: net must be quantity × unit price", it.Sequence)
	}
	d, err := time.Parse(dateLayout, it.Date)
	if err != nil {
		return ccerr.Invalid(field+".servicedDate", "must be a date YYYY-MM-DD")
	}
	if d.Before(start) || d.After(end) {
		return ccerr.Invalid(field+".servicedDate", "line %d is outside the billable period", it.Sequence)
	}
	if it.PriorAuth != "" {
		return validate.Identifier(field+".priorAuth", it.PriorAuth)
	}
	return nil
}

func checkModifiers(field string, mods []string) error {
	if len(mods) > maxModifiers {
		return ccerr.Invalid(field, "at most %d modifiers", maxModifiers)
	}
	for j, m := range mods {
		if !modifier.MatchString(m) {
			return ccerr.Invalid(fmt.Sprintf("%s[%d]", field, j), "%q is not a two-character modifier (digits and capital letters)", m)
		}
		if slices.Contains(mods[:j], m) {
			return ccerr.Invalid(fmt.Sprintf("%s[%d]", field, j), "%q repeats", m)
		}
	}
	return nil
}

// parsePeriod parses a period whose field field names.
func parsePeriod(p wire.Period, field string) (time.Time, time.Time, error) {
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

// periodContains reports whether the period holds the date (YYYY-MM-DD).
func periodContains(p wire.Period, date string) bool {
	return p.Start <= date && date <= p.End
}

// validateCoverage checks a coverage's fields in a fixed order, so the first
// error is always the same one.
func validateCoverage(c *wire.Coverage) error {
	for _, f := range []struct{ name, v string }{{"id", c.ID}, {"member", c.Member}, {"plan", c.Plan}} {
		if err := validate.Identifier(f.name, f.v); err != nil {
			return err
		}
	}
	if _, _, err := parsePeriod(c.Period, "period"); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"annualLimit", c.AnnualLimitCents}, {"copay", c.CopayCents}, {"deductible", c.DeductibleCents}} {
		if err := validate.Range(f.name, f.v, 0, math.MaxInt64/4); err != nil {
			return err
		}
	}
	return validateCoverageDetails(c)
}

// validateRules checks a plan's rules. The allowed amounts are a map: they are
// checked in sorted code order, so which error comes back never depends on
// map iteration order.
func validateRules(r *wire.Rules) error {
	if err := validate.Identifier("plan", r.Plan); err != nil {
		return err
	}
	if len(r.Allowed) == 0 || len(r.Allowed) > 10000 {
		return ccerr.Invalid("allowed", "between 1 and 10000 codes")
	}
	for _, code := range slices.Sorted(maps.Keys(r.Allowed)) {
		field := fmt.Sprintf("allowed[%q]", code)
		if err := checkProcedure(field, code); err != nil {
			return err
		}
		if err := validate.Range(field, r.Allowed[code], 0, maxUnitCents); err != nil {
			return err
		}
	}
	for i, code := range r.PriorAuth {
		if err := checkProcedure(fmt.Sprintf("priorAuth[%d]", i), code); err != nil {
			return err
		}
	}
	if r.MaxClaimsPerPatientDay < 0 || r.MaxClaimsPerPatientDay > 1000 {
		return ccerr.Invalid("maxClaimsPerPatientDay", "between 0 and 1000")
	}
	return nil
}

// maxPerDay is how many claims of one patient and service day the rules
// allow before the fraud signal.
func maxPerDay(r *wire.Rules) int {
	if r.MaxClaimsPerPatientDay == 0 {
		return 5
	}
	return r.MaxClaimsPerPatientDay
}
