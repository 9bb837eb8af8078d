package serve

import (
	"bytes"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/epcis/epcistest"
	"github.com/carechain/carechain/client/standards/gs1"
)

var distLogistics = memstub.NewIdentity(distMSP, "logistics1", map[string]string{"role": "logistics"})

// newLedgerHarness is a server on a ledgerProvenance, checking documents
// and answers against GS1's schema.
func newLedgerHarness(t *testing.T, l *ledgerProvenance, schema Validator) *harness {
	h := &harness{t: t, log: &bytes.Buffer{}}
	h.srv = New(WithProvenance(l), WithEPCISSchema(schema), withClock(func() time.Time { return ledgerStart.Add(24 * time.Hour) }))
	return h
}

// captureBody is a corpus document as capture takes it: GS1's one
// EPCISQueryDocument is rewrapped as an EPCISDocument of its events
// (capture takes documents, not query answers).
func captureBody(t *testing.T, data []byte) string {
	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &doc))
	if string(doc["type"]) != `"EPCISQueryDocument"` {
		return string(data)
	}
	var body struct {
		QueryResults struct {
			ResultsBody struct {
				EventList json.RawMessage `json:"eventList"`
			} `json:"resultsBody"`
		} `json:"queryResults"`
	}
	require.NoError(t, json.Unmarshal(doc["epcisBody"], &body))
	out, err := json.Marshal(map[string]any{"@context": doc["@context"], "type": "EPCISDocument", "schemaVersion": doc["schemaVersion"],
		"creationDate": doc["creationDate"], "epcisBody": map[string]any{"eventList": body.QueryResults.ResultsBody.EventList}})
	require.NoError(t, err)
	return string(out)
}

// Every GS1 example document goes in through POST /epcis/capture on the
// real provenance chaincode, and every one of its events comes back from
// GET /epcis/events, paged, each answer valid per GS1's schema; none is
// refused or dropped, each says why it changed no custody, and an event
// declared erroneous comes back with its declaration.
func TestGS1CorpusIsCapturedAndQueried(t *testing.T) {
	c := epcistest.Open(t)
	v, err := epcis.NewValidator(c.Schema(t))
	require.NoError(t, err)
	reasons, events := map[string]int{}, 0
	for _, d := range c.Documents(t) {
		body := captureBody(t, d.Data)
		doc, err := epcis.Parse([]byte(body))
		if err != nil {
			// AssociationEvent-h names eventID twice (README): refused
			// whole, naming the member, nothing written.
			l := newLedger(t, distLogistics, nil)
			p := decodeProblem(t, newLedgerHarness(t, l, v).do("POST", "/epcis/capture", "application/ld+json", body))
			assert.Equal(t, "epcisBody.eventList[0].eventID", p.Field, d.Path)
			continue
		}
		events += len(doc.Events)
		for _, r := range captureAndQuery(t, d.Path, body, doc, v) {
			reasons[r]++
		}
	}
	assert.Equal(t, 55, events, "GS1's 46 readable documents hold 55 events")
	keys := make([]string, 0, len(reasons))
	for r := range reasons {
		keys = append(keys, r)
	}
	sort.Strings(keys)
	for _, r := range keys {
		t.Logf("%3d captured only: %s", reasons[r], r)
	}
}

// captureAndQuery captures one document on a ledger of its own and reads
// every event back; it returns why each was captured only.
func captureAndQuery(t *testing.T, path, body string, doc *epcis.Document, v Validator) []string {
	h := newLedgerHarness(t, newLedger(t, distLogistics, nil), v)
	st := h.capture(body)
	require.True(t, st.Success, "%s: %+v", path, st.Errors)
	require.Len(t, st.Events, len(doc.Events), path)
	var reasons []string
	records := map[string]int{}
	for i, e := range st.Events {
		assert.Equal(t, StatusCaptured, e.Status, "%s[%d]", path, i)
		assert.NotEmpty(t, e.Reason, "%s[%d]", path, i)
		require.NotNil(t, e.Anchor, "%s[%d]: %s", path, i, e.NotAnchored)
		assert.False(t, e.Anchor.Duplicate, "%s[%d]", path, i)
		records[e.Anchor.ID] = i
		reasons = append(reasons, e.Reason)
	}
	got := map[string]epcis.Event{}
	for i := range doc.Events {
		for _, e := range h.queryAll(t, v, queryFor(t, path, &doc.Events[i])) {
			var id string
			require.NoError(t, json.Unmarshal(e.Extensions["carechain:capture"], &id))
			got[id] = e
		}
	}
	require.Len(t, got, len(doc.Events), "%s: every event, once", path)
	for id, e := range got {
		i, ok := records[id]
		require.True(t, ok, "%s: %s is no record of this capture", path, id)
		checkReadBack(t, path, i, &doc.Events[i], &e)
	}
	return reasons
}

