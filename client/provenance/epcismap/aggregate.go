package epcismap

import (
	"fmt"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"

	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/gs1"
)

// aggregation plans an AggregationEvent: ADD packs, DELETE unpacks,
// OBSERVE is captured.
func (m *mapper) aggregation(e *epcis.Event) (*EventPlan, error) {
	if e.Action == epcis.ActionObserve {
		return capture("an AggregationEvent OBSERVE confirms a packing and changes no custody"), nil
	}
	if e.ParentID == nil || e.ParentID.Key == nil || e.ParentID.Key.Kind != gs1.SSCC {
		return unsupported(Gap{GapAggregationTypeless, uriOf(e.ParentID)}), nil
	}
	by := m.orgAt(e)
	if p := m.actor(by); p != nil {
		return p, nil
	}
	if e.Action == epcis.ActionDelete {
		return m.unpack(e, by)
	}
	return m.pack(e, by)
}

func (m *mapper) pack(e *epcis.Event, by string) (*EventPlan, error) {
	if len(e.ChildEPCs) == 0 {
		return unsupported(Gap{GapQuantities, "packing of classes only (childQuantityList)"}), nil
	}
	sscc := e.ParentID.Key.Value
	children, gap := objectIDs(e.ChildEPCs)
	if gap != nil {
		return unsupported(*gap), nil
	}
	kind, gap := containerKind(children)
	if gap != nil {
		return unsupported(*gap), nil
	}
	if plan, err := m.known(children); plan != nil || err != nil {
		return plan, err
	}
	if it, err := m.st.item(sscc); err != nil || it != nil {
		return m.existing(sscc, children), err
	}
	m.st.items[sscc] = &Item{Kind: kind, Owner: first(by, m.self), Units: len(children)}
	m.st.children[sscc] = children
	for _, c := range children {
		m.st.items[c].Parent = sscc
	}
	var gaps []Gap
	if len(e.ChildQuantityList) > 0 {
		gaps = append(gaps, Gap{GapQuantities, "childQuantityList of the packing"})
	}
	call := Call{Fn: pv.FnPack, ID: sscc, Kind: kind, Children: children}
	return m.apply(e, by, []Call{call}, append(gaps, dispositionGap(e, "active", "container_closed")...)...), nil
}

// existing plans a packing into a container that exists: captured when
// every child was packed in it before (the packing is on the ledger),
// else a gap (Pack makes new containers only).
func (m *mapper) existing(sscc string, children []string) *EventPlan {
	for _, c := range children {
		if it := m.st.items[c]; it == nil || it.Parent != sscc && !contains(it.Containers, sscc) {
			return unsupported(Gap{GapAddToContainer, sscc + " exists"})
		}
	}
	return capture("the packing of " + sscc + " is on the ledger already: it is not packed twice")
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// containerKind: a case of units or a pallet of cases.
func containerKind(children []string) (string, *Gap) {
	units := 0
	for _, c := range children {
		if isUnit(c) {
			units++
		}
	}
	switch units {
	case len(children):
		return "case", nil
	case 0:
		return "pallet", nil
	}
	return "", &Gap{GapMixedContainer, fmt.Sprintf("%d units and %d containers", units, len(children)-units)}
}

// known returns a capture plan unless every item is carechain's.
func (m *mapper) known(ids []string) (*EventPlan, error) {
	for _, id := range ids {
		it, err := m.st.item(id)
		if err != nil {
			return nil, err
		}
		if it == nil {
			return capture(id + " was not commissioned in carechain: the event is captured, not invented into custody"), nil
		}
	}
	return nil, nil
}

func (m *mapper) unpack(e *epcis.Event, by string) (*EventPlan, error) {
	sscc := e.ParentID.Key.Value
	it, err := m.st.item(sscc)
	if err != nil || it == nil {
		return capture(sscc + " is not a carechain container"), err
	}
	if len(e.ChildQuantityList) > 0 {
		return unsupported(Gap{GapQuantities, "unpacking by childQuantityList"}), nil
	}
	if _, packedHere := m.st.children[sscc]; !packedHere && it.Units == 0 {
		return capture(sscc + " is empty on the ledger: it is not unpacked twice"), nil
	}
	children, gap := objectIDs(e.ChildEPCs)
	if gap != nil {
		return unsupported(*gap), nil
	}
	if !m.whole(sscc, it, children) {
		return unsupported(Gap{GapPartialUnpack, fmt.Sprintf("%d children named of %s", len(children), sscc)}), nil
	}
	for _, c := range m.st.children[sscc] {
		if ch := m.st.items[c]; ch != nil {
			ch.Parent, ch.Owner = "", it.Owner
		}
	}
	delete(m.st.children, sscc)
	return m.apply(e, by, []Call{{Fn: pv.FnUnpack, ID: sscc}}, dispositionGap(e, "inactive", "container_open")...), nil
}

// whole reports whether children (none: the whole content) are all of a
// container's content, as far as the document or the ledger's unit
// counts tell.
func (m *mapper) whole(sscc string, it *Item, children []string) bool {
	if len(children) == 0 {
		return true
	}
	if known, ok := m.st.children[sscc]; ok {
		return sameSet(known, children)
	}
	return it.Kind == "case" && it.Units == len(children)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[string]bool{}
	for _, s := range a {
		in[s] = true
	}
	for _, s := range b {
		if !in[s] {
			return false
		}
	}
	return true
}
