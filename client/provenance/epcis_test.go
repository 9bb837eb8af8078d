package provenance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",
"epcisBody":{"eventList":[
 {"type":"ObjectEvent","action":"ADD","bizStep":"commissioning","epcList":["urn:epc:id:sgtin:0614141.112345.A1","urn:epc:id:sgtin:0614141.112345.A2"],
  "ilmd":{"cbvmda:lotNumber":"L1","cbvmda:itemExpirationDate":"2028-12-31"}},
 {"type":"AggregationEvent","action":"ADD","bizStep":"urn:epcglobal:cbv:bizstep:packing","parentID":"urn:epc:id:sscc:0614141.1123456789",
  "childEPCs":["urn:epc:id:sgtin:0614141.112345.A1","urn:epc:id:sgtin:0614141.112345.A2"]},
 {"type":"ObjectEvent","action":"OBSERVE","bizStep":"shipping","epcList":["urn:epc:id:sscc:0614141.1123456789"],
  "destination":"DistributorMSP","bizTransactionList":[{"type":"urn:epcglobal:cbv:btt:desadv","bizTransaction":"urn:carechain:shipment:S1"}]},
 {"type":"ObjectEvent","action":"OBSERVE","bizStep":"sensor_reporting","sensorReport":{"value":45}},
 {"type":"ObjectEvent","action":"OBSERVE","bizStep":"receiving","bizTransactionList":[{"bizTransaction":"urn:carechain:shipment:S1"}]},
 {"type":"AggregationEvent","action":"DELETE","bizStep":"unpacking","parentID":"urn:epc:id:sscc:0614141.1123456789"},
 {"type":"ObjectEvent","action":"OBSERVE","bizStep":"dispensing","epcList":["urn:epc:id:sgtin:0614141.112345.A1"]}
]}}`

func TestPlan(t *testing.T) {
	steps, err := Plan([]byte(sample))
	require.NoError(t, err)
	assert.Equal(t, []Step{
		{Fn: "Commission", GTIN: "10614141123459", Lot: "L1", Serials: []string{"A1", "A2"}},
		{Fn: "Pack", ID: "106141411234567897", Kind: "case", Children: []string{"10614141123459.A1", "10614141123459.A2"}},
		{Fn: "Ship", ID: "S1", To: "DistributorMSP", Items: []string{"106141411234567897"}},
		{Fn: "Receive", ID: "S1"},
		{Fn: "Unpack", ID: "106141411234567897"},
		{Fn: "Dispense", ID: "10614141123459.A1"},
	}, steps)
}

func TestPlanRefusesWhatItCannotReplay(t *testing.T) {
	for name, doc := range map[string]string{
		"not JSON":       `{`,
		"not a document": `{"type":"EPCISQueryDocument"}`,
		"bad EPC":        `{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"ADD","bizStep":"commissioning","epcList":["urn:epc:id:sgtin:1.2.3"],"ilmd":{"cbvmda:lotNumber":"L"}}]}}`,
		"no lot":         `{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"ADD","bizStep":"commissioning","epcList":[]}]}}`,
		"ship no dest":   `{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"OBSERVE","bizStep":"shipping","bizTransactionList":[{"bizTransaction":"x"}]}]}}`,
		"unknown event":  `{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"TransformationEvent"}]}}`,
	} {
		_, err := Plan([]byte(doc))
		assert.Error(t, err, name)
	}
}

func FuzzPlan(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte(`{"type":"EPCISDocument","epcisBody":{"eventList":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		steps, err := Plan(data)
		if err != nil {
			return
		}
		for _, s := range steps {
			if s.Fn == "" {
				t.Fatalf("step without a function: %+v", s)
			}
		}
	})
}
