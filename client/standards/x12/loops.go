package x12

import (
	"strings"
	"time"

	"github.com/carechain/carechain/client/standards/proclaim"
)

// Why segments are set aside rather than kept.
const (
	asideTransport = "transport: the interchange's submitter and receiver, answered by the 999"
	asideProvider  = "the billing provider's own administrative data (name, address, tax id, taxonomy, contact): carechain knows the provider as the submitting org"
	asidePrivacy   = "carechain keeps a patient's pseudonym, never names, addresses, birth dates or SSNs"
	asidePayer     = "the payer's own administrative data: carechain knows the payer as an org"
	asideCoverage  = "coverage details the payer's carechain coverage holds (group, plan type)"
)

// nm1 opens the loop an NM1 segment's entity code names in the current context.
func (w *walker) nm1(seg Segment) {
	code := seg.Element(1)
	switch {
	case w.claim != nil:
		w.claimParty(seg, code)
	case w.loop == "header" || w.loop == "1000A" || w.loop == "1000B":
		w.loop = map[string]string{"41": "1000A", "40": "1000B"}[code]
		if w.loop == "" {
			w.loop = "1000"
			w.refuseSeg(seg, "unexpected entity %q in the header", code)
			return
		}
		w.aside(seg, asideTransport)
	default:
		w.levelParty(seg, code)
	}
}

// levelParty reads the NM1 loops of the 2000A, 2000B and 2000C levels.
func (w *walker) levelParty(seg Segment, code string) {
	lv := w.chain[len(w.chain)-1]
	switch lv.code + "/" + code {
	case "20/85":
		w.loop = "2010AA"
		lv.npi = w.npi(seg)
		w.aside(seg, asideProvider)
	case "20/87":
		w.loop = "2010AB"
		w.aside(seg, "the pay-to address is the provider org's business with the payer: carechain records payments, not where they are sent")
	case "22/IL":
		w.loop = "2010BA"
		w.want(seg, 8, 0, "carechain reads a member id (MI)", "MI")
		lv.memberID = w.field(seg, 9, 0)
		w.aside(seg, asidePrivacy)
	case "22/PR":
		w.loop = "2010BB"
		w.want(seg, 8, 0, "carechain reads a payer id (PI or XV)", "PI", "XV")
		lv.payerID = w.field(seg, 9, 0)
		w.aside(seg, asidePayer)
	case "23/QC":
		w.loop = "2010CA"
		w.aside(seg, asidePrivacy)
	default:
		w.loop = "2010"
		w.refuseSeg(seg, "carechain has no party %q at this level (2010AC pay-to plan and others)", code)
	}
}

// npi reads NM108 XX / NM109 as an NPI.
func (w *walker) npi(seg Segment) proclaim.Field {
	w.want(seg, 8, 0, "carechain identifies providers by NPI (XX)", "XX")
	return w.field(seg, 9, 0)
}

// claimParty reads the NM1 loops inside a claim: 2310B and 2420A
// rendering providers; every other party is refused.
func (w *walker) claimParty(seg Segment, code string) {
	switch {
	case w.loop == "2320" || strings.HasPrefix(w.loop, "2330"):
		w.otherParty(seg, code)
	case strings.HasPrefix(w.loop, "24") && code == "82":
		w.loop = "2420A"
		w.lineRendering(seg)
	case strings.HasPrefix(w.loop, "24"):
		w.loop = lineParties[code]
		if w.loop == "" {
			w.loop = "2420"
		}
		w.refuseSeg(seg, "carechain keeps no line party %q (purchased service, facility, supervising, ordering, referring, ambulance)", code)
	case code == "82":
		w.loop = "2310B"
		w.claim.claim.RenderingNPI = w.npi(seg)
		w.aside(seg, "the rendering provider's name: carechain keeps the NPI")
	default:
		w.loop = claimParties[code]
		if w.loop == "" {
			w.loop = "2310"
		}
		w.refuseSeg(seg, "carechain keeps no claim party %q (referring, service facility, supervising, ambulance)", code)
	}
}

