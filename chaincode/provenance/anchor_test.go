package provenance

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// colluders are two orgs that satisfy the chaincode-level policy
// OutOf(2, …) together and include neither the manufacturer nor the
// pharmacy.
var colluders = []string{distMSP, regMSP}

// forgedUnit is the write set two colluders fabricate for a unit of the
// real lot that the manufacturer never commissioned: the unit record,
// held by owner (as the chaincode would write it), and its lot index
// entry, so that even the recall report would find it.
func forgedUnit(serial, owner, disp string) []memstub.ForgedWrite {
	id := wire.SGTIN(gtin, serial)
	it := wire.Item{ID: id, Kind: "unit", GTIN: gtin, Serial: serial, Lot: lot, Expiry: exp,
		Owner: owner, Custodian: owner, Disposition: disp, Updated: at(1).Format("2006-01-02T15:04:05.000000000Z07:00")}
	return []memstub.ForgedWrite{
		{Key: mustKey(objItem, id), Value: cctest.JSON(it)},
		{Key: mustKey(objUnitsByLot, gtin, lot, serial), Value: []byte{0}},
	}
}

func (e *env) verifySerial(minute int, serial string) string {
	var v wire.Verification
	e.Must(e.Submit(pharmacist, minute, "", nil, "Verify", gtin, serial, lot, exp), &v)
	return v.Result
}

// The gap: new keys are validated against the chaincode-level policy only,
// so DistributorMSP and RegulatorMSP together can create a unit key for a
// serial of a real lot that the manufacturer never commissioned. The
// forged write commits (VALID under OutOf(2)), but nothing gives it
// meaning: it verifies as an unknown serial, cannot be dispensed, shipped,
// packed, read or traced, and the recall report does not list it.
func TestForgedUnitOfARealLotIsUnknown(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	atDist := forgedUnit("FAKE00001", distMSP, wire.DispActive)
	atPharm := forgedUnit("FAKE00002", provMSP, wire.DispSellable)
	res := e.forge(colluders, append(atDist, atPharm...)...)
	require.Equal(t, memstub.Valid, res.Validation, "OutOf(2) alone lets two orgs create keys")

	assert.Equal(t, wire.UnknownSerial, e.verifySerial(5, "FAKE00001"))
	assert.Equal(t, wire.UnknownSerial, e.verifySerial(5, "FAKE00002"))
	assert.Equal(t, wire.Verified, e.verifySerial(5, "SN00000"), "the real units still verify")

	before := e.Peer.Snapshot()
	fake1, fake2 := wire.SGTIN(gtin, "FAKE00001"), wire.SGTIN(gtin, "FAKE00002")
	e.Refused(before, e.Submit(pharmacist, 6, "", nil, "Dispense", fake2), "NOT_FOUND: ")
	e.Refused(before, e.ship(distributor, 6, "SHP-F", provMSP, fake1), `INVALID_ARGUMENT: field "items[0]"`)
	e.Refused(before, e.pack(distributor, 6, case1, "case", fake1), `INVALID_ARGUMENT: field "children[0]"`)
	e.Refused(before, e.Submit(distQuality, 6, "", nil, "Suspect", fake1, "odd"), "NOT_FOUND: ")
	e.Refused(before, e.Submit(distributor, 6, "", nil, "Destroy", fake1, "odd"), "NOT_FOUND: ")
	e.Refused(before, e.Query(auditor, 6, "GetItem", fake1), "NOT_FOUND: ")
	e.Refused(before, e.Query(auditor, 6, "Trace", fake1, "", "10", ""), "NOT_FOUND: ")
	var report wire.HoldingPage
	e.Must(e.Query(registrar, 6, "RecallReport", gtin, lot, "100", ""), &report)
	var listed []string
	for _, h := range report.Items {
		listed = append(listed, h.Unit)
	}
	assert.Equal(t, units(0, 3), listed, "the recall report lists the commissioned units only")
}

