package provenance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
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
	id := SGTIN(gtin, serial)
	it := Item{ID: id, Kind: "unit", GTIN: gtin, Serial: serial, Lot: lot, Expiry: exp,
		Owner: owner, Custodian: owner, Disposition: disp, Updated: at(1).Format("2006-01-02T15:04:05.000000000Z07:00")}
	return []memstub.ForgedWrite{
		{Key: mustKey(objItem, id), Value: cctest.JSON(it)},
		{Key: mustKey(objUnitsByLot, gtin, lot, serial), Value: []byte{0}},
	}
}

func (e *env) verifySerial(minute int, serial string) string {
	var v Verification
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
	atDist := forgedUnit("FAKE00001", distMSP, DispActive)
	atPharm := forgedUnit("FAKE00002", provMSP, DispSellable)
	res := e.forge(colluders, append(atDist, atPharm...)...)
	require.Equal(t, memstub.Valid, res.Validation, "OutOf(2) alone lets two orgs create keys")

	assert.Equal(t, UnknownSerial, e.verifySerial(5, "FAKE00001"))
	assert.Equal(t, UnknownSerial, e.verifySerial(5, "FAKE00002"))
	assert.Equal(t, Verified, e.verifySerial(5, "SN00000"), "the real units still verify")

	before := e.Peer.Snapshot()
	fake1, fake2 := SGTIN(gtin, "FAKE00001"), SGTIN(gtin, "FAKE00002")
	e.Refused(before, e.Submit(pharmacist, 6, "", nil, "Dispense", fake2), "NOT_FOUND: ")
	e.Refused(before, e.ship(distributor, 6, "SHP-F", provMSP, fake1), `INVALID_ARGUMENT: field "items[0]"`)
	e.Refused(before, e.pack(distributor, 6, case1, "case", fake1), `INVALID_ARGUMENT: field "children[0]"`)
	e.Refused(before, e.Submit(distQuality, 6, "", nil, "Suspect", fake1, "odd"), "NOT_FOUND: ")
	e.Refused(before, e.Submit(distributor, 6, "", nil, "Destroy", fake1, "odd"), "NOT_FOUND: ")
	e.Refused(before, e.Query(auditor, 6, "GetItem", fake1), "NOT_FOUND: ")
	e.Refused(before, e.Query(auditor, 6, "Trace", fake1, "", "10", ""), "NOT_FOUND: ")
	var report HoldingPage
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
	sh := Shipment{ID: "SHP-X", From: mfrMSP, To: distMSP, Items: []string{unit(0)}, Status: DispInTransit, Shipped: at(2).Format("2006-01-02T15:04:05Z07:00")}
	res := e.forge(colluders, memstub.ForgedWrite{Key: mustKey(objShipment, "SHP-X"), Value: cctest.JSON(sh)})
	require.Equal(t, memstub.Valid, res.Validation)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(distributor, 3, "", nil, "Receive", "SHP-X"), "FAILED_PRECONDITION: ")
	assert.Equal(t, mfrMSP, e.item(unit(0)).Owner)
	assert.Equal(t, DispActive, e.item(unit(0)).Disposition)
}
