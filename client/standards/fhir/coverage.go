package fhir

import (
	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/standards/proclaim"
	"github.com/carechain/carechain/client/standards/refusal"
)

const (
	systemCoverageClass = "http://terminology.hl7.org/CodeSystem/coverage-class"
	systemCopayType     = "http://terminology.hl7.org/CodeSystem/coverage-copay-type"
	systemRelationship  = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
	// ExtAnnualLimit is the plan's annual limit (valueMoney): R4 Coverage
	// has no element for what a plan pays at most per member and year.
	ExtAnnualLimit = "urn:carechain:fhir:coverage-annual-limit"
)

// CoverageResult is a FHIR Coverage mapped to carechain's coverage.
type CoverageResult struct {
	Coverage cl.Coverage
	SetAside []refusal.Issue
}

// CoverageInput maps an R4 Coverage to the coverage a payer registers
// (claims chaincode RegisterCoverage): the beneficiary's subject, the
// payor (the registering payer's MSP id, which the caller checks is its
// own), the plan (class plan), the period in days, copay and deductible
// (costToBeneficiary) and the annual limit (carechain's extension).
func CoverageInput(data []byte, opts ...Option) (*CoverageResult, error) {
	d, e, err := parse(data, "Coverage")
	if err != nil {
		return nil, err
	}
	o := newOptions(opts)
	var c cl.Coverage
	c.ID, _, _ = e.str("id")
	c.Status, _, _ = e.str("status")
	e.is("status", "carechain registers active coverages", "active")
	if b, ok := e.ref("beneficiary", &o, "Patient"); ok {
		c.Member = e.want(b, SystemPatient, "members")
	}
	if s, ok := e.ref("subscriber", &o, "Patient"); ok && (s.system != SystemPatient || s.value != c.Member) {
		d.issues.Add(s.path, "carechain's member is the subscriber: a dependent's coverage is not represented")
	}
	e.codeIs("relationship", systemRelationship, "carechain's member is the subscriber (self)", "self")
	payors := e.list("payor")
	for i, p := range payors {
		id, ok := p.reference(&o, "Organization")
		if ok && i == 0 {
			c.Payer = p.want(id, SystemOrg, "payers")
		} else if ok {
			p.refuseHere("carechain's coverage has one payer")
		}
	}
	coverageClasses(e, &c)
	coveragePeriod(e, &c)
	coverageCosts(e, &c)
	if err := d.finish(c.ID); err != nil {
		return nil, err
	}
	return &CoverageResult{Coverage: c, SetAside: d.aside}, nil
}

func coverageClasses(e elem, c *cl.Coverage) {
	for _, k := range e.list("class") {
		sys, code, p, _ := k.code("type")
		if sys != systemCoverageClass || code != "plan" || c.Plan != "" {
			e.d.issues.Add(p, "carechain keeps one plan (coverage class plan), not %q", code)
			k.d.trees[k.path] = true
			continue
		}
		c.Plan, _, _ = k.str("value")
		k.setAside("name", "the plan's name: carechain keeps the plan id")
	}
}

func coveragePeriod(e elem, c *cl.Coverage) {
	pe, ok := e.child("period")
	if !ok {
		e.d.issues.Add("Coverage.period", "carechain needs the coverage period")
		return
	}
	var sp, ep string
	c.Period.Start, sp, _ = pe.str("start")
	c.Period.End, ep, _ = pe.str("end")
	for _, f := range []struct{ v, p string }{{c.Period.Start, sp}, {c.Period.End, ep}} {
		if len(f.v) != len("2006-01-02") {
			e.d.issues.Add(f.p, "carechain keeps coverage periods in days (YYYY-MM-DD), from start to end")
		}
	}
}

func coverageCosts(e elem, c *cl.Coverage) {
	for _, cost := range e.list("costToBeneficiary") {
		sys, code, p, _ := cost.code("type")
		v, vp, ok := cost.money("valueMoney")
		cents, err := proclaim.Cents(v)
		if !ok || err != nil {
			e.d.issues.Add(vp, "carechain keeps costs as amounts in dollars")
			continue
		}
		switch {
		case sys == systemCopayType && code == "copay":
			c.CopayCents = cents
		case sys == systemCopayType && code == "deductible":
			c.DeductibleCents = cents
		default:
			e.d.issues.Add(p, "carechain keeps a copay and a deductible, not %q", code)
		}
	}
	for _, x := range e.list("extension") {
		if url, _, _ := x.str("url"); url != ExtAnnualLimit {
			x.refuseHere("carechain does not represent extension %q", url)
			continue
		}
		v, vp, _ := x.money("valueMoney")
		cents, err := proclaim.Cents(v)
		if err != nil {
			e.d.issues.Add(vp, "%v", err)
		}
		c.AnnualLimitCents = cents
	}
}

// CoverageResource writes a carechain coverage as an R4 Coverage.
func CoverageResource(c cl.Coverage) ([]byte, error) {
	res := obj{"resourceType": "Coverage", "id": c.ID, "status": coverageStatus(c.Status),
		"subscriber":   identRef("Patient", SystemPatient, c.Member),
		"beneficiary":  identRef("Patient", SystemPatient, c.Member),
		"relationship": concept(systemRelationship, "self"),
		"period":       obj{"start": c.Period.Start, "end": c.Period.End},
		"payor":        []any{identRef("Organization", SystemOrg, c.Payer)},
		"class":        []any{obj{"type": concept(systemCoverageClass, "plan"), "value": c.Plan}},
	}
	var costs []any
	for _, x := range []struct {
		code  string
		cents int64
	}{{"copay", c.CopayCents}, {"deductible", c.DeductibleCents}} {
		if x.cents > 0 {
			costs = append(costs, obj{"type": concept(systemCopayType, x.code), "valueMoney": money(x.cents)})
		}
	}
	if len(costs) > 0 {
		res["costToBeneficiary"] = costs
	}
	if c.AnnualLimitCents > 0 {
		res["extension"] = []any{obj{"url": ExtAnnualLimit, "valueMoney": money(c.AnnualLimitCents)}}
	}
	if c.Registered != "" {
		res["meta"] = obj{"lastUpdated": c.Registered}
	}
	return emit(res)
}

func coverageStatus(s string) string {
	switch s {
	case "active", "cancelled", "draft", "entered-in-error":
		return s
	}
	return "active"
}

func money(cents int64) obj {
	return obj{"value": jsonNumber(proclaim.Dollars(cents)), "currency": "USD"}
}
