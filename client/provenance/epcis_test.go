package provenance

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/epcis/epcistest"
	"github.com/carechain/carechain/client/standards/gs1"
)

// A unit's trace as the chaincode records it (model.go's Event, EPC URIs
// with its 7-digit partition): commissioned, packed, shipped, read in
// transit, received, unpacked, dispensed.
var trace = []pv.Event{
	{Type: "ObjectEvent", EventID: "ni:///sha-256;01?ver=CBV2.0", EventTime: "2026-01-02T03:04:05.123Z", TimeZone: "+00:00", Action: "ADD",
		BizStep: pv.StepCommissioning, Disposition: pv.DispActive, EPCList: []string{pv.SGTINURI("10614141123459", "A1"), pv.SGTINURI("10614141123459", "A2")},
		ILMD: map[string]string{"cbvmda:lotNumber": "L1", "cbvmda:itemExpirationDate": "2028-12-31"}, By: "ManufacturerMSP"},
	{Type: "AggregationEvent", EventID: "ni:///sha-256;02?ver=CBV2.0", EventTime: "2026-01-02T03:05:00Z", TimeZone: "+00:00", Action: "ADD",
		BizStep: pv.StepPacking, Disposition: pv.DispActive, ParentID: pv.SSCCURI("195012345000000017"),
		ChildEPCs: []string{pv.SGTINURI("10614141123459", "A1"), pv.SGTINURI("10614141123459", "A2")}, By: "ManufacturerMSP"},
	{Type: "ObjectEvent", EventID: "ni:///sha-256;03?ver=CBV2.0", EventTime: "2026-01-02T03:06:00Z", TimeZone: "+00:00", Action: "OBSERVE",
		BizStep: pv.StepShipping, Disposition: pv.DispInTransit, EPCList: []string{pv.SSCCURI("195012345000000017")},
		BizTx: []pv.BizTx{{Type: "urn:epcglobal:cbv:btt:desadv", ID: "urn:carechain:shipment:S1"}}, Source: "ManufacturerMSP", Destination: "DistributorMSP", By: "ManufacturerMSP"},
	{Type: "ObjectEvent", EventID: "ni:///sha-256;04?ver=CBV2.0", EventTime: "2026-01-02T04:00:00Z", TimeZone: "+00:00", Action: "OBSERVE",
		BizStep: pv.StepSensorReporting, BizTx: []pv.BizTx{{Type: "urn:epcglobal:cbv:btt:desadv", ID: "urn:carechain:shipment:S1"}},
		Sensor: &pv.SensorRep{Type: "gs1:Temperature", TenthC: 95, Device: "LOGGER-7", Excursion: true}, By: "DistributorMSP"},
	{Type: "ObjectEvent", EventID: "ni:///sha-256;05?ver=CBV2.0", EventTime: "2026-01-02T05:00:00Z", TimeZone: "+00:00", Action: "OBSERVE",
		BizStep: pv.StepReceiving, Disposition: pv.DispActive, EPCList: []string{pv.SSCCURI("195012345000000017")},
		BizTx: []pv.BizTx{{Type: "urn:epcglobal:cbv:btt:desadv", ID: "urn:carechain:shipment:S1"}}, Source: "ManufacturerMSP", Destination: "DistributorMSP", By: "DistributorMSP"},
	{Type: "AggregationEvent", EventID: "ni:///sha-256;06?ver=CBV2.0", EventTime: "2026-01-02T06:00:00Z", TimeZone: "+00:00", Action: "DELETE",
		BizStep: pv.StepUnpacking, ParentID: pv.SSCCURI("195012345000000017"), ChildEPCs: []string{pv.SGTINURI("10614141123459", "A1"), pv.SGTINURI("10614141123459", "A2")}, By: "DistributorMSP"},
	{Type: "ObjectEvent", EventID: "ni:///sha-256;07?ver=CBV2.0", EventTime: "2026-01-02T07:00:00Z", TimeZone: "+00:00", Action: "DELETE",
		BizStep: pv.StepDestroying, Disposition: pv.DispDestroyed, EPCList: []string{pv.SGTINURI("10614141123459", "A2")}, By: "DistributorMSP"},
}

var partnerGLNs = map[string]string{"ManufacturerMSP": "0614141000005", "DistributorMSP": "9501234000008"}

