package fhir

import (
	"fmt"
	"strconv"
	"strings"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/standards/proclaim"
	"github.com/carechain/carechain/client/standards/refusal"
)

// ExtItemPriorAuth is a line's prior authorization number (valueString):
// R4 Claim keeps prior authorizations per insurance, carechain per line.
const ExtItemPriorAuth = "urn:carechain:fhir:claim-item-prior-auth"

// ClaimResult is a FHIR Claim mapped to carechain's claim input.
type ClaimResult struct {
	Input cl.ClaimInput
	// Provider is the billing org's MSP id (Claim.provider): carechain
	// records the submitting org as the provider, so the caller checks
	// that they are the same.
	Provider string
	SetAside []refusal.Issue
}

// ClaimInput maps an R4 professional Claim to carechain's claim input
// through the mapping the X12 837P path shares (package proclaim), or
// refuses it naming every element carechain cannot represent. The
// insurance entries map in order: the focal one is the claim's coverage at
// Claim.insurer, the next its secondary for coordination of benefits (its
// payer is the coverage identifier's assigner).
func ClaimInput(data []byte, opts ...Option) (*ClaimResult, error) {
	d, root, err := parse(data, "Claim")
	if err != nil {
		return nil, err
	}
	o := newOptions(opts)
	r := claimReader{root: root, o: &o, c: &proclaim.Claim{Where: claimWhere}}
	res := r.read()
	input, perr := proclaim.Input(r.c, proclaim.At(o.now))
	d.issues.Append(refusal.Issues(perr)...)
	if err := d.finish(r.c.ID.Value); err != nil {
		return nil, err
	}
	res.Input, res.SetAside = input, d.aside
	return res, nil
}

var claimWhere = map[string]string{
	proclaim.ClaimID: "Claim.id", proclaim.Patient: "Claim.patient", proclaim.Payer: "Claim.insurer",
	proclaim.Coverage: "Claim.insurance", proclaim.RenderingNPI: "Claim.careTeam",
	proclaim.PlaceOfService: "Claim.item[0].locationCodeableConcept", proclaim.Diagnoses: "Claim.diagnosis",
	proclaim.Items: "Claim.item",
}

type claimReader struct {
	root elem
	o    *options
	c    *proclaim.Claim
}

func (r *claimReader) read() *ClaimResult {
	e, c := r.root, r.c
	id, p, _ := e.str("id")
	c.ID, c.Doc = proclaim.F(id, p), "Claim/"+id
	r.identifiers()
	r.fixed()
	if pat, ok := e.ref("patient", r.o, "Patient"); ok {
		c.Patient = proclaim.F(e.want(pat, SystemPatient, "patients"), pat.path)
	}
	e.sameDay("created", r.o, "a claim's creation")
	if ins, ok := e.ref("insurer", r.o, "Organization"); ok {
		c.Payer = proclaim.F(e.want(ins, SystemOrg, "payers"), ins.path)
	}
	res := &ClaimResult{}
	if prov, ok := e.ref("provider", r.o, "Organization"); ok {
		res.Provider = e.want(prov, SystemOrg, "the billing provider")
	}
	if bp, ok := e.child("billablePeriod"); ok {
		start, sp, _ := bp.str("start")
		end, ep, _ := bp.str("end")
		c.BillablePeriod = &proclaim.Period{Start: proclaim.F(start, sp), End: fieldIf(end, ep)}
	}
	r.careTeam()
	r.diagnoses()
	r.insurance()
	r.supportingInfo()
	for _, it := range e.list("item") {
		r.item(it)
	}
	if v, p, ok := e.money("total"); ok {
		c.Total = proclaim.F(v, p)
	}
	return res
}

func fieldIf(v, at string) proclaim.Field {
	if v == "" {
		return proclaim.Field{}
	}
	return proclaim.F(v, at)
}

// identifiers reads the claim's business identifiers (system and value):
// kept in the claim's private record.
func (r *claimReader) identifiers() {
	for _, id := range r.root.list("identifier") {
		r.c.Identifiers = append(r.c.Identifiers, proclaim.Identifier{
			System: fieldOf(id.str("system")), Value: fieldOf(id.str("value")), At: id.path})
	}
}

