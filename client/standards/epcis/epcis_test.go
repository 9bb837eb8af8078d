package epcis

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/standards/gs1"
)

// doc wraps events in an EPCISDocument.
func doc(events ...string) []byte {
	return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",
"schemaVersion":"2.0","creationDate":"2026-01-02T03:04:05Z","epcisBody":{"eventList":[` + strings.Join(events, ",") + `]}}`)
}

const when = `"eventTime":"2026-01-02T03:04:05.000+01:00","eventTimeZoneOffset":"+01:00"`

func TestCBVValuesInEveryForm(t *testing.T) {
	for _, f := range []struct{ step, disp, btt, sdt string }{
		{"shipping", "in_transit", "desadv", "owning_party"},
		{"urn:epcglobal:cbv:bizstep:shipping", "urn:epcglobal:cbv:disp:in_transit", "urn:epcglobal:cbv:btt:desadv", "urn:epcglobal:cbv:sdt:owning_party"},
		{"https://ref.gs1.org/cbv/BizStep-shipping", "https://ref.gs1.org/cbv/Disp-in_transit", "https://ref.gs1.org/cbv/BTT-desadv", "https://ref.gs1.org/cbv/SDT-owning_party"},
		{"cbv:BizStep-shipping", "cbv:Disp-in_transit", "cbv:BTT-desadv", "cbv:SDT-owning_party"},
	} {
		d, err := Parse(doc(`{"type":"ObjectEvent","action":"OBSERVE",` + when + `,"epcList":[],"bizStep":"` + f.step + `","disposition":"` + f.disp + `",
			"bizTransactionList":[{"type":"` + f.btt + `","bizTransaction":"urn:epcglobal:cbv:bt:0614141073467:1152"}],
			"destinationList":[{"type":"` + f.sdt + `","destination":"urn:epc:id:pgln:0614141.07346"}]}`))
		require.NoError(t, err, f.step)
		e := d.Events[0]
		assert.Equal(t, Vocab{Term: "shipping"}, e.BizStep, f.step)
		assert.Equal(t, Vocab{Term: "in_transit"}, e.Disposition, f.disp)
		assert.Equal(t, Vocab{Term: "desadv"}, e.BizTransactions[0].Type, f.btt)
		assert.Equal(t, Vocab{Term: "owning_party"}, e.Destinations[0].Type, f.sdt)
	}
	custom := `{"type":"ObjectEvent","action":"OBSERVE",` + when + `,"epcList":[],"bizStep":"http://epcis.example.org/hc/bizstep/summarising"}`
	d, err := Parse(doc(custom))
	require.NoError(t, err)
	assert.Equal(t, Vocab{URI: "http://epcis.example.org/hc/bizstep/summarising"}, d.Events[0].BizStep)
	for _, bad := range []string{"flying", "urn:epcglobal:cbv:bizstep:flying", "https://ref.gs1.org/cbv/BizStep-flying", "urn:epcglobal:cbv:disp:active", "has space"} {
		_, err := Parse(doc(`{"type":"ObjectEvent","action":"OBSERVE",` + when + `,"epcList":[],"bizStep":"` + bad + `"}`))
		assert.ErrorContains(t, err, "epcisBody.eventList[0].bizStep", bad)
	}
}

func TestIdentifiersInEitherForm(t *testing.T) {
	d, err := Parse(doc(`{"type":"ObjectEvent","action":"OBSERVE",` + when + `,"epcList":[
		"urn:epc:id:sgtin:0614141.107346.2017","https://id.gs1.org/01/10614141073464/21/2017","https://brand.example/dl/01/10614141073464/10/L1/21/2017",
		"urn:epc:id:gdti:0614141.00001.1618034","urn:uuid:fd338495-0e6d-41dd-afee-a862ecd32518","https://example.org/not/a/key"],
		"readPoint":{"id":"https://id.gs1.org/414/0614141073467/254/1234"},"bizLocation":{"id":"urn:epc:id:sgln:0614141.07346.1234","example:x":1}}`))
	require.NoError(t, err)
	l := d.Events[0].EPCList
	assert.True(t, l[0].Same(l[1]) && l[1].Same(l[2]), "a URN and two Digital Links of one unit are the same")
	assert.Equal(t, gs1.Key{Kind: gs1.SGTIN, Value: "10614141073464", Serial: "2017"}, *l[0].Key)
	assert.Nil(t, l[3].Key)
	assert.Nil(t, l[4].Key)
	assert.Nil(t, l[5].Key)
	assert.False(t, l[0].Same(l[3]))
	assert.True(t, d.Events[0].ReadPoint.ID.Same(d.Events[0].BizLocation.ID))
	assert.Equal(t, []string{"epcisBody.eventList[0].bizLocation.example:x"}, d.ExtensionPaths())
}

func TestStructuredMembers(t *testing.T) {
	d, err := Parse(doc(`{"type":"ObjectEvent","action":"ADD",` + when + `,"bizStep":"commissioning","disposition":"active",
		"epcList":["urn:epc:id:sgtin:0614141.107346.2017"],
		"quantityList":[{"epcClass":"urn:epc:class:lgtin:0614141.107346.L1","quantity":2.5,"uom":"KGM"}],
		"sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:0614141.07346"}],
		"destinationList":[{"type":"urn:epcglobal:cbv:sdt:location","destination":"https://id.gs1.org/414/0614141073467"}],
		"ilmd":{"cbvmda:lotNumber":"L1","urn:epcglobal:cbv:mda:itemExpirationDate":"2028-12-31","cbvmda:countryOfOrigin":"DE"},
		"sensorElementList":[{"sensorMetadata":{"time":"2026-01-02T03:00:00Z","deviceID":"urn:epc:id:giai:4000001.111"},
		  "sensorReport":[{"type":"gs1:Temperature","value":4.5,"uom":"CEL"},{"type":"Temperature","minValue":2,"maxValue":9,"uom":"CEL"},
		  {"type":"Temperature","value":5.0,"uom":"CEL","time":"2026-01-02T03:01:00Z","deviceID":"urn:epc:id:giai:4000001.112","exception":"ALARM_CONDITION"}]}],
		"errorDeclaration":{"declarationTime":"2026-01-03T00:00:00Z","reason":"urn:epcglobal:cbv:er:did_not_occur"}}`))
	require.NoError(t, err)
	e := d.Events[0]
	assert.Equal(t, &ILMD{Lot: "L1", ExpirationDate: "2028-12-31", Other: Extensions{"cbvmda:countryOfOrigin": json.RawMessage(`"DE"`)}}, e.ILMD)
	assert.Equal(t, gs1.LGTIN, e.QuantityList[0].Class.Key.Kind)
	assert.Equal(t, "2.5", e.QuantityList[0].Quantity.String())
	assert.Equal(t, Vocab{Term: "owning_party"}, e.Sources[0].Type)
	assert.Equal(t, gs1.PGLN, e.Sources[0].ID.Key.Kind)
	assert.Equal(t, Vocab{Term: "location"}, e.Destinations[0].Type)
	assert.Equal(t, Vocab{Term: "did_not_occur"}, e.ErrorDeclaration.Reason)
	r := e.Readings()
	require.Len(t, r, 2, "the min/max report carries no single value")
	assert.Equal(t, Reading{Element: 0, Report: 0, Type: Vocab{Term: "Temperature"}, Value: "4.5", UOM: "CEL", Time: "2026-01-02T03:00:00Z", DeviceID: "urn:epc:id:giai:4000001.111"}, r[0])
	assert.Equal(t, "urn:epc:id:giai:4000001.112", r[1].DeviceID)
	assert.Equal(t, "2026-01-02T03:01:00Z", r[1].Time)
	assert.Equal(t, Vocab{Term: "ALARM_CONDITION"}, e.SensorElements[0].Reports[2].Exception)

	out, err := Write(d)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"type":"Temperature"`)
	assert.Contains(t, string(out), `"cbvmda:itemExpirationDate":"2028-12-31"`)
	assert.Contains(t, string(out), `"reason":"did_not_occur"`)
	assert.NotContains(t, string(out), "urn:epcglobal:cbv", "CBV values are written as bare terms")
}

