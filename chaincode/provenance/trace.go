package provenance

import (
	"encoding/base64"
	"math"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// GetItem reads a unit or container with its effective holder,
// disposition and suspect state (those of the outermost container around
// it, unless its own life has ended), for any supply member.
func (c *Contract) GetItem(ctx contractapi.TransactionContextInterface, id string) (*wire.Item, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	if err := checkItemID("id", id); err != nil {
		return nil, err
	}
	it, err := t.item(id)
	if err != nil {
		return nil, err
	}
	chain, err := t.chain(it)
	if err != nil {
		return nil, err
	}
	e := effectiveOf(chain)
	it.Owner, it.Custodian, it.Shipment = e.Root.Owner, e.Root.Custodian, e.Root.Shipment
	it.Disposition, it.Suspect = e.Disposition, e.Suspect
	return it, nil
}

// indexFor is the event or signal index of an order.
func indexFor(order, asc, desc string) (string, error) {
	switch order {
	case "", wire.OldestFirst:
		return asc, nil
	case wire.NewestFirst:
		return desc, nil
	}
	return "", ccerr.Invalid("order", "is %q or %q", wire.OldestFirst, wire.NewestFirst)
}

// traceObjects are the item and every container it travelled in.
func (t *tx) traceObjects(id string) ([]string, error) {
	if err := checkItemID("id", id); err != nil {
		return nil, err
	}
	it, err := t.item(id)
	if err != nil {
		return nil, err
	}
	chain, err := t.chain(it)
	if err != nil {
		return nil, err
	}
	objects := []string{id}
	for _, c := range chain {
		objects = union(objects, c.Containers)
	}
	return objects, nil
}

// ref is an event's place in an index: its stamp (ascending or
// descending), transaction and number.
type ref struct{ at, tx, n string }

func (r ref) less(o ref) int {
	return strings.Compare(r.at+"\x00"+r.tx+"\x00"+r.n, o.at+"\x00"+o.tx+"\x00"+o.n)
}

// Trace returns the chain of custody of a unit or container — its events
// and those of every container it travelled in — back to commissioning,
// oldest first (order "oldest" or "") or newest first ("newest"), one page
// from the bookmark, to any length, for any supply member.
func (c *Contract) Trace(ctx contractapi.TransactionContextInterface, id, order string, pageSize int32, bookmark string) (*wire.EventPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	index, err := indexFor(order, objEventByObj, objEventByObjDesc)
	if err != nil {
		return nil, err
	}
	size, err := state.PageSize(pageSize)
	if err != nil {
		return nil, err
	}
	from, err := decodeRef(bookmark)
	if err != nil {
		return nil, err
	}
	objects, err := t.traceObjects(id)
	if err != nil {
		return nil, err
	}
	refs, err := t.mergeRefs(index, objects, from, int(size)+1)
	if err != nil {
		return nil, err
	}
	page := &wire.EventPage{}
	if len(refs) > int(size) {
		page.Bookmark, refs = encodeRef(refs[size]), refs[:size]
	}
	page.Items, err = t.eventsAt(refs)
	return page, err
}

// eventsAt reads the events of refs; an index entry without its event
// (which no honest transaction writes) is skipped.
func (t *tx) eventsAt(refs []ref) ([]wire.Event, error) {
	out := make([]wire.Event, 0, len(refs))
	for _, r := range refs {
		var e wire.Event
		if found, err := t.get(objEvent, &e, r.tx, r.n); err != nil {
			return nil, err
		} else if found {
			out = append(out, e)
		}
	}
	return out, nil
}

// mergeRefs returns the first n distinct events at or after from, in index
// order, over the index ranges of every object: each range is read from
// from for at most n entries, which is enough for the first n of the merge.
func (t *tx) mergeRefs(index string, objects []string, from ref, n int) ([]ref, error) {
	var refs []ref
	for _, o := range objects {
		got, err := t.refsOf(index, o, from, n)
		if err != nil {
			return nil, err
		}
		refs = append(refs, got...)
	}
	slices.SortFunc(refs, ref.less)
	refs = slices.CompactFunc(refs, func(a, b ref) bool { return a.tx == b.tx && a.n == b.n })
	return refs[:min(len(refs), n)], nil
}

// refsOf reads up to n entries of one object's event index from from.
func (t *tx) refsOf(index, object string, from ref, n int) ([]ref, error) {
	start := ""
	if from.at != "" {
		k, err := key(index, object, from.at, from.tx, from.n)
		if err != nil {
			return nil, err
		}
		start = k
	}
	if n < 1 || n > math.MaxInt32 {
		return nil, ccerr.Internal("trace of %s: page of %d", object, n)
	}
	it, _, err := t.Stub.GetStateByPartialCompositeKeyWithPagination(index, []string{object}, int32(n), start)
	if err != nil {
		return nil, ccerr.Internal("trace of %s: %v", object, err)
	}
	defer it.Close()
	var out []ref
	for it.HasNext() && len(out) < n {
		kv, err := it.Next()
		if err != nil {
			return nil, ccerr.Internal("trace of %s: %v", object, err)
		}
		_, attrs, err := state.SplitKey(kv.GetKey())
		if err != nil || len(attrs) != 4 {
			return nil, ccerr.Internal("event index of %s is malformed", object)
		}
		out = append(out, ref{attrs[1], attrs[2], attrs[3]})
	}
	return out, nil
}

// Bookmarks of a trace name the next event's place in the index.
func encodeRef(r ref) string {
	return base64.RawURLEncoding.EncodeToString([]byte(r.at + "\x00" + r.tx + "\x00" + r.n))
}

func decodeRef(bookmark string) (ref, error) {
	if bookmark == "" {
		return ref{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(bookmark)
	parts := strings.Split(string(raw), "\x00")
	if err != nil || len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return ref{}, ccerr.Invalid("bookmark", "is not a bookmark of a trace")
	}
	if _, err := key(objEventByObj, "x", parts[0], parts[1], parts[2]); err != nil {
		return ref{}, ccerr.Invalid("bookmark", "is not a bookmark of a trace")
	}
	return ref{parts[0], parts[1], parts[2]}, nil
}

// ListSignals lists the counterfeit signals recorded for an object, oldest
// or newest first, one page from the bookmark, for any supply member. A
// signal names the org that raised it, never the employee.
func (c *Contract) ListSignals(ctx contractapi.TransactionContextInterface, object, order string, pageSize int32, bookmark string) (*wire.SignalPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	index, err := indexFor(order, objSignal, objSignalDesc)
	if err != nil {
		return nil, err
	}
	if err := checkItemID("object", object); err != nil {
		return nil, err
	}
	list, err := state.ListByPartialKey[wire.Signal](t.Stub, index, []string{object}, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	for i := range list.Items {
		list.Items[i].By = orgOnly(list.Items[i].By)
	}
	return &wire.SignalPage{Items: list.Items, Bookmark: list.Bookmark}, nil
}

// orgOnly is the org of a "MSP/enrollment id" that signals recorded before
// they named the org alone: an employee is a person, the org suffices.
func orgOnly(by string) string {
	org, _, _ := strings.Cut(by, "/")
	return org
}
