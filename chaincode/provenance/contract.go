package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Names the chaincode uses.
const (
	EventName      = "provenance"
	TransientDSCSA = "dscsa"
	// MaxCommission is how many serials one transaction commissions; the
	// client splits larger batches.
	MaxCommission = 500
	maxPack       = 1000
	maxInput      = 256 * 1024
)

// Object types, all public but the DSCSA documents (pairwise collections).
const (
	objPartner      = "partner"
	objProduct      = "product"
	objBatch        = "batch"
	objItem         = "item"
	objUnitsByLot   = "unitsByLot"
	objContains     = "contains"
	objShipment     = "shipment"
	objDSCSA        = "dscsa"
	objEvent        = "event"
	objEventByObj   = "eventByObject"
	objVerification = "verification"
	objSignal       = "signal"
)

// DSCSACollection is the private collection two partners share for the
// transaction information and statements of their changes of ownership.
func DSCSACollection(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return "dscsa_" + a + "_" + b
}

// Contract is the provenance chaincode.
type Contract struct {
	contractapi.Contract
}

// Receipt is what a submitted transaction returns.
type Receipt struct {
	ID      string   `json:"id"`
	Status  string   `json:"status"`
	Count   int      `json:"count,omitempty" metadata:",optional"`
	Signals []Signal `json:"signals,omitempty" metadata:",optional"`
	TxID    string   `json:"txId"`
}

type tx struct {
	*txn.Tx
	seq int // events recorded by this transaction
}

func begin(ctx contractapi.TransactionContextInterface) (*tx, error) {
	t, err := txn.Begin(ctx.GetStub())
	if err != nil {
		return nil, err
	}
	return &tx{Tx: t}, nil
}

func key(obj string, attrs ...string) (string, error) { return state.Key(obj, attrs...) }

func (t *tx) get(obj string, v any, attrs ...string) (bool, error) {
	k, err := key(obj, attrs...)
	if err != nil {
		return false, err
	}
	raw, found, err := state.GetOptional[json.RawMessage](t.Stub, k)
	if err != nil || !found {
		return found, err
	}
	return true, json.Unmarshal(raw, v)
}

func (t *tx) put(obj string, v any, attrs ...string) error {
	k, err := key(obj, attrs...)
	if err != nil {
		return err
	}
	return state.Put(t.Stub, k, v)
}

// partner returns the caller's org as an authorized partner, valid now.
func (t *tx) partner(msp string) (*Partner, error) {
	var p Partner
	found, err := t.get(objPartner, &p, msp)
	if err != nil {
		return nil, err
	}
	today := t.Now.Format("2006-01-02")
	if !found || p.Status != "active" || today < p.ValidFrom || today > p.ValidTo {
		return nil, ccerr.Forbidden("%s is not an authorized trading partner today", msp)
	}
	return &p, nil
}

func (t *tx) requirePartner(roleNames ...string) (*Partner, error) {
	if err := t.Caller.RequireRole(roleNames...); err != nil {
		return nil, err
	}
	return t.partner(t.Caller.MSPID)
}

func (t *tx) item(id string) (*Item, error) {
	var it Item
	found, err := t.get(objItem, &it, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("item %s", id)
	}
	return &it, nil
}

// root walks up an item's containers to the outermost one, which holds
// ownership, custody and disposition for everything inside.
func (t *tx) root(it *Item) (*Item, error) {
	cur := it
	for depth := 0; cur.Parent != ""; depth++ {
		if depth > 3 {
			return nil, ccerr.Internal("containers of %s nest too deep", it.ID)
		}
		next, err := t.item(cur.Parent)
		if err != nil {
			return nil, err
		}
		cur = next
	}
	return cur, nil
}

func (t *tx) saveItem(it *Item) error {
	it.Updated = t.Stamp()
	return t.put(objItem, it, it.ID)
}

