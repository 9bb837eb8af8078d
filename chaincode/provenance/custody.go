package provenance

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// Ship sends items the caller's org holds at rest (units in no container,
// or outermost containers) to another licensed trading partner, by the
// sender's logistics staff or pharmacist: they are in transit until the
// receiver confirms, and until then every change needs both partners'
// peers. The DSCSA transaction information and statement (transient
// "dscsa", any JSON) stay in the two partners' collection under a blinded
// key, with a salted commitment on the shipment (dscsa.go). Items the caller does not hold refuse the
// shipment, and the attempt is recorded as a counterfeit signal.
func (c *Contract) Ship(ctx contractapi.TransactionContextInterface, input string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireTrader(shipperRoles...); err != nil {
		return nil, err
	}
	in, err := decodeShip(input, t.Caller.MSPID)
	if err != nil {
		return nil, err
	}
	if err := t.receiver(in.To); err != nil {
		return nil, err
	}
	var doc json.RawMessage
	if err := t.Transient(wire.TransientDSCSA, &doc, maxInput); err != nil {
		return nil, err
	}
	if found, err := t.get(objShipment, &wire.Shipment{}, in.ID); err != nil {
		return nil, err
	} else if found {
		return nil, ccerr.Conflict("shipment %s exists", in.ID)
	}
	items, signals, err := t.shippable(in.Items)
	if err != nil {
		return nil, err
	}
	if len(signals) > 0 {
		// Refused: nothing moves, the attempt is on record.
		if err := t.saveSignals(signals); err != nil {
			return nil, err
		}
		return &wire.Receipt{ID: in.ID, Status: "refused", Signals: signals, TxID: t.ID()}, t.finish()
	}
	if err := t.dispatch(in, items, doc); err != nil {
		return nil, err
	}
	return &wire.Receipt{ID: in.ID, Status: wire.DispInTransit, Count: len(items), TxID: t.ID()}, t.finish()
}

// decodeShip validates Ship's input: a shipment id, a receiver other than
// the sender, and 1 to maxPack distinct items (errors name the index).
func decodeShip(input, sender string) (*wire.ShipInput, error) {
	var in wire.ShipInput
	if err := decode("shipment", input, &in); err != nil {
		return nil, err
	}
	if err := validate.Identifier("id", in.ID); err != nil {
		return nil, err
	}
	if err := validate.Identifier("to", in.To); err != nil {
		return nil, err
	}
	if in.To == sender {
		return nil, ccerr.Invalid("to", "cannot ship to yourself")
	}
	if len(in.Items) == 0 || len(in.Items) > maxPack {
		return nil, ccerr.Invalid("items", "between 1 and %d", maxPack)
	}
	first := map[string]int{}
	for i, id := range in.Items {
		field := fmt.Sprintf("items[%d]", i)
		if err := checkItemID(field, id); err != nil {
			return nil, err
		}
		if j, dup := first[id]; dup {
			return nil, ccerr.Invalid(field, "%s is listed twice (also items[%d])", id, j)
		}
		first[id] = i
	}
	return &in, nil
}

// checkItemID validates a unit (GTIN.serial) or container (SSCC) id.
func checkItemID(field, id string) error {
	if len(id) == 18 && wire.CheckSSCC(field, id) == nil {
		return nil
	}
	_, _, err := wire.ParseSGTIN(field, id)
	return err
}

// receiver refuses a receiver that plays no trading part or is not a
// licensed trading partner today.
func (t *tx) receiver(to string) error {
	if _, err := registry.RequirePart(t.Stub, to, tradingParts()...); err != nil {
		return ccerr.Forbidden("receiver %s plays no trading part in the consortium registry", to)
	}
	if _, err := t.partner(to); err != nil {
		return ccerr.Forbidden("receiver %s is not an authorized trading partner", to)
	}
	return nil
}

