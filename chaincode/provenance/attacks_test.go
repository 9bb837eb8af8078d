package provenance

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// atPharmacy: units 0-3 in case1 and units 4-5 in case2 are received by
// the hospital pharmacy (sellable); units 6-9 stay at the manufacturer.
func atPharmacy(t *testing.T) *env {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 10)), nil)
	e.Must(e.pack(mfgLogistic, 2, case1, "case", units(0, 4)...), nil)
	e.Must(e.pack(mfgLogistic, 2, case2, "case", units(4, 2)...), nil)
	e.Must(e.ship(mfgLogistic, 3, "SHP-1", provMSP, case1, case2), nil)
	e.Must(e.Submit(pharmacist, 4, "", nil, "Receive", "SHP-1"), nil)
	return e
}

// Attack 1: units inside a case marked illegitimate, destroyed or
// decommissioned verified and could be dispensed (the verdict read the
// unit's own stale state), and Unpack dropped the case's suspect state.
func TestIllegitimateCaseDoesNotLaunderItsUnits(t *testing.T) {
	e := atPharmacy(t)
	assert.Equal(t, wire.Verified, e.verify(5, 0))
	e.Must(e.Submit(pharmacist, 6, "", nil, "Suspect", case1, "tampered seal"), nil)
	assert.Equal(t, wire.Suspect, e.verify(7, 0))
	e.Must(e.Submit(pharmacist, 8, "", nil, "MarkIllegitimate", case1, "counterfeit"), nil)
	assert.Equal(t, wire.Decommissioned, e.verify(9, 0), "a unit in an illegitimate case")
	assert.Equal(t, wire.SuspectIllegitimate, e.item(unit(0)).Suspect)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(pharmacist, 10, "", nil, "Dispense", unit(1)), "FAILED_PRECONDITION: ")

	// Unpacking the illegitimate case releases illegitimate units.
	e.Must(e.Submit(pharmacist, 11, "", nil, "Unpack", case1), nil)
	u := e.item(unit(1))
	assert.Equal(t, wire.SuspectIllegitimate, u.Suspect)
	assert.Equal(t, wire.DispIllegitimate, u.Disposition)
	assert.Equal(t, wire.Decommissioned, e.verify(12, 1))
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(pharmacist, 13, "", nil, "Dispense", unit(1)), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(pharmacist, 13, "", nil, "Clear", unit(1), "no"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.ship(pharmacist, 13, "BACK", mfrMSP, unit(1)), "FAILED_PRECONDITION: ")
	e.Refused(before, e.pack(pharmacist, 13, case3, "case", unit(1)), "FAILED_PRECONDITION: ")
	// DSCSA's end for illegitimate product: destruction.
	e.Must(e.Submit(pharmacist, 14, "", nil, "Destroy", unit(1), "illegitimate"), nil)
}

func TestFinishedCaseDoesNotReleaseLiveUnits(t *testing.T) {
	for _, end := range []struct{ fn, disp string }{{"Destroy", wire.DispDestroyed}, {"Decommission", wire.DispInactive}} {
		e := atPharmacy(t)
		e.Must(e.Submit(pharmacist, 6, "", nil, end.fn, case2, "water damage"), nil)
		assert.Equal(t, wire.Decommissioned, e.verify(7, 4), end.fn)
		assert.Equal(t, end.disp, e.item(unit(4)).Disposition, end.fn)
		before := e.Peer.Snapshot()
		e.Refused(before, e.Submit(pharmacist, 8, "", nil, "Dispense", unit(4)), "FAILED_PRECONDITION: ")
		e.Must(e.Submit(pharmacist, 9, "", nil, "Unpack", case2), nil)
		assert.Equal(t, end.disp, e.item(unit(4)).Disposition, end.fn)
		assert.Equal(t, wire.Decommissioned, e.verify(10, 4), end.fn)
		before = e.Peer.Snapshot()
		e.Refused(before, e.Submit(pharmacist, 11, "", nil, "Dispense", unit(4)), "FAILED_PRECONDITION: ")
	}
}

