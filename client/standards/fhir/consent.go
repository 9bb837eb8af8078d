package fhir

import (
	"fmt"
	"strings"
	"time"

	cw "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/client/standards/refusal"
)

// Code systems of Consent.
const (
	systemConsentScope  = "http://terminology.hl7.org/CodeSystem/consentscope"
	systemLOINC         = "http://loinc.org"
	systemActCode       = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	systemActReason     = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
	systemConsentAction = "http://terminology.hl7.org/CodeSystem/consentaction"
	systemParticipation = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
	// SystemDataClass codes carechain's data classes (record categories).
	SystemDataClass = "urn:carechain:class"
	// Extensions carechain writes on a Consent and reads back.
	ExtFormSHA256    = "urn:carechain:fhir:consent-form-sha256"
	ExtSupersedes    = "urn:carechain:fhir:consent-supersedes"
	ExtStatusReason  = "urn:carechain:fhir:consent-status-reason"
	consentCategory  = "59284-0" // LOINC Patient Consent
	maxProvisionDeep = 4
)

// purposes maps v3 ActReason purposes of use to carechain's.
var purposes = map[string]string{"TREAT": "treatment", "ETREAT": "emergency", "HPAYMT": "payment",
	"HOPERAT": "operations", "HRESCH": "research", "PUBHLTH": "public-health", "HLEGAL": "legal", "PATRQT": "patient-request"}

// ConsentResult is a FHIR Consent mapped to carechain's grant input.
type ConsentResult struct {
	Input    cw.GrantInput
	SetAside []refusal.Issue
}

// ConsentInput maps an R4 Consent to what a patient grants (consent
// chaincode's GrantInput), or refuses it naming every element carechain
// cannot represent. carechain's consents are privacy consents (scope
// patient-privacy, category LOINC 59284-0) on an opt-out basis (no
// applicable consent denies), with one decision at the root provision and
// nested exceptions that flip it.
func ConsentInput(data []byte, opts ...Option) (*ConsentResult, error) {
	d, root, err := parse(data, "Consent")
	if err != nil {
		return nil, err
	}
	o := newOptions(opts)
	r := consentReader{root: root, o: &o}
	in := r.read()
	if err := d.finish(in.ID); err != nil {
		return nil, err
	}
	return &ConsentResult{Input: in, SetAside: d.aside}, nil
}

type consentReader struct {
	root elem
	o    *options
}

func (r *consentReader) read() cw.GrantInput {
	e := r.root
	var in cw.GrantInput
	in.ID, _, _ = e.str("id")
	in.Status, _, _ = e.str("status")
	e.is("status", "carechain records draft or active consents", cw.StatusDraft, cw.StatusActive)
	e.codeIs("scope", systemConsentScope, "carechain's consents are privacy consents", "patient-privacy")
	for _, c := range e.list("category") {
		if sys, code, p, _ := c.concept(); sys != systemLOINC || code != consentCategory {
			e.d.issues.Add(p, "carechain's consents are of one category, LOINC %s (patient consent)", consentCategory)
		}
	}
	if pat, ok := e.ref("patient", r.o, "Patient"); ok {
		in.Subject = e.want(pat, SystemPatient, "patients")
	}
	e.sameDay("dateTime", r.o, "a consent's date")
	r.performers(in.Subject)
	e.codeIs("policyRule", systemActCode, "carechain's consents are opt-out: without an applicable consent, access is denied", "OPTOUT")
	in.FormHash, in.Supersedes = r.extensions()
	if p, ok := e.child("provision"); ok {
		in.Decision, _, _ = p.str("type")
		if in.Decision == "" {
			p.refuseHere("carechain needs the root provision's type: the consent's decision (permit or deny)")
		}
		in.Period = r.period(p)
		in.Provision = r.provision(p, in.Decision, 1)
		r.checkPermit(p, in)
	} else {
		e.d.issues.Add("Consent.provision", "carechain needs a provision: what the consent decides")
	}
	return in
}

// performers: the patient signs carechain consents.
func (r *consentReader) performers(subject string) {
	for _, p := range r.root.list("performer") {
		id, ok := p.reference(r.o, "Patient")
		if ok && (id.system != SystemPatient || id.value != subject) {
			r.root.d.issues.Add(id.path, "on carechain the patient grants (and signs) their consents: the performer must be the patient")
		}
	}
}

func (r *consentReader) extensions() (form, supersedes string) {
	for _, x := range r.root.list("extension") {
		url, _, _ := x.str("url")
		v, _, _ := x.str("valueString")
		switch url {
		case ExtFormSHA256:
			form = v
		case ExtSupersedes:
			supersedes = v
		case ExtStatusReason:
		default:
			x.refuseHere("carechain does not represent extension %q", url)
		}
	}
	return form, supersedes
}

// period reads a provision period as carechain's half-open interval: a
// date starts at 00:00 UTC; an end date includes its day.
func (r *consentReader) period(p elem) cw.Period {
	pe, ok := p.child("period")
	if !ok {
		// No period: in force from when it is recorded, open-ended.
		return cw.Period{Start: r.o.now.UTC().Format(time.RFC3339Nano)}
	}
	start, sp, _ := pe.str("start")
	end, ep, _ := pe.str("end")
	out := cw.Period{Start: instant(start, false)}
	if out.Start == "" {
		p.d.issues.Add(sp, "carechain needs the consent's start")
	}
	if end != "" {
		if out.End = instant(end, true); out.End == "" {
			p.d.issues.Add(ep, "%q is not a date or dateTime carechain can read", end)
		}
	}
	return out
}

