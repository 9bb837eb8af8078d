package provenance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// trace reads an item's trace, oldest first.
func (e *env) traceOf(id string) []wire.Event {
	var page wire.EventPage
	e.Must(e.Query(auditor, 99999, wire.FnTrace, id, "", "100", ""), &page)
	return page.Items
}

// Readings of goods at rest: by their holder's staff, on the unit or on
// a container (and so in its units' traces), an excursion outside the
// product's storage range (2.0-25.0 °C) marked as one.
func TestReportReadingOfGoodsAtRest(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	e.Must(e.pack(mfgLogistic, 2, case1, "case", units(0, 2)...), nil)
	var r wire.Receipt
	e.Must(e.Submit(mfgLogistic, 3, "", nil, wire.FnReportReading, unit(2), "logger-1", "50"), &r)
	assert.Equal(t, wire.Receipt{ID: unit(2), Status: "recorded", TxID: r.TxID}, r)
	e.Must(e.Submit(quality, 4, "", nil, wire.FnReportReading, case1, "logger-2", "300"), &r)
	assert.Equal(t, "excursion", r.Status)

	last := func(id string) wire.Event {
		tr := e.traceOf(id)
		require.NotEmpty(t, tr)
		return tr[len(tr)-1]
	}
	ev := last(unit(2))
	assert.Equal(t, wire.StepSensorReporting, ev.BizStep)
	require.NotNil(t, ev.Sensor)
	assert.Equal(t, wire.SensorRep{Type: "gs1:Temperature", TenthC: 50, Device: "logger-1"}, *ev.Sensor)
	ev = last(unit(0))
	require.NotNil(t, ev.Sensor, "the case's reading is in its units' traces")
	assert.Equal(t, wire.SensorRep{Type: "gs1:Temperature", TenthC: 300, Device: "logger-2", Excursion: true}, *ev.Sensor)
	assert.Equal(t, wire.DispActive, e.item(unit(2)).Disposition, "a reading changes no custody")
}

// Only the holder's staff report readings, of goods at rest (in transit
// they are the shipment's: AddReading); bad input is refused naming the
// field, and a refusal changes nothing.
func TestReportReadingIsTheHoldersAndNamesItsField(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	e.Must(e.pack(mfgLogistic, 2, case1, "case", units(0, 2)...), nil)
	e.Must(e.ship(mfgLogistic, 3, "SHP-1", distMSP, unit(2)), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(distributor, 4, "", nil, wire.FnReportReading, case1, "logger-1", "50"), "FORBIDDEN")
	e.Refused(before, e.Submit(rogue, 4, "", nil, wire.FnReportReading, case1, "logger-1", "50"), "FORBIDDEN")
	e.Refused(before, e.Submit(mfgLogistic, 4, "", nil, wire.FnReportReading, unit(2), "logger-1", "50"), "FAILED_PRECONDITION")
	e.Refused(before, e.Submit(mfgLogistic, 4, "", nil, wire.FnReportReading, unit(7), "logger-1", "50"), "NOT_FOUND")
	e.Refused(before, e.Submit(mfgLogistic, 4, "", nil, wire.FnReportReading, case1, "Jane Doe's fridge", "50"), `INVALID_ARGUMENT: field "device"`)
	e.Refused(before, e.Submit(mfgLogistic, 4, "", nil, wire.FnReportReading, case1, "logger-1", "1001"), `INVALID_ARGUMENT: field "value"`)
	// A unit inside a case its org holds is read where it is.
	e.Must(e.Submit(mfgLogistic, 5, "", nil, wire.FnReportReading, unit(0), "logger-1", "50"), nil)
}
