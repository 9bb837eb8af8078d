package provenance

import (
	"encoding/json"
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// ShipInput is Ship's argument.
type ShipInput struct {
	ID    string   `json:"id"`
	To    string   `json:"to"`
	Items []string `json:"items"`
}

// Ship sends items the caller's org owns (units not in a container, or
// outermost containers) to an authorized partner: they are in transit
// until the receiver confirms. The DSCSA transaction information and
// statement (transient "dscsa", any JSON object) stay in the two partners'
// collection, with its hash on the shipment. Items the caller does not hold
// refuse the shipment, and the attempt is recorded as a counterfeit signal.
func (c *Contract) Ship(ctx contractapi.TransactionContextInterface, input string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requirePartner(roles.Logistics, roles.Pharmacist); err != nil {
		return nil, err
	}
	var in ShipInput
	if err := decode("shipment", input, &in); err != nil {
		return nil, err
	}
	if err := validate.Identifier("id", in.ID); err != nil {
		return nil, err
	}
	if len(in.Items) == 0 || len(in.Items) > maxPack {
		return nil, ccerr.Invalid("items", "between 1 and %d", maxPack)
	}
	if in.To == t.Caller.MSPID {
		return nil, ccerr.Invalid("to", "cannot ship to yourself")
	}
	if _, err := t.partner(in.To); err != nil {
		return nil, ccerr.Forbidden("receiver %s is not an authorized trading partner", in.To)
	}
	var doc json.RawMessage
	if err := t.Transient(TransientDSCSA, &doc, maxInput); err != nil {
		return nil, err
	}
	var existing Shipment
	if found, err := t.get(objShipment, &existing, in.ID); err != nil {
		return nil, err
	} else if found {
		return nil, ccerr.Conflict("shipment %s exists", in.ID)
	}
	var items []*Item
	var signals []Signal
	for _, id := range in.Items {
		it, err := t.item(id)
		if ccerr.CodeOf(err) == ccerr.CodeNotFound {
			return nil, ccerr.Invalid("items", "%s does not exist", id)
		}
		if err != nil {
			return nil, err
		}
		r, err := t.root(it)
		if err != nil {
			return nil, err
		}
		if r.Owner != t.Caller.MSPID {
			signals = append(signals, t.signal(SignalNotHolder, id, t.Caller.MSPID+" tried to ship an item held by "+r.Owner))
			continue
		}
		if it.Parent != "" {
			return nil, ccerr.Invalid("items", "%s is inside %s: ship the outermost container", id, it.Parent)
		}
		if it.Disposition == DispInTransit || it.Suspect == SuspectQuarantine || it.Suspect == SuspectIllegitimate ||
			!slices.Contains([]string{DispActive, DispSellable}, it.Disposition) {
			return nil, ccerr.Precondition("%s is %s %s and cannot ship", id, it.Disposition, it.Suspect)
		}
		if it.Kind == "unit" {
			if b, err := t.batch(it.GTIN, it.Lot); err != nil {
				return nil, err
			} else if b.Recalled != "" {
				return nil, ccerr.Precondition("%s belongs to recalled lot %s", id, it.Lot)
			}
		}
		items = append(items, it)
	}
	if len(signals) > 0 {
		// Refused: nothing moves, the attempt is on record.
		if err := t.saveSignals(signals); err != nil {
			return nil, err
		}
		return &Receipt{ID: in.ID, Status: "refused", Signals: signals, TxID: t.ID()}, t.finish()
	}
	var epcs []string
	for _, it := range items {
		it.Disposition, it.Shipment, it.Custodian = DispInTransit, in.ID, t.Caller.MSPID
		if err := t.saveItem(it); err != nil {
			return nil, err
		}
		epcs = append(epcs, epc(it))
	}
	docKey, err := key(objDSCSA, in.ID)
	if err != nil {
		return nil, err
	}
	if err := t.Stub.PutPrivateData(DSCSACollection(t.Caller.MSPID, in.To), docKey, doc); err != nil {
		return nil, ccerr.Internal("DSCSA documents: %v", err)
	}
	sh := Shipment{ID: in.ID, From: t.Caller.MSPID, To: in.To, Items: in.Items, Status: DispInTransit,
		DocHash: hexSum(string(doc)), Shipped: t.Stamp()}
	if err := t.put(objShipment, sh, in.ID); err != nil {
		return nil, err
	}
	biz := []BizTx{{Type: "urn:epcglobal:cbv:btt:desadv", ID: "urn:carechain:shipment:" + in.ID}}
	if err := t.record(Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: StepShipping, Disposition: DispInTransit,
		EPCList: epcs, BizTx: biz, Source: t.Caller.MSPID, Destination: in.To}, append([]string{in.ID}, in.Items...)...); err != nil {
		return nil, err
	}
	return &Receipt{ID: in.ID, Status: DispInTransit, Count: len(items), TxID: t.ID()}, t.finish()
}

func (t *tx) shipment(id string) (*Shipment, error) {
	var sh Shipment
	found, err := t.get(objShipment, &sh, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("shipment %s", id)
	}
	return &sh, nil
}