// fixed checks the elements whose one value carechain takes as given.
func (r *claimReader) fixed() {
	e := r.root
	e.is("status", "carechain takes active claims", "active")
	e.codeIs("type", "http://terminology.hl7.org/CodeSystem/claim-type", "carechain adjudicates professional claims", "professional")
	e.is("use", "carechain adjudicates claims, not preauthorizations or predeterminations", "claim")
	e.codeIs("priority", "http://terminology.hl7.org/CodeSystem/processpriority", "carechain processes claims at normal priority", "normal")
	if payee, ok := e.child("payee"); ok {
		payee.codeIs("type", "http://terminology.hl7.org/CodeSystem/payeetype", "carechain pays the provider", "provider")
	}
}

// is reads a code primitive that must be one of values.
func (e elem) is(key, why string, values ...string) {
	v, p, ok := e.str(key)
	if ok && !contains(values, v) {
		e.d.issues.Add(p, "%q: %s", v, why)
	}
}

// codeIs reads a CodeableConcept that must be one of codes of system (or
// of no system).
func (e elem) codeIs(key, system, why string, codes ...string) {
	if !e.has(key) {
		return
	}
	sys, code, p, _ := e.code(key)
	if (sys != "" && sys != system) || !contains(codes, code) {
		e.d.issues.Add(p, "%q: %s", code, why)
	}
}

// careTeam reads the rendering provider: carechain keeps one.
func (r *claimReader) careTeam() {
	for i, m := range r.root.list("careTeam") {
		m.str("sequence")
		if m.has("role") {
			m.codeIs("role", "http://terminology.hl7.org/CodeSystem/claimcareteamrole", "carechain keeps the rendering (primary) provider", "primary")
		}
		if v, p, ok := m.str("responsible"); ok && v != "true" {
			r.root.d.issues.Add(p, "carechain keeps the responsible rendering provider")
		}
		prov, ok := m.ref("provider", r.o, "Practitioner")
		if !ok {
			continue
		}
		if i > 0 {
			m.refuseHere("carechain keeps one rendering provider a claim")
			continue
		}
		r.c.RenderingNPI = proclaim.F(m.want(prov, SystemNPI, "practitioners"), prov.path)
	}
}

func (r *claimReader) diagnoses() {
	for i, dx := range r.root.list("diagnosis") {
		if seq, p, _ := dx.str("sequence"); seq != strconv.Itoa(i+1) {
			r.root.d.issues.Add(p, "carechain keeps diagnoses in order: this is diagnosis %d", i+1)
		}
		sys, code, p, ok := dx.code("diagnosisCodeableConcept")
		if !ok {
			continue
		}
		system := diagnosisSystem(sys)
		r.c.Diagnoses = append(r.c.Diagnoses, proclaim.Diagnosis{System: system, Code: proclaim.F(code, p)})
	}
}

// insurance maps the entries in order; proclaim keeps the focal one, and
// the focal one's prior authorizations: those of another insurer are
// that insurer's (its claim is made by Crossover).
func (r *claimReader) insurance() {
	auths := map[int][]proclaim.Field{}
	for i, in := range r.root.list("insurance") {
		seq, _, _ := in.str("sequence")
		focal, _, _ := in.str("focal")
		n, _ := strconv.Atoi(seq)
		entry := proclaim.Insurance{Sequence: n, Focal: focal == "true", At: in.path}
		entry.Payer = r.assigner(in)
		if cov, ok := in.ref("coverage", r.o, "Coverage"); ok {
			entry.Coverage = proclaim.F(in.want(cov, SystemCoverage, "coverages"), cov.path)
		}
		for _, auth := range in.list("preAuthRef") {
			auths[i] = append(auths[i], proclaim.F(auth.value(), auth.path))
		}
		r.c.Insurance = append(r.c.Insurance, entry)
	}
	focal := 0
	for i, in := range r.c.Insurance {
		if in.Focal {
			focal = i
			break
		}
	}
	for i := range r.c.Insurance {
		if i == focal {
			r.c.PriorAuths = auths[i]
			continue
		}
		for _, f := range auths[i] {
			r.root.d.issues.Add(f.At, "carechain keeps the focal coverage's prior authorizations, not another insurer's")
		}
	}
}

// assigner reads the payer that issued a coverage id
// (coverage.identifier.assigner): a secondary coverage is another payer's.
func (r *claimReader) assigner(in elem) proclaim.Field {
	cov, _ := in.child("coverage")
	id, ok := cov.child("identifier")
	if !ok || !id.has("assigner") {
		return proclaim.Field{}
	}
	a, ok := id.ref("assigner", r.o, "Organization")
	if !ok {
		return proclaim.Field{}
	}
	return proclaim.F(id.want(a, SystemOrg, "payers"), a.path)
}