func TestQuarantineOfACaseReachesItsUnits(t *testing.T) {
	e := atPharmacy(t)
	e.Must(e.Submit(pharmacist, 6, "", nil, "Suspect", case1, "odd smell"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(pharmacist, 7, "", nil, "Dispense", unit(0)), "FAILED_PRECONDITION: ")
	// An item inside a container is acted on through its container.
	e.Refused(before, e.Submit(pharmacist, 7, "", nil, "Clear", unit(0), "x"), "FAILED_PRECONDITION: ")
	e.Must(e.Submit(pharmacist, 8, "", nil, "Unpack", case1), nil)
	assert.Equal(t, wire.SuspectQuarantine, e.item(unit(0)).Suspect)
	assert.Equal(t, wire.Suspect, e.verify(9, 0))
	e.Must(e.Submit(pharmacist, 10, "", nil, "Clear", unit(0), "legitimate after all"), nil)
	assert.Equal(t, wire.Verified, e.verify(11, 0))
	e.Must(e.Submit(pharmacist, 12, "", nil, "Dispense", unit(0)), nil)
}

// Attack 2: the recall check ran only for units, so a recalled or
// quarantined unit shipped inside a case.
func TestRecalledUnitsDoNotShipInsideACase(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 0, "", nil, "CreateBatch", gtin, "LOT-B", exp), nil)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 6)), nil)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, "LOT-B", serials(10, 4)), nil)
	e.Must(e.pack(mfgLogistic, 2, case1, "case", unit(0), unit(1), unit(10)), nil)
	e.Must(e.pack(mfgLogistic, 2, case2, "case", unit(11), unit(12)), nil)
	e.Must(e.pack(mfgLogistic, 3, pallet, "pallet", case1, case2), nil)
	e.Must(e.pack(mfgLogistic, 3, case3, "case", unit(2)), nil)
	e.Must(e.ship(mfgLogistic, 4, "SHP-1", distMSP, case3), nil)
	// Containers keep their lots with counts.
	assert.Equal(t, []wire.LotCount{{GTIN: gtin, Lot: lot, Units: 2}, {GTIN: gtin, Lot: "LOT-B", Units: 1}}, e.item(case1).Lots)
	assert.Equal(t, []wire.LotCount{{GTIN: gtin, Lot: lot, Units: 2}, {GTIN: gtin, Lot: "LOT-B", Units: 3}}, e.item(pallet).Lots)

	e.Must(e.Submit(registrar, 5, "", nil, "RecallLot", gtin, lot, "contamination"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.ship(mfgLogistic, 6, "SHP-2", distMSP, pallet), "FAILED_PRECONDITION: ")
	e.Refused(before, e.pack(mfgLogistic, 6, case4, "case", unit(3)), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(distributor, 6, "", nil, "Receive", "SHP-1"), "FAILED_PRECONDITION: ")
	assert.Equal(t, wire.Recalled, e.verify(7, 0), "recall reaches a unit in a case on a pallet")
	var report wire.HoldingPage
	e.Must(e.Query(auditor, 8, "RecallReport", gtin, lot, "100", ""), &report)
	assert.Equal(t, wire.Holding{Unit: unit(0), Owner: mfrMSP, Custodian: mfrMSP, Disposition: wire.DispActive, Container: pallet}, report.Items[0])

	// Unpacked, the other lot's case ships; the recalled one still does not.
	e.Must(e.Submit(mfgLogistic, 9, "", nil, "Unpack", pallet), nil)
	e.Must(e.ship(mfgLogistic, 10, "SHP-3", distMSP, case2), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.ship(mfgLogistic, 11, "SHP-4", distMSP, case1), "FAILED_PRECONDITION: ")
	e.Refused(before, e.pack(mfgLogistic, 11, case4, "pallet", case1), "FAILED_PRECONDITION: ")
}