func testExporter(t *testing.T) *exporter {
	table, err := gs1.TableFromPrefixes("0614141")
	require.NoError(t, err)
	return &exporter{prefixes: table,
		gln: func(_ context.Context, msp string) (string, error) { return partnerGLNs[msp], nil },
		shipmentItems: func(_ context.Context, id string) ([]string, error) {
			require.Equal(t, "S1", id)
			return []string{"195012345000000017"}, nil
		}}
}

func exported(t *testing.T) []byte {
	doc, err := testExporter(t).document(context.Background(), trace, time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	out, err := epcis.Write(doc)
	require.NoError(t, err)
	return out
}

func TestExportReadsAsEPCIS(t *testing.T) {
	out := exported(t)
	doc, err := epcis.Parse(out)
	require.NoError(t, err, "%s", out)
	require.Len(t, doc.Events, len(trace))
	s := string(out)
	assert.Contains(t, s, `"urn:epc:id:sgtin:0614141.112345.A1"`, "the manufacturer's prefix from the registry")
	assert.Contains(t, s, `"https://id.gs1.org/00/195012345000000017"`, "an SSCC under a prefix the registry does not list: a Digital Link")
	assert.Contains(t, s, `"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/9501234000008"}]`)
	assert.Contains(t, s, `"sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:0614141.00000"}]`)
	assert.Contains(t, s, `"bizTransactionList":[{"type":"desadv","bizTransaction":"urn:carechain:shipment:S1"}]`)
	assert.Contains(t, s, `"sensorReport":[{"type":"Temperature","exception":"ALARM_CONDITION","value":9.5,"uom":"CEL"}]`)
	assert.Contains(t, s, `"deviceID":"urn:carechain:device:LOGGER-7"`)
	assert.Contains(t, s, `"carechain:recordedBy":"DistributorMSP"`)
	assert.NotContains(t, s, "urn:epcglobal:cbv", "CBV values as bare terms")
	sensor := doc.Events[3]
	require.Len(t, sensor.EPCList, 1, "a reading's objects are its shipment's items")
	assert.Equal(t, "195012345000000017", sensor.EPCList[0].Key.Value)
}

func TestExportValidatesAgainstGS1Schema(t *testing.T) {
	c := epcistest.Open(t)
	v, err := epcis.NewValidator(c.Schema(t))
	require.NoError(t, err)
	assert.NoError(t, v.Validate(exported(t)))
	// The export before (the chaincode's events as they are) did not.
	old := `{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",
	  "creationDate":"2026-01-03T00:00:00Z","epcisBody":{"eventList":[` + mustJSON(t, trace[3]) + `]}}`
	assert.Error(t, v.Validate([]byte(old)))
}

// TestExportPlansBack: the export, planned with the partners' GLNs and no
// ledger, replays into the transactions that made the trace.
func TestExportPlansBack(t *testing.T) {
	doc, err := epcis.Parse(exported(t))
	require.NoError(t, err)
	dir := epcismap.Directory{}
	for msp, gln := range partnerGLNs {
		dir[gln] = msp
	}
	plan, err := epcismap.Map(context.Background(), doc, epcismap.WithParties(dir))
	require.NoError(t, err)
	var fns []string
	for _, c := range plan.Calls() {
		fns = append(fns, c.Fn)
	}
	assert.Equal(t, []string{"CreateBatch", "Commission", "Pack", "Ship", "AddReading", "Receive", "Unpack", "Destroy"}, fns)
	calls := plan.Calls()
	assert.Equal(t, epcismap.Call{Fn: "Ship", ID: "S1", To: "DistributorMSP", Items: []string{"195012345000000017"}}, calls[3])
	assert.Equal(t, epcismap.Call{Fn: "AddReading", ID: "S1", Device: "urn:carechain:device:LOGGER-7", TenthC: 95}, calls[4])
	assert.Equal(t, epcismap.Call{Fn: "CreateBatch", GTIN: "10614141123459", Lot: "L1", Expiry: "2028-12-31"}, calls[0])
}

func mustJSON(t *testing.T, v any) string {
	var b strings.Builder
	require.NoError(t, jsonEncode(&b, v))
	return b.String()
}

func jsonEncode(b *strings.Builder, v any) error {
	data, err := json.Marshal(v)
	b.Write(data)
	return err
}