// TR3 loops of the claim and line parties carechain refuses.
var (
	claimParties = map[string]string{"DN": "2310A", "P3": "2310A", "77": "2310C", "DQ": "2310D", "PW": "2310E", "45": "2310F"}
	lineParties  = map[string]string{"QB": "2420B", "77": "2420C", "DQ": "2420D", "DK": "2420E", "PW": "2420F", "45": "2420G", "DN": "2420H", "P3": "2420H"}
)

// lineRendering accepts a line's rendering provider only when it is the claim's.
func (w *walker) lineRendering(seg Segment) {
	npi := w.npi(seg)
	claimNPI := w.claim.claim.RenderingNPI
	if !claimNPI.Set() {
		for _, lv := range w.claim.inherit {
			if lv.npi.Set() {
				claimNPI = lv.npi
			}
		}
	}
	if npi.Value != claimNPI.Value {
		w.refuseElem(seg, 9, 0, "I12", "carechain keeps one rendering provider a claim (%s)", claimNPI.Value)
	}
	w.aside(seg, "the line rendering provider's name: carechain keeps the NPI")
}

// inLoop reads a segment within the current loop.
func (w *walker) inLoop(seg Segment) {
	switch w.loop {
	case "header":
		w.headerSegment(seg)
	case "1000A", "1000B":
		w.aside(seg, asideTransport)
	case "2000A", "2010AA", "2010AB":
		w.providerSegment(seg)
	case "2000B", "2010BA", "2010BB", "2000C", "2010CA":
		w.memberSegment(seg)
	case "2300", "2310B":
		w.claimDetail(seg)
	case "2400", "2420A":
		w.lineDetail(seg)
	case "2320":
		w.otherSubscriberDetail(seg)
	case "2330A":
		w.otherSubscriberParty(seg)
	case "2330B":
		w.aside(seg, asidePayer)
	case "2310", "2310A", "2310C", "2310D", "2310E", "2310F", "2330", "2420", "2420B", "2420C",
		"2420D", "2420E", "2420F", "2420G", "2420H", "2430", "2440", "2010", "2000", "1000":
		// inside a loop refused as a whole (its NM1, SBR, SVD or LQ)
	default:
		w.refuseSeg(seg, "carechain does not read %s here", seg.ID)
	}
}

func (w *walker) headerSegment(seg Segment) {
	if seg.ID != "BHT" {
		w.refuseSeg(seg, "unexpected segment in the header")
		return
	}
	w.want(seg, 1, 0, "carechain reads the information source, subscriber, dependent structure (0019)", "0019")
	w.want(seg, 2, 0, "carechain reads original transmissions (00) and reissues (18)", "00", "18")
	w.want(seg, 6, 0, "carechain adjudicates chargeable claims (CH), not encounters reported (RP)", "CH")
	w.only(seg, 1, 2, 3, 4, 5, 6)
	w.aside(seg, "BHT03-05: transport reference, date and time")
}

func (w *walker) providerSegment(seg Segment) {
	switch seg.ID {
	case "PRV", "N3", "N4", "REF", "PER":
		w.aside(seg, asideProvider)
	case "CUR":
		w.want(seg, 2, 0, "carechain bills in US dollars", "USD")
		w.only(seg, 1, 2)
	default:
		w.refuseSeg(seg, "carechain does not read %s for the billing provider", seg.ID)
	}
}