// record stores an EPCIS event and indexes it under each object.
func (t *tx) record(e Event, objects ...string) error {
	t.seq++
	n := fmt.Sprintf("%04d", t.seq)
	e.EventID = "ni:///sha-256;" + hexSum(t.ID()+"/"+n) + "?ver=CBV2.0"
	e.EventTime, e.TimeZone, e.By = t.Stamp(), "+00:00", t.Caller.MSPID
	if err := t.put(objEvent, e, t.ID(), n); err != nil {
		return err
	}
	for _, o := range objects {
		if err := state.PutIndex(t.Stub, objEventByObj, o, t.SortStamp(), t.ID(), n); err != nil {
			return err
		}
	}
	t.Events.Add("epcis."+e.BizStep, e.EventID, map[string]string{"count": strconv.Itoa(max(len(e.EPCList), len(e.ChildEPCs)))})
	return nil
}

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func epc(it *Item) string {
	if it.Kind == "unit" {
		return SGTINURI(it.GTIN, it.Serial)
	}
	return SSCCURI(it.ID)
}

func (t *tx) signal(code, object, reason string) Signal {
	return Signal{ID: t.ID() + "/" + object, Code: code, Object: object, By: t.Caller.Key(), Reason: reason, At: t.Stamp()}
}

func (t *tx) saveSignals(signals []Signal) error {
	for _, s := range signals {
		if err := t.put(objSignal, s, s.Object, t.ID()); err != nil {
			return err
		}
		t.Events.Add("counterfeit.signal", s.Object, map[string]string{"code": s.Code})
	}
	return nil
}

func (t *tx) finish() error { return t.Emit(EventName) }

// decode decodes a JSON argument strictly.
func decode(field, data string, v any) error { return validate.DecodeJSON(field, data, v, maxInput) }

// RegisterPartner adds or updates an authorized trading partner, by the
// regulator's registrar.
func (c *Contract) RegisterPartner(ctx contractapi.TransactionContextInterface, partner string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if t.Caller.MSPID != roles.RegulatorMSP || t.Caller.Role != roles.Registrar {
		return nil, ccerr.Forbidden("only the regulator's registrar keeps the partner registry")
	}
	var p Partner
	if err := decode("partner", partner, &p); err != nil {
		return nil, err
	}
	if err := validate.Identifier("mspId", p.MSPID); err != nil {
		return nil, err
	}
	if err := validate.Required("name", p.Name); err != nil {
		return nil, err
	}
	if err := validate.Identifier("license", p.License); err != nil {
		return nil, err
	}
	if err := CheckGLN("gln", p.GLN); err != nil {
		return nil, err
	}
	from, err := ParseExpiry("validFrom", p.ValidFrom)
	if err != nil {
		return nil, err
	}
	to, err := ParseExpiry("validTo", p.ValidTo)
	if err != nil {
		return nil, err
	}
	if to.Before(from) {
		return nil, ccerr.Invalid("validTo", "must not be before validFrom")
	}
	if p.Status == "" {
		p.Status = "active"
	}
	if err := validate.OneOf("status", p.Status, "active", "suspended", "revoked"); err != nil {
		return nil, err
	}
	if err := t.put(objPartner, p, p.MSPID); err != nil {
		return nil, err
	}
	t.Events.Add("partner."+p.Status, p.MSPID, nil)
	return &Receipt{ID: p.MSPID, Status: p.Status, TxID: t.ID()}, t.finish()
}

// GetPartner reads a registry entry.
func (c *Contract) GetPartner(ctx contractapi.TransactionContextInterface, msp string) (*Partner, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	var p Partner
	found, err := t.get(objPartner, &p, msp)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("partner %s", msp)
	}
	return &p, nil
}