// queryFor is a query that finds an event: by its first EPC (not a
// person's: those stay off the ledger), else its location.
func queryFor(t *testing.T, path string, e *epcis.Event) string {
	for _, id := range append(append(append(append(parentOf(e), e.EPCList...), e.ChildEPCs...), e.InputEPCList...), e.OutputEPCList...) {
		if !pv.IsPersonID(id.URI) {
			return "MATCH_anyEPC=" + url.QueryEscape(id.URI)
		}
	}
	for _, l := range []struct {
		param string
		loc   *epcis.Location
	}{{"EQ_bizLocation", e.BizLocation}, {"EQ_readPoint", e.ReadPoint}} {
		if l.loc != nil {
			return l.param + "=" + url.QueryEscape(l.loc.ID.URI)
		}
	}
	t.Fatalf("%s: an event with neither an EPC nor a location", path)
	return ""
}

// queryAll reads every page of a query (two events a page), each valid per
// the schema.
func (h *harness) queryAll(t *testing.T, v Validator, params string) []epcis.Event {
	var out []epcis.Event
	target := "/epcis/events?" + params + "&perPage=2"
	for pages := 0; target != ""; pages++ {
		require.Less(t, pages, 100)
		w := h.do("GET", target, "", "")
		require.Equal(t, 200, w.Code, "%s: %s", target, w.Body.String())
		require.NoError(t, v.Validate(w.Body.Bytes()), "%s: the answer is valid per GS1's schema", target)
		d, err := epcis.Parse(w.Body.Bytes())
		require.NoError(t, err)
		out = append(out, d.Events...)
		target = strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(w.Header().Get("Link"), ";", 2)[0], "<"), ">")
	}
	return out
}

// checkReadBack compares what a query returns of an event with the event.
func checkReadBack(t *testing.T, path string, i int, want, got *epcis.Event) {
	where := path + "[" + string(rune('0'+i)) + "]"
	assert.Equal(t, want.Type, got.Type, where)
	assert.Equal(t, want.BizStep, got.BizStep, where)
	assert.Equal(t, want.Action, got.Action, where)
	if want.EventID != "" {
		assert.Equal(t, want.EventID, got.EventID, where)
	}
	wt, err := time.Parse(time.RFC3339Nano, want.EventTime)
	require.NoError(t, err)
	gt, err := time.Parse(time.RFC3339Nano, got.EventTime)
	require.NoError(t, err)
	assert.True(t, wt.Equal(gt), "%s: eventTime %s, read back %s", where, want.EventTime, got.EventTime)
	if want.ErrorDeclaration == nil {
		assert.Nil(t, got.ErrorDeclaration, where)
		return
	}
	require.NotNil(t, got.ErrorDeclaration, "%s: the declaration comes back with the event", where)
	assert.Equal(t, want.ErrorDeclaration.DeclarationTime, got.ErrorDeclaration.DeclarationTime, where)
	assert.Equal(t, want.ErrorDeclaration.Reason, got.ErrorDeclaration.Reason, where)
	assert.Equal(t, want.ErrorDeclaration.CorrectiveEventIDs, got.ErrorDeclaration.CorrectiveEventIDs, where)
}