// shippable reads the items of a shipment: the caller's outermost items at
// rest and fit to travel, or counterfeit signals for those it does not hold.
func (t *tx) shippable(ids []string) ([]*wire.Item, []wire.Signal, error) {
	var items []*wire.Item
	var signals []wire.Signal
	for i, id := range ids {
		field := fmt.Sprintf("items[%d]", i)
		it, err := t.item(id)
		if ccerr.CodeOf(err) == ccerr.CodeNotFound {
			return nil, nil, ccerr.Invalid(field, "%s does not exist", id)
		}
		if err != nil {
			return nil, nil, err
		}
		r, err := t.root(it)
		if err != nil {
			return nil, nil, err
		}
		if r.Owner != t.Caller.MSPID {
			signals = append(signals, t.signal(wire.SignalNotHolder, id, t.Caller.MSPID+" tried to ship an item held by "+r.Owner))
			continue
		}
		if it.Parent != "" {
			return nil, nil, ccerr.Invalid(field, "%s is inside %s: ship the outermost container", id, it.Parent)
		}
		if err := t.movable(it, "shipped"); err != nil {
			return nil, nil, err
		}
		items = append(items, it)
	}
	return items, signals, nil
}

// dispatch puts the items in transit under AND(sender, receiver), keeps the
// DSCSA documents in the partners' collection and writes the shipment.
func (t *tx) dispatch(in *wire.ShipInput, items []*wire.Item, doc json.RawMessage) error {
	epcs := make([]string, 0, len(items))
	for _, it := range items {
		it.Disposition, it.Shipment, it.Custodian = wire.DispInTransit, in.ID, t.Caller.MSPID
		if err := t.saveItem(it); err != nil {
			return err
		}
		if err := t.endorseBy(objItem, []string{it.ID}, t.Caller.MSPID, in.To); err != nil {
			return err
		}
		epcs = append(epcs, epc(it))
	}
	commitment, err := t.putDSCSA(in, doc)
	if err != nil {
		return err
	}
	sh := &wire.Shipment{ID: in.ID, From: t.Caller.MSPID, To: in.To, Items: in.Items, Status: wire.DispInTransit,
		DocHash: commitment, Shipped: t.Stamp()}
	if err := t.saveShipment(sh); err != nil {
		return err
	}
	if err := t.endorseBy(objShipment, []string{in.ID}, sh.From, sh.To); err != nil {
		return err
	}
	biz := []wire.BizTx{{Type: "urn:epcglobal:cbv:btt:desadv", ID: "urn:carechain:shipment:" + in.ID}}
	return t.record(wire.Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: wire.StepShipping, Disposition: wire.DispInTransit,
		EPCList: epcs, BizTx: biz, Source: t.Caller.MSPID, Destination: in.To}, append([]string{in.ID}, in.Items...)...)
}

func (t *tx) shipment(id string) (*wire.Shipment, error) {
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	var sh wire.Shipment
	found, err := t.get(objShipment, &sh, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("shipment %s", id)
	}
	return &sh, nil
}

// Receive confirms a shipment, by the named receiver's logistics staff or
// pharmacist: only then does ownership move, and with it the items'
// endorsement policy (the receiver's peer). A shipment holding a recalled
// lot is refused: it stays with its sender, in transit.
func (c *Contract) Receive(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireTrader(shipperRoles...); err != nil {
		return nil, err
	}
	sh, err := t.shipment(id)
	if err != nil {
		return nil, err
	}
	if sh.To != t.Caller.MSPID {
		return nil, ccerr.Forbidden("shipment %s is for %s", id, sh.To)
	}
	if sh.Status != wire.DispInTransit {
		return nil, ccerr.Precondition("shipment %s is %s", id, sh.Status)
	}
	disp := wire.DispActive
	if t.Caller.Role == parts.RolePharmacist {
		disp = wire.DispSellable
	}
	epcs, err := t.takeOver(sh, disp)
	if err != nil {
		return nil, err
	}
	sh.Status, sh.Received = "received", t.Stamp()
	if err := t.saveShipment(sh); err != nil {
		return nil, err
	}
	if err := t.endorseBy(objShipment, []string{id}, sh.To); err != nil {
		return nil, err
	}
	biz := []wire.BizTx{{Type: "urn:epcglobal:cbv:btt:desadv", ID: "urn:carechain:shipment:" + id}}
	if err := t.record(wire.Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: wire.StepReceiving, Disposition: disp,
		EPCList: epcs, BizTx: biz, Source: sh.From, Destination: sh.To}, append([]string{id}, sh.Items...)...); err != nil {
		return nil, err
	}
	return &wire.Receipt{ID: id, Status: "received", Count: len(sh.Items), TxID: t.ID()}, t.finish()
}

