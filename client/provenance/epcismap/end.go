package epcismap

import (
	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client/standards/epcis"
)

// end plans the end of items' lives: dispensing (units), decommissioning
// and destroying (outermost units or containers).
func (m *mapper) end(e *epcis.Event, fn string) (*EventPlan, error) {
	items, by, plan, err := m.itemsAtOrg(e)
	if plan != nil || err != nil {
		return plan, err
	}
	reason := "EPCIS " + e.BizStep.String() + " event"
	if e.EventID != "" {
		reason += " " + e.EventID
	}
	calls := make([]Call, 0, len(items))
	for _, id := range items {
		it := m.st.items[id]
		switch {
		case it.Ended:
			return capture(id + " has ended already (dispensed, decommissioned or destroyed): it does not end twice"), nil
		case fn == pv.FnDispense && !isUnit(id):
			return unsupported(Gap{GapDispenseNotUnit, id}), nil
		case fn != pv.FnDispense && it.Parent != "":
			return unsupported(Gap{GapEndInsideContainer, id + " is inside " + it.Parent}), nil
		}
		c := Call{Fn: fn, ID: id}
		if fn != pv.FnDispense {
			c.Reason = reason
		}
		calls = append(calls, c)
		it.Ended = true
	}
	want := map[string]string{pv.FnDispense: "dispensed", pv.FnDecommission: "inactive", pv.FnDestroy: "destroyed"}[fn]
	return m.apply(e, by, calls, dispositionGap(e, want)...), nil
}

// itemsAtOrg is an event's items and the org at its read point or
// business location that acts on them, or the plan that captures the
// event only (goods not carechain's, an org that may not act).
func (m *mapper) itemsAtOrg(e *epcis.Event) ([]string, string, *EventPlan, error) {
	items, plan, err := m.custodyItems(e)
	if plan != nil || err != nil {
		return nil, "", plan, err
	}
	by := m.orgAt(e)
	return items, by, m.actor(by), nil
}