// The GS1 examples as if their goods were carechain's: every unit of the
// reference manufacturer's company prefix (0614141), or of the sensor
// examples' (4012345, given to the manufacturer here), that an example
// names is commissioned on the chaincode first, and the document captured
// as the manufacturer. Sensor readings of those goods at rest are
// reported on them (ReportReading): each unit's trace holds one reading
// per temperature of the applied events, asserted on the chaincode's
// state. Nothing else in the examples has a custody meaning carechain
// takes (shipping without a destinationList, receiving of shipments made
// elsewhere, transformations, error declarations: each event's reason
// says which), so no unit's custody changes — asserted on the
// chaincode's items.
func TestGS1CorpusOnCarechainsGoods(t *testing.T) {
	c := epcistest.Open(t)
	v, err := epcis.NewValidator(c.Schema(t))
	require.NoError(t, err)
	reasons, applied := map[string]int{}, 0
	for _, d := range c.Documents(t) {
		body := captureBody(t, d.Data)
		doc, err := epcis.Parse([]byte(body))
		if err != nil {
			continue // refused whole (TestGS1CorpusIsCapturedAndQueried)
		}
		units := unitsOf(doc)
		if len(units) == 0 {
			continue
		}
		l := newLedgerWith(t, quality, nil, withPrefix("4012345"))
		before := map[string]pv.Item{}
		for gtin, serials := range units {
			l.commission(gtin, serials...)
			for _, s := range serials {
				before[gtin+"."+s] = l.item(gtin + "." + s)
			}
		}
		st := newLedgerHarness(t, l, v).capture(body)
		require.True(t, st.Success, "%s: %+v", d.Path, st.Errors)
		want := map[string]int{}
		for i, e := range st.Events {
			switch e.Status {
			case StatusApplied:
				applied++
				reasons["applied: "+doc.Events[i].BizStep.String()+" readings"]++
				temperatures(&doc.Events[i], want)
			case StatusCaptured:
				require.NotNil(t, e.Anchor, "%s[%d]: %s", d.Path, i, e.NotAnchored)
				reasons["captured only: "+e.Reason]++
			default:
				t.Fatalf("%s[%d]: %+v", d.Path, i, e)
			}
		}
		for id, it := range before {
			assert.Equal(t, it, l.item(id), "%s: %s's custody is as it was", d.Path, id)
			assert.Len(t, l.readings(id), want[id], "%s: %s's readings", d.Path, id)
		}
	}
	assert.Positive(t, applied, "readings of goods at rest are reported")
	keys := make([]string, 0, len(reasons))
	for r := range reasons {
		keys = append(keys, r)
	}
	sort.Strings(keys)
	for _, r := range keys {
		t.Logf("%3d %s", reasons[r], r)
	}
}

// temperatures counts, per unit of an event's epcList, its numeric
// temperature reports.
func temperatures(e *epcis.Event, per map[string]int) {
	n := 0
	for _, el := range e.SensorElements {
		for _, r := range el.Reports {
			if r.Type.Is("Temperature") && r.Value != nil {
				n++
			}
		}
	}
	for _, id := range e.EPCList {
		if id.Key != nil && id.Key.Kind == gs1.SGTIN {
			per[id.Key.Value+"."+id.Key.Serial] += n
		}
	}
}

// unitsOf are the serials, by GTIN, of the units of company prefix
// 0614141 or 4012345 a document names whose serials the chaincode takes.
func unitsOf(doc *epcis.Document) map[string][]string {
	out := map[string][]string{}
	seen := map[string]bool{}
	for i := range doc.Events {
		e := &doc.Events[i]
		for _, id := range append(append(append(append(parentOf(e), e.EPCList...), e.ChildEPCs...), e.InputEPCList...), e.OutputEPCList...) {
			k := id.Key
			if k == nil || k.Kind != gs1.SGTIN || !(strings.HasPrefix(k.Value[1:], "0614141") || strings.HasPrefix(k.Value[1:], "4012345")) || pv.CheckSerial("s", k.Serial) != nil {
				continue
			}
			if !seen[k.Value+"."+k.Serial] {
				seen[k.Value+"."+k.Serial] = true
				out[k.Value] = append(out[k.Value], k.Serial)
			}
		}
	}
	return out
}
