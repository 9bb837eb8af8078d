package provenance

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Verification is Verify's answer, as recorded.
type Verification struct {
	ID        string `json:"id"`
	Unit      string `json:"unit"`
	Lot       string `json:"lot"`
	Expiry    string `json:"expiry"`
	Result    string `json:"result"`
	Requester string `json:"requester"`
	At        string `json:"at"`
}

// verdict decides a unit's verification result at today (YYYY-MM-DD).
func verdict(it *Item, root *Item, b *Batch, lot, expiry, today string) string {
	switch {
	case it == nil:
		return UnknownSerial
	case it.Lot != lot:
		return LotMismatch
	case it.Expiry != expiry:
		return ExpiryMismatch
	case it.Disposition == DispDispensed:
		return AlreadyDispensed
	case it.Disposition == DispDestroyed || it.Disposition == DispInactive || it.Suspect == SuspectIllegitimate:
		return Decommissioned
	case b != nil && b.Recalled != "":
		return Recalled
	case it.Suspect == SuspectQuarantine || root.Suspect == SuspectQuarantine:
		return Suspect
	case it.Expiry < today:
		return Expired
	}
	return Verified
}

// Verify checks a product identifier (GTIN, serial, lot, expiry) for anyone
// on the channel, typically a pharmacist, and records the request. A scan
// of a dispensed or destroyed unit is also recorded as a counterfeit signal.
func (c *Contract) Verify(ctx contractapi.TransactionContextInterface, gtin, serial, lot, expiry string) (*Verification, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := CheckGTIN("gtin", gtin); err != nil {
		return nil, err
	}
	if err := CheckSerial("serial", serial); err != nil {
		return nil, err
	}
	if err := CheckLot("lot", lot); err != nil {
		return nil, err
	}
	if _, err := ParseExpiry("expiry", expiry); err != nil {
		return nil, err
	}
	id := SGTIN(gtin, serial)
	var it, r *Item
	var b *Batch
	if found, err := t.item(id); err == nil {
		it = found
		if r, err = t.root(it); err != nil {
			return nil, err
		}
		if b, err = t.batch(it.GTIN, it.Lot); err != nil {
			return nil, err
		}
	} else if ccerr.CodeOf(err) != ccerr.CodeNotFound {
		return nil, err
	}
	v := &Verification{ID: t.ID(), Unit: id, Lot: lot, Expiry: expiry, Requester: t.Caller.Key(), At: t.Stamp(),
		Result: verdict(it, r, b, lot, expiry, t.Now.Format("2006-01-02"))}
	if err := t.put(objVerification, v, id, t.ID()); err != nil {
		return nil, err
	}
	if v.Result == AlreadyDispensed || (it != nil && it.Disposition == DispDestroyed) {
		if err := t.saveSignals([]Signal{t.signal(SignalScanAfterEnd, id, "scanned after "+it.Disposition)}); err != nil {
			return nil, err
		}
	}
	t.Events.Add("unit.verified", id, map[string]string{"result": v.Result})
	return v, t.finish()
}

// Dispense hands a unit the pharmacy holds to a patient. Recalled, suspect,
// expired, decommissioned or already dispensed units are refused.
func (c *Contract) Dispense(ctx contractapi.TransactionContextInterface, id string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requirePartner(roles.Pharmacist); err != nil {
		return nil, err
	}
	if _, _, err := ParseSGTIN("id", id); err != nil {
		return nil, err
	}
	it, r, err := t.held(id)
	if err != nil {
		return nil, err
	}
	b, err := t.batch(it.GTIN, it.Lot)
	if err != nil {
		return nil, err
	}
	if v := verdict(it, r, b, it.Lot, it.Expiry, t.Now.Format("2006-01-02")); v != Verified {
		return nil, ccerr.Precondition("%s cannot be dispensed: %s", id, v)
	}
	if it.Parent != "" {
		if err := state.DeleteIndex(t.Stub, objContains, it.Parent, id); err != nil {
			return nil, err
		}
	}
	it.Parent, it.Owner, it.Custodian, it.Disposition = "", t.Caller.MSPID, t.Caller.MSPID, DispDispensed
	if err := t.saveItem(it); err != nil {
		return nil, err
	}
	if err := t.record(Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: StepDispensing, Disposition: DispDispensed,
		EPCList: []string{epc(it)}}, id); err != nil {
		return nil, err
	}
	return &Receipt{ID: id, Status: DispDispensed, TxID: t.ID()}, t.finish()
}

