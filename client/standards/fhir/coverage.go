package fhir

import (
	"slices"
	"strings"

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
	coverageDetails(e, &o, &c)
	coverageRefusals(e)
	coveragePeriod(e, &c)
	coverageCosts(e, &c)
	if err := d.finish(c.ID); err != nil {
		return nil, err
	}
	return &CoverageResult{Coverage: c, SetAside: d.aside}, nil
}

// coverageClasses reads the plan (class plan) and the coverage's other
// classes, in order.
func coverageClasses(e elem, c *cl.Coverage) {
	for _, k := range e.list("class") {
		sys, code, p, _ := k.code("type")
		switch {
		case sys == systemCoverageClass && code == "plan" && c.Plan == "":
			c.Plan, _, _ = k.str("value")
			k.setAside("name", "the plan's name: carechain keeps the plan id")
		case sys == systemCoverageClass && slices.Contains(cl.CoverageClassTypes(), code):
			value, _, _ := k.str("value")
			name, _, _ := k.str("name")
			c.Classes = append(c.Classes, cl.CoverageClass{Type: code, Value: value, Name: name})
		default:
			e.d.issues.Add(p, "carechain keeps one plan and the classes of %s (%s), not %q", systemCoverageClass, strings.Join(cl.CoverageClassTypes(), ", "), code)
			k.d.trees[k.path] = true
		}
	}
}

// coverageDetails reads what the payer keeps with the coverage besides
// its terms: business identifiers, type, subscriber id, dependent number
// and policy holder.
func coverageDetails(e elem, o *options, c *cl.Coverage) {
	for _, id := range e.list("identifier") {
		sys, _, _ := id.str("system")
		val, _, _ := id.str("value")
		c.Identifiers = append(c.Identifiers, cl.Identifier{System: sys, Value: val})
	}
	if e.has("type") {
		sys, code, p, _ := e.code("type")
		if sys == "" {
			e.d.issues.Add(p, "carechain keeps a coverage's type as a code with its system")
		}
		c.Kind = &cl.Coding{System: sys, Code: code}
	}
	c.SubscriberID, _, _ = e.str("subscriberId")
	c.Dependent, _, _ = e.str("dependent")
	if h, ok := e.child("policyHolder"); ok {
		c.PolicyHolder = policyHolder(h, o)
	}
}

// coverageRefusals names the Coverage elements whose meaning carechain's
// adjudication cannot keep.
func coverageRefusals(e elem) {
	for _, r := range []struct{ key, why string }{
		{"order", "carechain orders a member's coverages per claim (Claim.insurance.sequence, then Crossover), not on the coverage"},
		{"network", "carechain does not represent provider networks: a plan's rules price every provider alike"},
		{"contract", "carechain does not represent contracts by reference: a plan's terms are its rules"},
	} {
		if e.has(r.key) {
			e.refuse(r.key, "%s", r.why)
		}
	}
	for _, cost := range e.list("costToBeneficiary") {
		if cost.has("exception") {
			cost.refuse("exception", "carechain applies a coverage's copay and deductible to every claim, without exceptions")
		}
	}
}

// policyHolder reads a policy holder: an absolute reference to another
// FHIR server as it is, or a patient or org carechain identifies.
func policyHolder(h elem, o *options) *cl.Party {
	if lit, _, _ := h.str("reference"); strings.HasPrefix(lit, "https://") || strings.HasPrefix(lit, "http://") {
		h.setAside("display", "a reference's display text: carechain keeps the reference, never a name")
		return &cl.Party{Reference: lit}
	}
	id, ok := h.reference(o, "Patient", "Organization")
	if !ok {
		return nil
	}
	return &cl.Party{System: id.system, Value: id.value}
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
		if f.v == "" {
			e.d.issues.Add(f.p, "carechain needs the coverage's first and last day: it pays only for services between them")
		} else if len(f.v) != len("2006-01-02") {
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
			e.d.issues.Add(p, "carechain keeps one copay and one deductible that apply to every claim, not %q", code)
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
	coverageDetailsOut(res, c)
	if c.AnnualLimitCents > 0 {
		res["extension"] = []any{obj{"url": ExtAnnualLimit, "valueMoney": money(c.AnnualLimitCents)}}
	}
	if c.Registered != "" {
		res["meta"] = obj{"lastUpdated": c.Registered}
	}
	return emit(res)
}

// coverageDetailsOut writes the coverage's identifiers, type, subscriber
// id, dependent number, policy holder and classes after its plan.
func coverageDetailsOut(res obj, c cl.Coverage) {
	if ids := identifiersOut(c.Identifiers); len(ids) > 0 {
		res["identifier"] = ids
	}
	if c.Kind != nil {
		res["type"] = concept(c.Kind.System, c.Kind.Code)
	}
	if c.SubscriberID != "" {
		res["subscriberId"] = c.SubscriberID
	}
	if c.Dependent != "" {
		res["dependent"] = c.Dependent
	}
	if h := c.PolicyHolder; h != nil {
		res["policyHolder"] = partyOut(*h)
	}
	classes := res["class"].([]any)
	for _, k := range c.Classes {
		class := obj{"type": concept(systemCoverageClass, k.Type), "value": k.Value}
		if k.Name != "" {
			class["name"] = k.Name
		}
		classes = append(classes, class)
	}
	res["class"] = classes
}

func partyOut(p cl.Party) obj {
	switch {
	case p.Reference != "":
		return obj{"reference": p.Reference}
	case p.System == SystemPatient:
		return identRef("Patient", p.System, p.Value)
	case p.System == SystemOrg:
		return identRef("Organization", p.System, p.Value)
	}
	return obj{"identifier": obj{"system": p.System, "value": p.Value}}
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
