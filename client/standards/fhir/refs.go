package fhir

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Identifier systems of carechain's identities in FHIR references.
const (
	// SystemPatient: a patient's carechain subject (pseudonym).
	SystemPatient = "urn:carechain:patient"
	// SystemOrg: an org's MSP id.
	SystemOrg = "urn:carechain:msp"
	// SystemNPI: a practitioner's National Provider Identifier.
	SystemNPI = "http://hl7.org/fhir/sid/us-npi"
	// SystemIdentity: one enrolled identity, "MSPID/enrollmentID".
	SystemIdentity = "urn:carechain:identity"
	// SystemOrgRole: the identities of a role in an org, "MSPID/role".
	SystemOrgRole = "urn:carechain:org-role"
	// SystemRecord: a records chaincode record id.
	SystemRecord = "urn:carechain:record"
	// SystemClaim: a claims chaincode claim id.
	SystemClaim = "urn:carechain:claim"
	// SystemCoverage: a claims chaincode coverage id.
	SystemCoverage = "urn:carechain:coverage"
	// SystemConsent: a consent chaincode consent id.
	SystemConsent = "urn:carechain:consent"
)

// Code systems carechain reads and writes.
const (
	systemICD10CM  = "http://hl7.org/fhir/sid/icd-10-cm"
	systemICD10    = "http://hl7.org/fhir/sid/icd-10"
	systemCPT      = "http://www.ama-assn.org/go/cpt"
	systemHCPCS    = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
	systemHCPCSOID = "urn:oid:2.16.840.1.113883.6.285"
	systemPOS      = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
	systemCARC     = "https://x12.org/codes/claim-adjustment-reason-codes"
	systemCAGC     = "https://x12.org/codes/claim-adjustment-group-codes"
)

// Directory resolves a literal reference (Patient/f001, Organization/2)
// to the carechain identifier it stands for, as an integration that
// knows its own FHIR server's ids does. It is asked too for an identifier
// of a system other than carechain's and the NPI, as "system|value" (an
// insurer's own payer identifier, http://ehic.com/insurer|123456789):
// what it resolves counts as the carechain identifier, what it does not
// is refused by element as before.
type Directory func(literal string) (system, value string, ok bool)

// Option configures a mapping.
type Option func(*options)

type options struct {
	dir Directory
	now time.Time
	// binaryURL is the fullUrl of the Binary sent beside a document in a
	// transaction (DocumentTransaction).
	binaryURL string
}