func TestQuarantinedOrIllegitimateUnitsAreNotPacked(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	e.Must(e.Submit(quality, 2, "", nil, "Suspect", unit(0), "x"), nil)
	e.Must(e.Submit(quality, 2, "", nil, "Suspect", unit(1), "x"), nil)
	e.Must(e.Submit(quality, 3, "", nil, "MarkIllegitimate", unit(1), "x"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.pack(mfgLogistic, 4, case1, "case", unit(2), unit(0)), "FAILED_PRECONDITION: ")
	e.Refused(before, e.pack(mfgLogistic, 4, case1, "case", unit(1)), "FAILED_PRECONDITION: ")
	// A quarantined case goes into no pallet.
	e.Must(e.pack(mfgLogistic, 5, case2, "case", unit(2)), nil)
	e.Must(e.Submit(quality, 6, "", nil, "Suspect", case2, "x"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.pack(mfgLogistic, 7, pallet, "pallet", case2), "FAILED_PRECONDITION: ")
}

func TestDispenseFromACaseKeepsItsLotCounts(t *testing.T) {
	e := atPharmacy(t)
	e.Must(e.Submit(pharmacist, 5, "", nil, "Dispense", unit(0)), nil)
	assert.Equal(t, []wire.LotCount{{GTIN: gtin, Lot: lot, Units: 3}}, e.item(case1).Lots)
	u := e.item(unit(0))
	assert.Empty(t, u.Parent)
	assert.Contains(t, u.Containers, case1)
	e.Must(e.Submit(pharmacist, 6, "", nil, "Unpack", case1), nil)
	assert.Empty(t, e.item(case1).Lots)
	assert.Equal(t, wire.DispDispensed, e.item(unit(0)).Disposition, "the dispensed unit is not released again")
	assert.Equal(t, wire.DispSellable, e.item(unit(1)).Disposition)
}

// Attack 3: one shipment listed the same item twice.
func TestShipRefusesTheSameItemTwice(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.ship(mfgLogistic, 2, "SHP-1", distMSP, unit(0), unit(1), unit(0)), `INVALID_ARGUMENT: field "items[2]"`)
	e.Refused(before, e.pack(mfgLogistic, 2, case1, "case", unit(1), unit(1)), `INVALID_ARGUMENT: field "children[1]"`)
}

// Attack 4: a distributor's quality staff registered products and
// commissioned units of GTINs it does not own; the regulator's read-only
// auditor cleared, marked illegitimate and recalled.
func TestWritesAreTiedToTheOwningOrg(t *testing.T) {
	// A second manufacturer with its own company prefix.
	g := partstest.With(partstest.Reference(), "supply", parts.Org{MSPID: "GenericsMSP", Name: "generics",
		Parts: []string{parts.PartManufacturer}, Peer: true, CompanyPrefixes: []string{"0012345"}})
	e := newEnvWith(t, &Contract{}, g)
	generics := roleOf("GenericsMSP", "quality")
	e.Must(e.Submit(registrar, 0, "", nil, "RegisterPartner", string(cctest.JSON(wire.Partner{MSPID: "GenericsMSP", Name: "g", License: "LIC-G",
		GLN: "0614141000012", ValidFrom: "2026-01-01", ValidTo: "2027-12-31"}))), nil)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	e.Must(e.Submit(quality, 2, "", nil, "Suspect", unit(0), "odd label"), nil)
	before := e.Peer.Snapshot()
	for _, c := range []struct {
		who  string
		fn   string
		args []string
	}{
		{"distributor quality", "RegisterProduct", []string{product(gtin2)}},
		{"distributor quality", "CreateBatch", []string{gtin, "LOT-X", exp}},
		{"distributor quality", "Commission", []string{gtin, lot, serials(50, 1)}},
		{"generics", "RegisterProduct", []string{product(gtin2)}},
		{"generics", "RegisterProduct", []string{product(gtin)}},
		{"generics", "CreateBatch", []string{gtin, "LOT-X", exp}},
		{"generics", "Commission", []string{gtin, lot, serials(50, 1)}},
		{"generics", "RecallLot", []string{gtin, lot, "sabotage"}},
		{"manufacturer quality", "RegisterProduct", []string{product("00012345678905")}},
		{"auditor", "Clear", []string{unit(0), "looks fine"}},
		{"auditor", "MarkIllegitimate", []string{unit(0), "x"}},
		{"auditor", "RecallLot", []string{gtin, lot, "x"}},
		{"auditor", "Suspect", []string{unit(1), "x"}},
		{"distributor quality", "RecallLot", []string{gtin, lot, "x"}},
		{"distributor quality", "Clear", []string{unit(0), "x"}},
	} {
		id := map[string]any{"distributor quality": distQuality, "generics": generics, "manufacturer quality": quality, "auditor": auditor}[c.who]
		res := e.Submit(id.(*memstub.Identity), 3, "", nil, c.fn, c.args...)
		assert.False(t, res.OK(), "%s %s", c.who, c.fn)
		assert.Contains(t, res.Message, "FORBIDDEN: ", "%s %s", c.who, c.fn)
		assert.Equal(t, before, e.Peer.Snapshot(), "%s %s", c.who, c.fn)
	}
	// The second manufacturer registers and commissions its own GTINs,
	// once the chaincode definition gives it a commissioning collection.
	e.Must(e.Submit(generics, 4, "", nil, "RegisterProduct", product("00012345678905")), nil)
	e.Must(e.Submit(generics, 4, "", nil, "CreateBatch", "00012345678905", "G1", exp), nil)
	before = e.Peer.Snapshot()
	res := e.Submit(generics, 5, "", nil, "Commission", "00012345678905", "G1", serials(0, 1))
	assert.Contains(t, res.Message, "collection commission_GenericsMSP in the chaincode definition")
	assert.Equal(t, before, e.Peer.Snapshot())
	e.withMaker("GenericsMSP")
	e.Must(e.Submit(generics, 5, "", nil, "Commission", "00012345678905", "G1", serials(0, 1)), nil)
	// The registrar investigates and recalls; the manufacturer recalls its own.
	e.Must(e.Submit(registrar, 6, "", nil, "Clear", unit(0), "legitimate"), nil)
	e.Must(e.Submit(registrar, 7, "", nil, "Suspect", unit(1), "tip-off"), nil)
	e.Must(e.Submit(registrar, 8, "", nil, "MarkIllegitimate", unit(1), "counterfeit"), nil)
	e.Must(e.Submit(registrar, 9, "", nil, "RecallLot", gtin, lot, "contamination"), nil)
	e.Must(e.Submit(generics, 10, "", nil, "RecallLot", "00012345678905", "G1", "label error"), nil)
}

// Attack 6: only the named receiver receives; only a pharmacy's pharmacist
// dispenses; the partner licence and the parts registry are both checked.
func TestCustodyNeedsPartRoleAndOwnership(t *testing.T) {
	e := newEnv(t)
	distPharmacist := roleOf(distMSP, "pharmacist")
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 4)), nil)
	e.Must(e.ship(mfgLogistic, 2, "SHP-1", distMSP, unit(0), unit(1)), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(pharmacist, 3, "", nil, "Receive", "SHP-1"), "FORBIDDEN: shipment SHP-1 is for DistributorMSP")
	e.Refused(before, e.Submit(mfgLogistic, 3, "", nil, "Receive", "SHP-1"), "FORBIDDEN: ")
	e.Must(e.Submit(distributor, 4, "", nil, "Receive", "SHP-1"), nil)
	// A "pharmacist" certificate of the distributor counts for nothing.
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(distPharmacist, 5, "", nil, "Dispense", unit(0)), "FORBIDDEN: ")
	e.Must(e.ship(distributor, 6, "SHP-2", provMSP, unit(0), unit(1)), nil)
	e.Must(e.Submit(provLogist, 7, "", nil, "Receive", "SHP-2"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(provLogist, 8, "", nil, "Dispense", unit(0)), "FORBIDDEN: ")
	// A pharmacy whose licence is suspended dispenses nothing.
	e.Must(e.Submit(registrar, 9, "", nil, "RegisterPartner", string(cctest.JSON(wire.Partner{MSPID: provMSP, Name: "P", License: "LIC-2",
		GLN: "0614141000012", ValidFrom: "2026-01-01", ValidTo: "2027-12-31", Status: "suspended"}))), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(pharmacist, 10, "", nil, "Dispense", unit(0)), "FORBIDDEN: ProviderMSP is not an authorized trading partner")
	e.Must(e.Submit(registrar, 11, "", nil, "RegisterPartner", string(cctest.JSON(wire.Partner{MSPID: provMSP, Name: "P", License: "LIC-2",
		GLN: "0614141000012", ValidFrom: "2026-01-01", ValidTo: "2027-12-31"}))), nil)
	e.Must(e.Submit(pharmacist, 12, "", nil, "Dispense", unit(0)), nil)
	// An org the parts registry does not list cannot receive a shipment,
	// licence or not.
	before = e.Peer.Snapshot()
	e.Refused(before, e.ship(mfgLogistic, 13, "SHP-3", rogueMSP, unit(2)), "FORBIDDEN: receiver RogueMSP plays no trading part")
}

