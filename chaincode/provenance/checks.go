package provenance

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// finished reports whether a disposition ends an item's life in the
// supply chain: nothing moves it again.
func finished(disp string) bool {
	return disp == wire.DispDispensed || disp == wire.DispDestroyed || disp == wire.DispInactive || disp == wire.DispIllegitimate
}

func suspectRank(s string) int {
	return map[string]int{wire.SuspectCleared: 1, wire.SuspectQuarantine: 2, wire.SuspectIllegitimate: 3}[s]
}

// worseSuspect is the graver of two suspect states.
func worseSuspect(a, b string) string {
	if suspectRank(b) > suspectRank(a) {
		return b
	}
	return a
}

// effective is what counts for an item: the state of the outermost
// container it is in, unless the item or a container between has ended
// (its own end wins) — and the gravest suspect state on the way out.
type effective struct {
	Disposition string
	Suspect     string
	Root        *wire.Item
}

// effectiveOf reads the effective state of chain (the item first).
func effectiveOf(chain []*wire.Item) effective {
	root := chain[len(chain)-1]
	e := effective{Disposition: root.Disposition, Root: root}
	ended, quarantined := "", false
	for _, it := range chain {
		e.Suspect = worseSuspect(e.Suspect, it.Suspect)
		if ended == "" && finished(it.Disposition) {
			ended = it.Disposition
		}
		quarantined = quarantined || it.Disposition == wire.DispQuarantined
	}
	switch {
	case ended != "":
		e.Disposition = ended
	case quarantined:
		e.Disposition = wire.DispQuarantined
	}
	return e
}

// verdict decides a unit's verification result at today (YYYY-MM-DD) from
// its effective state (nil it: unknown serial).
func verdict(it *wire.Item, e effective, recalled bool, lot, expiry, today string) string {
	switch {
	case it == nil:
		return wire.UnknownSerial
	case it.Lot != lot:
		return wire.LotMismatch
	case it.Expiry != expiry:
		return wire.ExpiryMismatch
	case e.Disposition == wire.DispDispensed:
		return wire.AlreadyDispensed
	case finished(e.Disposition) || e.Suspect == wire.SuspectIllegitimate:
		return wire.Decommissioned
	case recalled:
		return wire.Recalled
	case e.Suspect == wire.SuspectQuarantine || e.Disposition == wire.DispQuarantined:
		return wire.Suspect
	case it.Expiry < today:
		return wire.Expired
	}
	return wire.Verified
}

// unitState reads a unit's chain, effective state and whether its lot is
// recalled; it refuses a transaction stamped before the latest change of
// the unit, a container around it or its lot (a backdated verification
// cannot reopen an expired or closed window).
func (t *tx) unitState(it *wire.Item) ([]*wire.Item, effective, bool, error) {
	chain, err := t.chain(it)
	if err != nil {
		return nil, effective{}, false, err
	}
	for _, c := range chain {
		if err := t.NotBefore("item "+c.ID, c.Updated); err != nil {
			return nil, effective{}, false, err
		}
	}
	b, err := t.batch(it.GTIN, it.Lot)
	if err != nil {
		return nil, effective{}, false, err
	}
	r, err := t.recall(b)
	if err == nil && r != nil {
		err = t.NotBefore("recall of lot "+b.Lot, r.At)
	}
	return chain, effectiveOf(chain), r != nil, err
}

// Verify checks a product identifier (GTIN, serial, lot, expiry) for any
// supply member, typically a pharmacist, and records the request. A unit
// its manufacturer did not commission (no commissioning anchor, anchor.go)
// is an unknown serial. A scan of such a record, or of a dispensed or
// destroyed unit, is also recorded as a counterfeit signal.
func (c *Contract) Verify(ctx contractapi.TransactionContextInterface, gtin, serial, lot, expiry string) (*wire.Verification, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	if err := checkIdentifier(gtin, serial, lot, expiry); err != nil {
		return nil, err
	}
	id := wire.SGTIN(gtin, serial)
	result, signals, err := t.assess(id, lot, expiry)
	if err != nil {
		return nil, err
	}
	v := &wire.Verification{ID: t.ID(), Unit: id, Lot: lot, Expiry: expiry, Requester: t.Caller.MSPID, At: t.Stamp(), Result: result}
	if err := t.put(objVerification, v, id, t.ID()); err != nil {
		return nil, err
	}
	if err := t.sealKey(objVerification, id, t.ID()); err != nil {
		return nil, err
	}
	if err := t.saveSignals(signals); err != nil {
		return nil, err
	}
	t.Events.Add("unit.verified", id, map[string]string{"result": v.Result})
	return v, t.finish()
}

