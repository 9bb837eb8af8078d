package provenance

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	"github.com/carechain/carechain/chaincode/parts/wire"
)

// Verification is Verify's answer, as recorded.
type Verification struct {
	ID     string `json:"id"`
	Unit   string `json:"unit"`
	Lot    string `json:"lot"`
	Expiry string `json:"expiry"`
	Result string `json:"result"`
	// Requester is the org that asked, never the employee (records
	// written before carry "MSP/enrollment id").
	Requester string `json:"requester"`
	At        string `json:"at"`
}

// finished reports whether a disposition ends an item's life in the
// supply chain: nothing moves it again.
func finished(disp string) bool {
	return disp == DispDispensed || disp == DispDestroyed || disp == DispInactive || disp == DispIllegitimate
}

func suspectRank(s string) int {
	return map[string]int{SuspectCleared: 1, SuspectQuarantine: 2, SuspectIllegitimate: 3}[s]
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
	Root        *Item
}

// effectiveOf reads the effective state of chain (the item first).
func effectiveOf(chain []*Item) effective {
	root := chain[len(chain)-1]
	e := effective{Disposition: root.Disposition, Root: root}
	ended, quarantined := "", false
	for _, it := range chain {
		e.Suspect = worseSuspect(e.Suspect, it.Suspect)
		if ended == "" && finished(it.Disposition) {
			ended = it.Disposition
		}
		quarantined = quarantined || it.Disposition == DispQuarantined
	}
	switch {
	case ended != "":
		e.Disposition = ended
	case quarantined:
		e.Disposition = DispQuarantined
	}
	return e
}

// verdict decides a unit's verification result at today (YYYY-MM-DD) from
// its effective state (nil it: unknown serial).
func verdict(it *Item, e effective, recalled bool, lot, expiry, today string) string {
	switch {
	case it == nil:
		return UnknownSerial
	case it.Lot != lot:
		return LotMismatch
	case it.Expiry != expiry:
		return ExpiryMismatch
	case e.Disposition == DispDispensed:
		return AlreadyDispensed
	case finished(e.Disposition) || e.Suspect == SuspectIllegitimate:
		return Decommissioned
	case recalled:
		return Recalled
	case e.Suspect == SuspectQuarantine || e.Disposition == DispQuarantined:
		return Suspect
	case it.Expiry < today:
		return Expired
	}
	return Verified
}