// Attack 7: bounded time. The skew guard refuses a transaction stamped far
// from the endorsing peer's clock.
func TestTimestampFarFromThePeersClockIsRefused(t *testing.T) {
	now := at(0)
	e := newEnvWith(t, &Contract{Clock: func() time.Time { return now }}, partstest.Reference())
	before := e.Peer.Snapshot()
	yearAhead := int(365 * 24 * time.Hour / time.Minute)
	monthBehind := -int(30 * 24 * time.Hour / time.Minute)
	e.Refused(before, e.Submit(quality, yearAhead, "", nil, "Commission", gtin, lot, serials(0, 1)), `INVALID_ARGUMENT: field "timestamp"`)
	e.Refused(before, e.Submit(quality, monthBehind, "", nil, "Commission", gtin, lot, serials(0, 1)), `INVALID_ARGUMENT: field "timestamp"`)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 1)), nil)
}

// Per-object time: a transaction stamped before the latest change of an
// item, container, shipment or lot is refused.
func TestBackdatingIsRefused(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 10, "", nil, "Commission", gtin, lot, serials(0, 6)), nil)
	e.Must(e.pack(mfgLogistic, 20, case1, "case", units(0, 2)...), nil)
	e.Must(e.ship(mfgLogistic, 30, "SHP-1", distMSP, unit(2)), nil)
	before := e.Peer.Snapshot()
	for _, c := range []struct {
		name string
		res  memstub.Result
	}{
		{"item", e.Submit(quality, 9, "", nil, "Suspect", unit(3), "x")},
		{"container", e.Submit(mfgLogistic, 19, "", nil, "Unpack", case1)},
		{"shipment", e.Submit(distributor, 29, "", nil, "Receive", "SHP-1")},
		{"reading", e.Submit(distributor, 29, "", nil, "AddReading", "SHP-1", "l1", "50")},
		{"lot", e.Submit(quality, -4, "", nil, "Commission", gtin, lot, serials(50, 1))},
		{"verify", e.Submit(pharmacist, 9, "", nil, "Verify", gtin, "SN00000", lot, exp)},
	} {
		assert.False(t, c.res.OK(), c.name)
		assert.Contains(t, c.res.Message, "FAILED_PRECONDITION: transaction time", c.name)
		assert.Equal(t, before, e.Peer.Snapshot(), c.name)
	}
	e.Must(e.Submit(registrar, 40, "", nil, "RecallLot", gtin, lot, "x"), nil)
	before = e.Peer.Snapshot()
	r := e.Submit(pharmacist, 39, "", nil, "Verify", gtin, "SN00004", lot, exp)
	e.Refused(before, r, "FAILED_PRECONDITION: transaction time")
}

