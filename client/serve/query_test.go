package serve

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/epcis/epcistest"
)

// A unit's trace as the provenance client exports it.
const (
	traced = `{"type":"ObjectEvent","action":"ADD","eventID":"ni:///sha-256;aa?ver=CBV2.0","eventTime":"2026-01-02T03:00:00Z","eventTimeZoneOffset":"+00:00",
	  "bizStep":"commissioning","disposition":"active","epcList":["urn:epc:id:sgtin:0614141.112345.A1"]}`
	shipped = `{"type":"ObjectEvent","action":"OBSERVE","eventID":"ni:///sha-256;bb?ver=CBV2.0","eventTime":"2026-01-03T03:00:00Z","eventTimeZoneOffset":"+00:00",
	  "bizStep":"shipping","disposition":"in_transit","epcList":["urn:epc:id:sgtin:0614141.112345.A1"],
	  "readPoint":{"id":"urn:epc:id:sgln:0614141.00000.1"},"bizLocation":{"id":"urn:epc:id:sgln:0614141.00000.0"}}`
	packed = `{"type":"AggregationEvent","action":"ADD","eventID":"ni:///sha-256;cc?ver=CBV2.0","eventTime":"2026-01-02T04:00:00Z","eventTimeZoneOffset":"+00:00",
	  "bizStep":"packing","parentID":"urn:epc:id:sscc:0614141.1123456789","childEPCs":["urn:epc:id:sgtin:0614141.112345.A1"]}`
)

func queryHarness(t *testing.T) *harness {
	h := newHarness(t)
	d, err := epcis.Parse([]byte(document(shipped, traced, packed)))
	require.NoError(t, err)
	h.fake.traces["10614141123459.A1"] = d
	c, err := epcis.Parse([]byte(document(packed)))
	require.NoError(t, err)
	sscc, err := epcis.ParseIdentifier("urn:epc:id:sscc:0614141.1123456789")
	require.NoError(t, err)
	id, gap := epcismap.ObjectID(sscc)
	require.Nil(t, gap)
	h.fake.traces[id] = c
	return h
}

// query answers a query's event ids and its next link.
func (h *harness) query(params string) ([]string, string) {
	h.t.Helper()
	w := h.do("GET", "/epcis/events?"+params, "", "")
	require.Equal(h.t, 200, w.Code, w.Body.String())
	assert.Equal(h.t, "application/ld+json", w.Header().Get("Content-Type"))
	d, err := epcis.Parse(w.Body.Bytes())
	require.NoError(h.t, err, "the answer is an EPCIS document the library reads")
	require.Equal(h.t, epcis.TypeQueryDocument, d.Type)
	var ids []string
	for _, e := range d.Events {
		ids = append(ids, strings.TrimSuffix(strings.TrimPrefix(e.EventID, "ni:///sha-256;"), "?ver=CBV2.0"))
	}
	return ids, w.Header().Get("Link")
}

func TestQueryByEPCInEitherForm(t *testing.T) {
	h := queryHarness(t)
	ids, next := h.query("MATCH_epc=urn:epc:id:sgtin:0614141.112345.A1")
	assert.Equal(t, []string{"aa", "cc", "bb"}, ids, "by event time, each once")
	assert.Empty(t, next)
	ids, _ = h.query("MATCH_epc=" + url.QueryEscape("https://id.gs1.org/01/10614141123459/21/A1"))
	assert.Equal(t, []string{"aa", "cc", "bb"}, ids)
	ids, _ = h.query("MATCH_epc=urn:epc:id:sscc:0614141.1123456789")
	assert.Empty(t, ids, "MATCH_epc does not look at parentID")
	ids, _ = h.query("MATCH_anyEPC=urn:epc:id:sscc:0614141.1123456789")
	assert.Equal(t, []string{"cc"}, ids)
	ids, _ = h.query("MATCH_epc=urn:epc:id:sgtin:4012345.011111.X9")
	assert.Empty(t, ids, "an object the ledger does not know has no events")
}

