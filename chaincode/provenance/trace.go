package provenance

import (
	"encoding/json"
	"sort"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
)

// maxTraceEvents bounds a trace: a unit's own events and its containers'.
const maxTraceEvents = 1000

// GetItem reads a unit or container, with its effective holder.
func (c *Contract) GetItem(ctx contractapi.TransactionContextInterface, id string) (*Item, error) {
	t, err := begin(ctx)
	if err != nil {
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
	if r != it && it.Disposition != DispDispensed {
		it.Owner, it.Custodian, it.Disposition, it.Shipment = r.Owner, r.Custodian, r.Disposition, r.Shipment
	}
	return it, nil
}

// EventPage is a page of a trace.
type EventPage struct {
	Items    []Event `json:"items"`
	Bookmark string  `json:"bookmark,omitempty" metadata:",optional"`
}

// events collects the events of an item and of every container it was in,
// in time order.
func (t *tx) events(id string) ([]Event, error) {
	it, err := t.item(id)
	if err != nil {
		return nil, err
	}
	objects := append([]string{id}, it.Containers...)
	for p := it.Parent; p != ""; {
		parent, err := t.item(p)
		if err != nil {
			return nil, err
		}
		objects = append(objects, parent.Containers...)
		p = parent.Parent
	}
	type ref struct{ at, tx, n string }
	var refs []ref
	seen := map[string]bool{}
	for _, o := range objects {
		if seen[o] {
			continue
		}
		seen[o] = true
		iter, err := t.Stub.GetStateByPartialCompositeKey(objEventByObj, []string{o})
		if err != nil {
			return nil, ccerr.Internal("trace: %v", err)
		}
		for iter.HasNext() && len(refs) < maxTraceEvents {
			kv, err := iter.Next()
			if err != nil {
				iter.Close()
				return nil, ccerr.Internal("trace: %v", err)
			}
			_, attrs, err := state.SplitKey(kv.GetKey())
			if err != nil || len(attrs) != 4 {
				iter.Close()
				return nil, ccerr.Internal("trace index: %v", err)
			}
			if !seen[attrs[2]+"/"+attrs[3]] {
				seen[attrs[2]+"/"+attrs[3]] = true
				refs = append(refs, ref{attrs[1], attrs[2], attrs[3]})
			}
		}
		iter.Close()
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].at != refs[j].at {
			return refs[i].at < refs[j].at
		}
		return refs[i].tx+refs[i].n < refs[j].tx+refs[j].n
	})
	out := make([]Event, 0, len(refs))
	for _, r := range refs {
		var e Event
		if _, err := t.get(objEvent, &e, r.tx, r.n); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Trace returns the chain of custody of a unit or container — its events
// and those of every container it travelled in — back to commissioning,
// oldest first, paginated (the bookmark is the offset of the next page).
func (c *Contract) Trace(ctx contractapi.TransactionContextInterface, id string, pageSize int32, bookmark string) (*EventPage, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	size, err := state.PageSize(pageSize)
	if err != nil {
		return nil, err
	}
	from := 0
	if bookmark != "" {
		if from, err = strconv.Atoi(bookmark); err != nil || from < 0 {
			return nil, ccerr.Invalid("bookmark", "is not a bookmark of this trace")
		}
	}
	all, err := t.events(id)
	if err != nil {
		return nil, err
	}
	if from > len(all) {
		from = len(all)
	}
	end := min(from+int(size), len(all))
	page := &EventPage{Items: all[from:end]}
	if end < len(all) {
		page.Bookmark = strconv.Itoa(end)
	}
	return page, nil
}

// ExportEPCIS returns a unit's or container's trace as an EPCIS 2.0 JSON document.
func (c *Contract) ExportEPCIS(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	t, err := begin(ctx)
	if err != nil {
		return "", err
	}
	evs, err := t.events(id)
	if err != nil {
		return "", err
	}
	doc := map[string]any{
		"@context":      []string{"https://ref.gs1.org/standards/epcis/epcis-context.jsonld"},
		"type":          "EPCISDocument",
		"schemaVersion": "2.0",
		"creationDate":  t.Stamp(),
		"epcisBody":     map[string]any{"eventList": evs},
	}
	data, err := json.Marshal(doc)
	return string(data), err
}

// ListSignals lists the counterfeit signals recorded for an object.
func (c *Contract) ListSignals(ctx contractapi.TransactionContextInterface, object string, pageSize int32, bookmark string) ([]Signal, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	page, err := state.PageByPartialKey(t.Stub, objSignal, []string{object}, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := []Signal{}
	for _, r := range page.Records {
		var s Signal
		if err := json.Unmarshal(r.Value, &s); err != nil {
			return nil, ccerr.Internal("signal: %v", err)
		}
		out = append(out, s)
	}
	return out, nil
}