func TestRefusals(t *testing.T) {
	ev := func(members string) []byte {
		return doc(`{"type":"ObjectEvent","action":"OBSERVE",` + when + `,"epcList":[]` + members + `}`)
	}
	for want, data := range map[string][]byte{
		"epcisBody.eventList[0].action: is a member named twice":             ev(`,"action":"ADD"`),
		"epcisBody.eventList[0].foo: is not a member of this object":         ev(`,"foo":1`),
		"epcisBody.eventList[0].childEPCs: is not a member of a ObjectEvent": ev(`,"childEPCs":[]`),
		"epcisBody.eventList[0].ilmd: is only for an ObjectEvent ADD":        ev(`,"ilmd":{"cbvmda:lotNumber":"L"}`),
		"epcisBody.eventList[0].epcList[0]: is not an identifier":            doc(`{"type":"ObjectEvent","action":"OBSERVE",` + when + `,"epcList":["urn:epc:id:sgtin:0614141.107346"]}`),
		"epcisBody.eventList[0].epcList[1]: repeats epcList[0]":              doc(`{"type":"ObjectEvent","action":"OBSERVE",` + when + `,"epcList":["urn:x:1","urn:x:1"]}`),
		"epcisBody.eventList[0].eventTime":                                   doc(`{"type":"ObjectEvent","action":"OBSERVE","eventTime":"yesterday","eventTimeZoneOffset":"+01:00","epcList":[]}`),
		"epcisBody.eventList[0].eventTimeZoneOffset":                         doc(`{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2026-01-02T03:04:05Z","eventTimeZoneOffset":"+15:00","epcList":[]}`),
		"epcisBody.eventList[0].action: \"MOVE\"":                            doc(`{"type":"ObjectEvent","action":"MOVE",` + when + `}`),
		"epcisBody.eventList[0].type":                                        doc(`{"type":"FooEvent",` + when + `}`),
		"epcisBody.eventList[0].parentID: is missing":                        doc(`{"type":"AssociationEvent","action":"ADD",` + when + `}`),
		"epcisBody.eventList[0].bizTransactionList: is missing":              doc(`{"type":"TransactionEvent","action":"ADD",` + when + `}`),
		"epcisBody.eventList[0].sourceList[0].extra":                         ev(`,"sourceList":[{"type":"owning_party","source":"urn:x:1","extra":1}]`),
		"epcisBody.eventList[0].sensorElementList[0].sensorReport":           ev(`,"sensorElementList":[{"sensorReport":[]}]`),
		"epcisBody.eventList[0].quantityList[0].uom":                         ev(`,"quantityList":[{"epcClass":"urn:x:1","quantity":1,"uom":"kilo"}]`),
		"epcisBody.eventList[0].readPoint.id: is not an identifier":          ev(`,"readPoint":{"id":"not a uri"}`),
		"type: \"Other\" is not EPCISDocument":                               []byte(`{"type":"Other"}`),
		"epcisBody.eventList: is missing":                                    []byte(`{"type":"EPCISDocument","epcisBody":{}}`),
		"is not valid JSON":                                                  []byte(`{"type":"EPCISDocument"`),
	} {
		_, err := Parse(data)
		assert.ErrorContains(t, err, want)
	}
}

