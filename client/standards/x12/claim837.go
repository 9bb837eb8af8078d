package x12

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/standards/proclaim"
	"github.com/carechain/carechain/client/standards/refusal"
)

// Implementation conventions of the transactions carechain reads and writes.
const (
	Version837 = "005010X222A1"
	Version835 = "005010X221A1"
	Version999 = "005010X231A1"
)

// Batch is what Read837 found in an interchange: one result per claim, in
// document order, and per transaction set what the acknowledgement reports.
type Batch struct {
	Interchange *Interchange
	Claims      []ClaimResult
	sets        []setReport
}

// ClaimResult is one claim's outcome: its carechain input, or the
// refusal (*refusal.Error) naming every element carechain cannot
// represent. SetAside lists what was read and deliberately not kept: the
// parties' names, addresses and demographics (carechain keeps pseudonyms,
// never PHI) and transport identifiers.
type ClaimResult struct {
	// ID is CLM01, the provider's patient control number.
	ID string
	// Set is the ST02 of the transaction set holding the claim.
	Set      string
	Input    *cl.ClaimInput
	Err      error
	SetAside []refusal.Issue
}

// Accepted reports whether the claim maps to carechain's input.
func (r ClaimResult) Accepted() bool { return r.Err == nil }

// Option configures Read837.
type Option func(*readOptions)

type readOptions struct {
	members  func(payerID, memberID string) (string, bool)
	payers   func(payerID string) (string, bool)
	claimIDs func(pcn string) string
	claim    []proclaim.Option
}

// SystemPCN is the identifier system of an 837P's patient control number
// (CLM01) when it is kept as the claim's private business identifier.
const SystemPCN = "urn:carechain:x12:patient-control-number"

// WithClaimIDs makes each claim's carechain id from its patient control
// number (CLM01) with derive, and keeps the number itself as the claim's
// business identifier (SystemPCN), in its private record: the carechain id
// is public, and a patient control number is the provider's patient
// account number. derive must be a keyed one-way function (an HMAC under
// the integration's secret), so that the same claim sent again gets the
// same id and no channel member can link the id to the account.
func WithClaimIDs(derive func(pcn string) string) Option {
	return func(o *readOptions) { o.claimIDs = derive }
}

// WithMembers resolves a subscriber (2010BB NM109 payer id, 2010BA NM109
// member id) to the patient's carechain subject. Without it no patient
// resolves: 837P carries no carechain pseudonym.
func WithMembers(resolve func(payerID, memberID string) (subject string, ok bool)) Option {
	return func(o *readOptions) { o.members = resolve }
}

// WithPayers resolves a payer id (2010BB NM109) to the payer's MSP id.
func WithPayers(resolve func(payerID string) (msp string, ok bool)) Option {
	return func(o *readOptions) { o.payers = resolve }
}

// SubmittedAt is the submission time the claims are checked against.
func SubmittedAt(t time.Time) Option {
	return func(o *readOptions) { o.claim = append(o.claim, proclaim.At(t)) }
}

// Read837 reads an 837P interchange: its envelopes, then every claim of
// every transaction set, each mapped through package proclaim. Only an
// interchange that cannot be tokenized or whose envelopes do not nest is
// an error; everything else is reported per set (Ack999) and per claim.
func Read837(data []byte, opts ...Option) (*Batch, error) {
	var o readOptions
	for _, opt := range opts {
		opt(&o)
	}
	ic, err := ParseInterchange(data)
	if err != nil {
		return nil, err
	}
	b := &Batch{Interchange: ic}
	for gi, g := range ic.Groups {
		for si := range g.Sets {
			r := readSet(&ic.Groups[gi].Sets[si], g, ic.Delimiters, &o)
			b.sets = append(b.sets, r.report)
			b.Claims = append(b.Claims, r.claims...)
		}
	}
	return b, nil
}

// setReport is what the 999 says of one transaction set.
type setReport struct {
	group   string // GS06
	st      Segment
	errors  []string // IK5 codes
	notes   []located
	claims  int
	refused int
}

// located is an issue with its place in the transaction set, for IK3/IK4.
type located struct {
	pos       int // segment position in the set, ST = 1
	seg       string
	loop      string
	elem      int // 0: the whole segment
	comp      int
	code      string // IK304 or IK403
	bad       string
	issue     refusal.Issue
	segmental bool
}

type setResult struct {
	report setReport
	claims []ClaimResult
}

func readSet(s *Set, g Group, d Delimiters, o *readOptions) setResult {
	rep := setReport{group: g.GS.Element(6), st: s.ST, errors: s.Errors}
	if s.ST.Element(1) != "837" || !strings.HasPrefix(g.GS.Element(8), "005010X222") {
		rep.errors = append(rep.errors, "1")
		return setResult{report: rep}
	}
	w := newWalker(s, d, o)
	w.walk()
	res := setResult{report: rep}
	for _, c := range w.claims {
		cr, notes := w.finish(c)
		res.claims = append(res.claims, cr)
		res.report.claims++
		if cr.Err != nil {
			res.report.refused++
			res.report.notes = append(res.report.notes, notes...)
		}
	}
	res.report.notes = append(res.report.notes, w.structural...)
	return res
}