// mayInvestigate lets the holder's staff and the regulator act on suspect product.
func (t *tx) mayInvestigate(r *Item) error {
	if t.Caller.MSPID == roles.RegulatorMSP && (t.Caller.Role == roles.Auditor || t.Caller.Role == roles.Registrar) {
		return nil
	}
	if _, err := t.requirePartner(roles.Quality, roles.Logistics, roles.Pharmacist); err != nil {
		return err
	}
	if r.Owner != t.Caller.MSPID {
		return ccerr.Forbidden("%s holds the item, not %s", r.Owner, t.Caller.MSPID)
	}
	return nil
}

// setSuspect moves an item through suspect → quarantine → cleared | illegitimate.
func (c *Contract) setSuspect(ctx contractapi.TransactionContextInterface, id, reason, to string, from ...string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Required("reason", reason); err != nil {
		return nil, err
	}
	if err := validate.MaxLen("reason", reason, 500); err != nil {
		return nil, err
	}
	it, err := t.item(id)
	if err != nil {
		return nil, err
	}
	r, err := t.root(it)
	if err != nil {
		return nil, err
	}
	if err := t.mayInvestigate(r); err != nil {
		return nil, err
	}
	allowed := false
	for _, f := range from {
		allowed = allowed || it.Suspect == f
	}
	if !allowed {
		return nil, ccerr.Precondition("%s is %q: it cannot become %s", id, it.Suspect, to)
	}
	it.Suspect = to
	disp := ""
	switch to {
	case SuspectQuarantine:
		disp = DispQuarantined
	case SuspectIllegitimate:
		disp = DispIllegitimate
	}
	if disp != "" {
		it.Disposition = disp
	} else if it.Disposition == DispQuarantined {
		it.Disposition = DispActive
	}
	if err := t.saveItem(it); err != nil {
		return nil, err
	}
	if err := t.record(Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: StepInspecting, Disposition: it.Disposition,
		EPCList: []string{epc(it)}}, id); err != nil {
		return nil, err
	}
	t.Events.Add("suspect."+to, id, map[string]string{"by": t.Caller.MSPID})
	return &Receipt{ID: id, Status: to, TxID: t.ID()}, t.finish()
}

// Suspect quarantines an item (DSCSA suspect product), with a reason.
func (c *Contract) Suspect(ctx contractapi.TransactionContextInterface, id, reason string) (*Receipt, error) {
	return c.setSuspect(ctx, id, reason, SuspectQuarantine, SuspectNone, SuspectCleared)
}

// Clear ends a quarantine: the investigation found the item legitimate.
func (c *Contract) Clear(ctx contractapi.TransactionContextInterface, id, reason string) (*Receipt, error) {
	return c.setSuspect(ctx, id, reason, SuspectCleared, SuspectQuarantine)
}

// MarkIllegitimate ends a quarantine: the item is illegitimate, for good.
func (c *Contract) MarkIllegitimate(ctx contractapi.TransactionContextInterface, id, reason string) (*Receipt, error) {
	return c.setSuspect(ctx, id, reason, SuspectIllegitimate, SuspectQuarantine)
}

// RecallLot recalls a lot, by its manufacturer or the regulator: every
// unit of it verifies as recalled and cannot ship or be dispensed, wherever
// it is; RecallReport lists the units and their current custodians.
func (c *Contract) RecallLot(ctx contractapi.TransactionContextInterface, gtin, lot, reason string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Required("reason", reason); err != nil {
		return nil, err
	}
	b, err := t.batch(gtin, lot)
	if err != nil {
		return nil, err
	}
	regulator := t.Caller.MSPID == roles.RegulatorMSP && (t.Caller.Role == roles.Auditor || t.Caller.Role == roles.Registrar)
	if !regulator && !(t.Caller.MSPID == b.Manufacturer && t.Caller.Role == roles.Quality) {
		return nil, ccerr.Forbidden("only %s's quality staff or the regulator recall lot %s", b.Manufacturer, lot)
	}
	if b.Recalled != "" {
		return nil, ccerr.Precondition("lot %s was recalled on %s", lot, b.Recalled)
	}
	b.Recalled, b.RecallReason = t.Stamp(), reason
	if err := t.put(objBatch, b, gtin, lot); err != nil {
		return nil, err
	}
	if err := t.record(Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: StepRecalling, Disposition: DispRecalled,
		EPCList: []string{"urn:epc:class:lgtin:" + gtin[1:8] + "." + gtin[0:1] + gtin[8:13] + "." + lot}}, gtin+"/"+lot); err != nil {
		return nil, err
	}
	t.Events.Add("lot.recalled", gtin+"/"+lot, map[string]string{"by": t.Caller.MSPID})
	return &Receipt{ID: gtin + "/" + lot, Status: DispRecalled, TxID: t.ID()}, t.finish()
}

