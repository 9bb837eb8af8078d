package provenance

import (
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// RegisterPartner adds or updates an authorized trading partner, by the
// regulator's registrar. The entry is the regulator's licensing record;
// only the regulator's peer endorses its later changes.
func (c *Contract) RegisterPartner(ctx contractapi.TransactionContextInterface, partner string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireRegistrar(); err != nil {
		return nil, err
	}
	var p wire.Partner
	if err := decode("partner", partner, &p); err != nil {
		return nil, err
	}
	if err := checkPartner(&p); err != nil {
		return nil, err
	}
	var old wire.Partner
	if _, err := t.get(objPartner, &old, p.MSPID); err != nil {
		return nil, err
	}
	if err := t.NotBefore("partner "+p.MSPID, old.Updated); err != nil {
		return nil, err
	}
	p.Updated = t.Stamp()
	if err := t.put(objPartner, p, p.MSPID); err != nil {
		return nil, err
	}
	if err := t.endorseBy(objPartner, []string{p.MSPID}, t.Caller.MSPID); err != nil {
		return nil, err
	}
	t.Events.Add("partner."+p.Status, p.MSPID, nil)
	return &wire.Receipt{ID: p.MSPID, Status: p.Status, TxID: t.ID()}, t.finish()
}

func checkPartner(p *wire.Partner) error {
	if err := validate.Identifier("mspId", p.MSPID); err != nil {
		return err
	}
	if err := validate.Required("name", p.Name); err != nil {
		return err
	}
	if err := validate.Identifier("license", p.License); err != nil {
		return err
	}
	if err := wire.CheckGLN("gln", p.GLN); err != nil {
		return err
	}
	from, err := wire.ParseExpiry("validFrom", p.ValidFrom)
	if err != nil {
		return err
	}
	to, err := wire.ParseExpiry("validTo", p.ValidTo)
	if err != nil {
		return err
	}
	if to.Before(from) {
		return ccerr.Invalid("validTo", "must not be before validFrom")
	}
	if p.Status == "" {
		p.Status = "active"
	}
	if p.Updated != "" {
		return ccerr.Invalid("updated", "is set by the chaincode")
	}
	return validate.OneOf("status", p.Status, "active", "suspended", "revoked")
}

// GetPartner reads a registry entry, for any supply member.
func (c *Contract) GetPartner(ctx contractapi.TransactionContextInterface, msp string) (*wire.Partner, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	var p wire.Partner
	found, err := t.get(objPartner, &p, msp)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("partner %s", msp)
	}
	return &p, nil
}

// RegisterProduct registers (or updates) a drug product, by the quality
// staff of the manufacturer whose GS1 company prefix the GTIN carries.
func (c *Contract) RegisterProduct(ctx contractapi.TransactionContextInterface, product string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	o, err := t.requireMaker(parts.RoleQuality)
	if err != nil {
		return nil, err
	}
	var p wire.Product
	if err := decode("product", product, &p); err != nil {
		return nil, err
	}
	if err := wire.CheckGTIN("gtin", p.GTIN); err != nil {
		return nil, err
	}
	if err := ownsGTIN(o, p.GTIN); err != nil {
		return nil, err
	}
	if err := checkProduct(&p); err != nil {
		return nil, err
	}
	if err := t.saveProduct(&p); err != nil {
		return nil, err
	}
	t.Events.Add("product.registered", p.GTIN, nil)
	return &wire.Receipt{ID: p.GTIN, Status: "registered", TxID: t.ID()}, t.finish()
}

// saveProduct writes a product of the caller's org (refused when another
// manufacturer registered it, or after a later change), endorsed by its peer.
func (t *tx) saveProduct(p *wire.Product) error {
	var old wire.Product
	if found, err := t.get(objProduct, &old, p.GTIN); err != nil {
		return err
	} else if found && old.Manufacturer != t.Caller.MSPID {
		return ccerr.Forbidden("GTIN %s belongs to %s", p.GTIN, old.Manufacturer)
	}
	if err := t.NotBefore("product "+p.GTIN, old.Updated); err != nil {
		return err
	}
	p.Manufacturer, p.Updated = t.Caller.MSPID, t.Stamp()
	if err := t.put(objProduct, p, p.GTIN); err != nil {
		return err
	}
	return t.endorseBy(objProduct, []string{p.GTIN}, p.Manufacturer)
}