// Ack999 writes the 999 acknowledging b: a transaction set whose envelope
// is broken, or whose every claim carechain refused, is rejected (IK5 R);
// one with some refused claims is accepted with errors (IK5 E). Each
// refused element is an IK3 (the segment, IK304 I4 when carechain uses no
// such segment, 8 otherwise) with its IK4 (the element, IK403 I10 when
// carechain uses no such element, I6 for a code it does not take, I12 for
// a value it would refuse).
func (b *Batch) Ack999(control int, at time.Time) ([]byte, error) {
	return writeAck(b, control, at)
}

// claimCtx gathers one claim while its segments are walked.
type claimCtx struct {
	claim    proclaim.Claim
	set      string
	issues   []located
	setAside []refusal.Issue
	where    map[string]located
	inherit  []*level
	line     *proclaim.Item
	clmPos   int
	pcn      string // CLM01
}

// located places the issues of a proclaim refusal in the set.
func (c *claimCtx) located(err error) []located {
	var out []located
	for _, is := range refusal.Issues(err) {
		l, ok := c.where[is.Path]
		if !ok {
			l = located{pos: c.clmPos, seg: "CLM", loop: "2300", code: "I4", segmental: true}
		}
		l.issue = is
		out = append(out, l)
	}
	return out
}

// level is an HL level (2000A, 2000B, 2000C) with what its segments said.
type level struct {
	code     string
	issues   []located
	setAside []refusal.Issue
	npi      proclaim.Field // 2010AA billing provider NPI
	payerID  proclaim.Field // 2010BB
	memberID proclaim.Field // 2010BA
	where    map[string]located
}

// finish maps a walked claim: its result, and where its refused elements are.
func (w *walker) finish(c *claimCtx) (ClaimResult, []located) {
	for _, lv := range c.inherit {
		c.issues = append(c.issues, lv.issues...)
		c.setAside = append(c.setAside, lv.setAside...)
		for k, v := range lv.where {
			c.where[k] = v
		}
	}
	w.resolveParties(c)
	in, err := proclaim.Input(&c.claim, w.o.claim...)
	var list refusal.List
	for _, l := range c.issues {
		list.Append(l.issue)
	}
	list.Append(refusal.Issues(err)...)
	cr := ClaimResult{ID: c.pcn, Set: c.set, SetAside: c.setAside}
	if cr.Err = list.Err(c.claim.Doc); cr.Err == nil {
		cr.Input = &in
	}
	return cr, append(append([]located(nil), c.issues...), c.located(err)...)
}

// resolveParties fills the claim's patient, payer and coverage from the
// subscriber and payer loops above it.
func (w *walker) resolveParties(c *claimCtx) {
	var payerID, memberID proclaim.Field
	for _, lv := range c.inherit {
		if lv.payerID.Set() {
			payerID = lv.payerID
		}
		if lv.memberID.Set() {
			memberID = lv.memberID
		}
		if lv.npi.Set() && !c.claim.RenderingNPI.Set() {
			c.claim.RenderingNPI = lv.npi
		}
	}
	if w.o.payers != nil && payerID.Set() {
		if msp, ok := w.o.payers(payerID.Value); ok {
			c.claim.Payer = proclaim.F(msp, payerID.At)
		} else {
			c.addAt(payerID, "I12", "payer id %q is no carechain member's", payerID.Value)
		}
	} else if payerID.Set() {
		c.addAt(payerID, "I12", "payer id %q: no payer directory to find its MSP id", payerID.Value)
	}
	if memberID.Set() {
		c.claim.Insurance = append([]proclaim.Insurance{{Sequence: 1, Focal: true, Coverage: memberID, At: memberID.At}}, c.claim.Insurance...)
		w.resolveMember(c, payerID, memberID)
	}
}

func (w *walker) resolveMember(c *claimCtx, payerID, memberID proclaim.Field) {
	if w.o.members == nil {
		c.addAt(memberID, "I12", "member id: no member directory to find the patient's carechain subject")
		return
	}
	subject, ok := w.o.members(payerID.Value, memberID.Value)
	if !ok {
		c.addAt(memberID, "I12", "member %q of payer %q is no carechain patient", memberID.Value, payerID.Value)
		return
	}
	c.claim.Patient = proclaim.F(subject, memberID.At)
}

func (c *claimCtx) addAt(f proclaim.Field, code, format string, args ...any) {
	l := c.where[f.At]
	l.code = code
	l.issue = refusal.Issue{Path: f.At, Reason: fmt.Sprintf(format, args...)}
	c.issues = append(c.issues, l)
}

// icd10 writes an X12 ICD-10-CM code (no decimal point) the way carechain
// and FHIR do: E119 → E11.9.
func icd10(code string) string {
	if len(code) > 3 && !strings.Contains(code, ".") {
		return code[:3] + "." + code[3:]
	}
	return code
}

func itoa(n int) string { return strconv.Itoa(n) }
