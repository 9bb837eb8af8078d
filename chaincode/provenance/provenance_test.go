package provenance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// The supply story of the issue, on the stub: commission, pack into cases
// and a pallet, ship to the distributor, receive, ship a case on to the
// hospital pharmacy, verify and dispense, recall, verify again.
func TestSupplyStory(t *testing.T) {
	e := newEnv(t)
	var r wire.Receipt
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 20)), &r)
	assert.Equal(t, 20, r.Count)
	e.Must(e.Submit(mfgLogistic, 2, "", nil, "Pack", string(cctest.JSON(wire.PackInput{SSCC: case1, Kind: "case", Children: units(0, 10)}))), nil)
	e.Must(e.Submit(mfgLogistic, 2, "", nil, "Pack", string(cctest.JSON(wire.PackInput{SSCC: case2, Kind: "case", Children: units(10, 10)}))), nil)
	e.Must(e.Submit(mfgLogistic, 3, "", nil, "Pack", string(cctest.JSON(wire.PackInput{SSCC: pallet, Kind: "pallet", Children: []string{case1, case2}}))), nil)

	// Shipping the pallet moves everything inside it: one key written.
	res := e.ship(mfgLogistic, 4, "SHP-1", "DistributorMSP", pallet)
	e.Must(res, &r)
	assert.Equal(t, wire.DispInTransit, r.Status)
	assert.Equal(t, wire.DispInTransit, e.item(unit(3)).Disposition)
	assert.Equal(t, "ManufacturerMSP", e.item(unit(3)).Owner, "ownership moves only on receipt")
	var doc wire.DSCSA
	e.Must(e.Query(distributor, 4, "GetDSCSA", "SHP-1"), &doc)
	assert.Contains(t, doc.Documents, "invoice 42")
	var sh wire.Shipment
	e.Must(e.Query(auditor, 4, "GetShipment", "SHP-1"), &sh)
	assert.True(t, doc.Matches(&sh), "the partners' documents match the public commitment")

	// Cold chain: a reading outside 2.0–25.0 °C flags the shipment.
	e.Must(e.Submit(mfgLogistic, 5, "", nil, "AddReading", "SHP-1", "logger-7", "80"), &r)
	assert.Equal(t, "recorded", r.Status)
	e.Must(e.Submit(distributor, 6, "", nil, "AddReading", "SHP-1", "logger-7", "310"), &r)
	assert.Equal(t, "excursion", r.Status)

	e.Must(e.Submit(distributor, 10, "", nil, "Receive", "SHP-1"), nil)
	assert.Equal(t, "DistributorMSP", e.item(unit(3)).Owner)
	e.Must(e.Submit(distributor, 11, "", nil, "Unpack", pallet), nil)
	e.Must(e.ship(distributor, 12, "SHP-2", "ProviderMSP", case1), nil)
	e.Must(e.Submit(pharmacist, 20, "", nil, "Receive", "SHP-2"), nil)
	assert.Equal(t, "ProviderMSP", e.item(unit(3)).Owner)
	assert.Equal(t, wire.DispSellable, e.item(unit(3)).Disposition)

	// The pharmacist verifies and dispenses one unit.
	var v wire.Verification
	e.Must(e.Submit(pharmacist, 21, "", nil, "Verify", gtin, "SN00003", lot, exp), &v)
	assert.Equal(t, wire.Verified, v.Result)
	e.Must(e.Submit(pharmacist, 22, "", nil, "Dispense", unit(3)), &r)
	assert.Equal(t, wire.DispDispensed, r.Status)
	e.Must(e.Submit(pharmacist, 23, "", nil, "Verify", gtin, "SN00003", lot, exp), &v)
	assert.Equal(t, wire.AlreadyDispensed, v.Result)
	var signals wire.SignalPage
	e.Must(e.Query(auditor, 23, "ListSignals", unit(3), "", "10", ""), &signals)
	require.Len(t, signals.Items, 1)
	assert.Equal(t, wire.SignalScanAfterEnd, signals.Items[0].Code)

	// The regulator recalls the lot.
	e.Must(e.Submit(registrar, 30, "", nil, "RecallLot", gtin, lot, "contamination"), nil)
	e.Must(e.Submit(pharmacist, 31, "", nil, "Verify", gtin, "SN00004", lot, exp), &v)
	assert.Equal(t, wire.Recalled, v.Result)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(pharmacist, 32, "", nil, "Dispense", unit(4)), "FAILED_PRECONDITION: ")
	var report wire.HoldingPage
	e.Must(e.Query(registrar, 33, "RecallReport", gtin, lot, "100", ""), &report)
	require.Len(t, report.Items, 20)
	holders := map[string]int{}
	for _, h := range report.Items {
		holders[h.Owner+"/"+h.Disposition]++
	}
	assert.Equal(t, map[string]int{"ProviderMSP/dispensed": 1, "ProviderMSP/sellable_accessible": 9, "DistributorMSP/active": 10}, holders)

	// A forged serial is unknown.
	e.Must(e.Submit(pharmacist, 34, "", nil, "Verify", gtin, "FORGED1", lot, exp), &v)
	assert.Equal(t, wire.UnknownSerial, v.Result)

	// The trace shows every hop of unit 4, from commissioning.
	var page wire.EventPage
	e.Must(e.Query(auditor, 35, "Trace", unit(4), "", "100", ""), &page)
	var steps []string
	for _, ev := range page.Items {
		steps = append(steps, ev.BizStep)
	}
	assert.Equal(t, []string{wire.StepCommissioning, wire.StepPacking, wire.StepPacking, wire.StepShipping, wire.StepSensorReporting, wire.StepSensorReporting,
		wire.StepReceiving, wire.StepUnpacking, wire.StepShipping, wire.StepReceiving}, steps)
	var newest wire.EventPage
	e.Must(e.Query(auditor, 35, "Trace", unit(4), wire.NewestFirst, "100", ""), &newest)
	require.Len(t, newest.Items, len(page.Items))
	for i := range page.Items {
		assert.Equal(t, page.Items[i].EventID, newest.Items[len(page.Items)-1-i].EventID)
	}
}

