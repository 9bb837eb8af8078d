package x12

import (
	"fmt"
	"strconv"
)

// Interchange is an ISA...IEA envelope and the functional groups in it.
type Interchange struct {
	Delimiters Delimiters
	ISA, IEA   Segment
	Groups     []Group
}

// Group is a GS...GE functional group.
type Group struct {
	GS, GE Segment
	Sets   []Set
}

// Set is an ST...SE transaction set: Body holds the segments between ST and
// SE; Errors what is wrong with its envelope (control numbers, counts).
type Set struct {
	ST, SE Segment
	Body   []Segment
	// Errors are IK5 codes of the set's envelope: 2 trailer missing, 3
	// control numbers differ, 4 segment count wrong.
	Errors []string
}

// ControlNumber is ISA13.
func (ic *Interchange) ControlNumber() string { return ic.ISA.Element(13) }

// EnvelopeError is an interchange whose ISA/GS/ST nesting is broken.
type EnvelopeError struct {
	Segment int // 1-based position in the interchange
	Msg     string
}

func (e *EnvelopeError) Error() string {
	return fmt.Sprintf("x12: segment %d: %s", e.Segment, e.Msg)
}

// ParseInterchange tokenizes data and checks its envelopes. A broken
// nesting (GS outside an ISA, a missing IEA or GE) is an *EnvelopeError; a
// transaction set whose trailer or counts are wrong is returned with its
// Errors set, for the acknowledgement to report.
func ParseInterchange(data []byte) (*Interchange, error) {
	segs, d, err := Tokenize(data)
	if err != nil {
		return nil, err
	}
	p := &envParser{segs: segs}
	ic, err := p.interchange()
	if err != nil {
		return nil, err
	}
	ic.Delimiters = d
	return ic, nil
}

type envParser struct {
	segs []Segment
	pos  int
}

func (p *envParser) next() (Segment, bool) {
	if p.pos >= len(p.segs) {
		return Segment{}, false
	}
	p.pos++
	return p.segs[p.pos-1], true
}

func (p *envParser) peek() string {
	if p.pos >= len(p.segs) {
		return ""
	}
	return p.segs[p.pos].ID
}

func (p *envParser) fail(format string, args ...any) error {
	return &EnvelopeError{Segment: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *envParser) interchange() (*Interchange, error) {
	isa, _ := p.next()
	ic := &Interchange{ISA: isa}
	for p.peek() == "GS" {
		g, err := p.group()
		if err != nil {
			return nil, err
		}
		ic.Groups = append(ic.Groups, g)
	}
	iea, ok := p.next()
	if !ok || iea.ID != "IEA" {
		return nil, p.fail("expected GS or IEA, found %q", iea.ID)
	}
	ic.IEA = iea
	if iea.Element(2) != isa.Element(13) {
		return nil, p.fail("IEA02 %q differs from ISA13 %q", iea.Element(2), isa.Element(13))
	}
	if n, err := strconv.Atoi(iea.Element(1)); err != nil || n != len(ic.Groups) {
		return nil, p.fail("IEA01 %q: the interchange holds %d groups", iea.Element(1), len(ic.Groups))
	}
	if p.pos != len(p.segs) {
		return nil, p.fail("segments after IEA")
	}
	return ic, nil
}

func (p *envParser) group() (Group, error) {
	gs, _ := p.next()
	g := Group{GS: gs}
	for p.peek() == "ST" {
		g.Sets = append(g.Sets, p.set())
	}
	ge, ok := p.next()
	if !ok || ge.ID != "GE" {
		return g, p.fail("expected ST or GE, found %q", ge.ID)
	}
	g.GE = ge
	if ge.Element(2) != gs.Element(6) {
		return g, p.fail("GE02 %q differs from GS06 %q", ge.Element(2), gs.Element(6))
	}
	if n, err := strconv.Atoi(ge.Element(1)); err != nil || n != len(g.Sets) {
		return g, p.fail("GE01 %q: the group holds %d transaction sets", ge.Element(1), len(g.Sets))
	}
	return g, nil
}

// set reads ST ... SE; a set without SE ends before the next ST, GE or IEA.
func (p *envParser) set() Set {
	st, _ := p.next()
	s := Set{ST: st}
	for {
		switch p.peek() {
		case "SE":
			s.SE, _ = p.next()
			s.checkTrailer()
			return s
		case "ST", "GE", "IEA", "GS", "":
			s.Errors = append(s.Errors, "2")
			return s
		}
		seg, _ := p.next()
		s.Body = append(s.Body, seg)
	}
}

func (s *Set) checkTrailer() {
	if s.SE.Element(2) != s.ST.Element(2) {
		s.Errors = append(s.Errors, "3")
	}
	if n, err := strconv.Atoi(s.SE.Element(1)); err != nil || n != len(s.Body)+2 {
		s.Errors = append(s.Errors, "4")
	}
}

// Segments returns the set's segments from ST to SE.
func (s *Set) Segments() []Segment {
	out := append([]Segment{s.ST}, s.Body...)
	if s.SE.ID != "" {
		out = append(out, s.SE)
	}
	return out
}
