package proclaim

// What carechain's claim input cannot hold today, refused here and nowhere
// else: each lifts with a change of the claims chaincode's model and of
// this file only.

// coverage maps the insurance entries, in the document's order, to
// carechain's one coverage: the focal entry (or the only one). carechain
// adjudicates against one coverage and has no coordination of benefits,
// so every other entry is refused.
func (m *mapper) coverage() string {
	ins := m.c.Insurance
	if len(ins) == 0 {
		m.issues.Add(m.missing(Coverage), "carechain needs the coverage the claim is billed to")
		return ""
	}
	focal := 0
	for i, in := range ins {
		if in.Focal {
			focal = i
			break
		}
	}
	for i, in := range ins {
		if i != focal {
			m.issues.Add(in.At, "carechain adjudicates a claim against one coverage: no coordination of benefits with a coverage of sequence %d", in.Sequence)
		}
	}
	return m.identifier(ins[focal].Coverage, Coverage)
}

// claimLimits refuses what carechain keeps per line only.
func (m *mapper) claimLimits() {
	for _, f := range m.c.PriorAuths {
		m.refuse(f, "carechain keeps prior authorizations per line, not for the whole claim")
	}
}

// lineLimits refuses what a carechain line cannot hold.
func (m *mapper) lineLimits(it *Item) {
	for _, p := range it.DiagnosisPointers {
		m.refuse(p, "carechain keeps no diagnosis pointers per line (the claim's diagnoses apply to every line)")
	}
	if pos := it.PlaceOfService; pos.Set() && pos.Value != m.c.PlaceOfService.Value {
		m.refuse(pos, "carechain keeps one place of service per claim (%s)", m.c.PlaceOfService.Value)
	}
}
