package provenance

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/validate"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// ReportReading records a temperature reading (tenths of a degree
// Celsius, from device) of an item at rest — a unit, or a container and
// so the units inside it — by the staff of the org that holds it (not in
// transit: readings in transit are the shipment's, AddReading). A reading
// outside the storage range of a product in the item is an excursion:
// the receipt says so and the item's trace shows it.
func (c *Contract) ReportReading(ctx contractapi.TransactionContextInterface, id, device string, tenthC int) (*wire.Receipt, error) {
	t, err := c.beginReading(ctx, device, tenthC)
	if err != nil {
		return nil, err
	}
	chain, err := t.held(id)
	if err != nil {
		return nil, err
	}
	it := chain[0]
	if err := t.NotBefore("item "+id, it.Updated); err != nil {
		return nil, err
	}
	excursion, err := t.outOfRange(it, tenthC)
	if err != nil {
		return nil, err
	}
	status := "recorded"
	if excursion {
		status = "excursion"
	}
	if err := t.record(wire.Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: wire.StepSensorReporting, EPCList: []string{epc(it)},
		Sensor: &wire.SensorRep{Type: "gs1:Temperature", TenthC: tenthC, Device: device, Excursion: excursion}}, id); err != nil {
		return nil, err
	}
	return &wire.Receipt{ID: id, Status: status, TxID: t.ID()}, t.finish()
}

// outOfRange reports whether a reading is outside the storage range of a
// product in an item (its own, or a container's, in GTIN order).
func (t *tx) outOfRange(it *wire.Item, tenthC int) (bool, error) {
	gtins := slices.Clone(it.GTINs)
	if it.Kind == "unit" {
		gtins = append(gtins, it.GTIN)
	}
	return t.outsideStorage(gtins, tenthC)
}

// beginReading starts a reading's transaction: a trading partner's
// handler (checked first), then the device and the value, tenths of a
// degree Celsius within ±100 °C.
func (c *Contract) beginReading(ctx contractapi.TransactionContextInterface, device string, tenthC int) (*tx, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireTrader(handlerRoles...); err != nil {
		return nil, err
	}
	if err := validate.Identifier("device", device); err != nil {
		return nil, err
	}
	if err := validate.Range("value", int64(tenthC), -1000, 1000); err != nil {
		return nil, err
	}
	return t, nil
}