// assess returns the verification result of a unit and the counterfeit
// signals its scan raises.
func (t *tx) assess(id, lot, expiry string) (string, []wire.Signal, error) {
	it, found, err := t.stored(id)
	if err != nil || !found {
		return wire.UnknownSerial, nil, err
	}
	if genuine, err := t.genuine(id, it); err != nil {
		return "", nil, err
	} else if !genuine {
		return wire.UnknownSerial, []wire.Signal{t.signal(wire.SignalNotCommissioned, id, "scanned a serial whose record its manufacturer did not commission")}, nil
	}
	_, e, recalled, err := t.unitState(it)
	if err != nil {
		return "", nil, err
	}
	result := verdict(it, e, recalled, lot, expiry, t.Now.Format("2006-01-02"))
	if result == wire.AlreadyDispensed || e.Disposition == wire.DispDestroyed {
		return result, []wire.Signal{t.signal(wire.SignalScanAfterEnd, id, "scanned after "+e.Disposition)}, nil
	}
	return result, nil, nil
}

func checkIdentifier(gtin, serial, lot, expiry string) error {
	if err := wire.CheckGTIN("gtin", gtin); err != nil {
		return err
	}
	if err := wire.CheckSerial("serial", serial); err != nil {
		return err
	}
	if err := wire.CheckLot("lot", lot); err != nil {
		return err
	}
	_, err := wire.ParseExpiry("expiry", expiry)
	return err
}

// Dispense hands a unit the pharmacy holds to a patient, by one of the
// pharmacy's pharmacists. The unit's effective state decides: a unit in an
// illegitimate, destroyed or quarantined case is refused like one that is
// so itself, as are recalled, expired or already dispensed units. A unit
// taken from a container leaves it (and the container's lot counts).
func (c *Contract) Dispense(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := registry.Require(t.Stub, t.Caller, parts.PartPharmacy, parts.RolePharmacist); err != nil {
		return nil, err
	}
	if _, err := t.partner(t.Caller.MSPID); err != nil {
		return nil, err
	}
	if _, _, err := wire.ParseSGTIN("id", id); err != nil {
		return nil, err
	}
	chain, err := t.held(id)
	if err != nil {
		return nil, err
	}
	it := chain[0]
	if _, e, recalled, err := t.unitState(it); err != nil {
		return nil, err
	} else if v := verdict(it, e, recalled, it.Lot, it.Expiry, t.Now.Format("2006-01-02")); v != wire.Verified {
		return nil, ccerr.Precondition("%s cannot be dispensed: %s", id, v)
	}
	if err := t.takeOut(chain); err != nil {
		return nil, err
	}
	it.Owner, it.Custodian, it.Disposition = t.Caller.MSPID, t.Caller.MSPID, wire.DispDispensed
	if err := t.saveItem(it); err != nil {
		return nil, err
	}
	if err := t.ownItem(it); err != nil {
		return nil, err
	}
	if err := t.record(wire.Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: wire.StepDispensing, Disposition: wire.DispDispensed,
		EPCList: []string{epc(it)}}, id); err != nil {
		return nil, err
	}
	return &wire.Receipt{ID: id, Status: wire.DispDispensed, TxID: t.ID()}, t.finish()
}

