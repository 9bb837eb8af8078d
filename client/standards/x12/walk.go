package x12

import (
	"fmt"
	"strings"

	"github.com/carechain/carechain/client/standards/proclaim"
	"github.com/carechain/carechain/client/standards/refusal"
)

// walker reads one 837P transaction set's body segment by segment,
// keeping which loop it is in (2000A, 2010BA, 2300, 2400, ...).
type walker struct {
	set        *Set
	d          Delimiters
	o          *readOptions
	i          int // index in set.Body: segment position i+2 (ST is 1)
	loop       string
	header     *level
	levels     map[string][]*level // HL01 → ancestry, top first
	chain      []*level
	claim      *claimCtx
	claims     []*claimCtx
	structural []located
}

func newWalker(s *Set, d Delimiters, o *readOptions) *walker {
	h := &level{code: "header", where: map[string]located{}}
	return &walker{set: s, d: d, o: o, loop: "header", header: h, chain: []*level{h}, levels: map[string][]*level{}}
}

func (w *walker) walk() {
	for w.i = 0; w.i < len(w.set.Body); w.i++ {
		w.step(w.set.Body[w.i])
	}
}

func (w *walker) step(seg Segment) {
	switch {
	case seg.ID == "HL":
		w.hl(seg)
	case seg.ID == "CLM":
		w.clm(seg)
	case seg.ID == "NM1":
		w.nm1(seg)
	case w.claim != nil && w.claimSegment(seg):
	default:
		w.inLoop(seg)
	}
}

// claimSegment handles the segments that open a loop inside a claim.
func (w *walker) claimSegment(seg Segment) bool {
	switch seg.ID {
	case "LX":
		w.lx(seg)
	case "SBR":
		w.otherSubscriber(seg)
	case "SVD":
		w.loop = "2430"
		w.refuseSeg(seg, "carechain takes no other payer's line adjudication (coordination of benefits)")
	case "LQ":
		w.loop = "2440"
		w.refuseSeg(seg, "carechain keeps no forms (2440)")
	default:
		return false
	}
	return true
}

// pos is the current segment's position in the set (ST = 1).
func (w *walker) pos() int { return w.i + 2 }

func (w *walker) label() string {
	if w.claim != nil && strings.HasPrefix(w.loop, "24") && w.claim.line != nil {
		return fmt.Sprintf("%s[%d]", w.loop, len(w.claim.claim.Items))
	}
	if w.claim != nil && (w.loop == "2320" || strings.HasPrefix(w.loop, "2330")) {
		return fmt.Sprintf("%s[%d]", w.loop, len(w.claim.claim.Insurance))
	}
	return w.loop
}

// elemAt names element e (component c, 0 for the whole element) of seg.
func (w *walker) elemAt(seg Segment, e, c int) string {
	at := fmt.Sprintf("%s %s%02d", w.label(), seg.ID, e)
	if c > 0 {
		at += fmt.Sprintf("-%d", c)
	}
	return at
}

// segAt names a segment: 2300 DTP*431, 2310A NM1*DN.
func (w *walker) segAt(seg Segment) string {
	at := w.label() + " " + seg.ID
	if q := seg.Element(1); q != "" && qualified[seg.ID] {
		at += "*" + q
	}
	return at
}

// qualified segments are named with their qualifier (NM1*82, DTP*431).
var qualified = map[string]bool{"NM1": true, "REF": true, "DTP": true, "AMT": true, "PER": true, "PRV": true, "QTY": true, "MEA": true}

func (w *walker) where() map[string]located {
	if w.claim != nil {
		return w.claim.where
	}
	return w.chain[len(w.chain)-1].where
}

// field reads element e (component c) of seg as a mapped value.
func (w *walker) field(seg Segment, e, c int) proclaim.Field {
	v := seg.Element(e)
	if c > 0 {
		v = seg.Component(e, c, w.d.Component)
	}
	if v == "" {
		return proclaim.Field{}
	}
	at := w.elemAt(seg, e, c)
	w.where()[at] = located{pos: w.pos(), seg: seg.ID, loop: w.loop, elem: e, comp: c, code: "I12", bad: v}
	return proclaim.F(v, at)
}

func (w *walker) add(l located) {
	if w.claim != nil {
		w.claim.issues = append(w.claim.issues, l)
		return
	}
	lv := w.chain[len(w.chain)-1]
	lv.issues = append(lv.issues, l)
}

// refuseSeg refuses a whole segment carechain does not use.
func (w *walker) refuseSeg(seg Segment, format string, args ...any) {
	w.add(located{pos: w.pos(), seg: seg.ID, loop: w.loop, code: "I4", segmental: true,
		issue: refusal.Issue{Path: w.segAt(seg), Reason: fmt.Sprintf(format, args...)}})
}

