package x12

import (
	"fmt"
	"strings"

	"github.com/carechain/carechain/client/standards/proclaim"
)

// Remittance835 is an 835's payment and claims, amounts in cents.
type Remittance835 struct {
	Paid   int64  // BPR02
	Method string // BPR04
	Trace  string // TRN02
	Date   string // BPR16, CCYYMMDD
	Payer  string // N1*PR name
	Payee  string // N1*PE id
	Claims []ClaimPayment
}

// ClaimPayment is one CLP loop.
type ClaimPayment struct {
	ID      string
	Status  string
	Charged int64
	Paid    int64
	Patient int64
	Lines   []ServicePayment
}

// ServicePayment is one SVC loop.
type ServicePayment struct {
	Code        string
	Modifiers   []string
	Charged     int64
	Paid        int64
	Allowed     int64
	Adjustments []Adjustment
}

// Adjustment is one CAS reason.
type Adjustment struct {
	Group  string
	Reason string
	Amount int64
}

// Parse835 reads the first transaction set of an 835 interchange and
// checks that it balances: per line and per claim the charge less the
// adjustments is the payment, and BPR02 is the sum of the claims' payments.
func Parse835(data []byte) (*Remittance835, error) {
	ic, err := ParseInterchange(data)
	if err != nil {
		return nil, err
	}
	if len(ic.Groups) == 0 || len(ic.Groups[0].Sets) == 0 {
		return nil, fmt.Errorf("x12: no transaction set")
	}
	set := ic.Groups[0].Sets[0]
	if set.ST.Element(1) != "835" || len(set.Errors) > 0 {
		return nil, fmt.Errorf("x12: not a well-formed 835 (ST01 %q, errors %v)", set.ST.Element(1), set.Errors)
	}
	p := remitParser{r: &Remittance835{}, comp: ic.Delimiters.Component}
	for _, seg := range set.Body {
		if err := p.segment(seg); err != nil {
			return nil, err
		}
	}
	return p.r, p.r.balance()
}

type remitParser struct {
	r    *Remittance835
	comp byte
}

func (p *remitParser) claim() *ClaimPayment { return &p.r.Claims[len(p.r.Claims)-1] }

func (p *remitParser) line() (*ServicePayment, error) {
	if len(p.r.Claims) == 0 || len(p.claim().Lines) == 0 {
		return nil, fmt.Errorf("x12: CAS or AMT outside a service line")
	}
	c := p.claim()
	return &c.Lines[len(c.Lines)-1], nil
}

func (p *remitParser) segment(seg Segment) error {
	var err error
	switch seg.ID {
	case "BPR":
		p.r.Method, p.r.Date = seg.Element(4), seg.Element(16)
		p.r.Paid, err = proclaim.Cents(seg.Element(2))
	case "TRN":
		p.r.Trace = seg.Element(2)
	case "N1":
		p.party(seg)
	case "CLP":
		err = p.clp(seg)
	case "SVC":
		err = p.svc(seg)
	case "CAS":
		err = p.cas(seg)
	case "AMT":
		err = p.amt(seg)
	case "PLB":
		err = fmt.Errorf("x12: carechain reads no provider-level adjustments (PLB)")
	}
	return err
}

func (p *remitParser) party(seg Segment) {
	switch seg.Element(1) {
	case "PR":
		p.r.Payer = seg.Element(2)
	case "PE":
		p.r.Payee = seg.Element(4)
	}
}

func (p *remitParser) clp(seg Segment) error {
	c := ClaimPayment{ID: seg.Element(1), Status: seg.Element(2)}
	var err error
	if c.Charged, err = proclaim.Cents(seg.Element(3)); err != nil {
		return err
	}
	if c.Paid, err = proclaim.Cents(seg.Element(4)); err != nil {
		return err
	}
	if seg.Element(5) != "" {
		if c.Patient, err = proclaim.Cents(seg.Element(5)); err != nil {
			return err
		}
	}
	p.r.Claims = append(p.r.Claims, c)
	return nil
}

func (p *remitParser) svc(seg Segment) error {
	if len(p.r.Claims) == 0 {
		return fmt.Errorf("x12: SVC before CLP")
	}
	parts := strings.Split(seg.Element(1), string(p.comp))
	l := ServicePayment{}
	if len(parts) > 1 {
		l.Code, l.Modifiers = parts[1], parts[2:]
	}
	var err error
	if l.Charged, err = proclaim.Cents(seg.Element(2)); err != nil {
		return err
	}
	if l.Paid, err = proclaim.Cents(seg.Element(3)); err != nil {
		return err
	}
	c := p.claim()
	c.Lines = append(c.Lines, l)
	return nil
}

func (p *remitParser) cas(seg Segment) error {
	l, err := p.line()
	if err != nil {
		return err
	}
	for e := 2; e+1 <= len(seg.Elements); e += 3 {
		amount, err := proclaim.Cents(seg.Element(e + 1))
		if err != nil {
			return err
		}
		l.Adjustments = append(l.Adjustments, Adjustment{Group: seg.Element(1), Reason: seg.Element(e), Amount: amount})
	}
	return nil
}

func (p *remitParser) amt(seg Segment) error {
	if seg.Element(1) != "B6" {
		return nil
	}
	l, err := p.line()
	if err != nil {
		return err
	}
	l.Allowed, err = proclaim.Cents(seg.Element(2))
	return err
}

func (r *Remittance835) balance() error {
	var paid int64
	for _, c := range r.Claims {
		var adjusted, linePaid int64
		for _, l := range c.Lines {
			var sum int64
			for _, a := range l.Adjustments {
				sum += a.Amount
			}
			if l.Charged-sum != l.Paid {
				return fmt.Errorf("%w: claim %s line %s", ErrUnbalanced, c.ID, l.Code)
			}
			adjusted += sum
			linePaid += l.Paid
		}
		if len(c.Lines) > 0 && (c.Charged-adjusted != c.Paid || linePaid != c.Paid) {
			return fmt.Errorf("%w: claim %s", ErrUnbalanced, c.ID)
		}
		paid += c.Paid
	}
	if paid != r.Paid {
		return fmt.Errorf("%w: BPR02 %s, claims pay %s", ErrUnbalanced, proclaim.Dollars(r.Paid), proclaim.Dollars(paid))
	}
	return nil
}