// RegisterProduct registers a drug product of the caller's org (a
// manufacturer's quality staff).
func (c *Contract) RegisterProduct(ctx contractapi.TransactionContextInterface, product string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requirePartner(roles.Quality); err != nil {
		return nil, err
	}
	var p Product
	if err := decode("product", product, &p); err != nil {
		return nil, err
	}
	if err := CheckGTIN("gtin", p.GTIN); err != nil {
		return nil, err
	}
	for field, v := range map[string]string{"name": p.Name, "strength": p.Strength, "dosageForm": p.DosageForm} {
		if err := validate.Required(field, v); err != nil {
			return nil, err
		}
		if err := validate.MaxLen(field, v, 200); err != nil {
			return nil, err
		}
	}
	if err := validate.Identifier("ndc", p.NDC); err != nil {
		return nil, err
	}
	if p.MinTenthC >= p.MaxTenthC || p.MinTenthC < -800 || p.MaxTenthC > 600 {
		return nil, ccerr.Invalid("maxTemp", "the storage range must be min < max, within -80.0 to 60.0 °C")
	}
	var existing Product
	if found, err := t.get(objProduct, &existing, p.GTIN); err != nil {
		return nil, err
	} else if found && existing.Manufacturer != t.Caller.MSPID {
		return nil, ccerr.Conflict("GTIN %s belongs to %s", p.GTIN, existing.Manufacturer)
	}
	p.Manufacturer = t.Caller.MSPID
	if err := t.put(objProduct, p, p.GTIN); err != nil {
		return nil, err
	}
	t.Events.Add("product.registered", p.GTIN, nil)
	return &Receipt{ID: p.GTIN, Status: "registered", TxID: t.ID()}, t.finish()
}

func (t *tx) product(gtin string) (*Product, error) {
	var p Product
	found, err := t.get(objProduct, &p, gtin)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("product %s", gtin)
	}
	return &p, nil
}

// CreateBatch registers a lot of one of the caller's products.
func (c *Contract) CreateBatch(ctx contractapi.TransactionContextInterface, gtin, lot, expiry string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requirePartner(roles.Quality); err != nil {
		return nil, err
	}
	if err := CheckGTIN("gtin", gtin); err != nil {
		return nil, err
	}
	if err := CheckLot("lot", lot); err != nil {
		return nil, err
	}
	if _, err := ParseExpiry("expiry", expiry); err != nil {
		return nil, err
	}
	p, err := t.product(gtin)
	if err != nil {
		return nil, err
	}
	if p.Manufacturer != t.Caller.MSPID {
		return nil, ccerr.Forbidden("only %s makes batches of %s", p.Manufacturer, gtin)
	}
	var b Batch
	if found, err := t.get(objBatch, &b, gtin, lot); err != nil {
		return nil, err
	} else if found {
		return nil, ccerr.Conflict("lot %s of %s exists", lot, gtin)
	}
	b = Batch{GTIN: gtin, Lot: lot, Expiry: expiry, Manufacturer: t.Caller.MSPID}
	if err := t.put(objBatch, b, gtin, lot); err != nil {
		return nil, err
	}
	t.Events.Add("batch.created", gtin+"/"+lot, nil)
	return &Receipt{ID: gtin + "/" + lot, Status: "created", TxID: t.ID()}, t.finish()
}

func (t *tx) batch(gtin, lot string) (*Batch, error) {
	var b Batch
	found, err := t.get(objBatch, &b, gtin, lot)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("lot %s of %s", lot, gtin)
	}
	return &b, nil
}