func newOptions(opts []Option) options {
	o := options{now: time.Now()}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithDirectory resolves literal references; without it only identifier
// references count.
func WithDirectory(d Directory) Option { return func(o *options) { o.dir = d } }

// At is the time the document is recorded at (the transaction's time):
// a claim is created, a consent made, that day. Default: now.
func At(t time.Time) Option { return func(o *options) { o.now = t } }

// ident is what a reference identifies.
type ident struct {
	system, value, path string
}

// ref reads the Reference at key; types are the resource types it may
// name (any when empty). A literal reference counts through the
// directory, or, for a Coverage, as the carechain coverage id it names.
func (e elem) ref(key string, o *options, types ...string) (ident, bool) {
	r, ok := e.child(key)
	if !ok {
		return ident{path: e.path + "." + key}, false
	}
	return r.reference(o, types...)
}

func (e elem) reference(o *options, types ...string) (ident, bool) {
	e.setAside("display", "a reference's display text: carechain keeps the identifier, never a name")
	typ, _, _ := e.str("type")
	if lit, p, ok := e.str("reference"); ok {
		return e.literal(lit, p, o, types)
	}
	id, ok := e.child("identifier")
	if !ok {
		e.refuseHere("carechain needs an identifier or a resolvable reference")
		return ident{path: e.path}, false
	}
	sys, _, _ := id.str("system")
	val, vp, _ := id.str("value")
	if typ != "" && len(types) > 0 && !contains(types, typ) {
		e.refuse("type", "carechain expects %s here, not %s", strings.Join(types, " or "), typ)
	}
	if o.dir != nil && sys != "" && !strings.HasPrefix(sys, "urn:carechain:") && sys != SystemNPI {
		if s, v, ok := o.dir(sys + "|" + val); ok {
			return ident{system: s, value: v, path: vp}, true
		}
	}
	return ident{system: sys, value: val, path: vp}, true
}

func (e elem) literal(lit, p string, o *options, types []string) (ident, bool) {
	if strings.HasPrefix(lit, "#") {
		e.d.issues.Add(p, "carechain resolves no contained resources (%s)", lit)
		return ident{path: p}, false
	}
	typ, id, _ := strings.Cut(lit, "/")
	if len(types) > 0 && !contains(types, typ) {
		e.refuse("reference", "carechain expects %s here, not %q", strings.Join(types, " or "), lit)
		return ident{path: p}, false
	}
	if typ == "Coverage" && !strings.Contains(id, "/") {
		return ident{system: SystemCoverage, value: id, path: p}, true
	}
	if o.dir != nil {
		if sys, val, ok := o.dir(lit); ok {
			return ident{system: sys, value: val, path: p}, true
		}
	}
	e.d.issues.Add(p, "carechain cannot resolve the literal reference %q: identify it (identifier system %s)", lit, systemFor(typ))
	return ident{path: p}, false
}

func systemFor(typ string) string {
	switch typ {
	case "Patient":
		return SystemPatient
	case "Organization":
		return SystemOrg
	case "Practitioner":
		return SystemNPI
	}
	return "urn:carechain:..."
}

// want checks a resolved identifier's system.
func (e elem) want(id ident, system, what string) string {
	if id.system != system {
		e.d.issues.Add(id.path, "carechain identifies %s by %s, not %s", what, system, orNone(id.system))
		return ""
	}
	return id.value
}

func orNone(s string) string {
	if s == "" {
		return "no system"
	}
	return s
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// code reads the CodeableConcept at key as one coding: (system, code, path).
func (e elem) code(key string) (string, string, string, bool) {
	cc, ok := e.child(key)
	if !ok {
		return "", "", e.path + "." + key, false
	}
	return cc.concept()
}

func (e elem) concept() (string, string, string, bool) {
	codings := e.list("coding")
	if len(codings) == 0 {
		e.refuseHere("carechain needs a coded value")
		return "", "", e.path, false
	}
	for _, extra := range codings[1:] {
		extra.refuseHere("carechain keeps one code")
	}
	return codings[0].coding()
}

// coding reads a Coding: (system, code, path of code).
func (e elem) coding() (string, string, string, bool) {
	e.setAside("display", "a code's display text restates the code")
	sys, _, _ := e.str("system")
	code, p, ok := e.str("code")
	return sys, code, p, ok
}

// money reads a Money in US dollars: (value, path).
func (e elem) money(key string) (string, string, bool) {
	m, ok := e.child(key)
	if !ok {
		return "", e.path + "." + key, false
	}
	if cur, p, ok := m.str("currency"); ok && cur != "USD" {
		e.d.issues.Add(p, "carechain bills in US dollars, not %s", cur)
	}
	return m.str("value")
}

// dayOf is t's UTC date.
func dayOf(t time.Time) string { return t.UTC().Format("2006-01-02") }

// sameDay checks a date or dateTime against the recording day.
func (e elem) sameDay(key string, o *options, what string) {
	v, p, ok := e.str(key)
	if ok && !strings.HasPrefix(normalDay(v), dayOf(o.now)) {
		e.d.issues.Add(p, "carechain records %s as the day it is recorded (%s), not %s", what, dayOf(o.now), v)
	}
}

// normalDay is a FHIR date or dateTime's UTC date when it has a zone.
func normalDay(v string) string {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return dayOf(t)
	}
	return v
}

func itoa(n int) string { return strconv.Itoa(n) }

// jsonNumber writes a decimal as a JSON number, exactly as given.
func jsonNumber(s string) json.Number { return json.Number(s) }