// supportingInfo reads attachments that cite carechain records.
func (r *claimReader) supportingInfo() {
	for _, si := range r.root.list("supportingInfo") {
		si.str("sequence")
		si.codeIs("category", "http://terminology.hl7.org/CodeSystem/claiminformationcategory", "carechain cites records as attachments", "attachment")
		if doc, ok := si.ref("valueReference", r.o, "DocumentReference"); ok {
			r.c.Records = append(r.c.Records, proclaim.F(si.want(doc, SystemRecord, "records"), doc.path))
		} else if !si.has("valueReference") {
			si.refuseHere("carechain cites carechain records only (valueReference to a DocumentReference)")
		}
	}
}

func (r *claimReader) item(it elem) {
	line := proclaim.Item{At: it.path}
	line.Sequence = fieldOf(it.str("sequence"))
	for _, ct := range it.list("careTeamSequence") {
		if ct.value() != "1" {
			ct.refuseHere("carechain keeps one rendering provider a claim (care team member 1)")
		}
	}
	for _, ds := range it.list("diagnosisSequence") {
		line.DiagnosisPointers = append(line.DiagnosisPointers, proclaim.F(ds.value(), ds.path))
	}
	sys, code, p, _ := it.code("productOrService")
	line.CodeSystem, line.Code = procedureSystem(sys), proclaim.F(code, p)
	for _, m := range it.list("modifier") {
		_, mod, mp, _ := m.concept()
		line.Modifiers = append(line.Modifiers, proclaim.F(mod, mp))
	}
	r.serviced(it, &line)
	r.place(it, &line)
	if q, ok := it.child("quantity"); ok {
		line.Quantity = fieldOf(q.str("value"))
	}
	line.UnitPrice = fieldOf(it.money("unitPrice"))
	line.Net = fieldOf(it.money("net"))
	r.itemExtensions(it, &line)
	if f, p, ok := it.str("factor"); ok && f != "1" && f != "1.0" {
		it.d.issues.Add(p, "carechain keeps no price factor")
	}
	r.c.Items = append(r.c.Items, line)
}

func (r *claimReader) place(it elem, line *proclaim.Item) {
	if !it.has("locationCodeableConcept") {
		return
	}
	sys, pos, pp, _ := it.code("locationCodeableConcept")
	if !isPOSSystem(sys) {
		it.d.issues.Add(pp, "carechain reads CMS place-of-service codes (%s), not %s", systemPOS, orNone(sys))
	}
	line.PlaceOfService = proclaim.F(pos, pp)
}

// isPOSSystem reports whether sys names CMS's place-of-service code set:
// its URL as written here, or in the forms that CMS's own site and HL7's
// examples write it (any case, with ".html").
func isPOSSystem(sys string) bool {
	return strings.TrimSuffix(strings.ToLower(sys), ".html") == strings.ToLower(systemPOS)
}

func (r *claimReader) itemExtensions(it elem, line *proclaim.Item) {
	for _, x := range it.list("extension") {
		if url, _, _ := x.str("url"); url == ExtItemPriorAuth {
			line.PriorAuth = fieldOf(x.str("valueString"))
		} else {
			x.refuseHere("carechain does not represent extension %q", url)
		}
	}
}

func fieldOf(v, at string, ok bool) proclaim.Field {
	if !ok {
		return proclaim.Field{}
	}
	return proclaim.F(v, at)
}

func (r *claimReader) serviced(it elem, line *proclaim.Item) {
	if v, p, ok := it.str("servicedDate"); ok {
		line.Date = proclaim.F(v, p)
	}
	if sp, ok := it.child("servicedPeriod"); ok {
		line.Date = fieldOf(sp.str("start"))
		line.DateEnd = fieldOf(sp.str("end"))
	}
}

// diagnosisSystem names a diagnosis code system for proclaim: ICD-10-CM,
// else what the document says (ICD-10, the WHO's, is not ICD-10-CM: its
// codes stop at four characters and differ in places).
func diagnosisSystem(sys string) string {
	switch sys {
	case systemICD10CM:
		return proclaim.ICD10CM
	case systemICD10:
		return "ICD-10 (the WHO's, " + systemICD10 + ")"
	}
	return sys
}

func procedureSystem(sys string) string {
	switch sys {
	case systemCPT:
		return proclaim.CPT
	case systemHCPCS, systemHCPCSOID:
		return proclaim.HCPCS
	}
	if sys == "" {
		return ""
	}
	return fmt.Sprint(sys)
}