func TestQueryDocumentAndExtensionEvents(t *testing.T) {
	data := []byte(`{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISQueryDocument","schemaVersion":"2.0",
"creationDate":"2026-01-02T03:04:05Z","epcisBody":{"queryResults":{"queryName":"SimpleEventQuery","resultsBody":{"eventList":[
{"type":"https://example.org/ns/CustomEvent",` + when + `,"payload":{"a":1}}]}}}}`)
	d, err := Parse(data)
	require.NoError(t, err)
	assert.Equal(t, "SimpleEventQuery", d.QueryName)
	assert.Equal(t, []string{"epcisBody.queryResults.resultsBody.eventList[0].payload"}, d.ExtensionPaths())
	out, err := Write(d)
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(out))
}

func TestWriteRefusesWhatItCannotWriteFaithfully(t *testing.T) {
	d := &Document{Type: TypeDocument, CreationDate: "2026-01-02T03:04:05Z", Events: []Event{{Type: ObjectEvent, Action: ActionAdd,
		EventTime: "2026-01-02T03:04:05Z", EventTimeZoneOffset: "+00:00", EPCList: []Identifier{}, ChildEPCs: []Identifier{{URI: "urn:x:1"}}}}}
	_, err := Write(d)
	assert.ErrorContains(t, err, "a ObjectEvent has no childEPCs")
	d.Events[0].ChildEPCs = nil
	d.CreationDate = ""
	_, err = Write(d)
	assert.ErrorContains(t, err, "creationDate")
}

// FuzzParseWrite: whatever parses writes to a document that parses again
// and writes to the same bytes.
func FuzzParseWrite(f *testing.F) {
	f.Add(doc(`{"type":"ObjectEvent","action":"OBSERVE",` + when + `,"epcList":["urn:epc:id:sgtin:0614141.107346.2017"],"bizStep":"urn:epcglobal:cbv:bizstep:receiving"}`))
	f.Add(doc(`{"type":"AggregationEvent","action":"ADD",` + when + `,"parentID":"https://id.gs1.org/00/106141412345678908","childEPCs":["urn:epc:id:sgtin:0614141.107346.2017"],"example:x":{"y":[1,2]}}`))
	f.Add(doc(`{"type":"ObjectEvent","action":"OBSERVE",` + when + `,"readPoint":{"id":"geo:1,2"},"sensorElementList":[{"sensorReport":[{"type":"Temperature","value":1e2}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		if d.CreationDate == "" {
			d.CreationDate = "2026-01-01T00:00:00Z"
		}
		out, err := Write(d)
		if err != nil {
			t.Fatalf("parsed but cannot be written: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("written document %s does not parse: %v", out, err)
		}
		out2, err := Write(again)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("not stable:\n%s\n%s\n%v", out, out2, err)
		}
	})
}