// instant is a FHIR date or dateTime as RFC 3339; an end date is the
// start of the next day (the end is exclusive on carechain).
func instant(v string, end bool) string {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC().Format(time.RFC3339Nano)
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return ""
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t.Format(time.RFC3339Nano)
}

// provision reads a provision whose effect is effect at depth (1: root).
func (r *consentReader) provision(p elem, effect string, depth int) cw.Provision {
	var out cw.Provision
	if depth > maxProvisionDeep {
		p.refuseHere("carechain nests provisions at most %d deep", maxProvisionDeep)
		return out
	}
	if depth > 1 {
		out.Period = r.nestedPeriod(p)
	}
	out.Actors = r.actors(p)
	out.Actions = r.actions(p)
	out.Purposes = r.purposes(p)
	out.DataClasses = r.classes(p)
	out.Records = r.records(p)
	for _, n := range p.list("provision") {
		typ, tp, _ := n.str("type")
		if typ != opposite(effect) {
			n.d.issues.Add(tp, "carechain's nested provisions are exceptions: their type is the opposite of the enclosing one (%s)", opposite(effect))
		}
		child := r.provision(n, opposite(effect), depth+1)
		if child.Empty() {
			n.d.issues.Add(n.path, "an exception must name an actor, action, purpose, class, record or period")
		}
		out.Provisions = append(out.Provisions, child)
	}
	return out
}

func opposite(effect string) string {
	if effect == cw.Permit {
		return cw.Deny
	}
	return cw.Permit
}

func (r *consentReader) nestedPeriod(p elem) *cw.Period {
	pe, ok := p.child("period")
	if !ok {
		return nil
	}
	start, _, _ := pe.str("start")
	end, _, _ := pe.str("end")
	out := cw.Period{Start: instant(start, false), End: instant(end, true)}
	if out.Start == "" {
		pe.refuseHere("carechain needs a period's start")
	}
	return &out
}

func (r *consentReader) actors(p elem) []cw.Actor {
	var out []cw.Actor
	for _, a := range p.list("actor") {
		if sys, code, cp, _ := a.code("role"); sys != systemParticipation || (code != "PRCP" && code != "IRCP") {
			a.d.issues.Add(cp, "carechain's grantees are recipients (PRCP, IRCP), not %q", code)
		}
		id, ok := a.ref("reference", r.o)
		if !ok {
			continue
		}
		if actor, ok := actorOf(id); ok {
			out = append(out, actor)
		} else {
			a.d.issues.Add(id.path, "carechain grants to an org (%s), a role in an org (%s, MSP/role) or one identity (%s, MSP/id)",
				SystemOrg, SystemOrgRole, SystemIdentity)
		}
	}
	return out
}

func actorOf(id ident) (cw.Actor, bool) {
	switch id.system {
	case SystemOrg:
		return cw.Actor{Org: id.value}, id.value != ""
	case SystemOrgRole:
		org, role, ok := strings.Cut(id.value, "/")
		return cw.Actor{Org: org, Role: role}, ok && org != "" && role != ""
	case SystemIdentity:
		org, who, ok := strings.Cut(id.value, "/")
		return cw.Actor{Org: org, ID: who}, ok && org != "" && who != ""
	}
	return cw.Actor{}, false
}

func (r *consentReader) actions(p elem) []string {
	var out []string
	for _, a := range p.list("action") {
		sys, code, cp, _ := a.concept()
		if sys != systemConsentAction || !contains(cw.Actions(), code) {
			a.d.issues.Add(cp, "carechain's actions are access, use and disclose, not %q", code)
			continue
		}
		out = append(out, code)
	}
	return out
}

func (r *consentReader) purposes(p elem) []string {
	var out []string
	for _, c := range p.list("purpose") {
		sys, code, cp, _ := c.coding()
		purpose, ok := purposes[code]
		if sys != systemActReason || !ok {
			c.d.issues.Add(cp, "carechain's purposes are v3 ActReason TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH, HLEGAL, PATRQT, not %q", code)
			continue
		}
		out = append(out, purpose)
	}
	return out
}

func (r *consentReader) classes(p elem) []string {
	var out []string
	for _, c := range p.list("class") {
		sys, code, cp, _ := c.coding()
		if sys != SystemDataClass {
			c.d.issues.Add(cp, "carechain's data classes are record categories (%s), not %s %q", SystemDataClass, orNone(sys), code)
			continue
		}
		out = append(out, code)
	}
	return out
}

func (r *consentReader) records(p elem) []string {
	var out []string
	for _, dt := range p.list("data") {
		if m, mp, _ := dt.str("meaning"); m != "instance" {
			dt.d.issues.Add(mp, "carechain's consents name records themselves (instance), not %q ones", m)
		}
		id, ok := dt.ref("reference", r.o)
		if !ok {
			continue
		}
		if id.system != SystemRecord {
			dt.d.issues.Add(id.path, "carechain's consents name carechain records (%s)", SystemRecord)
			continue
		}
		out = append(out, id.value)
	}
	return out
}

// checkPermit mirrors the chaincode: a permit names whom, what, why, which data.
func (r *consentReader) checkPermit(p elem, in cw.GrantInput) {
	if in.Decision != cw.Permit {
		return
	}
	pr := in.Provision
	for _, c := range []struct {
		empty bool
		key   string
	}{{len(pr.Actors) == 0, "actor"}, {len(pr.Actions) == 0, "action"}, {len(pr.Purposes) == 0, "purpose"},
		{len(pr.DataClasses) == 0 && len(pr.Records) == 0, "class"}} {
		if c.empty && !p.has(c.key) {
			p.d.issues.Add(fmt.Sprintf("%s.%s", p.path, c.key), "a carechain permit names its grantees, actions, purposes and data")
		}
	}
}