func TestUnauthorizedPartnersAndNonHoldersCannotShip(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	before := e.Peer.Snapshot()
	// Not in the registry.
	// RogueMSP is licensed but plays no part in the parts registry.
	e.Refused(before, e.ship(rogue, 2, "SHP-X", "DistributorMSP", unit(0)), "FORBIDDEN: RogueMSP plays no part in the consortium registry")
	// To a receiver not in the registry.
	e.Refused(before, e.ship(mfgLogistic, 2, "SHP-X", "RogueMSP", unit(0)), "FORBIDDEN: receiver RogueMSP plays no trading part")
	// A partner shipping what it does not hold: refused, and on record.
	var r wire.Receipt
	e.Must(e.ship(distributor, 3, "SHP-Y", "ProviderMSP", unit(1)), &r)
	assert.Equal(t, "refused", r.Status)
	require.Len(t, r.Signals, 1)
	assert.Equal(t, wire.SignalNotHolder, r.Signals[0].Code)
	assert.Equal(t, "ManufacturerMSP", e.item(unit(1)).Owner)
	assert.Equal(t, wire.DispActive, e.item(unit(1)).Disposition)
	// A suspended partner can no longer ship.
	e.Must(e.Submit(registrar, 4, "", nil, "RegisterPartner", string(cctest.JSON(wire.Partner{MSPID: "ManufacturerMSP", Name: "M", License: "LIC-0",
		GLN: "0614141000012", ValidFrom: "2026-01-01", ValidTo: "2027-12-31", Status: "suspended"}))), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.ship(mfgLogistic, 5, "SHP-Z", "DistributorMSP", unit(0)), "FORBIDDEN: ")
}

func TestSerialCommissionedTwiceIsASignal(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	var r wire.Receipt
	e.Must(e.Submit(quality, 2, "", nil, "Commission", gtin, lot, serials(2, 3)), &r)
	assert.Equal(t, 2, r.Count)
	require.Len(t, r.Signals, 1)
	assert.Equal(t, wire.SignalDoubleCommission, r.Signals[0].Code)
	assert.Equal(t, unit(2), r.Signals[0].Object)
}