func (w *walker) memberSegment(seg Segment) {
	switch {
	case seg.ID == "SBR" && w.loop == "2000B":
		w.subscriber(seg)
	case seg.ID == "PAT":
		w.refuseSeg(seg, "carechain identifies the patient by the subscriber's member id: a dependent (2000C) or patient details carechain cannot resolve")
	case w.loop == "2010BB" && oneOf(seg.ID, "N3", "N4", "REF", "PER"):
		w.aside(seg, asidePayer)
	case oneOf(seg.ID, "N3", "N4", "DMG", "PER") || seg.ID == "REF" && seg.Element(1) == "SY":
		w.aside(seg, asidePrivacy)
	default:
		w.refuseSeg(seg, "carechain does not read %s for the subscriber or patient", seg.ID)
	}
}

func oneOf(v string, set ...string) bool { return containsString(set, v) }

// otherSubscriberParty reads the other subscriber's 2330A segments.
func (w *walker) otherSubscriberParty(seg Segment) {
	if oneOf(seg.ID, "N3", "N4") || seg.ID == "REF" && seg.Element(1) == "SY" {
		w.aside(seg, asidePrivacy)
		return
	}
	w.refuseSeg(seg, "carechain does not read %s for the other subscriber", seg.ID)
}

// subscriber reads 2000B SBR: carechain is the primary payer.
func (w *walker) subscriber(seg Segment) {
	w.want(seg, 1, 0, "carechain adjudicates claims as the primary payer (P)", "P")
	if rel := seg.Element(2); rel != "" {
		w.want(seg, 2, 0, "the subscriber is the patient (18)", "18")
	}
	w.only(seg, 1, 2, 3, 4, 9)
	if seg.Element(3) != "" || seg.Element(4) != "" || seg.Element(9) != "" {
		w.aside(seg, asideCoverage)
	}
}

// claimDetail reads the 2300 and 2310B segments after CLM.
func (w *walker) claimDetail(seg Segment) {
	switch {
	case seg.ID == "HI":
		w.diagnoses(seg)
	case seg.ID == "REF" && seg.Element(1) == "G1" && w.loop == "2300":
		w.claim.claim.PriorAuths = append(w.claim.claim.PriorAuths, w.field(seg, 2, 0))
		w.only(seg, 1, 2)
	case seg.ID == "REF" && seg.Element(1) == "D9" && w.loop == "2300":
		w.aside(seg, "the clearinghouse's trace number: transport")
	case w.loop == "2310B" && (seg.ID == "PRV" || seg.ID == "REF"):
		w.aside(seg, "the rendering provider's taxonomy and secondary ids: carechain keeps the NPI")
	default:
		w.refuseSeg(seg, "carechain keeps no %s on a claim", describe(seg))
	}
}

func describe(seg Segment) string {
	names := map[string]string{"DTP": "dates other than the lines' dates of service", "REF": "reference of this kind",
		"AMT": "amounts paid by the patient", "NTE": "notes", "PWK": "paperwork", "CN1": "contract", "K3": "file information",
		"CR1": "ambulance certification", "CR2": "spinal manipulation certification", "CRC": "conditions",
		"HCP": "repricing", "SV5": "durable medical equipment", "QTY": "quantities", "MEA": "measurements",
		"PS1": "purchased services", "LIN": "drug identification", "CTP": "drug quantity", "CR3": "DME certification",
		"CAS": "adjustments", "MOA": "outpatient adjudication", "OI": "other insurance"}
	if n, ok := names[seg.ID]; ok {
		return n + " (" + seg.ID + ")"
	}
	return seg.ID
}

// diagnoses reads HI: ABK/ABF are ICD-10-CM, BK/BF ICD-9-CM.
func (w *walker) diagnoses(seg Segment) {
	systems := map[string]string{"ABK": proclaim.ICD10CM, "ABF": proclaim.ICD10CM, "BK": proclaim.ICD9CM, "BF": proclaim.ICD9CM}
	for e := 1; e <= len(seg.Elements); e++ {
		if seg.Element(e) == "" {
			continue
		}
		sys, ok := systems[seg.Component(e, 1, w.d.Component)]
		if !ok {
			w.refuseElem(seg, e, 1, "I6", "carechain reads diagnosis codes (ABK, ABF), not %q", seg.Component(e, 1, w.d.Component))
			continue
		}
		f := w.field(seg, e, 2)
		if sys == proclaim.ICD10CM {
			f.Value = icd10(f.Value)
		}
		w.claim.claim.Diagnoses = append(w.claim.claim.Diagnoses, proclaim.Diagnosis{System: sys, Code: f})
		w.onlyComponents(seg, e, 1, 2)
	}
}