// checkProduct validates a product's fields in a fixed order.
func checkProduct(p *wire.Product) error {
	for _, f := range []struct{ name, v string }{{"name", p.Name}, {"strength", p.Strength}, {"dosageForm", p.DosageForm}} {
		if err := validate.Required(f.name, f.v); err != nil {
			return err
		}
		if err := validate.MaxLen(f.name, f.v, 200); err != nil {
			return err
		}
	}
	if err := validate.Identifier("ndc", p.NDC); err != nil {
		return err
	}
	if p.MinTenthC >= p.MaxTenthC || p.MinTenthC < -800 || p.MaxTenthC > 600 {
		return ccerr.Invalid("maxTemp", "the storage range must be min < max, within -80.0 to 60.0 °C")
	}
	if p.Manufacturer != "" || p.Updated != "" {
		return ccerr.Invalid("manufacturer", "manufacturer and updated are set by the chaincode")
	}
	return nil
}

func (t *tx) product(gtin string) (*wire.Product, error) {
	var p wire.Product
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
func (c *Contract) CreateBatch(ctx contractapi.TransactionContextInterface, gtin, lot, expiry string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	o, err := t.requireMaker(parts.RoleQuality)
	if err != nil {
		return nil, err
	}
	if err := wire.CheckGTIN("gtin", gtin); err != nil {
		return nil, err
	}
	if err := ownsGTIN(o, gtin); err != nil {
		return nil, err
	}
	if err := wire.CheckLot("lot", lot); err != nil {
		return nil, err
	}
	if _, err := wire.ParseExpiry("expiry", expiry); err != nil {
		return nil, err
	}
	if err := t.newLot(gtin, lot); err != nil {
		return nil, err
	}
	b := wire.Batch{GTIN: gtin, Lot: lot, Expiry: expiry, Manufacturer: t.Caller.MSPID, Updated: t.Stamp()}
	if err := t.put(objBatch, b, gtin, lot); err != nil {
		return nil, err
	}
	if err := t.endorseBy(objBatch, []string{gtin, lot}, b.Manufacturer); err != nil {
		return nil, err
	}
	t.Events.Add("batch.created", gtin+"/"+lot, nil)
	return &wire.Receipt{ID: gtin + "/" + lot, Status: "created", TxID: t.ID()}, t.finish()
}

// newLot refuses a lot of a product the caller's org did not register, or
// one that exists.
func (t *tx) newLot(gtin, lot string) error {
	p, err := t.product(gtin)
	if err != nil {
		return err
	}
	if p.Manufacturer != t.Caller.MSPID {
		return ccerr.Forbidden("only %s makes batches of %s", p.Manufacturer, gtin)
	}
	if found, err := t.get(objBatch, &wire.Batch{}, gtin, lot); err != nil {
		return err
	} else if found {
		return ccerr.Conflict("lot %s of %s exists", lot, gtin)
	}
	return t.NotBefore("product "+gtin, p.Updated)
}

func (t *tx) batch(gtin, lot string) (*wire.Batch, error) {
	var b wire.Batch
	found, err := t.get(objBatch, &b, gtin, lot)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("lot %s of %s", lot, gtin)
	}
	return &b, nil
}

// recall returns a lot's recall, or nil. A lot recalled by an earlier
// version of the chaincode is marked on its batch.
func (t *tx) recall(b *wire.Batch) (*wire.Recall, error) {
	if b.Recalled != "" {
		return &wire.Recall{GTIN: b.GTIN, Lot: b.Lot, Reason: b.RecallReason, At: b.Recalled}, nil
	}
	var r wire.Recall
	found, err := t.get(objRecall, &r, b.GTIN, b.Lot)
	if err != nil || !found {
		return nil, err
	}
	return &r, nil
}

// recalledLot reports whether a lot is recalled.
func (t *tx) recalledLot(gtin, lot string) (bool, error) {
	b, err := t.batch(gtin, lot)
	if err != nil {
		return false, err
	}
	r, err := t.recall(b)
	return r != nil, err
}

// Commission serializes units of a batch (serials: a JSON array, at most
// MaxCommission), by the manufacturer that owns the GTIN. A serial that
// already exists is not commissioned again: it is recorded as a
// counterfeit signal.
func (c *Contract) Commission(ctx contractapi.TransactionContextInterface, gtin, lot, serials string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	o, err := t.requireMaker(parts.RoleQuality, parts.RoleLogistics)
	if err != nil {
		return nil, err
	}
	if err := wire.CheckGTIN("gtin", gtin); err != nil {
		return nil, err
	}
	if err := ownsGTIN(o, gtin); err != nil {
		return nil, err
	}
	list, err := decodeSerials(serials)
	if err != nil {
		return nil, err
	}
	b, err := t.commissionable(gtin, lot)
	if err != nil {
		return nil, err
	}
	ids, signals, err := t.commission(b, list)
	if err != nil {
		return nil, err
	}
	if err := t.saveSignals(signals); err != nil {
		return nil, err
	}
	return &wire.Receipt{ID: gtin + "/" + lot, Status: "commissioned", Count: len(ids), Signals: signals, TxID: t.ID()}, t.finish()
}

