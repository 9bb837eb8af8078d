package proclaim

import (
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

// claimLimits maps a prior authorization for the whole claim (837P 2300
// REF*G1, FHIR insurance.preAuthRef) to every line that has none of its
// own: carechain keeps them per line. It keeps one: a second is refused.
func (m *mapper) claimLimits() {
	if len(m.c.PriorAuths) == 0 {
		return
	}
	for _, f := range m.c.PriorAuths[1:] {
		m.refuse(f, "carechain keeps one prior authorization per line: the claim's is %s", m.c.PriorAuths[0].Value)
	}
	for i := range m.c.Items {
		if !m.c.Items[i].PriorAuth.Set() {
			m.c.Items[i].PriorAuth = m.c.PriorAuths[0]
		}
	}
}

// linePlace is a line's own place of service: empty when it is the
// claim's (or not given), refused when it is not a CMS code.
func (m *mapper) linePlace(it *Item) string {
	pos := it.PlaceOfService
	if !pos.Set() || pos.Value == m.c.PlaceOfService.Value {
		return ""
	}
	if !posForm.MatchString(pos.Value) {
		m.refuse(pos, "%q is not a two-digit CMS place-of-service code", pos.Value)
	}
	return pos.Value
}