// lineDetail reads the 2400 segments.
func (w *walker) lineDetail(seg Segment) {
	line := w.claim.line
	switch {
	case seg.ID == "SV1" && w.loop == "2400":
		w.sv1(seg, line)
	case seg.ID == "DTP" && seg.Element(1) == "472" && w.loop == "2400":
		w.serviceDate(seg, line)
	case seg.ID == "REF" && seg.Element(1) == "G1" && w.loop == "2400":
		line.PriorAuth = w.field(seg, 2, 0)
		w.only(seg, 1, 2)
	case w.loop == "2420A" && (seg.ID == "PRV" || seg.ID == "REF"):
		w.aside(seg, "the line rendering provider's taxonomy and secondary ids: carechain keeps the NPI")
	default:
		w.refuseSeg(seg, "carechain keeps no %s on a line", describe(seg))
	}
}

// sv1 reads a professional service.
func (w *walker) sv1(seg Segment, line *proclaim.Item) {
	line.CodeSystem = map[string]string{"HC": hcpcsOrCPT(seg.Component(1, 2, w.d.Component))}[seg.Component(1, 1, w.d.Component)]
	if line.CodeSystem == "" {
		line.CodeSystem = seg.Component(1, 1, w.d.Component)
	}
	line.Code = w.field(seg, 1, 2)
	for c := 3; c <= 6; c++ {
		if m := w.field(seg, 1, c); m.Set() {
			line.Modifiers = append(line.Modifiers, m)
		}
	}
	w.onlyComponents(seg, 1, 1, 2, 3, 4, 5, 6)
	line.Net = w.field(seg, 2, 0)
	w.want(seg, 3, 0, "carechain bills units (UN)", "UN")
	line.Quantity = w.field(seg, 4, 0)
	line.PlaceOfService = w.field(seg, 5, 0)
	for c := 1; c <= 4; c++ {
		if p := w.field(seg, 7, c); p.Set() {
			line.DiagnosisPointers = append(line.DiagnosisPointers, p)
		}
	}
	w.only(seg, 1, 2, 3, 4, 5, 7)
}

// hcpcsOrCPT tells a CPT code (five digits, or four and F or T) from a
// HCPCS level II code; X12's HC qualifier covers both.
func hcpcsOrCPT(code string) string {
	if len(code) == 5 && code[0] >= '0' && code[0] <= '9' {
		return proclaim.CPT
	}
	return proclaim.HCPCS
}

// serviceDate reads DTP*472: D8 CCYYMMDD or RD8 CCYYMMDD-CCYYMMDD.
func (w *walker) serviceDate(seg Segment, line *proclaim.Item) {
	f := w.field(seg, 3, 0)
	switch seg.Element(2) {
	case "D8":
		line.Date = w.date(seg, f, f.Value)
	case "RD8":
		from, to, _ := strings.Cut(f.Value, "-")
		line.Date, line.DateEnd = w.date(seg, f, from), w.date(seg, f, to)
	default:
		w.refuseElem(seg, 2, 0, "I6", "carechain reads dates D8 and RD8")
	}
	w.only(seg, 1, 2, 3)
}

func (w *walker) date(seg Segment, f proclaim.Field, v string) proclaim.Field {
	t, err := time.Parse("20060102", v)
	if err != nil {
		w.refuseElem(seg, 3, 0, "8", "%q is not a date CCYYMMDD", v)
		return proclaim.Field{}
	}
	return proclaim.F(t.Format("2006-01-02"), f.At)
}