func TestSuspectTransitions(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 2)), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(quality, 2, "", nil, "Clear", unit(0), "nothing to clear"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(quality, 2, "", nil, "MarkIllegitimate", unit(0), "x"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(quality, 2, "", nil, "Suspect", unit(0), ""), `INVALID_ARGUMENT: field "reason"`)
	e.Refused(before, e.Submit(distributor, 2, "", nil, "Suspect", unit(0), "not ours"), "FORBIDDEN: ")
	e.Must(e.Submit(quality, 3, "", nil, "Suspect", unit(0), "packaging mismatch"), nil)
	var v wire.Verification
	e.Must(e.Submit(pharmacist, 4, "", nil, "Verify", gtin, "SN00000", lot, exp), &v)
	assert.Equal(t, wire.Suspect, v.Result)
	before = e.Peer.Snapshot()
	e.Refused(before, e.ship(mfgLogistic, 5, "S", "DistributorMSP", unit(0)), "FAILED_PRECONDITION: ")
	e.Must(e.Submit(quality, 6, "", nil, "Clear", unit(0), "investigated: legitimate"), nil)
	e.Must(e.Submit(pharmacist, 7, "", nil, "Verify", gtin, "SN00000", lot, exp), &v)
	assert.Equal(t, wire.Verified, v.Result)
	e.Must(e.Submit(quality, 8, "", nil, "Suspect", unit(1), "seal broken"), nil)
	e.Must(e.Submit(registrar, 9, "", nil, "MarkIllegitimate", unit(1), "counterfeit"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(registrar, 10, "", nil, "Clear", unit(1), "no"), "FAILED_PRECONDITION: ")
	e.Must(e.Submit(pharmacist, 11, "", nil, "Verify", gtin, "SN00001", lot, exp), &v)
	assert.Equal(t, wire.Decommissioned, v.Result)
}

func TestVerifyResults(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 0, "", nil, "CreateBatch", gtin, "OLD", "2026-05-31"), nil)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 2)), nil)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, "OLD", serials(100, 1)), nil)
	e.Must(e.Submit(mfgLogistic, 2, "", nil, "Destroy", unit(1), "damaged"), nil)
	for _, c := range []struct{ serial, lot, exp, want string }{
		{"SN00000", lot, exp, wire.Verified},
		{"SN00000", "LOT-B", exp, wire.LotMismatch},
		{"SN00000", lot, "2029-01-01", wire.ExpiryMismatch},
		{"SN00100", "OLD", "2026-05-31", wire.Expired},
		{"SN00001", lot, exp, wire.Decommissioned},
		{"NOPE", lot, exp, wire.UnknownSerial},
	} {
		var v wire.Verification
		e.Must(e.Submit(pharmacist, 3, "", nil, "Verify", gtin, c.serial, c.lot, c.exp), &v)
		assert.Equal(t, c.want, v.Result, c.serial)
	}
}