// Honest execution over forged input: two colluders create a shipment
// record (a new key) from the manufacturer to the distributor that lists
// a unit the manufacturer holds at rest; the distributor then receives it
// in an ordinary transaction, which the manufacturer's peer would endorse
// as it runs the same code. Receive moves only items that a real Ship put
// in transit on that shipment.
func TestForgedShipmentDoesNotMoveRealUnits(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	sh := wire.Shipment{ID: "SHP-X", From: mfrMSP, To: distMSP, Items: []string{unit(0)}, Status: wire.DispInTransit, Shipped: at(2).Format("2006-01-02T15:04:05Z07:00")}
	res := e.forge(colluders, memstub.ForgedWrite{Key: mustKey(objShipment, "SHP-X"), Value: cctest.JSON(sh)})
	require.Equal(t, memstub.Valid, res.Validation)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(distributor, 3, "", nil, "Receive", "SHP-X"), "FAILED_PRECONDITION: ")
	assert.Equal(t, mfrMSP, e.item(unit(0)).Owner)
	assert.Equal(t, wire.DispActive, e.item(unit(0)).Disposition)
}

// anchorWrite is a forged write of a unit's anchor in a commissioning
// collection.
func anchorWrite(maker string, it wire.Item) memstub.ForgedWrite {
	return memstub.ForgedWrite{Collection: CommissionCollection(maker), Key: it.ID, Value: anchorValue(&it)}
}

func fakeItem(g, serial, l string) wire.Item {
	return wire.Item{ID: wire.SGTIN(g, serial), Kind: "unit", GTIN: g, Serial: serial, Lot: l, Expiry: exp,
		Owner: distMSP, Custodian: distMSP, Disposition: wire.DispActive}
}

// The anchor itself cannot be forged: the commissioning collection's
// endorsement policy is the manufacturer's peer, for new keys as for
// existing ones, so a forged unit with its anchor (the analogue of a fake
// batch key) is refused at validation and changes nothing; so are
// rewriting or deleting a real anchor, or setting a policy on an anchor
// key first.
func TestForgedAnchorIsRefused(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	fake := fakeItem(gtin, "FAKE00001", lot)
	genuine := e.item(unit(0))
	genuine.Expiry = "2030-01-01"
	open, err := peersOf(distMSP)
	require.NoError(t, err)
	before := e.Peer.Snapshot()
	for _, c := range []struct {
		what   string
		writes []memstub.ForgedWrite
	}{
		{"a unit with its anchor", append(forgedUnit("FAKE00001", distMSP, wire.DispActive), anchorWrite(mfrMSP, fake))},
		{"an anchor alone", []memstub.ForgedWrite{anchorWrite(mfrMSP, fake)}},
		{"a real anchor rewritten", []memstub.ForgedWrite{anchorWrite(mfrMSP, genuine)}},
		{"a real anchor deleted", []memstub.ForgedWrite{{Collection: CommissionCollection(mfrMSP), Key: unit(0), Delete: true}}},
		{"a policy of their own on an anchor key", []memstub.ForgedWrite{{Collection: CommissionCollection(mfrMSP), Key: fake.ID, ValidationParameter: open}}},
	} {
		refusedForgery(t, e, e.forge(colluders, c.writes...), c.what)
	}
	assert.Equal(t, before, e.Peer.Snapshot())
	assert.Equal(t, wire.Verified, e.verifySerial(5, "SN00000"))
	assert.Equal(t, wire.UnknownSerial, e.verifySerial(5, "FAKE00001"))
}

