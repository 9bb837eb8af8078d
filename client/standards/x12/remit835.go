package x12

import (
	"errors"
	"fmt"
	"strings"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/standards/proclaim"
)

// Party is a payer or a payee as an 835 names them. carechain keeps orgs by MSP id;
// the identities an 835 requires come from the writer's configuration.
type Party struct {
	Name string
	// ID is the payer's TIN (TRN03 is "1" and it) or the payee's NPI.
	ID      string
	Address string
	City    string
	State   string
	Zip     string
	// Contact is the payer's technical contact (PER*BL), a telephone number.
	Contact string
}

// Remit835 is what Write835 needs besides the remittance.
type Remit835 struct {
	Control  int
	At       time.Time
	Sender   string // ISA06
	Receiver string // ISA08
	Payer    Party
	Payee    Party
	// Method is BPR04: CHK (default), ACH, BOP, FWT or NON.
	Method string
	// Patient is the claim's patient subject (NM1*QC NM109): carechain
	// keeps no patient name, so NM103 stays empty.
	Patient string
	// PatientControl is the 837P's CLM01 when the claim's carechain id was
	// made from it (WithClaimIDs): CLP01 echoes it. Empty: the claim id.
	PatientControl string
}

// ErrUnbalanced is a remittance whose adjustments do not explain its
// payment: an 835 must balance, so none is written.
var ErrUnbalanced = errors.New("x12: remittance does not balance")

// Write835 writes the 005010X221A1 remittance advice of one paid claim:
// BPR/TRN of its latest payment, CLP with the claim's charge, payment and
// patient responsibility, and per line SVC, DTM*472, CAS by group with the
// CARCs and AMT*B6 (allowed). It refuses to write a remittance that does
// not balance (charge − adjustments = paid, per line and per claim). There
// is no PLB: carechain makes no provider-level adjustments.
func Write835(r *cl.Remittance, o Remit835) ([]byte, error) {
	pay, err := latestPayment(r)
	if err != nil {
		return nil, err
	}
	if err := balanced(r); err != nil {
		return nil, err
	}
	if o.Method == "" {
		o.Method = "CHK"
	}
	body := remitHeader(r, pay, o)
	body = append(body, remitClaim(r, o.PatientControl, o.Patient)...)
	return envelope835(body, o)
}

func latestPayment(r *cl.Remittance) (cl.Payment, error) {
	for i := len(r.Payments) - 1; i >= 0; i-- {
		if r.Payments[i].Reversed == "" {
			return r.Payments[i], nil
		}
	}
	return cl.Payment{}, fmt.Errorf("x12: claim %s has no payment to remit", r.Claim)
}

func balanced(r *cl.Remittance) error {
	var adjusted int64
	for _, l := range r.Lines {
		var sum int64
		for _, a := range l.Adjustments {
			sum += a.Amount
		}
		if l.SubmittedCents-sum != l.PaidCents {
			return fmt.Errorf("%w: line %d charges %s, adjusts %s, pays %s", ErrUnbalanced, l.Sequence,
				proclaim.Dollars(l.SubmittedCents), proclaim.Dollars(sum), proclaim.Dollars(l.PaidCents))
		}
		adjusted += sum
	}
	if r.ChargedCents-adjusted != r.PaidCents {
		return fmt.Errorf("%w: claim charges %s, adjusts %s, pays %s", ErrUnbalanced,
			proclaim.Dollars(r.ChargedCents), proclaim.Dollars(adjusted), proclaim.Dollars(r.PaidCents))
	}
	return nil
}

func remitHeader(r *cl.Remittance, pay cl.Payment, o Remit835) []Segment {
	date := strings.ReplaceAll(pay.Date, "-", "")
	if len(date) > 8 {
		date = date[:8]
	}
	return []Segment{
		Seg("BPR", "I", proclaim.Dollars(r.PaidCents), "C", o.Method, "", "", "", "", "", "", "", "", "", "", "", date),
		Seg("TRN", "1", pay.Trace, "1"+o.Payer.ID),
		Seg("DTM", "405", date),
		Seg("N1", "PR", o.Payer.Name),
		Seg("N3", o.Payer.Address),
		Seg("N4", o.Payer.City, o.Payer.State, o.Payer.Zip),
		Seg("PER", "BL", "", "TE", o.Payer.Contact),
		Seg("N1", "PE", o.Payee.Name, "XX", o.Payee.ID),
	}
}