// Backdating cannot reopen an expired window: a unit changed after its
// expiry cannot be dispensed by a transaction stamped before it.
func TestBackdatingCannotReopenAnExpiredWindow(t *testing.T) {
	e := newEnv(t)
	const day = 24 * 60
	e.Must(e.Submit(quality, 0, "", nil, "CreateBatch", gtin, "SHORT", "2026-06-02"), nil)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, "SHORT", serials(0, 1)), nil)
	e.Must(e.ship(mfgLogistic, 2, "SHP-1", provMSP, unit(0)), nil)
	e.Must(e.Submit(pharmacist, 3, "", nil, "Receive", "SHP-1"), nil)
	// Day 3: expired. The pharmacist quarantines and clears it (a change).
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(pharmacist, 3*day, "", nil, "Dispense", unit(0)), "FAILED_PRECONDITION: ")
	e.Must(e.Submit(pharmacist, 3*day, "", nil, "Suspect", unit(0), "expired on the shelf"), nil)
	e.Must(e.Submit(pharmacist, 3*day+1, "", nil, "Clear", unit(0), "only expired"), nil)
	// Stamped on day 0, before expiry: refused, time only moves forward.
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(pharmacist, 10, "", nil, "Dispense", unit(0)), "FAILED_PRECONDITION: transaction time")
	// And with the skew guard, a day-0 stamp is refused outright on day 3.
	now := at(0)
	g := newEnvWith(t, &Contract{Clock: func() time.Time { return now }}, partstest.Reference())
	now = at(3*day + 2)
	before = g.Peer.Snapshot()
	g.Refused(before, g.Submit(pharmacist, 10, "", nil, "Verify", gtin, "SN00000", lot, exp), `INVALID_ARGUMENT: field "timestamp"`)
}