// One level up: two colluders create a lot of the real product, or a
// product for a GTIN the manufacturer never registered, with a unit in it.
// The unit still has no anchor, so it is unknown. A second manufacturer
// that colludes can write anchors in its own collection — but the parts
// registry says whose company prefix the GTIN is under, and only that
// org's collection counts.
func TestForgedLotsAndProductsDoNotLendMeaning(t *testing.T) {
	g := partstest.With(partstest.Reference(), "supply", parts.Org{MSPID: "GenericsMSP", Name: "generics",
		Parts: []string{parts.PartManufacturer}, Peer: true, CompanyPrefixes: []string{"0012345"}})
	e := newEnvWith(t, &Contract{}, g)
	e.withMaker("GenericsMSP")
	newGTIN := "10614141999993"
	require.NoError(t, wire.CheckGTIN("gtin", newGTIN))
	writes := func(g, l, maker string) []memstub.ForgedWrite {
		it := fakeItem(g, "FAKE00001", l)
		return []memstub.ForgedWrite{
			{Key: mustKey(objProduct, g), Value: cctest.JSON(wire.Product{GTIN: g, Name: "x", Manufacturer: maker, MinTenthC: 20, MaxTenthC: 250})},
			{Key: mustKey(objBatch, g, l), Value: cctest.JSON(wire.Batch{GTIN: g, Lot: l, Expiry: exp, Manufacturer: maker})},
			{Key: mustKey(objItem, it.ID), Value: cctest.JSON(it)},
		}
	}
	// A new lot of the real product (its product record exists: skip it).
	require.Equal(t, memstub.Valid, e.forge(colluders, writes(gtin, "LOT-FAKE", mfrMSP)[1:]...).Validation)
	// A product never registered, under the manufacturer's prefix.
	require.Equal(t, memstub.Valid, e.forge(colluders, writes(newGTIN, "L1", mfrMSP)...).Validation)
	// The same naming a colluding manufacturer, with its anchor: valid, as
	// its own peer endorses its collection.
	other := "10614141888884"
	require.NoError(t, wire.CheckGTIN("gtin", other))
	require.Equal(t, memstub.Valid, e.forge(colluders, writes(other, "L1", "GenericsMSP")...).Validation)
	res := e.forge([]string{"GenericsMSP"}, anchorWrite("GenericsMSP", fakeItem(other, "FAKE00001", "L1")))
	require.Equal(t, memstub.Valid, res.Validation)

	for _, c := range [][2]string{{gtin, "LOT-FAKE"}, {newGTIN, "L1"}, {other, "L1"}} {
		var v wire.Verification
		e.Must(e.Submit(pharmacist, 5, "", nil, "Verify", c[0], "FAKE00001", c[1], exp), &v)
		assert.Equal(t, wire.UnknownSerial, v.Result, c)
		e.Refused(e.Peer.Snapshot(), e.Query(auditor, 5, "GetItem", wire.SGTIN(c[0], "FAKE00001")), "NOT_FOUND: ")
	}
}

// Honest commissioning of 1,000 units in two transactions, endorsed as the
// gateway plans it (the manufacturer's peer for its collection and its
// units, one more for the new keys): every unit is anchored, verifies on a
// peer outside the commissioning collection, and is in the recall report.
func TestHonestCommissioningOfAThousandUnits(t *testing.T) {
	e := newEnv(t)
	endorsers := []string{mfrMSP, regMSP}
	for i := 0; i < 2; i++ {
		res := e.endorsed(quality, 1+i, endorsers, nil, "Commission", gtin, lot, serials(i*wire.MaxCommission, wire.MaxCommission))
		require.Equal(t, memstub.Valid, res.Validation, res.Message)
	}
	// Without the manufacturer's peer, the anchors cannot be written.
	res := e.endorsed(quality, 3, []string{distMSP, regMSP}, nil, "Commission", gtin, lot, serials(5000, 1))
	refusedForgery(t, e, res, "commissioning without the manufacturer's peer")

	e.Peer.SetMSP(provMSP)
	for _, i := range []int{0, 1, 499, 500, 998, 999} {
		assert.Equal(t, wire.Verified, e.verify(10, i), "unit %d", i)
	}
	var all []string
	for bookmark := ""; ; {
		var page wire.HoldingPage
		e.Must(e.Query(registrar, 11, "RecallReport", gtin, lot, "100", bookmark), &page)
		for _, h := range page.Items {
			all = append(all, h.Unit)
		}
		if bookmark = page.Bookmark; bookmark == "" {
			break
		}
	}
	assert.Equal(t, units(0, 1000), all)
}

// A serial that two colluders took first (a unit key without an anchor)
// is not commissioned over — the key may carry their own policy — but
// signalled; a scan of it is signalled too, and it stays unknown.
func TestForgedSerialsAreSignalled(t *testing.T) {
	e := newEnv(t)
	require.Equal(t, memstub.Valid, e.forge(colluders, forgedUnit("SN00002", distMSP, wire.DispActive)...).Validation)
	var r wire.Receipt
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 4)), &r)
	assert.Equal(t, 3, r.Count)
	require.Len(t, r.Signals, 1)
	assert.Equal(t, wire.SignalNotCommissioned, r.Signals[0].Code)
	assert.Equal(t, wire.UnknownSerial, e.verify(2, 2))
	var signals wire.SignalPage
	e.Must(e.Query(auditor, 3, "ListSignals", unit(2), wire.NewestFirst, "10", ""), &signals)
	require.Len(t, signals.Items, 2)
	assert.Equal(t, wire.SignalNotCommissioned, signals.Items[0].Code)
	assert.Contains(t, signals.Items[0].Reason, "scanned")
}

