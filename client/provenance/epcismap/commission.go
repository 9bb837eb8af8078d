package epcismap

import (
	"fmt"
	"sort"
	"time"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"

	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/gs1"
)

// commission plans an ObjectEvent ADD commissioning: the lot from ilmd
// (or the units' Digital Links), registered first when the ledger lacks
// it, then the units by GTIN.
func (m *mapper) commission(e *epcis.Event) (*EventPlan, error) {
	by := m.orgAt(e)
	if p := m.actor(by); p != nil {
		return p, nil
	}
	if e.Action != epcis.ActionAdd {
		return unsupported(Gap{GapActionNotModelled, "commissioning " + e.Action}), nil
	}
	ids, gap := units(e)
	if gap != nil {
		return unsupported(*gap), nil
	}
	ids, done, err := m.fresh(ids)
	if err != nil || len(ids) == 0 {
		return capture(fmt.Sprintf("its %d units are on the ledger already: they are not commissioned twice", done)), err
	}
	lot, expiry, gap := lotOf(e, m.now())
	if gap != nil {
		return unsupported(*gap), nil
	}
	calls, gaps, err := m.commissionCalls(ids, lot, expiry)
	if err != nil || calls == nil {
		return unsupported(gaps...), err
	}
	for _, id := range ids {
		m.st.items[id] = &Item{Kind: "unit", Owner: first(by, m.self)}
	}
	if len(e.QuantityList) > 0 {
		gaps = append(gaps, Gap{GapQuantities, "quantityList of the commissioning"})
	}
	plan := m.apply(e, by, calls, append(gaps, dispositionGap(e, "active")...)...)
	if done > 0 {
		plan.Reason = fmt.Sprintf("%d of its units are on the ledger already and are not commissioned twice", done)
	}
	return plan, nil
}

// fresh drops the units the ledger (or the document) holds already.
func (m *mapper) fresh(ids []string) ([]string, int, error) {
	var out []string
	for _, id := range ids {
		it, err := m.st.item(id)
		if err != nil {
			return nil, 0, err
		}
		if it == nil {
			out = append(out, id)
		}
	}
	return out, len(ids) - len(out), nil
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// units are the carechain ids of the units a commissioning names.
func units(e *epcis.Event) ([]string, *Gap) {
	if len(e.EPCList) == 0 {
		return nil, &Gap{GapQuantities, "commissioning of classes only"}
	}
	ids, gap := objectIDs(e.EPCList)
	if gap != nil {
		return nil, gap
	}
	for _, id := range ids {
		if !isUnit(id) {
			return nil, &Gap{GapObjectKind, "commissioning container " + id + ": containers are made by packing"}
		}
	}
	return ids, nil
}

// lotOf is the lot and expiry of a commissioning: ilmd first, else what
// every unit's Digital Link says.
func lotOf(e *epcis.Event, ref time.Time) (lot, expiry string, gap *Gap) {
	if e.ILMD != nil {
		lot, expiry = e.ILMD.Lot, e.ILMD.ExpirationDate
	}
	for _, id := range e.EPCList {
		if lot == "" && id.Key.Lot != "" {
			lot = id.Key.Lot
		}
		if id.Key.Lot != "" && id.Key.Lot != lot {
			return "", "", &Gap{GapNoLot, "units of lots " + lot + " and " + id.Key.Lot + " in one event"}
		}
		if expiry == "" {
			expiry = linkExpiry(id.URI, ref)
		}
	}
	switch {
	case lot == "":
		return "", "", &Gap{GapNoLot, "no ilmd cbvmda:lotNumber"}
	case !chaincodeLot(lot):
		return "", "", &Gap{GapLotCharset, lot}
	}
	return lot, expiry, nil
}

// linkExpiry is the expiry (17) of a Digital Link, YYYY-MM-DD, or "".
func linkExpiry(uri string, ref time.Time) string {
	dl, err := gs1.ParseDigitalLink(uri)
	if err != nil {
		return ""
	}
	v, ok := dl.Elements.Get("17")
	if !ok {
		return ""
	}
	d, err := gs1.ParseDate(v, ref)
	if err != nil {
		return ""
	}
	return d.Format("2006-01-02")
}

// commissionCalls registers the lot of each GTIN the ledger lacks, then
// commissions the units, one call per GTIN in document order. nil calls:
// the gaps say why not.
func (m *mapper) commissionCalls(ids []string, lot, expiry string) ([]Call, []Gap, error) {
	byGTIN := map[string][]string{}
	var order []string
	for _, id := range ids {
		gtin, serial := id[:14], id[15:]
		if byGTIN[gtin] == nil {
			order = append(order, gtin)
		}
		byGTIN[gtin] = append(byGTIN[gtin], serial)
	}
	var calls []Call
	var gaps []Gap
	for _, gtin := range order {
		c, g, err := m.lotCalls(gtin, lot, expiry)
		if err != nil || g != nil && c == nil {
			return nil, []Gap{*g}, err
		}
		if g != nil {
			gaps = append(gaps, *g)
		}
		calls = append(calls, c...)
		calls = append(calls, Call{Fn: pv.FnCommission, GTIN: gtin, Lot: lot, Serials: byGTIN[gtin]})
	}
	return calls, gaps, nil
}

// lotCalls is the CreateBatch a lot needs (none when registered), or the
// gap that stops it.
func (m *mapper) lotCalls(gtin, lot, expiry string) ([]Call, *Gap, error) {
	registered, found, err := m.st.lotExpiry(gtin, lot)
	switch {
	case err != nil:
		return nil, nil, err
	case found && expiry != "" && expiry != registered:
		return []Call{}, &Gap{GapExpiryMismatch, "lot " + lot + " expires " + registered + ", the event says " + expiry}, nil
	case found:
		return []Call{}, nil, nil
	case expiry == "":
		return nil, &Gap{GapNoExpiry, "lot " + lot + " of " + gtin}, nil
	}
	m.st.lots[gtin+"/"+lot] = expiry
	return []Call{{Fn: pv.FnCreateBatch, GTIN: gtin, Lot: lot, Expiry: expiry}}, nil, nil
}

// dispositionGap reports an event's disposition the chaincode will not
// set (want: what it sets).
func dispositionGap(e *epcis.Event, want ...string) []Gap {
	if e.Disposition.IsZero() {
		return nil
	}
	for _, w := range want {
		if e.Disposition.Is(w) {
			return nil
		}
	}
	return []Gap{{GapDisposition, e.Disposition.String() + " (the chaincode sets " + want[0] + ")"}}
}

func sortStrings(s []string) []string { sort.Strings(s); return s }
