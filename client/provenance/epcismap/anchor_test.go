package epcismap

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
)

func TestAnchorOfKeepsThePublicFieldsAndSaysWhatItLoses(t *testing.T) {
	d := doc(t, sensor, ship, `{"type":"ObjectEvent","action":"OBSERVE",`+at+`,"bizStep":"inspecting",
	  "quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":200,"uom":"KGM"}],
	  "readPoint":{"id":"urn:epc:id:sgln:0614141.00001.1"},"bizLocation":{"id":"https://id.gs1.org/414/`+distGLN+`"}}`)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

	a := AnchorOf(&d.Events[0])
	assert.Equal(t, []string{"106141411234567897"}, a.Input.Objects, "an SSCC by carechain's id")
	assert.Equal(t, "", a.Input.ReadPoint)
	assert.Equal(t, []string{"readPoint geo:42.69,23.31 (not an SGLN)", "sensorElementList"}, a.Lost)
	require.NoError(t, a.Check(now))

	a = AnchorOf(&d.Events[1])
	assert.Equal(t, "shipping", a.Input.BizStep, "the CBV value as its bare term, whatever form it was written in")
	assert.Equal(t, []string{"sourceList", "destinationList"}, a.Lost)
	require.NotEmpty(t, a.Input.BizTransactions, "business transactions are kept")
	assert.Equal(t, pv.BizTx{Type: "po", ID: "http://transaction.acme.com/po/12345678"}, a.Input.BizTransactions[0])

	a = AnchorOf(&d.Events[2])
	assert.Equal(t, []string{"urn:epc:class:lgtin:4012345.012345.998877", "urn:epc:id:sgln:0614141.00001.1", "https://id.gs1.org/414/" + distGLN},
		a.Input.Objects, "a class by its URI, the locations by theirs")
	assert.Equal(t, "urn:epc:id:sgln:0614141.00001.1", a.Input.ReadPoint)
	assert.Equal(t, "https://id.gs1.org/414/"+distGLN, a.Input.BizLocation)
	assert.Empty(t, a.Lost)
	assert.Equal(t, []pv.Quantity{{Class: "urn:epc:class:lgtin:4012345.012345.998877", Quantity: "200", UOM: "KGM"}}, a.Input.Quantities.QuantityList, "quantities are kept")
	require.NoError(t, a.Check(now))
	assert.Error(t, a.Check(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)), "an event after the transaction's time")
}

// A sensor at a read point names no object (GS1's SensorDataExample3):
// its read point is the key it is found by.
func TestAnchorOfAnEventOfALocationOnly(t *testing.T) {
	d := doc(t, `{"type":"ObjectEvent","action":"OBSERVE",`+at+`,"bizStep":"inspecting","epcList":[],
	  "readPoint":{"id":"urn:epc:id:sgln:4012345.00005.0"},
	  "sensorElementList":[{"sensorReport":[{"type":"Temperature","value":26.0,"uom":"CEL"}]}]}`)
	a := AnchorOf(&d.Events[0])
	assert.Equal(t, []string{"urn:epc:id:sgln:4012345.00005.0"}, a.Input.Objects)
	require.NoError(t, a.Check(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)))
	d = doc(t, `{"type":"ObjectEvent","action":"OBSERVE",`+at+`,"bizStep":"inspecting","epcList":[],"readPoint":{"id":"geo:42.69,23.31"}}`)
	a = AnchorOf(&d.Events[0])
	assert.Empty(t, a.Input.Objects, "a geo: read point is no key")
	assert.ErrorContains(t, a.Check(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)), "event.objects")
}

// GS1's healthcare TransactionEvent names a patient's GSRN: the anchor
// leaves it out (the commitment covers it) and the chaincode would refuse it.
func TestAnchorLeavesOutPersons(t *testing.T) {
	d := doc(t, `{"type":"TransactionEvent","action":"ADD",`+at+`,"bizStep":"http://epcis.example.org/hc/bizstep/summarising_discharge",
	  "epcList":["urn:epc:id:gsrn:95252084.000000001"],"parentID":"https://id.gs1.org/8018/952520840000000010",
	  "bizTransactionList":[{"bizTransaction":"urn:epc:id:gdti:95252084.0001.0003555480001000"},{"bizTransaction":"urn:epc:id:gsrn:0614141.0000010253"}],
	  "readPoint":{"id":"urn:epc:id:sgln:9524567.98765.0"}}`)
	a := AnchorOf(&d.Events[0])
	assert.Empty(t, a.Input.EPCList)
	assert.Empty(t, a.Input.ParentID)
	assert.Equal(t, []pv.BizTx{{ID: "urn:epc:id:gdti:95252084.0001.0003555480001000"}}, a.Input.BizTransactions)
	assert.Equal(t, []string{"urn:epc:id:sgln:9524567.98765.0"}, a.Input.Objects, "found by its read point")
	assert.Contains(t, a.Lost, "GSRNs (a patient's or a caregiver's identifier: in the commitment only, never on the ledger)")
	require.NoError(t, a.Check(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)))
}

func TestAnchorsAreThoseOfEventsThatChangeNoCustody(t *testing.T) {
	d := doc(t, commission, `{"type":"ObjectEvent","action":"OBSERVE",`+at+`,"bizStep":"inspecting","epcList":["urn:epc:id:sgtin:4012345.011111.X9"]}`,
		`{"type":"ObjectEvent","action":"OBSERVE",`+at+`,"bizStep":"inspecting","epcList":["urn:uuid:7c6b1f2e-0000-4000-8000-000000000001"]}`)
	p, err := Map(context.Background(), d, WithSelf(mfr), WithParties(parties))
	require.NoError(t, err)
	got := Anchors(d, p, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	require.Len(t, got, 2, "the commissioning is applied, not anchored")
	assert.Equal(t, 1, got[0].Index)
	assert.Empty(t, got[0].NotAnchored)
	assert.Equal(t, 2, got[1].Index)
	assert.Contains(t, got[1].NotAnchored, `field "event.epcList[0]"`)
}