// claimStatus is CLP02: 1 processed as primary, 2 as secondary (a
// crossover, which names the primary's adjudication), 4 denied.
func claimStatus(r *cl.Remittance) string {
	switch {
	case r.Outcome == cl.OutcomeDenied:
		return "4"
	case r.Prior != nil:
		return "2"
	}
	return "1"
}

func remitClaim(r *cl.Remittance, pcn, patient string) []Segment {
	segs := []Segment{
		Seg("LX", "1"),
		Seg("CLP", firstOf(pcn, r.Claim), claimStatus(r), proclaim.Dollars(r.ChargedCents), proclaim.Dollars(r.PaidCents),
			proclaim.Dollars(r.PatientCents), "ZZ", r.Claim),
		// carechain keeps no patient name: the patient is named by subject only.
		Seg("NM1", "QC", "1", "", "", "", "", "", "MI", patient),
	}
	for _, l := range r.Lines {
		segs = append(segs, remitLine(l)...)
	}
	return segs
}

func remitLine(l cl.RemittanceLine) []Segment {
	code := strings.Join(append([]string{"HC", l.Code}, l.Modifiers...), ":")
	segs := []Segment{Seg("SVC", code, proclaim.Dollars(l.SubmittedCents), proclaim.Dollars(l.PaidCents))}
	for _, group := range groupsOf(l.Adjustments) {
		segs = append(segs, casSegments(group, l.Adjustments)...)
	}
	return append(segs, Seg("REF", "6R", fmt.Sprint(l.Sequence)), Seg("AMT", "B6", proclaim.Dollars(l.AllowedCents)))
}

// casSegments writes a group's adjustments, at most six reasons a CAS.
func casSegments(group string, as []cl.Reason) []Segment {
	var segs []Segment
	cas := Seg("CAS", group)
	for _, a := range as {
		if a.Group != group {
			continue
		}
		if len(cas.Elements) == 1+3*6 {
			segs = append(segs, trimCAS(cas))
			cas = Seg("CAS", group)
		}
		cas.Elements = append(cas.Elements, a.Code, proclaim.Dollars(a.Amount), "")
	}
	return append(segs, trimCAS(cas))
}

// trimCAS drops the last, empty quantity.
func trimCAS(s Segment) Segment {
	s.Elements = s.Elements[:len(s.Elements)-1]
	return s
}

// groupsOf lists the adjustment groups in first-use order.
func groupsOf(as []cl.Reason) []string {
	var out []string
	for _, a := range as {
		if !containsString(out, a.Group) {
			out = append(out, a.Group)
		}
	}
	return out
}

func containsString(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func envelope835(body []Segment, o Remit835) ([]byte, error) {
	ctl := fmt.Sprintf("%09d", o.Control)
	at := o.At.UTC()
	st := append([]Segment{Seg("ST", "835", "0001", Version835)}, body...)
	st = append(st, Seg("SE", fmt.Sprint(len(st)+1), "0001"))
	segs := []Segment{
		Seg("ISA", "00", pad("", 10), "00", pad("", 10), "ZZ", pad(o.Sender, 15), "ZZ", pad(o.Receiver, 15),
			at.Format("060102"), at.Format("1504"), "^", "00501", ctl, "0", "P", ":"),
		Seg("GS", "HP", o.Sender, o.Receiver, at.Format("20060102"), at.Format("1504"), fmt.Sprint(o.Control), "X", Version835),
	}
	segs = append(segs, st...)
	segs = append(segs, Seg("GE", "1", fmt.Sprint(o.Control)), Seg("IEA", "1", ctl))
	return Encode(segs, DefaultDelimiters)
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