// Attack 8: a trace pages from its bookmark to any length (it stopped at
// 1,000 events), both ways; signals page too.
func TestTracePagesToAnyLength(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 1)), nil)
	e.Must(e.pack(mfgLogistic, 2, case1, "case", unit(0)), nil)
	e.Must(e.ship(mfgLogistic, 3, "SHP-1", distMSP, case1), nil)
	const readings = 1050
	for i := 0; i < readings; i++ {
		e.Must(e.Submit(mfgLogistic, 4+i, "", nil, "AddReading", "SHP-1", "logger-1", "50"), nil)
	}
	e.Must(e.Submit(distributor, 4+readings, "", nil, "Receive", "SHP-1"), nil)
	total := 1 + 1 + 1 + readings + 1 // commission, pack, ship, readings, receive
	oldest := readAll(t, e, unit(0), wire.OldestFirst)
	newest := readAll(t, e, unit(0), wire.NewestFirst)
	require.Len(t, oldest, total)
	require.Len(t, newest, total)
	assert.Equal(t, wire.StepCommissioning, oldest[0].BizStep)
	assert.Equal(t, wire.StepReceiving, oldest[total-1].BizStep)
	for i := range oldest {
		assert.Equal(t, oldest[i].EventID, newest[total-1-i].EventID)
		if i > 0 {
			assert.LessOrEqual(t, oldest[i-1].EventTime[:16], oldest[i].EventTime[:16])
		}
	}
}

func readAll(t *testing.T, e *env, id, order string) []wire.Event {
	var all []wire.Event
	bookmark := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 100)
		var p wire.EventPage
		e.Must(e.Query(auditor, 99999, "Trace", id, order, "100", bookmark), &p)
		all = append(all, p.Items...)
		if p.Bookmark == "" {
			return all
		}
		bookmark = p.Bookmark
	}
}

func TestSignalsPageBothWays(t *testing.T) {
	e := atPharmacy(t)
	e.Must(e.Submit(pharmacist, 5, "", nil, "Dispense", unit(0)), nil)
	for i := 0; i < 25; i++ {
		assert.Equal(t, wire.AlreadyDispensed, e.verify(6+i, 0))
	}
	for _, order := range []string{wire.OldestFirst, wire.NewestFirst} {
		var got []wire.Signal
		bookmark := ""
		for {
			var p wire.SignalPage
			e.Must(e.Query(auditor, 99999, "ListSignals", unit(0), order, "10", bookmark), &p)
			got = append(got, p.Items...)
			if bookmark = p.Bookmark; bookmark == "" {
				break
			}
		}
		require.Len(t, got, 25, order)
		first, last := got[0].At, got[24].At
		if order == wire.NewestFirst {
			first, last = last, first
		}
		assert.Equal(t, at(6).Format(time.RFC3339Nano), first, order)
		assert.Equal(t, at(30).Format(time.RFC3339Nano), last, order)
	}
}

// Which validation error comes back does not depend on map order.
func TestValidationErrorsAreDeterministic(t *testing.T) {
	e := newEnv(t)
	before := e.Peer.Snapshot()
	for i := 0; i < 30; i++ {
		res := e.Submit(quality, 1, "", nil, "RegisterProduct", `{"gtin":"`+gtin+`","ndc":"1","minTemp":1,"maxTemp":2}`)
		e.Refused(before, res, `INVALID_ARGUMENT: field "name"`)
		res = e.ship(mfgLogistic, 1, fmt.Sprintf("S%d", i), distMSP, unit(0), "bad", unit(0))
		e.Refused(before, res, `INVALID_ARGUMENT: field "items[1]"`)
	}
}
