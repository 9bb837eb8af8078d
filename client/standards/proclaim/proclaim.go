// Package proclaim is the one mapping from a professional claim, as an X12
// 837P or a FHIR R4 Claim carries it, to carechain's claim input
// (chaincode/claims/wire.ClaimInput). Both readers fill a Claim whose
// every value keeps where the document said it (Field.At: a FHIR element
// path such as Claim.item[0].net, or an X12 locator such as 2400[1] SV102);
// Input checks it as the claims chaincode will and refuses, naming those
// places, what carechain cannot represent or would refuse.
//
// What carechain's claim model cannot hold today is refused in one place,
// limits.go: coverages beyond a primary and a secondary (coordination of
// benefits covers two), a claim billed to a coverage after another
// (crossover does that), a claim-level prior authorization and a line
// place of service other than the claim's. A line's diagnosis pointers
// and the claim's business identifiers are kept, in the claim's private
// record.
// Lifting one is a change there (and in the chaincode), not in the readers.
package proclaim

import (
	"strings"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/standards/refusal"
)

// Field is a value and where the document says it. An empty At means the
// document does not say it.
type Field struct {
	Value string
	At    string
}

// Set reports whether the document gives the field.
func (f Field) Set() bool { return f.At != "" }

// F builds a field.
func F(value, at string) Field { return Field{Value: value, At: at} }

// Code systems of diagnoses and procedures, as both standards name them.
const (
	ICD10CM = "icd-10-cm"
	ICD9CM  = "icd-9-cm"
	CPT     = "cpt"
	HCPCS   = "hcpcs"
)

// Claim is a professional claim as a document states it.
type Claim struct {
	// Doc names the claim in errors ("Claim/860150", "837 claim 26463774").
	Doc string
	ID  Field
	// Identifiers are the claim's business identifiers (FHIR
	// Claim.identifier): private, kept in the claim's record only.
	Identifiers    []Identifier
	Patient        Field // carechain subject, once resolved
	Payer          Field // MSP id, once resolved
	RenderingNPI   Field
	BillablePeriod *Period
	PlaceOfService Field
	Diagnoses      []Diagnosis
	Insurance      []Insurance
	// PriorAuths are prior authorizations for the whole claim.
	PriorAuths []Field
	Items      []Item
	Total      Field
	// Records are supporting record anchors (records chaincode ids).
	Records []Field
	// Where names, by the keys below (ClaimID, Patient, ...), the element
	// a refusal of a missing value names; unnamed ones name Doc.
	Where map[string]string
}

// Keys of Claim.Where: what carechain needs of every claim.
const (
	ClaimID        = "the claim id"
	Patient        = "the patient's carechain subject"
	Payer          = "the payer's MSP id"
	Coverage       = "the coverage"
	RenderingNPI   = "the rendering provider's NPI"
	PlaceOfService = "the place of service"
	Diagnoses      = "the diagnoses"
	Items          = "the service lines"
	Records        = "the supporting records"
)

func (m *mapper) missing(key string) string {
	if at, ok := m.c.Where[key]; ok {
		return at
	}
	return m.c.Doc
}

// Identifier is a business identifier: a value in a namespace (a URI).
type Identifier struct {
	System Field
	Value  Field
	At     string
}

// Period is a date range (YYYY-MM-DD).
type Period struct{ Start, End Field }

// Diagnosis is a coded diagnosis.
type Diagnosis struct {
	System string // ICD10CM, ICD9CM or what the document named
	Code   Field
}

// Insurance is one coverage the claim is billed to, in the document's order.
type Insurance struct {
	Sequence int
	Focal    bool
	Coverage Field // carechain coverage id
	// Payer is the coverage's payer (MSP id); the focal coverage's is
	// Claim.Payer.
	Payer Field
	At    string
}

// Item is a service line.
type Item struct {
	At         string
	Sequence   Field
	CodeSystem string // CPT or HCPCS, else what the document named
	Code       Field
	Modifiers  []Field
	Quantity   Field // decimal as written
	UnitPrice  Field // decimal dollars as written; empty when only the charge is given
	Net        Field // decimal dollars: the line's charge
	Date       Field
	// DateEnd is the end of a service period, when the document gives one.
	DateEnd        Field
	PlaceOfService Field
	PriorAuth      Field
	// DiagnosisPointers point into Diagnoses (1-based).
	DiagnosisPointers []Field
}

// Option configures Input.
type Option func(*options)

type options struct {
	now time.Time
}

// At sets the submission time: no line may be billed after its day (the
// chaincode refuses services billed before they happen). Default: now.
func At(t time.Time) Option { return func(o *options) { o.now = t } }

// Input maps c to carechain's claim input, or refuses it listing every
// element carechain cannot represent or would refuse (*refusal.Error).
func Input(c *Claim, opts ...Option) (cl.ClaimInput, error) {
	o := options{now: time.Now()}
	for _, opt := range opts {
		opt(&o)
	}
	m := mapper{c: c, now: o.now}
	in := m.input()
	if err := m.issues.Err(c.Doc); err != nil {
		return cl.ClaimInput{}, err
	}
	return in, nil
}

type mapper struct {
	c      *Claim
	now    time.Time
	issues refusal.List
}

func (m *mapper) refuse(f Field, format string, args ...any) { m.issues.Add(f.At, format, args...) }

func (m *mapper) input() cl.ClaimInput {
	c := m.c
	in := cl.ClaimInput{
		ID:             m.identifier(c.ID, ClaimID),
		Patient:        m.identifier(c.Patient, Patient),
		Payer:          m.identifier(c.Payer, Payer),
		RenderingNPI:   m.npi(c.RenderingNPI),
		PlaceOfService: m.placeOfService(),
	}
	in.Coverage, in.Secondary = m.coverage()
	m.opaqueID(in)
	in.Diagnoses = m.diagnoses()
	in.Identifiers = m.identifiers()
	m.claimLimits()
	in.Items, in.TotalCents = m.items()
	in.BillablePeriod = m.billablePeriod(in.Items)
	in.Records = m.records()
	return in
}

func (m *mapper) opaqueID(in cl.ClaimInput) {
	id := strings.ToLower(in.ID)
	for _, f := range []struct{ name, v string }{{"patient", in.Patient}, {"coverage", in.Coverage}} {
		if len(f.v) >= 4 && strings.Contains(id, strings.ToLower(f.v)) {
			m.refuse(m.c.ID, "a claim id is public on carechain: it must not contain the %s id", f.name)
		}
	}
}