// decodeSerials reads Commission's serials: 1 to MaxCommission, each valid
// and listed once (the error names the index).
func decodeSerials(serials string) ([]string, error) {
	var list []string
	if err := decode("serials", serials, &list); err != nil {
		return nil, err
	}
	if len(list) == 0 || len(list) > wire.MaxCommission {
		return nil, ccerr.Invalid("serials", "between 1 and %d per transaction", wire.MaxCommission)
	}
	first := map[string]int{}
	for i, s := range list {
		field := fmt.Sprintf("serials[%d]", i)
		if err := wire.CheckSerial(field, s); err != nil {
			return nil, err
		}
		if j, dup := first[s]; dup {
			return nil, ccerr.Invalid(field, "serial %s is listed twice (also serials[%d])", s, j)
		}
		first[s] = i
	}
	return list, nil
}

// commissionable returns the caller's batch, refused when it is recalled or
// changed after the transaction time.
func (t *tx) commissionable(gtin, lot string) (*wire.Batch, error) {
	if err := wire.CheckLot("lot", lot); err != nil {
		return nil, err
	}
	b, err := t.batch(gtin, lot)
	if err != nil {
		return nil, err
	}
	if b.Manufacturer != t.Caller.MSPID {
		return nil, ccerr.Forbidden("only %s commissions units of %s", b.Manufacturer, gtin)
	}
	if err := t.NotBefore("lot "+gtin+"/"+lot, b.Updated); err != nil {
		return nil, err
	}
	if r, err := t.recall(b); err != nil {
		return nil, err
	} else if r != nil {
		return nil, ccerr.Precondition("lot %s is recalled", lot)
	}
	return b, nil
}

// commission writes the new units (owned by the manufacturer, endorsed by
// its peer; anchored in its commissioning collection; their lot index
// entries sealed) and their commissioning event.
func (t *tx) commission(b *wire.Batch, serials []string) ([]string, []wire.Signal, error) {
	var signals []wire.Signal
	var epcs, ids []string
	for _, s := range serials {
		id := wire.SGTIN(b.GTIN, s)
		if sig, err := t.taken(id, s); err != nil {
			return nil, nil, err
		} else if sig != nil {
			signals = append(signals, *sig)
			continue
		}
		it := &wire.Item{ID: id, Kind: "unit", GTIN: b.GTIN, Serial: s, Lot: b.Lot, Expiry: b.Expiry,
			Owner: t.Caller.MSPID, Custodian: t.Caller.MSPID, Disposition: wire.DispActive}
		if err := t.newUnit(it); err != nil {
			return nil, nil, err
		}
		epcs, ids = append(epcs, epc(it)), append(ids, id)
	}
	if len(ids) > 0 {
		if err := t.record(wire.Event{Type: "ObjectEvent", Action: "ADD", BizStep: wire.StepCommissioning, Disposition: wire.DispActive, EPCList: epcs,
			ILMD: map[string]string{"cbvmda:lotNumber": b.Lot, "cbvmda:itemExpirationDate": b.Expiry}}, ids...); err != nil {
			return nil, nil, err
		}
	}
	return ids, signals, nil
}

// taken returns a counterfeit signal when a record exists under a serial's
// key: a unit commissioned before, or one its manufacturer never
// commissioned (two colluders can create the key; it stays unknown, and
// the serial cannot be commissioned over it).
func (t *tx) taken(id, serial string) (*wire.Signal, error) {
	it, found, err := t.stored(id)
	if err != nil || !found {
		return nil, err
	}
	genuine, err := t.genuine(id, it)
	if err != nil {
		return nil, err
	}
	s := t.signal(wire.SignalDoubleCommission, id, "serial "+serial+" was already commissioned")
	if !genuine {
		s = t.signal(wire.SignalNotCommissioned, id, "a record of serial "+serial+" exists that its manufacturer did not commission")
	}
	return &s, nil
}

// newUnit writes a unit, owned by the caller's peer, with its anchor and
// its sealed lot index entry.
func (t *tx) newUnit(it *wire.Item) error {
	if err := t.saveItem(it); err != nil {
		return err
	}
	if err := t.ownItem(it); err != nil {
		return err
	}
	if err := t.anchor(it); err != nil {
		return err
	}
	if err := state.PutIndex(t.Stub, objUnitsByLot, it.GTIN, it.Lot, it.Serial); err != nil {
		return err
	}
	return t.sealKey(objUnitsByLot, it.GTIN, it.Lot, it.Serial)
}
