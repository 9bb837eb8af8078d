package epcismap

import (
	"fmt"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"

	"github.com/carechain/carechain/client/standards/epcis"
)

// ship plans a shipping ObjectEvent: the shipment named by its desadv
// (else po), from its source (the importer when none is named) to the
// org its destination resolves to.
func (m *mapper) ship(e *epcis.Event) (*EventPlan, error) {
	if e.Action != epcis.ActionObserve {
		return unsupported(Gap{GapActionNotModelled, "shipping " + e.Action}), nil
	}
	items, plan, err := m.custodyItems(e)
	if plan != nil || err != nil {
		return plan, err
	}
	from, p := m.party(e.Sources)
	if p != nil && from == "" {
		return unsupported(Gap{GapUnknownParty, "source " + p.ID.URI}), nil
	}
	if plan := m.actor(from); plan != nil {
		return plan, nil
	}
	to, p := m.party(e.Destinations)
	switch {
	case p == nil:
		return unsupported(Gap{GapNoReceiver, "no destinationList"}), nil
	case to == "":
		return unsupported(Gap{GapUnknownParty, "destination " + p.ID.URI}), nil
	}
	id, ref := shipmentRef(e.BizTransactions)
	if ref < 0 {
		return unsupported(Gap{GapNoShipmentRef, "no desadv or po bizTransaction"}), nil
	}
	if sh, err := m.st.shipment(id); err != nil || sh != nil {
		return capture("shipment " + id + " (" + e.BizTransactions[ref].ID + ") is on the ledger already: it is not shipped twice"), err
	}
	m.st.shipments[id] = &Shipment{From: first(from, m.self), To: to, Items: items}
	for _, it := range items {
		m.st.items[it].Shipment = id
	}
	calls := []Call{{Fn: pv.FnShip, ID: id, To: to, Items: items}}
	calls, gaps := m.readings(e, id, calls)
	return m.apply(e, from, calls, append(gaps, dispositionGap(e, "in_transit")...)...), nil
}

// custodyItems are the carechain items an event moves, or the plan that
// says why there are none.
func (m *mapper) custodyItems(e *epcis.Event) ([]string, *EventPlan, error) {
	if len(e.QuantityList) > 0 {
		return nil, unsupported(Gap{GapQuantities, e.BizStep.String() + " by quantityList"}), nil
	}
	items, gap := objectIDs(e.EPCList)
	if gap != nil {
		return nil, unsupported(*gap), nil
	}
	if len(items) == 0 {
		return nil, unsupported(Gap{GapQuantities, e.BizStep.String() + " of no objects"}), nil
	}
	unknown := 0
	for _, id := range items {
		it, err := m.st.item(id)
		if err != nil {
			return nil, nil, err
		}
		if it == nil {
			unknown++
		}
	}
	switch unknown {
	case 0:
		return items, m.held(items), nil
	case len(items):
		return nil, capture("none of its objects was commissioned in carechain: the event is captured, not invented into custody"), nil
	}
	return nil, unsupported(Gap{GapPartialShipment, fmt.Sprintf("%d of %d objects were not commissioned in carechain", unknown, len(items))}), nil
}

// held is nil when the planning org (any, without WithSelf) holds every
// item, else the capture plan that says who does: custody is its
// custodian's to record, and no org acts for another (the chaincode
// refuses it too).
func (m *mapper) held(items []string) *EventPlan {
	for _, id := range items {
		if it := m.st.items[id]; m.self != "" && it.Owner != "" && it.Owner != m.self {
			return capture(id + " is held by " + it.Owner + ", not " + m.self + ": only its custodian records its custody, and no org acts for another")
		}
	}
	return nil
}

// receive plans a receiving ObjectEvent: the shipment its desadv (else
// po) names, received whole by the org it was shipped to.
func (m *mapper) receive(e *epcis.Event) (*EventPlan, error) {
	id, ref := shipmentRef(e.BizTransactions)
	if ref < 0 {
		return capture("receiving without a desadv or po bizTransaction names no carechain shipment"), nil
	}
	sh, err := m.st.shipment(id)
	if err != nil || sh == nil {
		return capture("no carechain shipment for " + e.BizTransactions[ref].ID + ": the goods were shipped outside carechain"), err
	}
	if plan := m.actor(sh.To); plan != nil {
		return plan, nil
	}
	if sh.Received {
		return capture("shipment " + id + " is received already: it is not received twice"), nil
	}
	if len(e.QuantityList) > 0 {
		return unsupported(Gap{GapQuantities, "receiving by quantityList"}), nil
	}
	items, gap := objectIDs(e.EPCList)
	if gap != nil {
		return unsupported(*gap), nil
	}
	if len(items) > 0 && !sameSet(items, sh.Items) {
		return unsupported(Gap{GapPartialReceipt, fmt.Sprintf("%d objects named, shipment %s holds %d", len(items), id, len(sh.Items))}), nil
	}
	calls, gaps := m.readings(e, id, nil)
	calls = append(calls, Call{Fn: pv.FnReceive, ID: id})
	m.received(id, sh)
	return m.apply(e, sh.To, calls, append(gaps, dispositionGap(e, "active", "sellable_accessible")...)...), nil
}

func (m *mapper) received(id string, sh *Shipment) {
	sh.Received = true
	for _, it := range sh.Items {
		if item := m.st.items[it]; item != nil {
			item.Shipment, item.Owner = "", sh.To
		}
	}
	m.st.shipments[id] = sh
}
