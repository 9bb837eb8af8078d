package proclaim

import (
	"strconv"
	"strings"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
)

// What carechain's claim input cannot hold today, refused here and nowhere
// else: each lifts with a change of the claims chaincode's model and of
// this file only.

// coverage maps the insurance entries, in the document's order, to
// carechain's primary coverage (the focal entry, or the only one) and its
// secondary (the next entry), for coordination of benefits by crossover.
// An entry before the focal one is refused (a claim to a secondary payer
// is made by Crossover, after the primary adjudicated), and so is every
// entry after the secondary (carechain coordinates two coverages).
func (m *mapper) coverage() (string, *cl.CoverageRef) {
	ins := m.c.Insurance
	if len(ins) == 0 {
		m.issues.Add(m.missing(Coverage), "carechain needs the coverage the claim is billed to")
		return "", nil
	}
	focal := 0
	for i, in := range ins {
		if in.Focal {
			focal = i
			break
		}
	}
	for _, in := range ins[:focal] {
		m.issues.Add(in.At, "carechain bills the primary coverage first: a secondary's claim (sequence %d before the focal one) is made by Crossover", in.Sequence)
	}
	primary := m.identifier(ins[focal].Coverage, Coverage)
	if p := ins[focal].Payer; p.Set() && p.Value != m.c.Payer.Value {
		m.refuse(p, "the claim's coverage is its payer's (%s)", m.c.Payer.Value)
	}
	rest := ins[focal+1:]
	if len(rest) == 0 {
		return primary, nil
	}
	for _, in := range rest[1:] {
		m.issues.Add(in.At, "carechain coordinates two coverages, a primary and a secondary: not a coverage of sequence %d", in.Sequence)
	}
	return primary, m.secondary(rest[0])
}

func (m *mapper) secondary(in Insurance) *cl.CoverageRef {
	ref := &cl.CoverageRef{Coverage: m.identifier(in.Coverage, "the secondary coverage"), Payer: in.Payer.Value}
	switch {
	case !in.Payer.Set():
		m.issues.Add(in.At, "carechain needs the secondary coverage's payer")
	case in.Payer.Value == m.c.Payer.Value:
		m.refuse(in.Payer, "the secondary coverage is another payer's")
	default:
		m.identifier(in.Payer, "the secondary payer's MSP id")
	}
	return ref
}

// claimLimits refuses what carechain keeps per line only.
func (m *mapper) claimLimits() {
	for _, f := range m.c.PriorAuths {
		m.refuse(f, "carechain keeps prior authorizations per line, not for the whole claim")
	}
}

// lineLimits refuses what a carechain line cannot hold. Diagnosis
// pointers that name every diagnosis of the claim in the claim's order
// say what carechain's model says of every line (each diagnosis applies,
// the principal first), so they are taken; any other pointers would lose
// which diagnosis justifies the line, and are refused.
func (m *mapper) lineLimits(it *Item) {
	if !m.pointsAtAll(it.DiagnosisPointers) {
		for _, p := range it.DiagnosisPointers {
			m.refuse(p, "carechain keeps no diagnosis pointers per line: the claim's %d diagnoses apply to every line, in the claim's order (pointers 1 to %d would say so)",
				len(m.c.Diagnoses), len(m.c.Diagnoses))
		}
	}
	if pos := it.PlaceOfService; pos.Set() && pos.Value != m.c.PlaceOfService.Value {
		m.refuse(pos, "carechain keeps one place of service per claim (%s)", m.c.PlaceOfService.Value)
	}
}

// pointsAtAll reports whether pointers (1-based) name every diagnosis of
// the claim once, in the claim's order: 1, 2, ..., n. No pointers at all
// say the same.
func (m *mapper) pointsAtAll(pointers []Field) bool {
	if len(pointers) == 0 {
		return true
	}
	if len(pointers) != len(m.c.Diagnoses) {
		return false
	}
	for i, p := range pointers {
		if strings.TrimSpace(p.Value) != strconv.Itoa(i+1) {
			return false
		}
	}
	return true
}