// refuseElem refuses element e (component c) of seg with IK403 code.
func (w *walker) refuseElem(seg Segment, e, c int, code, format string, args ...any) {
	bad := seg.Element(e)
	if c > 0 {
		bad = seg.Component(e, c, w.d.Component)
	}
	w.add(located{pos: w.pos(), seg: seg.ID, loop: w.loop, elem: e, comp: c, code: code, bad: bad,
		issue: refusal.Issue{Path: w.elemAt(seg, e, c), Reason: fmt.Sprintf(format, args...)}})
}

// aside records a segment read and deliberately not kept.
func (w *walker) aside(seg Segment, why string) {
	is := refusal.Issue{Path: w.segAt(seg), Reason: why}
	if w.claim != nil {
		w.claim.setAside = append(w.claim.setAside, is)
		return
	}
	lv := w.chain[len(w.chain)-1]
	lv.setAside = append(lv.setAside, is)
}

// only refuses every non-empty element of seg outside used (1-based).
func (w *walker) only(seg Segment, used ...int) {
	for e := 1; e <= len(seg.Elements); e++ {
		if seg.Element(e) != "" && !containsInt(used, e) {
			w.refuseElem(seg, e, 0, "I10", "carechain does not use %s%02d", seg.ID, e)
		}
	}
}

// onlyComponents refuses every non-empty component of element e outside used.
func (w *walker) onlyComponents(seg Segment, e int, used ...int) {
	parts := strings.Split(seg.Element(e), string(w.d.Component))
	for c := 1; c <= len(parts); c++ {
		if parts[c-1] != "" && !containsInt(used, c) {
			w.refuseElem(seg, e, c, "I10", "carechain does not use %s%02d-%d", seg.ID, e, c)
		}
	}
}