// Holding is a unit of a lot and who has it now.
type Holding struct {
	Unit        string `json:"unit"`
	Owner       string `json:"owner"`
	Custodian   string `json:"custodian"`
	Disposition string `json:"disposition"`
	Container   string `json:"container,omitempty" metadata:",optional"`
}

// HoldingPage is a page of a recall report.
type HoldingPage struct {
	Items    []Holding `json:"items"`
	Bookmark string    `json:"bookmark,omitempty" metadata:",optional"`
}

// RecallReport lists a lot's units with their current custodians, paginated.
func (c *Contract) RecallReport(ctx contractapi.TransactionContextInterface, gtin, lot string, pageSize int32, bookmark string) (*HoldingPage, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := CheckGTIN("gtin", gtin); err != nil {
		return nil, err
	}
	if err := CheckLot("lot", lot); err != nil {
		return nil, err
	}
	page, err := state.PageByPartialKey(t.Stub, objUnitsByLot, []string{gtin, lot}, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &HoldingPage{Items: []Holding{}, Bookmark: page.Bookmark}
	for _, rec := range page.Records {
		_, attrs, err := state.SplitKey(rec.Key)
		if err != nil || len(attrs) != 3 {
			return nil, ccerr.Internal("lot index: %v", err)
		}
		it, err := t.item(SGTIN(gtin, attrs[2]))
		if err != nil {
			return nil, err
		}
		r, err := t.root(it)
		if err != nil {
			return nil, err
		}
		h := Holding{Unit: it.ID, Owner: r.Owner, Custodian: r.Custodian, Disposition: r.Disposition}
		if r != it {
			h.Container = r.ID
			if it.Disposition == DispDispensed {
				h.Disposition = DispDispensed
			}
		}
		out.Items = append(out.Items, h)
	}
	return out, nil
}

// Decommission takes a unit or container out of circulation (damaged,
// sample); Destroy records its destruction. Both are final.
func (c *Contract) Decommission(ctx contractapi.TransactionContextInterface, id, reason string) (*Receipt, error) {
	return c.end(ctx, id, reason, DispInactive, StepDecommissioning)
}

// Destroy records an item's destruction.
func (c *Contract) Destroy(ctx contractapi.TransactionContextInterface, id, reason string) (*Receipt, error) {
	return c.end(ctx, id, reason, DispDestroyed, StepDestroying)
}

func (c *Contract) end(ctx contractapi.TransactionContextInterface, id, reason, disp, step string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requirePartner(roles.Quality, roles.Logistics, roles.Pharmacist); err != nil {
		return nil, err
	}
	if err := validate.Required("reason", reason); err != nil {
		return nil, err
	}
	it, r, err := t.held(id)
	if err != nil {
		return nil, err
	}
	if r != it {
		return nil, ccerr.Precondition("%s is inside %s: unpack it first", id, it.Parent)
	}
	if it.Disposition == DispDispensed || it.Disposition == DispDestroyed || it.Disposition == DispInactive {
		return nil, ccerr.Precondition("%s is already %s", id, it.Disposition)
	}
	it.Disposition = disp
	if err := t.saveItem(it); err != nil {
		return nil, err
	}
	if err := t.record(Event{Type: "ObjectEvent", Action: "DELETE", BizStep: step, Disposition: disp, EPCList: []string{epc(it)}}, id); err != nil {
		return nil, err
	}
	return &Receipt{ID: id, Status: disp, TxID: t.ID()}, t.finish()
}