// Commission serializes units of a batch (serials: a JSON array, at most
// MaxCommission). A serial that already exists is not commissioned again:
// it is recorded as a counterfeit signal.
func (c *Contract) Commission(ctx contractapi.TransactionContextInterface, gtin, lot, serials string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requirePartner(roles.Quality, roles.Logistics); err != nil {
		return nil, err
	}
	var list []string
	if err := decode("serials", serials, &list); err != nil {
		return nil, err
	}
	if len(list) == 0 || len(list) > MaxCommission {
		return nil, ccerr.Invalid("serials", "between 1 and %d per transaction", MaxCommission)
	}
	b, err := t.batch(gtin, lot)
	if err != nil {
		return nil, err
	}
	if b.Manufacturer != t.Caller.MSPID {
		return nil, ccerr.Forbidden("only %s commissions units of %s", b.Manufacturer, gtin)
	}
	if b.Recalled != "" {
		return nil, ccerr.Precondition("lot %s is recalled", lot)
	}
	seen := map[string]bool{}
	var signals []Signal
	var epcs, ids []string
	for _, s := range list {
		if err := CheckSerial("serials", s); err != nil {
			return nil, err
		}
		if seen[s] {
			return nil, ccerr.Invalid("serials", "serial %s is listed twice", s)
		}
		seen[s] = true
		id := SGTIN(gtin, s)
		var existing Item
		if found, err := t.get(objItem, &existing, id); err != nil {
			return nil, err
		} else if found {
			signals = append(signals, t.signal(SignalDoubleCommission, id, "serial "+s+" was already commissioned"))
			continue
		}
		it := &Item{ID: id, Kind: "unit", GTIN: gtin, Serial: s, Lot: lot, Expiry: b.Expiry,
			Owner: t.Caller.MSPID, Custodian: t.Caller.MSPID, Disposition: DispActive}
		if err := t.saveItem(it); err != nil {
			return nil, err
		}
		if err := state.PutIndex(t.Stub, objUnitsByLot, gtin, lot, s); err != nil {
			return nil, err
		}
		epcs, ids = append(epcs, epc(it)), append(ids, id)
	}
	if len(ids) > 0 {
		if err := t.record(Event{Type: "ObjectEvent", Action: "ADD", BizStep: StepCommissioning, Disposition: DispActive, EPCList: epcs,
			ILMD: map[string]string{"cbvmda:lotNumber": lot, "cbvmda:itemExpirationDate": b.Expiry}}, ids...); err != nil {
			return nil, err
		}
	}
	if err := t.saveSignals(signals); err != nil {
		return nil, err
	}
	return &Receipt{ID: gtin + "/" + lot, Status: "commissioned", Count: len(ids), Signals: signals, TxID: t.ID()}, t.finish()
}

// held returns an item the caller's org holds (owns, at rest), with its root.
func (t *tx) held(id string) (*Item, *Item, error) {
	it, err := t.item(id)
	if err != nil {
		return nil, nil, err
	}
	r, err := t.root(it)
	if err != nil {
		return nil, nil, err
	}
	if r.Owner != t.Caller.MSPID {
		return nil, nil, ccerr.Forbidden("%s holds %s, not %s", r.Owner, id, t.Caller.MSPID)
	}
	if r.Disposition == DispInTransit {
		return nil, nil, ccerr.Precondition("%s is in transit", id)
	}
	return it, r, nil
}

// PackInput is Pack's argument.
type PackInput struct {
	SSCC     string   `json:"sscc"`
	Kind     string   `json:"kind"` // case (of units) or pallet (of cases)
	Children []string `json:"children"`
}