// takeOver gives a shipment's items to its receiver.
func (t *tx) takeOver(sh *wire.Shipment, disp string) ([]string, error) {
	epcs := make([]string, 0, len(sh.Items))
	for _, iid := range sh.Items {
		it, err := t.onShipment(sh, iid)
		if err != nil {
			return nil, err
		}
		if err := t.noRecalledLot(it, "received"); err != nil {
			return nil, err
		}
		it.Owner, it.Custodian, it.Disposition, it.Shipment = sh.To, sh.To, disp, ""
		if err := t.saveItem(it); err != nil {
			return nil, err
		}
		if err := t.ownItem(it); err != nil {
			return nil, err
		}
		epcs = append(epcs, epc(it))
	}
	return epcs, nil
}

// onShipment reads an item a shipment lists, refused unless a real Ship
// put it in transit on that shipment: a shipment record is a new key, which
// two colluding orgs can create listing items it never moved, and an
// honest Receive over it would otherwise hand them over.
func (t *tx) onShipment(sh *wire.Shipment, id string) (*wire.Item, error) {
	it, err := t.item(id)
	if err != nil {
		return nil, err
	}
	if it.Shipment != sh.ID || it.Disposition != wire.DispInTransit {
		return nil, ccerr.Precondition("%s is not in transit on shipment %s", id, sh.ID)
	}
	return it, nil
}

// AddReading attaches a temperature reading (tenths of a degree Celsius)
// to a shipment in transit, by its sender's or receiver's staff; a reading
// outside a shipped product's storage range flags the shipment.
func (c *Contract) AddReading(ctx contractapi.TransactionContextInterface, shipmentID, device string, tenthC int) (*wire.Receipt, error) {
	t, err := c.beginReading(ctx, device, tenthC)
	if err != nil {
		return nil, err
	}
	sh, err := t.shipment(shipmentID)
	if err != nil {
		return nil, err
	}
	if t.Caller.MSPID != sh.From && t.Caller.MSPID != sh.To {
		return nil, ccerr.Forbidden("only the sender or receiver of shipment %s adds readings", shipmentID)
	}
	if sh.Status != wire.DispInTransit {
		return nil, ccerr.Precondition("shipment %s is %s", shipmentID, sh.Status)
	}
	if err := t.NotBefore("shipment "+sh.ID, sh.Updated); err != nil {
		return nil, err
	}
	excursion, err := t.excursion(sh, tenthC)
	if err != nil {
		return nil, err
	}
	return t.reading(sh, device, tenthC, excursion)
}

// excursion reports whether a reading is outside the storage range of a
// product in the shipment (products in GTIN order).
func (t *tx) excursion(sh *wire.Shipment, tenthC int) (bool, error) {
	var gtins []string
	for _, iid := range sh.Items {
		it, err := t.onShipment(sh, iid)
		if err != nil {
			return false, err
		}
		if it.Kind == "unit" {
			gtins = append(gtins, it.GTIN)
		}
		gtins = append(gtins, it.GTINs...)
	}
	return t.outsideStorage(gtins, tenthC)
}

// outsideStorage reports whether a reading is outside the storage range of
// any of the products gtins names, read in GTIN order, each once.
func (t *tx) outsideStorage(gtins []string, tenthC int) (bool, error) {
	slices.Sort(gtins)
	for _, g := range slices.Compact(gtins) {
		p, err := t.product(g)
		if err != nil {
			return false, err
		}
		if tenthC < p.MinTenthC || tenthC > p.MaxTenthC {
			return true, nil
		}
	}
	return false, nil
}

func (t *tx) reading(sh *wire.Shipment, device string, tenthC int, excursion bool) (*wire.Receipt, error) {
	status := "recorded"
	if excursion {
		status = "excursion"
		sh.Excursions++
		if err := t.saveShipment(sh); err != nil {
			return nil, err
		}
	}
	if err := t.record(wire.Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: wire.StepSensorReporting,
		BizTx:  []wire.BizTx{{Type: "urn:epcglobal:cbv:btt:desadv", ID: "urn:carechain:shipment:" + sh.ID}},
		Sensor: &wire.SensorRep{Type: "gs1:Temperature", TenthC: tenthC, Device: device, Excursion: excursion}}, append([]string{sh.ID}, sh.Items...)...); err != nil {
		return nil, err
	}
	return &wire.Receipt{ID: sh.ID, Status: status, TxID: t.ID()}, t.finish()
}

// GetShipment reads a shipment, for any supply member.
func (c *Contract) GetShipment(ctx contractapi.TransactionContextInterface, id string) (*wire.Shipment, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	return t.shipment(id)
}