// want refuses element e (component c) unless it is one of the codes.
func (w *walker) want(seg Segment, e, c int, why string, codes ...string) {
	v := seg.Element(e)
	if c > 0 {
		v = seg.Component(e, c, w.d.Component)
	}
	for _, code := range codes {
		if v == code {
			return
		}
	}
	w.refuseElem(seg, e, c, "I6", "%q: %s", v, why)
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// hl opens a hierarchical level: 20 billing provider, 22 subscriber, 23 patient.
func (w *walker) hl(seg Segment) {
	w.claim = nil
	loops := map[string]string{"20": "2000A", "22": "2000B", "23": "2000C"}
	w.loop = loops[seg.Element(3)]
	parent := []*level{w.header}
	if p := seg.Element(2); p != "" {
		if chain, ok := w.levels[p]; ok {
			parent = chain
		} else {
			w.structural = append(w.structural, located{pos: w.pos(), seg: "HL", loop: "2000", elem: 2, code: "7", bad: p,
				issue: refusal.Issue{Path: "HL02", Reason: "no parent HL " + p}})
		}
	}
	lv := &level{code: seg.Element(3), where: map[string]located{}}
	w.chain = append(append([]*level(nil), parent...), lv)
	w.levels[seg.Element(1)] = w.chain
	if w.loop == "" {
		w.loop = "2000"
		w.refuseElem(seg, 3, 0, "I6", "carechain reads billing provider (20), subscriber (22) and patient (23) levels")
	}
	w.only(seg, 1, 2, 3, 4)
}

// clm opens a claim (2300).
func (w *walker) clm(seg Segment) {
	w.loop = "2300"
	c := &claimCtx{set: w.set.ST.Element(2), where: map[string]located{}, inherit: w.chain, clmPos: w.pos()}
	w.claim = c
	w.claims = append(w.claims, c)
	c.claim.ID = w.field(seg, 1, 0)
	c.pcn, c.claim.Doc = c.claim.ID.Value, "837 claim "+c.claim.ID.Value
	if derive := w.o.claimIDs; derive != nil && c.pcn != "" {
		at := c.claim.ID.At
		c.claim.Identifiers = []proclaim.Identifier{{System: proclaim.F(SystemPCN, at), Value: c.claim.ID, At: at}}
		c.claim.ID = proclaim.F(derive(c.pcn), at)
	}
	c.claim.Where = map[string]string{proclaim.ClaimID: "2300 CLM01", proclaim.Patient: "2010BA NM109",
		proclaim.Payer: "2010BB NM109", proclaim.Coverage: "2010BA NM109", proclaim.RenderingNPI: "2010AA NM109",
		proclaim.PlaceOfService: "2300 CLM05-1", proclaim.Diagnoses: "2300 HI", proclaim.Items: "2400 SV1"}
	c.claim.Total = w.field(seg, 2, 0)
	c.claim.PlaceOfService = w.field(seg, 5, 1)
	w.want(seg, 5, 2, "carechain reads place-of-service codes (B)", "B")
	w.want(seg, 5, 3, "carechain submits original claims (1): replacements and voids go through Replace and Void", "1")
	w.want(seg, 6, 0, "the provider signs every carechain transaction (Y)", "Y")
	w.want(seg, 7, 0, "carechain pays the provider: assignment must be accepted (A)", "A")
	w.want(seg, 8, 0, "carechain pays the provider: benefits must be assigned (Y)", "Y")
	w.want(seg, 9, 0, "carechain discloses for payment under consent and HIPAA (I or Y)", "I", "Y")
	w.onlyComponents(seg, 5, 1, 2, 3)
	w.only(seg, 1, 2, 5, 6, 7, 8, 9)
}

// lx opens a service line (2400).
func (w *walker) lx(seg Segment) {
	w.loop = "2400"
	c := w.claim
	c.claim.Items = append(c.claim.Items, proclaim.Item{})
	c.line = &c.claim.Items[len(c.claim.Items)-1]
	c.line.At = w.label()
	c.line.Sequence = w.field(seg, 1, 0)
	w.only(seg, 1)
}

// otherSubscriber opens a 2320 other subscriber loop: another coverage,
// the secondary (S) for coordination of benefits; proclaim keeps one
// secondary and refuses the rest.
func (w *walker) otherSubscriber(seg Segment) {
	w.loop = "2320"
	c := w.claim
	seq := map[string]int{"P": 1, "S": 2, "T": 3}[seg.Element(1)]
	if seq == 0 {
		seq = 4
	}
	c.claim.Insurance = append(c.claim.Insurance, proclaim.Insurance{Sequence: seq})
	ins := &c.claim.Insurance[len(c.claim.Insurance)-1]
	ins.At = w.segAt(seg)
	c.where[ins.At] = located{pos: w.pos(), seg: "SBR", loop: "2320", code: "I4", segmental: true}
	w.want(seg, 1, 0, "carechain's coordination of benefits takes the secondary payer (S) after itself as primary", "S", "T")
	w.want(seg, 2, 0, "carechain's secondary coverage is the patient's own (18)", "18")
	w.only(seg, 1, 2, 3, 4, 5, 9)
	w.aside(seg, asideCoverage)
}

// otherSubscriberDetail reads the 2320 segments after SBR.
func (w *walker) otherSubscriberDetail(seg Segment) {
	switch seg.ID {
	case "OI":
		w.want(seg, 3, 0, "carechain pays the provider: benefits must be assigned (Y)", "Y")
		w.want(seg, 6, 0, "carechain discloses for payment under consent and HIPAA (I or Y)", "I", "Y")
		w.only(seg, 3, 4, 6)
	case "DMG":
		w.aside(seg, asidePrivacy)
	default:
		w.refuseSeg(seg, "carechain takes no other payer's adjudication or details (%s): a crossover carries the primary's to the secondary", seg.ID)
	}
}

// otherParty reads 2330A (the other subscriber) and 2330B (the other payer).
func (w *walker) otherParty(seg Segment, code string) {
	c := w.claim
	ins := &c.claim.Insurance[len(c.claim.Insurance)-1]
	switch code {
	case "IL":
		w.loop = "2330A"
		w.want(seg, 8, 0, "carechain reads a member id (MI)", "MI")
		ins.Coverage = w.field(seg, 9, 0)
		w.aside(seg, asidePrivacy)
	case "PR":
		w.loop = "2330B"
		w.want(seg, 8, 0, "carechain reads a payer id (PI or XV)", "PI", "XV")
		id := w.field(seg, 9, 0)
		ins.Payer = w.resolvePayer(id)
		w.aside(seg, asidePayer)
	default:
		w.loop = "2330"
		w.refuseSeg(seg, "carechain keeps no other payer's party %q", code)
	}
}

// resolvePayer maps a payer id to its MSP id through WithPayers.
func (w *walker) resolvePayer(id proclaim.Field) proclaim.Field {
	if !id.Set() {
		return id
	}
	if w.o.payers != nil {
		if msp, ok := w.o.payers(id.Value); ok {
			return proclaim.F(msp, id.At)
		}
	}
	w.refuseElem(w.set.Body[w.i], 9, 0, "I12", "payer id %q is no carechain member's", id.Value)
	return proclaim.Field{}
}