func TestQueryFilters(t *testing.T) {
	h := queryHarness(t)
	const a1 = "MATCH_epc=urn:epc:id:sgtin:0614141.112345.A1&"
	for params, want := range map[string][]string{
		"EQ_bizStep=urn:epcglobal:cbv:bizstep:shipping":                {"bb"},
		"EQ_bizStep=commissioning,packing":                             {"aa", "cc"},
		"EQ_bizStep=commissioning&EQ_bizStep=packing":                  {"aa", "cc"},
		"EQ_disposition=https://ref.gs1.org/cbv/Disp-in_transit":       {"bb"},
		"GE_eventTime=2026-01-02T04:00:00Z":                            {"cc", "bb"},
		"LT_eventTime=2026-01-02T04:00:00Z":                            {"aa"},
		"EQ_readPoint=urn:epc:id:sgln:0614141.00000.1":                 {"bb"},
		"EQ_bizLocation=urn:epc:id:sgln:0614141.00000.0":               {"bb"},
		"EQ_bizLocation=urn:epc:id:sgln:0614141.00000.1":               nil,
		"EQ_bizStep=shipping&GE_eventTime=2026-01-04T00:00:00%2B01:00": nil,
	} {
		ids, _ := h.query(a1 + strings.ReplaceAll(params, "+", "%2B"))
		assert.Equal(t, want, ids, params)
	}
}

func TestQueryPages(t *testing.T) {
	h := queryHarness(t)
	var all []string
	params := "MATCH_epc=urn:epc:id:sgtin:0614141.112345.A1&perPage=2"
	for i := 0; i < 3; i++ {
		ids, next := h.query(params)
		all = append(all, ids...)
		if next == "" {
			break
		}
		u, err := url.Parse(strings.TrimSuffix(strings.TrimPrefix(next, "<"), `>; rel="next"`))
		require.NoError(t, err)
		assert.Equal(t, "/epcis/events", u.Path)
		params = u.RawQuery
	}
	assert.Equal(t, []string{"aa", "cc", "bb"}, all)
}

func TestQueryRefusesBadParameters(t *testing.T) {
	h := queryHarness(t)
	for params, field := range map[string]string{
		"":                                               "MATCH_epc",
		"EQ_bizStep=shipping":                            "MATCH_epc",
		"MATCH_epc=a1&patient=Jane":                      "patient",
		"MATCH_epc=urn:epc:id:sgtin:bad":                 "MATCH_epc[0]",
		"MATCH_epc=urn:x:1&perPage=0":                    "perPage",
		"MATCH_epc=urn:x:1&perPage=1001":                 "perPage",
		"MATCH_epc=urn:x:1&nextPageToken=x":              "nextPageToken",
		"MATCH_epc=urn:x:1&GE_eventTime=yesterday":       "GE_eventTime",
		"MATCH_epc=urn:x:1&EQ_bizStep=no%20such%20step!": "EQ_bizStep[0]",
	} {
		p := decodeProblem(t, h.do("GET", "/epcis/events?"+params, "", ""))
		assert.Equal(t, 400, p.Status, params)
		assert.Equal(t, field, p.Field, params)
	}
}

// The query answer validates against GS1's EPCIS 2.0 JSON schema (when
// GS1's corpus is on this machine).
func TestQueryAnswerIsValidPerGS1Schema(t *testing.T) {
	c := epcistest.Open(t)
	v, err := epcis.NewValidator(c.Schema(t))
	require.NoError(t, err)
	h := queryHarness(t)
	w := h.do("GET", "/epcis/events?MATCH_anyEPC=urn:epc:id:sgtin:0614141.112345.A1", "", "")
	require.Equal(t, 200, w.Code)
	require.NoError(t, v.Validate(w.Body.Bytes()), w.Body.String())
}