// Units commissioned before anchors existed are unknown until their
// manufacturer anchors them; anchoring skips anchored units, refuses
// serials without a unit record of the lot, and is the manufacturer's
// alone.
func TestAnchorUnitsUpgradesLegacyUnits(t *testing.T) {
	e := newEnv(t)
	legacy := wire.Item{ID: unit(7), Kind: "unit", GTIN: gtin, Serial: "SN00007", Lot: lot, Expiry: exp,
		Owner: mfrMSP, Custodian: mfrMSP, Disposition: wire.DispActive, Updated: at(0).Format("2006-01-02T15:04:05Z07:00")}
	owned, err := peersOf(mfrMSP)
	require.NoError(t, err)
	// As an earlier version wrote it: the manufacturer's peer and one more.
	res := e.forge([]string{mfrMSP, regMSP}, memstub.ForgedWrite{Key: mustKey(objItem, legacy.ID), Value: cctest.JSON(legacy), ValidationParameter: owned})
	require.Equal(t, memstub.Valid, res.Validation)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 2)), nil)
	assert.Equal(t, wire.UnknownSerial, e.verify(2, 7))

	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(quality, 3, "", nil, "AnchorUnits", gtin, lot, `["SN00007","SN00009"]`), `INVALID_ARGUMENT: field "serials[1]"`)
	e.Refused(before, e.Submit(quality, 3, "", nil, "AnchorUnits", gtin, lot, `[]`), `INVALID_ARGUMENT: field "serials"`)
	e.Refused(before, e.Submit(quality, 3, "", nil, "AnchorUnits", gtin, "NO-SUCH-LOT", `["SN00007"]`), "NOT_FOUND: ")
	e.Refused(before, e.Submit(distQuality, 3, "", nil, "AnchorUnits", gtin, lot, `["SN00007"]`), "FORBIDDEN: ")
	e.Refused(before, e.Submit(mfgLogistic, 3, "", nil, "AnchorUnits", gtin, lot, `["SN00007"]`), "FORBIDDEN: ")
	var r wire.Receipt
	e.Must(e.Submit(quality, 3, "", nil, "AnchorUnits", gtin, lot, `["SN00007","SN00000"]`), &r)
	assert.Equal(t, 1, r.Count, "the commissioned unit was anchored already")
	assert.Equal(t, wire.Verified, e.verify(4, 7))
	var again wire.Receipt
	e.Must(e.Submit(quality, 5, "", nil, "AnchorUnits", gtin, lot, `["SN00007"]`), &again)
	assert.Equal(t, 0, again.Count)
}

// A forged contents entry under a real case, naming a forged unit that
// points back at the case, is skipped by Unpack, which releases the real
// units only.
func TestUnpackSkipsForgedContents(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 2)), nil)
	e.Must(e.pack(mfgLogistic, 2, case1, "case", units(0, 2)...), nil)
	writes := forgedUnit("FAKE00001", mfrMSP, wire.DispActive)
	var it wire.Item
	require.NoError(t, json.Unmarshal(writes[0].Value, &it))
	it.Parent = case1
	writes[0].Value = cctest.JSON(it)
	writes = append(writes, memstub.ForgedWrite{Key: mustKey(objContains, case1, it.ID), Value: []byte{0}})
	require.Equal(t, memstub.Valid, e.forge(colluders, writes...).Validation)
	var r wire.Receipt
	e.Must(e.Submit(mfgLogistic, 3, "", nil, "Unpack", case1), &r)
	assert.Equal(t, 2, r.Count)
	assert.Equal(t, "", e.item(unit(0)).Parent)
	e.Refused(e.Peer.Snapshot(), e.Query(auditor, 4, "GetItem", it.ID), "NOT_FOUND: ")
}