// unitState reads a unit's chain, effective state and whether its lot is
// recalled; it refuses a transaction stamped before the latest change of
// the unit, a container around it or its lot (a backdated verification
// cannot reopen an expired or closed window).
func (t *tx) unitState(it *Item) ([]*Item, effective, bool, error) {
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
func (c *Contract) Verify(ctx contractapi.TransactionContextInterface, gtin, serial, lot, expiry string) (*Verification, error) {
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
	id := SGTIN(gtin, serial)
	result, signals, err := t.assess(id, lot, expiry)
	if err != nil {
		return nil, err
	}
	v := &Verification{ID: t.ID(), Unit: id, Lot: lot, Expiry: expiry, Requester: t.Caller.MSPID, At: t.Stamp(), Result: result}
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
func (t *tx) assess(id, lot, expiry string) (string, []Signal, error) {
	it, found, err := t.stored(id)
	if err != nil || !found {
		return UnknownSerial, nil, err
	}
	if genuine, err := t.genuine(id, it); err != nil {
		return "", nil, err
	} else if !genuine {
		return UnknownSerial, []Signal{t.signal(SignalNotCommissioned, id, "scanned a serial whose record its manufacturer did not commission")}, nil
	}
	_, e, recalled, err := t.unitState(it)
	if err != nil {
		return "", nil, err
	}
	result := verdict(it, e, recalled, lot, expiry, t.Now.Format("2006-01-02"))
	if result == AlreadyDispensed || e.Disposition == DispDestroyed {
		return result, []Signal{t.signal(SignalScanAfterEnd, id, "scanned after "+e.Disposition)}, nil
	}
	return result, nil, nil
}

func checkIdentifier(gtin, serial, lot, expiry string) error {
	if err := CheckGTIN("gtin", gtin); err != nil {
		return err
	}
	if err := CheckSerial("serial", serial); err != nil {
		return err
	}
	if err := CheckLot("lot", lot); err != nil {
		return err
	}
	_, err := ParseExpiry("expiry", expiry)
	return err
}

// Dispense hands a unit the pharmacy holds to a patient, by one of the
// pharmacy's pharmacists. The unit's effective state decides: a unit in an
// illegitimate, destroyed or quarantined case is refused like one that is
// so itself, as are recalled, expired or already dispensed units. A unit
// taken from a container leaves it (and the container's lot counts).
func (c *Contract) Dispense(ctx contractapi.TransactionContextInterface, id string) (*Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := registry.Require(t.Stub, t.Caller, wire.PartPharmacy, wire.RolePharmacist); err != nil {
		return nil, err
	}
	if _, err := t.partner(t.Caller.MSPID); err != nil {
		return nil, err
	}
	if _, _, err := ParseSGTIN("id", id); err != nil {
		return nil, err
	}
	chain, err := t.held(id)
	if err != nil {
		return nil, err
	}
	it := chain[0]
	if _, e, recalled, err := t.unitState(it); err != nil {
		return nil, err
	} else if v := verdict(it, e, recalled, it.Lot, it.Expiry, t.Now.Format("2006-01-02")); v != Verified {
		return nil, ccerr.Precondition("%s cannot be dispensed: %s", id, v)
	}
	if err := t.takeOut(chain); err != nil {
		return nil, err
	}
	it.Owner, it.Custodian, it.Disposition = t.Caller.MSPID, t.Caller.MSPID, DispDispensed
	if err := t.saveItem(it); err != nil {
		return nil, err
	}
	if err := t.ownItem(it); err != nil {
		return nil, err
	}
	if err := t.record(Event{Type: "ObjectEvent", Action: "OBSERVE", BizStep: StepDispensing, Disposition: DispDispensed,
		EPCList: []string{epc(it)}}, id); err != nil {
		return nil, err
	}
	return &Receipt{ID: id, Status: DispDispensed, TxID: t.ID()}, t.finish()
}

// takeOut removes a unit from the containers around it: its index entry
// goes, every container's lot count drops, and the unit keeps the
// containers in its trace.
func (t *tx) takeOut(chain []*Item) error {
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
func (c *Contract) setSuspect(ctx contractapi.TransactionContextInterface, id, reason, to string, roles []string, from ...string) (*Receipt, error) {
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
	case to == SuspectQuarantine:
		it.Disposition = DispQuarantined
	case to == SuspectIllegitimate:
		it.Disposition = DispIllegitimate
	case it.Disposition == DispQuarantined:
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

func checkReason(reason string) error {
	if err := validate.Required("reason", reason); err != nil {
		return err
	}
	return validate.MaxLen("reason", reason, 500)
}

// investigated returns an outermost item at rest that the caller may act
// on: any for the registrar, the org's own for a holder.
func (t *tx) investigated(id string, registrar bool) (*Item, error) {
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
	if it.Disposition == DispInTransit {
		return nil, ccerr.Precondition("%s is in transit: its receiver investigates on receipt", id)
	}
	return it, nil
}

// Suspect quarantines an outermost item (DSCSA suspect product), with a
// reason: by the holder's quality, logistics or pharmacist staff, or the
// registrar. Everything inside a quarantined container is quarantined.
func (c *Contract) Suspect(ctx contractapi.TransactionContextInterface, id, reason string) (*Receipt, error) {
	return c.setSuspect(ctx, id, reason, SuspectQuarantine, handlerRoles, SuspectNone, SuspectCleared)
}

// Clear ends a quarantine: the investigation found the item legitimate.
// By the holder's quality staff or pharmacist, or the registrar.
func (c *Contract) Clear(ctx contractapi.TransactionContextInterface, id, reason string) (*Receipt, error) {
	return c.setSuspect(ctx, id, reason, SuspectCleared, investigatorRoles, SuspectQuarantine)
}

// MarkIllegitimate ends a quarantine: the item is illegitimate, for good.
// By the holder's quality staff or pharmacist, or the registrar.
func (c *Contract) MarkIllegitimate(ctx contractapi.TransactionContextInterface, id, reason string) (*Receipt, error) {
	return c.setSuspect(ctx, id, reason, SuspectIllegitimate, investigatorRoles, SuspectQuarantine)
}