// Pack aggregates units into a case, or cases into a pallet.
func (c *Contract) Pack(ctx contractapi.TransactionContextInterface, input string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requirePartner(roles.Quality, roles.Logistics, roles.Pharmacist); err != nil {
		return nil, err
	}
	var in PackInput
	if err := decode("pack", input, &in); err != nil {
		return nil, err
	}
	if err := CheckSSCC("sscc", in.SSCC); err != nil {
		return nil, err
	}
	if err := validate.OneOf("kind", in.Kind, "case", "pallet"); err != nil {
		return nil, err
	}
	if len(in.Children) == 0 || len(in.Children) > maxPack {
		return nil, ccerr.Invalid("children", "between 1 and %d", maxPack)
	}
	var existing Item
	if found, err := t.get(objItem, &existing, in.SSCC); err != nil {
		return nil, err
	} else if found {
		return nil, ccerr.Conflict("container %s exists", in.SSCC)
	}
	want := map[string]string{"case": "unit", "pallet": "case"}[in.Kind]
	container := &Item{ID: in.SSCC, Kind: in.Kind, Owner: t.Caller.MSPID, Custodian: t.Caller.MSPID, Disposition: DispActive}
	seen := map[string]bool{}
	var epcs []string
	for _, id := range in.Children {
		if seen[id] {
			return nil, ccerr.Invalid("children", "%s is listed twice", id)
		}
		seen[id] = true
		child, r, err := t.held(id)
		if err != nil {
			return nil, err
		}
		if child.Kind != want {
			return nil, ccerr.Invalid("children", "a %s holds %ss; %s is a %s", in.Kind, want, id, child.Kind)
		}
		if child.Parent != "" || r != child {
			return nil, ccerr.Precondition("%s is already packed in %s", id, child.Parent)
		}
		if child.Suspect == SuspectQuarantine || child.Disposition != DispActive && child.Disposition != DispSellable {
			return nil, ccerr.Precondition("%s is %s%s and cannot be packed", id, child.Disposition, child.Suspect)
		}
		child.Parent = in.SSCC
		child.Containers = append(child.Containers, in.SSCC)
		if child.Kind == "unit" {
			if !slices.Contains(container.GTINs, child.GTIN) {
				container.GTINs = append(container.GTINs, child.GTIN)
			}
		}
		for _, g := range child.GTINs {
			if !slices.Contains(container.GTINs, g) {
				container.GTINs = append(container.GTINs, g)
			}
		}
		if err := t.saveItem(child); err != nil {
			return nil, err
		}
		if err := state.PutIndex(t.Stub, objContains, in.SSCC, id); err != nil {
			return nil, err
		}
		epcs = append(epcs, epc(child))
	}
	sort.Strings(container.GTINs)
	if err := t.saveItem(container); err != nil {
		return nil, err
	}
	if err := t.record(Event{Type: "AggregationEvent", Action: "ADD", BizStep: StepPacking, Disposition: DispActive,
		ParentID: SSCCURI(in.SSCC), ChildEPCs: epcs}, append([]string{in.SSCC}, in.Children...)...); err != nil {
		return nil, err
	}
	return &Receipt{ID: in.SSCC, Status: "packed", Count: len(in.Children), TxID: t.ID()}, t.finish()
}

// Unpack empties a container the caller holds at rest: its contents take
// over its ownership and disposition.
func (c *Contract) Unpack(ctx contractapi.TransactionContextInterface, sscc string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requirePartner(roles.Quality, roles.Logistics, roles.Pharmacist); err != nil {
		return nil, err
	}
	if err := CheckSSCC("sscc", sscc); err != nil {
		return nil, err
	}
	container, r, err := t.held(sscc)
	if err != nil {
		return nil, err
	}
	if r != container {
		return nil, ccerr.Precondition("%s is inside %s: unpack that first", sscc, container.Parent)
	}
	it, err := t.Stub.GetStateByPartialCompositeKey(objContains, []string{sscc})
	if err != nil {
		return nil, ccerr.Internal("contents of %s: %v", sscc, err)
	}
	defer it.Close()
	var ids, epcs []string
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, ccerr.Internal("contents of %s: %v", sscc, err)
		}
		_, attrs, err := state.SplitKey(kv.GetKey())
		if err != nil || len(attrs) != 2 {
			return nil, ccerr.Internal("contents index: %v", err)
		}
		child, err := t.item(attrs[1])
		if err != nil {
			return nil, err
		}
		if err := state.DeleteIndex(t.Stub, objContains, sscc, child.ID); err != nil {
			return nil, err
		}
		if child.Parent != sscc {
			continue // dispensed or moved out earlier
		}
		child.Parent, child.Owner, child.Custodian, child.Disposition = "", container.Owner, container.Custodian, container.Disposition
		if err := t.saveItem(child); err != nil {
			return nil, err
		}
		ids, epcs = append(ids, child.ID), append(epcs, epc(child))
	}
	container.Disposition = DispInactive
	if err := t.saveItem(container); err != nil {
		return nil, err
	}
	if err := t.record(Event{Type: "AggregationEvent", Action: "DELETE", BizStep: StepUnpacking,
		ParentID: SSCCURI(sscc), ChildEPCs: epcs}, append([]string{sscc}, ids...)...); err != nil {
		return nil, err
	}
	return &Receipt{ID: sscc, Status: "unpacked", Count: len(ids), TxID: t.ID()}, t.finish()
}
