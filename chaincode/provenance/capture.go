package provenance

import (
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// Captured events: EPCIS events that change no custody in carechain
// (inspections, observations, goods commissioned elsewhere, what the
// model cannot take yet) anchored on the ledger by the partner that
// received them, so that they are queryable with the custody events. Each
// is kept under its own key with the public fields a query needs and a
// salted commitment to the whole event; the key, its object index entries
// and its eventID entry carry the capturing org's key-level policy.
const (
	objCaptured        = "captured"
	objCapturedByObj   = "capturedByObject"
	objCapturedEventID = "capturedEventID"
)

// Capture anchors EPCIS events (a JSON list of wire.CaptureInput, at most
// wire.MaxCapture) for the caller's org, a licensed trading partner's
// staff. An event whose eventID the org captured before is not written
// again: its result names the earlier record, on which an errorDeclaration
// the record lacks is recorded (Declared).
func (c *Contract) Capture(ctx contractapi.TransactionContextInterface, eventsJSON string) (*wire.CaptureReceipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireTrader(handlerRoles...); err != nil {
		return nil, err
	}
	var in []wire.CaptureInput
	if err := decode("events", eventsJSON, &in); err != nil {
		return nil, err
	}
	if err := t.checkCapture(in); err != nil {
		return nil, err
	}
	out := &wire.CaptureReceipt{Results: make([]wire.CaptureResult, 0, len(in))}
	for i := range in {
		r, err := t.capture(i, &in[i])
		if err != nil {
			return nil, err
		}
		out.Results = append(out.Results, r)
	}
	return out, t.finish()
}

// checkCapture validates every input before anything is written; one
// eventID twice in the input is refused (the second would read the
// first's write).
func (t *tx) checkCapture(in []wire.CaptureInput) error {
	if len(in) == 0 || len(in) > wire.MaxCapture {
		return ccerr.Invalid("events", "holds %d events, not 1 to %d", len(in), wire.MaxCapture)
	}
	seen := map[string]int{}
	for i := range in {
		field := fmt.Sprintf("events[%d]", i)
		if err := in[i].Check(field, t.Now); err != nil {
			return err
		}
		if id := in[i].EventID; id != "" {
			if j, dup := seen[id]; dup {
				return ccerr.Invalid(field+".eventID", "is events[%d]'s too", j)
			}
			seen[id] = i
		}
	}
	return nil
}

// capture writes one event, unless its eventID is the org's already.
func (t *tx) capture(i int, in *wire.CaptureInput) (wire.CaptureResult, error) {
	org := t.Caller.MSPID
	if in.EventID != "" {
		var earlier string
		found, err := t.get(objCapturedEventID, &earlier, org, hexSum(in.EventID))
		if err != nil {
			return wire.CaptureResult{}, err
		}
		if found {
			return t.declare(earlier, in.ErrorDeclaration)
		}
	}
	id := hexSum(fmt.Sprintf("%s/capture/%d", t.ID(), i))
	rec := wire.CapturedEvent{ID: id, EventID: in.EventID, Type: in.Type, Action: in.Action, BizStep: in.BizStep,
		Disposition: in.Disposition, EventTime: in.EventTime, ParentID: in.ParentID, EPCList: in.EPCList,
		ChildEPCs: in.ChildEPCs, Inputs: in.Inputs, Outputs: in.Outputs, Quantities: in.Quantities,
		BizTransactions: in.BizTransactions, Objects: in.Objects, ReadPoint: in.ReadPoint,
		BizLocation: in.BizLocation, ErrorDeclaration: in.ErrorDeclaration, Commitment: in.Commitment, By: org, Recorded: t.Stamp()}
	if err := t.putOwned(objCaptured, rec, id); err != nil {
		return wire.CaptureResult{}, err
	}
	if in.EventID != "" {
		if err := t.putOwned(objCapturedEventID, id, org, hexSum(in.EventID)); err != nil {
			return wire.CaptureResult{}, err
		}
	}
	objects := slices.Clone(in.Objects)
	slices.Sort(objects)
	for _, o := range slices.Compact(objects) {
		if err := t.putOwned(objCapturedByObj, []byte{0}, o, t.SortStamp(), fmt.Sprintf("%04d", i), id); err != nil {
			return wire.CaptureResult{}, err
		}
	}
	t.Events.Add("epcis.captured", id, map[string]string{"type": in.Type})
	return wire.CaptureResult{ID: id}, nil
}

// declare records an error declaration on the org's earlier record of an
// eventID that has none (EPCIS declares an event erroneous by capturing
// it again with its errorDeclaration): the record stays, its fields as
// first captured, and is returned with the declaration from then on. A
// replay, or a second declaration, writes nothing.
func (t *tx) declare(earlier string, d *wire.Declaration) (wire.CaptureResult, error) {
	dup := wire.CaptureResult{ID: earlier, Duplicate: true}
	if d == nil {
		return dup, nil
	}
	var rec wire.CapturedEvent
	found, err := t.get(objCaptured, &rec, earlier)
	if err != nil || !found || rec.ErrorDeclaration != nil {
		return dup, err
	}
	rec.ErrorDeclaration = d
	if err := t.putOwned(objCaptured, rec, earlier); err != nil {
		return wire.CaptureResult{}, err
	}
	t.Events.Add("epcis.declared", earlier, map[string]string{"type": rec.Type})
	dup.Declared = true
	return dup, nil
}

// putOwned writes a key with the caller's org's key-level policy.
func (t *tx) putOwned(obj string, v any, attrs ...string) error {
	if err := t.put(obj, v, attrs...); err != nil {
		return err
	}
	return t.endorseBy(obj, attrs, t.Caller.MSPID)
}

// ListCaptured lists a page of the events captured about an object (a
// carechain id or an EPC URI, as Capture's objects), oldest first (by
// transaction, then input order); any
// supply member reads them. An index entry whose record is missing or
// does not name the object (which no honest transaction writes) is
// skipped.
func (c *Contract) ListCaptured(ctx contractapi.TransactionContextInterface, object string, pageSize int32, bookmark string) (*wire.CapturedPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	if err := wire.CheckObject("object", object); err != nil {
		return nil, err
	}
	size, err := state.PageSize(pageSize)
	if err != nil {
		return nil, err
	}
	page, err := state.PageByPartialKey(t.Stub, objCapturedByObj, []string{object}, size, bookmark)
	if err != nil {
		return nil, err
	}
	out := &wire.CapturedPage{Items: []wire.CapturedEvent{}, Bookmark: page.Bookmark}
	for _, r := range page.Records {
		_, attrs, err := state.SplitKey(r.Key)
		if err != nil || len(attrs) != 4 {
			continue
		}
		var ev wire.CapturedEvent
		found, err := t.get(objCaptured, &ev, attrs[3])
		if err != nil {
			return nil, err
		}
		if found && slices.Contains(ev.Objects, object) {
			out.Items = append(out.Items, ev)
		}
	}
	return out, nil
}