// Receive confirms a shipment at the receiver: only then does ownership move.
func (c *Contract) Receive(ctx contractapi.TransactionContextInterface, id string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requirePartner(roles.Logistics, roles.Pharmacist); err != nil {
		return nil, err
	}
	sh, err := t.shipment(id)
	if err != nil {
		return nil, err
	}
	if sh.To != t.Caller.MSPID {
		return nil, ccerr.Forbidden("shipment %s is for %s", id, sh.To)
	}
	if sh.Status != DispInTransit {
		return nil, ccerr.Precondition("shipment %s is %s", id, sh.Status)
	}
	disp := DispActive
	if t.Caller.Role == roles.Pharmacist {
		disp = DispSellable
	}
	var epcs []string
	for _, iid := range sh.Items {
		it, err := t.item(iid)
		if err != nil {
			return nil, err
		}
		it.Owner, it.Custodian, it.Disposition, it.Shipment = sh.To, sh.To, disp, ""
		if err := t.saveItem(it); err != nil {
			return nil, err
		}
		epcs = append(epcs, epc(it))
	}
	sh.Status, sh.Received = "received", t.Stamp()
	if err := t.put(objShipment, sh, id); err != nil {
		return nil, err
	}
	biz := []BizTx{{Type: "urn:epcglobal:cbv:btt:desadv", ID: "urn:carechain:shipment:" + id}}
	if err := t.record(Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: StepReceiving, Disposition: disp,
		EPCList: epcs, BizTx: biz, Source: sh.From, Destination: sh.To}, append([]string{id}, sh.Items...)...); err != nil {
		return nil, err
	}
	return &Receipt{ID: id, Status: "received", Count: len(sh.Items), TxID: t.ID()}, t.finish()
}

// AddReading attaches a temperature reading (tenths of a degree Celsius)
// to a shipment in transit, by its sender or receiver; a reading outside a
// shipped product's storage range flags the shipment.
func (c *Contract) AddReading(ctx contractapi.TransactionContextInterface, shipmentID, device string, tenthC int) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requirePartner(roles.Logistics, roles.Pharmacist, roles.Quality); err != nil {
		return nil, err
	}
	if err := validate.Identifier("device", device); err != nil {
		return nil, err
	}
	if err := validate.Range("value", int64(tenthC), -1000, 1000); err != nil {
		return nil, err
	}
	sh, err := t.shipment(shipmentID)
	if err != nil {
		return nil, err
	}
	if t.Caller.MSPID != sh.From && t.Caller.MSPID != sh.To {
		return nil, ccerr.Forbidden("only the sender or receiver of shipment %s adds readings", shipmentID)
	}
	if sh.Status != DispInTransit {
		return nil, ccerr.Precondition("shipment %s is %s", shipmentID, sh.Status)
	}
	var gtins []string
	for _, iid := range sh.Items {
		it, err := t.item(iid)
		if err != nil {
			return nil, err
		}
		if it.Kind == "unit" {
			gtins = append(gtins, it.GTIN)
		}
		gtins = append(gtins, it.GTINs...)
	}
	excursion := false
	for _, g := range gtins {
		p, err := t.product(g)
		if err != nil {
			return nil, err
		}
		if tenthC < p.MinTenthC || tenthC > p.MaxTenthC {
			excursion = true
		}
	}
	if excursion {
		sh.Excursions++
		if err := t.put(objShipment, sh, shipmentID); err != nil {
			return nil, err
		}
	}
	if err := t.record(Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: StepSensorReporting,
		BizTx:  []BizTx{{Type: "urn:epcglobal:cbv:btt:desadv", ID: "urn:carechain:shipment:" + shipmentID}},
		Sensor: &SensorRep{Type: "gs1:Temperature", TenthC: tenthC, Device: device, Excursion: excursion}}, append([]string{shipmentID}, sh.Items...)...); err != nil {
		return nil, err
	}
	status := "recorded"
	if excursion {
		status = "excursion"
	}
	return &Receipt{ID: shipmentID, Status: status, TxID: t.ID()}, t.finish()
}

// GetShipment reads a shipment.
func (c *Contract) GetShipment(ctx contractapi.TransactionContextInterface, id string) (*Shipment, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	return t.shipment(id)
}

// GetDSCSA reads a shipment's DSCSA documents, for its two partners.
func (c *Contract) GetDSCSA(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	t, err := begin(ctx)
	if err != nil {
		return "", err
	}
	sh, err := t.shipment(id)
	if err != nil {
		return "", err
	}
	if t.Caller.MSPID != sh.From && t.Caller.MSPID != sh.To {
		return "", ccerr.Forbidden("only the two partners of shipment %s read its DSCSA documents", id)
	}
	k, err := key(objDSCSA, id)
	if err != nil {
		return "", err
	}
	doc, err := t.Stub.GetPrivateData(DSCSACollection(sh.From, sh.To), k)
	if err != nil {
		return "", ccerr.Internal("DSCSA documents: %v", err)
	}
	return string(doc), nil
}