func TestQueryReadsCapturedEventsToo(t *testing.T) {
	h := queryHarness(t)
	insp := pv.CapturedEvent{ID: "c1", Type: "ObjectEvent", Action: "OBSERVE", BizStep: "inspecting", EventTime: "2026-01-02T04:30:00+01:00",
		EPCList: []string{"urn:epc:id:sgtin:0614141.112345.A1"}, Objects: []string{"10614141123459.A1"},
		ReadPoint: "urn:epc:id:sgln:0614141.00000.1", Commitment: strings.Repeat("a", 64), By: "DistributorMSP"}
	other := pv.CapturedEvent{ID: "c2", EventID: "urn:uuid:2", Type: "ObjectEvent", Action: "OBSERVE", BizStep: "inspecting",
		EventTime: "2026-01-01T00:00:00Z", EPCList: []string{"urn:epc:id:sgtin:4012345.011111.X9"},
		Objects: []string{"04012345111118.X9"}, Commitment: strings.Repeat("b", 64), By: "DistributorMSP"}
	h.fake.captured["10614141123459.A1"] = []pv.CapturedEvent{insp}
	h.fake.captured["04012345111118.X9"] = []pv.CapturedEvent{other, insp}
	h.fake.captured["urn:epc:id:giai:4000001.111"] = []pv.CapturedEvent{{ID: "c3", Type: "ObjectEvent", Action: "OBSERVE",
		EventTime: "2026-01-01T00:00:00Z", EPCList: []string{"urn:epc:id:giai:4000001.111"}, Objects: []string{"urn:epc:id:giai:4000001.111"},
		Commitment: strings.Repeat("c", 64), By: "ProviderMSP"}}

	ids, _ := h.query("MATCH_epc=urn:epc:id:sgtin:0614141.112345.A1")
	assert.Equal(t, []string{"aa", "urn:carechain:captured:c1", "cc", "bb"}, ids, "captured and custody events together, by time (04:30+01:00 is 03:30Z)")
	ids, _ = h.query("MATCH_epc=urn:epc:id:sgtin:4012345.011111.X9")
	assert.Equal(t, []string{"urn:uuid:2"}, ids, "every page of the captured list is read, and only matches kept")
	ids, _ = h.query("MATCH_anyEPC=urn:epc:id:giai:4000001.111")
	assert.Equal(t, []string{"urn:carechain:captured:c3"}, ids, "objects carechain does not track are found by their URI")
	ids, _ = h.query("MATCH_epc=urn:epc:id:sgtin:0614141.112345.A1&EQ_readPoint=urn:epc:id:sgln:0614141.00000.1&EQ_bizStep=inspecting")
	assert.Equal(t, []string{"urn:carechain:captured:c1"}, ids)

	w := h.do("GET", "/epcis/events?MATCH_epc=urn:epc:id:sgtin:0614141.112345.A1&EQ_bizStep=inspecting", "", "")
	d, err := epcis.Parse(w.Body.Bytes())
	require.NoError(t, err)
	require.Len(t, d.Events, 1)
	e := d.Events[0]
	assert.Equal(t, "+01:00", e.EventTimeZoneOffset)
	assert.JSONEq(t, `"DistributorMSP"`, string(e.Extensions["carechain:capturedBy"]))
	assert.JSONEq(t, `"`+strings.Repeat("a", 64)+`"`, string(e.Extensions["carechain:commitment"]))
}

func TestCapturedEventRefusesWhatItCannotRead(t *testing.T) {
	_, err := CapturedEvent(pv.CapturedEvent{ID: "x", Type: "ObjectEvent", EventTime: "2026-01-01T00:00:00Z", BizStep: "no such step!"})
	assert.ErrorContains(t, err, "bizStep")
	_, err = CapturedEvent(pv.CapturedEvent{ID: "x", Type: "ObjectEvent", EventTime: "2026-01-01T00:00:00Z", EPCList: []string{"urn:epc:id:sgtin:bad"}})
	assert.Error(t, err)
}