// takeOut removes a unit from the containers around it: its index entry
// goes, every container's lot count drops, and the unit keeps the
// containers in its trace.
func (t *tx) takeOut(chain []*wire.Item) error {
	it := chain[0]
	if it.Parent == "" {
		return nil
	}
	if err := state.DeleteIndex(t.Stub, objContains, it.Parent, it.ID); err != nil {
		return err
	}
	for _, c := range chain[1:] {
		c.Lots = addLot(c.Lots, it.GTIN, it.Lot, -1)
		if err := t.saveItem(c); err != nil {
			return err
		}
		it.Containers = union(it.Containers, append([]string{c.ID}, c.Containers...))
	}
	it.Parent = ""
	return nil
}

// setSuspect moves an outermost item through suspect → quarantine →
// cleared | illegitimate. Who: the registrar, or the holder's staff with
// one of roles (DSCSA: the trading partner that holds the product
// investigates). The item's owner's peer endorses the change.
func (c *Contract) setSuspect(ctx contractapi.TransactionContextInterface, id, reason, to string, roles []string, from ...string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	registrar, err := t.registrarOr(roles...)
	if err != nil {
		return nil, err
	}
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	it, err := t.investigated(id, registrar)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(from, it.Suspect) {
		return nil, ccerr.Precondition("%s is %q: it cannot become %s", id, it.Suspect, to)
	}
	it.Suspect = to
	switch {
	case to == wire.SuspectQuarantine:
		it.Disposition = wire.DispQuarantined
	case to == wire.SuspectIllegitimate:
		it.Disposition = wire.DispIllegitimate
	case it.Disposition == wire.DispQuarantined:
		it.Disposition = wire.DispActive
	}
	if err := t.saveItem(it); err != nil {
		return nil, err
	}
	if err := t.record(wire.Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: wire.StepInspecting, Disposition: it.Disposition,
		EPCList: []string{epc(it)}}, id); err != nil {
		return nil, err
	}
	t.Events.Add("suspect."+to, id, map[string]string{"by": t.Caller.MSPID})
	return &wire.Receipt{ID: id, Status: to, TxID: t.ID()}, t.finish()
}

func checkReason(reason string) error {
	if err := validate.Required("reason", reason); err != nil {
		return err
	}
	return validate.MaxLen("reason", reason, 500)
}

// investigated returns an outermost item at rest that the caller may act
// on: any for the registrar, the org's own for a holder.
func (t *tx) investigated(id string, registrar bool) (*wire.Item, error) {
	it, err := t.item(id)
	if err != nil {
		return nil, err
	}
	if it.Parent != "" {
		return nil, ccerr.Precondition("%s is inside %s: act on the outermost container, or unpack it first", id, it.Parent)
	}
	if !registrar && it.Owner != t.Caller.MSPID {
		return nil, ccerr.Forbidden("%s holds %s, not %s", it.Owner, id, t.Caller.MSPID)
	}
	if it.Disposition == wire.DispInTransit {
		return nil, ccerr.Precondition("%s is in transit: its receiver investigates on receipt", id)
	}
	return it, nil
}

// Suspect quarantines an outermost item (DSCSA suspect product), with a
// reason: by the holder's quality, logistics or pharmacist staff, or the
// registrar. Everything inside a quarantined container is quarantined.
func (c *Contract) Suspect(ctx contractapi.TransactionContextInterface, id, reason string) (*wire.Receipt, error) {
	return c.setSuspect(ctx, id, reason, wire.SuspectQuarantine, handlerRoles, wire.SuspectNone, wire.SuspectCleared)
}

// Clear ends a quarantine: the investigation found the item legitimate.
// By the holder's quality staff or pharmacist, or the registrar.
func (c *Contract) Clear(ctx contractapi.TransactionContextInterface, id, reason string) (*wire.Receipt, error) {
	return c.setSuspect(ctx, id, reason, wire.SuspectCleared, investigatorRoles, wire.SuspectQuarantine)
}

// MarkIllegitimate ends a quarantine: the item is illegitimate, for good.
// By the holder's quality staff or pharmacist, or the registrar.
func (c *Contract) MarkIllegitimate(ctx contractapi.TransactionContextInterface, id, reason string) (*wire.Receipt, error) {
	return c.setSuspect(ctx, id, reason, wire.SuspectIllegitimate, investigatorRoles, wire.SuspectQuarantine)
}
