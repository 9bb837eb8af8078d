package provenance

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// RecallLot recalls a lot, by the quality staff of the product's
// manufacturer (which owns the GTIN) or the regulator's registrar: every
// unit of it verifies as recalled and cannot be packed, shipped, received
// or dispensed, wherever it is — inside containers too, which keep the
// lots they hold. The recall is sealed: no org, nor two, can take it back.
func (c *Contract) RecallLot(ctx contractapi.TransactionContextInterface, gtin, lot, reason string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	b, err := t.recallable(gtin, lot)
	if err != nil {
		return nil, err
	}
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	if r, err := t.recall(b); err != nil {
		return nil, err
	} else if r != nil {
		return nil, ccerr.Precondition("lot %s was recalled on %s", lot, r.At)
	}
	if err := t.NotBefore("lot "+gtin+"/"+lot, b.Updated); err != nil {
		return nil, err
	}
	r := wire.Recall{GTIN: gtin, Lot: lot, By: t.Caller.MSPID, Reason: reason, At: t.Stamp()}
	if err := t.put(objRecall, r, gtin, lot); err != nil {
		return nil, err
	}
	if err := t.sealKey(objRecall, gtin, lot); err != nil {
		return nil, err
	}
	if err := t.record(wire.Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: wire.StepRecalling, Disposition: wire.DispRecalled,
		EPCList: []string{"urn:epc:class:lgtin:" + gtin[1:8] + "." + gtin[0:1] + gtin[8:13] + "." + lot}}, gtin+"/"+lot); err != nil {
		return nil, err
	}
	t.Events.Add("lot.recalled", gtin+"/"+lot, map[string]string{"by": t.Caller.MSPID})
	return &wire.Receipt{ID: gtin + "/" + lot, Status: wire.DispRecalled, TxID: t.ID()}, t.finish()
}

// recallable checks who recalls (the registrar, or the manufacturer's
// quality staff for its own GTIN and lot) and returns the lot.
func (t *tx) recallable(gtin, lot string) (*wire.Batch, error) {
	registrar, err := t.isRegistrar()
	if err != nil {
		return nil, err
	}
	var maker parts.Org
	if !registrar {
		if maker, err = t.requireMaker(parts.RoleQuality); err != nil {
			return nil, err
		}
	}
	if err := wire.CheckGTIN("gtin", gtin); err != nil {
		return nil, err
	}
	if !registrar {
		if err := ownsGTIN(maker, gtin); err != nil {
			return nil, err
		}
	}
	if err := wire.CheckLot("lot", lot); err != nil {
		return nil, err
	}
	b, err := t.batch(gtin, lot)
	if err != nil {
		return nil, err
	}
	if !registrar && b.Manufacturer != t.Caller.MSPID {
		return nil, ccerr.Forbidden("only %s's quality staff or the registrar recall lot %s", b.Manufacturer, lot)
	}
	return b, nil
}

// RecallReport lists a lot's units with their current custodians and
// effective dispositions, in serial order, from the bookmark (any length),
// for any supply member. An index entry of a unit its manufacturer did not
// commission (anchor.go) is left out, so a page may hold fewer entries
// than asked; the bookmark still leads on.
func (c *Contract) RecallReport(ctx contractapi.TransactionContextInterface, gtin, lot string, pageSize int32, bookmark string) (*wire.HoldingPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	if err := wire.CheckGTIN("gtin", gtin); err != nil {
		return nil, err
	}
	if err := wire.CheckLot("lot", lot); err != nil {
		return nil, err
	}
	page, err := state.PageByPartialKey(t.Stub, objUnitsByLot, []string{gtin, lot}, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &wire.HoldingPage{Items: make([]wire.Holding, 0, len(page.Records)), Bookmark: page.Bookmark}
	for _, rec := range page.Records {
		_, attrs, err := state.SplitKey(rec.Key)
		if err != nil || len(attrs) != 3 {
			return nil, ccerr.Internal("lot index of %s/%s is malformed", gtin, lot)
		}
		h, err := t.holding(wire.SGTIN(gtin, attrs[2]), lot)
		if err != nil {
			return nil, err
		}
		if h != nil {
			out.Items = append(out.Items, *h)
		}
	}
	return out, nil
}

// holding is where a unit of lot is; nil for an index entry that names no
// genuine unit of that lot (which only a forgery writes).
func (t *tx) holding(id, lot string) (*wire.Holding, error) {
	it, err := t.item(id)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound || err == nil && it.Lot != lot {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	chain, err := t.chain(it)
	if err != nil {
		return nil, err
	}
	e := effectiveOf(chain)
	h := &wire.Holding{Unit: it.ID, Owner: e.Root.Owner, Custodian: e.Root.Custodian, Disposition: e.Disposition}
	if e.Root != it {
		h.Container = e.Root.ID
	}
	return h, nil
}

// Decommission takes an outermost unit or container out of circulation
// (damaged, sample), by the holder's staff. Final.
func (c *Contract) Decommission(ctx contractapi.TransactionContextInterface, id, reason string) (*wire.Receipt, error) {
	return c.end(ctx, id, reason, wire.DispInactive, wire.StepDecommissioning)
}

// Destroy records an item's destruction, by the holder's staff; final. An
// illegitimate item may still be destroyed (DSCSA's end for it).
func (c *Contract) Destroy(ctx contractapi.TransactionContextInterface, id, reason string) (*wire.Receipt, error) {
	return c.end(ctx, id, reason, wire.DispDestroyed, wire.StepDestroying)
}

func (c *Contract) end(ctx contractapi.TransactionContextInterface, id, reason, disp, step string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireTrader(handlerRoles...); err != nil {
		return nil, err
	}
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	chain, err := t.held(id)
	if err != nil {
		return nil, err
	}
	it := chain[0]
	if len(chain) > 1 {
		return nil, ccerr.Precondition("%s is inside %s: unpack it first", id, it.Parent)
	}
	if finished(it.Disposition) && !(it.Disposition == wire.DispIllegitimate && disp == wire.DispDestroyed) {
		return nil, ccerr.Precondition("%s is already %s", id, it.Disposition)
	}
	it.Disposition = disp
	if err := t.saveItem(it); err != nil {
		return nil, err
	}
	if err := t.record(wire.Event{Type: "ObjectEvent", Action: "DELETE", BizStep: step, Disposition: disp, EPCList: []string{epc(it)}}, id); err != nil {
		return nil, err
	}
	return &wire.Receipt{ID: id, Status: disp, TxID: t.ID()}, t.finish()
}