func TestBadInputIsRefusedWithTheField(t *testing.T) {
	e := newEnv(t)
	before := e.Peer.Snapshot()
	for _, c := range []struct {
		who   string
		fn    string
		args  []string
		field string
	}{
		{"q", "CreateBatch", []string{"10614141123458", "L", exp}, "gtin"},
		{"q", "CreateBatch", []string{gtin, "L 1", exp}, "lot"},
		{"q", "CreateBatch", []string{gtin, "L2", "31/12/2028"}, "expiry"},
		{"q", "Commission", []string{gtin, lot, `["A B"]`}, "serials[0]"},
		{"q", "Commission", []string{gtin, lot, `[]`}, "serials"},
		{"q", "Commission", []string{gtin, lot, `["A","B","A"]`}, "serials[2]"},
		{"q", "Commission", []string{gtin, lot, `not json`}, "serials"},
		{"q", "RegisterProduct", []string{`{"gtin":"123"}`}, "gtin"},
		{"q", "RegisterProduct", []string{`{"gtin":"` + gtin + `","name":"x","strength":"1","dosageForm":"t","ndc":"1","minTemp":50,"maxTemp":10}`}, "maxTemp"},
		{"l", "Pack", []string{`{"sscc":"106141411234567890","kind":"case","children":[]}`}, "sscc"},
		{"l", "Pack", []string{`{"sscc":"` + case1 + `","kind":"box","children":[]}`}, "kind"},
		{"p", "Verify", []string{"1234", "SN1", lot, exp}, "gtin"},
		{"l", "Pack", []string{`{"sscc":"` + case1 + `","kind":"case","children":["` + unit(0) + `","x"]}`}, "children[1]"},
		{"l", "Pack", []string{`{"sscc":"` + case1 + `","kind":"pallet","children":["` + unit(0) + `"]}`}, "children[0]"},
		{"l", "Ship", []string{`{"id":"S1","to":"DistributorMSP","items":["` + unit(0) + `","12"]}`}, "items[1]"},
		{"l", "Ship", []string{`{"id":"S1","to":"ManufacturerMSP","items":["` + unit(0) + `"]}`}, "to"},
		{"q", "RegisterProduct", []string{`{"gtin":"` + gtin + `","name":"x","strength":"1","dosageForm":"t","ndc":"1","minTemp":1,"maxTemp":10,"manufacturer":"X"}`}, "manufacturer"},
		{"a", "Trace", []string{unit(0), "sideways", "10", ""}, "order"},
		{"a", "Trace", []string{unit(0), "", "10", "bm"}, "bookmark"},
		{"r", "RegisterPartner", []string{`{"mspId":"X","name":"x","license":"L","gln":"0614141000011","validFrom":"2026-01-01","validTo":"2027-01-01"}`}, "gln"},
	} {
		id := map[string]any{"q": quality, "l": mfgLogistic, "p": pharmacist, "r": registrar, "a": auditor}[c.who]
		res := e.Submit(id.(*memstub.Identity), 1, "", nil, c.fn, c.args...)
		e.Refused(before, res, `INVALID_ARGUMENT: field "`+c.field+`"`)
	}
}

// Every end state refuses the moves that would leave it; in transit refuses
// everything but receipt.
func TestDispositionTransitions(t *testing.T) {
	type move struct {
		who  *memstub.Identity
		fn   string
		args []string
	}
	setup := func(e *env) {
		e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 5)), nil)
		e.Must(e.ship(mfgLogistic, 2, "S1", "ProviderMSP", unit(0), unit(1), unit(2), unit(3)), nil)
		e.Must(e.Submit(pharmacist, 3, "", nil, "Receive", "S1"), nil)
		e.Must(e.Submit(pharmacist, 4, "", nil, "Dispense", unit(0)), nil)               // dispensed
		e.Must(e.Submit(pharmacist, 4, "", nil, "Destroy", unit(1), "broken"), nil)      // destroyed
		e.Must(e.Submit(pharmacist, 4, "", nil, "Decommission", unit(2), "sample"), nil) // inactive
		e.Must(e.ship(mfgLogistic, 5, "S2", "DistributorMSP", unit(4)), nil)             // in transit
	}
	illegal := []move{
		{pharmacist, "Dispense", []string{unit(0)}}, {pharmacist, "Destroy", []string{unit(0), "x"}},
		{pharmacist, "Dispense", []string{unit(1)}}, {pharmacist, "Decommission", []string{unit(1), "x"}},
		{pharmacist, "Dispense", []string{unit(2)}}, {pharmacist, "Destroy", []string{unit(2), "x"}},
		{mfgLogistic, "Destroy", []string{unit(4), "x"}}, {mfgLogistic, "Decommission", []string{unit(4), "x"}},
		{quality, "Pack", []string{string(cctest.JSON(wire.PackInput{SSCC: case1, Kind: "case", Children: []string{unit(4)}}))}},
		{pharmacist, "Receive", []string{"S1"}},
	}
	for _, m := range illegal {
		e := newEnv(t)
		setup(e)
		before := e.Peer.Snapshot()
		res := e.Submit(m.who, 10, "", nil, m.fn, m.args...)
		assert.False(t, res.OK(), "%s %v should be refused", m.fn, m.args)
		assert.Equal(t, before, e.Peer.Snapshot(), "%s %v", m.fn, m.args)
	}
	// The shipment in transit can only be received, and then it moves on.
	e := newEnv(t)
	setup(e)
	e.Must(e.Submit(distributor, 10, "", nil, "Receive", "S2"), nil)
	assert.Equal(t, wire.DispActive, e.item(unit(4)).Disposition)
	assert.Equal(t, "DistributorMSP", e.item(unit(4)).Owner)
}
