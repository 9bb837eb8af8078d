package epcismap

import (
	"context"
	"strings"
	"testing"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/standards/epcis"
)

const (
	mfr   = "ManufacturerMSP"
	dist  = "DistributorMSP"
	pharm = "ProviderMSP"
	// GLNs of the three orgs (partner registry).
	mfrGLN   = "0614141000005"
	distGLN  = "0614141000012"
	pharmGLN = "0614141000029"
)

var parties = Directory{mfrGLN: mfr, distGLN: dist, pharmGLN: pharm}

func doc(t *testing.T, events ...string) *epcis.Document {
	t.Helper()
	d, err := epcis.Parse([]byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",
"schemaVersion":"2.0","creationDate":"2026-01-02T03:04:05Z","epcisBody":{"eventList":[` + strings.Join(events, ",") + `]}}`))
	require.NoError(t, err)
	return d
}

const at = `"eventTime":"2026-01-02T03:04:05.000+01:00","eventTimeZoneOffset":"+01:00"`

// The events of one story, in three CBV forms and both identifier forms.
var (
	commission = `{"type":"ObjectEvent","action":"ADD",` + at + `,"bizStep":"commissioning","disposition":"active",
	  "epcList":["urn:epc:id:sgtin:0614141.112345.A1","https://id.gs1.org/01/10614141123459/21/A2"],
	  "bizLocation":{"id":"https://id.gs1.org/414/` + mfrGLN + `"},
	  "ilmd":{"cbvmda:lotNumber":"L1","cbvmda:itemExpirationDate":"2028-12-31"}}`
	pack = `{"type":"AggregationEvent","action":"ADD",` + at + `,"bizStep":"urn:epcglobal:cbv:bizstep:packing",
	  "parentID":"urn:epc:id:sscc:0614141.1123456789","childEPCs":["urn:epc:id:sgtin:0614141.112345.A1","urn:epc:id:sgtin:0614141.112345.A2"]}`
	ship = `{"type":"ObjectEvent","action":"OBSERVE",` + at + `,"bizStep":"https://ref.gs1.org/cbv/BizStep-shipping","disposition":"in_transit",
	  "epcList":["https://id.gs1.org/00/106141411234567897"],
	  "bizTransactionList":[{"type":"po","bizTransaction":"http://transaction.acme.com/po/12345678"},{"type":"desadv","bizTransaction":"urn:epcglobal:cbv:bt:0614141000005:1152"}],
	  "sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:0614141.00000"}],
	  "destinationList":[{"type":"location","destination":"urn:epc:id:sgln:0614141.00001.7"},{"type":"owning_party","destination":"https://id.gs1.org/417/` + distGLN + `"}]}`
	sensor = `{"type":"ObjectEvent","action":"OBSERVE",` + at + `,"bizStep":"sensor_reporting","epcList":["urn:epc:id:sscc:0614141.1123456789"],
	  "readPoint":{"id":"geo:42.69,23.31"},
	  "sensorElementList":[{"sensorMetadata":{"time":"2026-01-02T03:00:00Z","deviceID":"urn:epc:id:giai:4000001.111"},
	    "sensorReport":[{"type":"Temperature","value":4.5,"uom":"CEL"},{"type":"RelativeHumidity","value":40,"uom":"P1"},{"type":"Temperature","value":50,"uom":"FAH"}]}]}`
	receive = `{"type":"ObjectEvent","action":"OBSERVE",` + at + `,"bizStep":"receiving","disposition":"in_progress",
	  "epcList":["urn:epc:id:sscc:0614141.1123456789"],
	  "bizTransactionList":[{"type":"urn:epcglobal:cbv:btt:desadv","bizTransaction":"urn:epcglobal:cbv:bt:0614141000005:1152"}],
	  "destinationList":[{"type":"owning_party","destination":"urn:epc:id:pgln:0614141.00001"}]}`
	unpack = `{"type":"AggregationEvent","action":"DELETE",` + at + `,"bizStep":"unpacking","parentID":"urn:epc:id:sscc:0614141.1123456789","childEPCs":[],
	  "bizLocation":{"id":"urn:epc:id:sgln:0614141.00001.0"}}`
	destroy = `{"type":"ObjectEvent","action":"DELETE",` + at + `,"eventID":"urn:uuid:0b7c0f0e-1111-4111-8111-000000000001","bizStep":"destroying",
	  "epcList":["urn:epc:id:sgtin:0614141.112345.A2"],"bizLocation":{"id":"urn:epc:id:sgln:0614141.00001.0"}}`
)

func calls(p *Plan) []string {
	var out []string
	for _, c := range p.Calls() {
		out = append(out, c.Fn+" "+c.ID+c.GTIN)
	}
	return out
}

func gapCodes(ep EventPlan) []string {
	var out []string
	for _, g := range ep.Gaps {
		out = append(out, g.Code)
	}
	return out
}

func TestAStoryReplays(t *testing.T) {
	p, err := Map(context.Background(), doc(t, commission, pack, ship, sensor, receive, unpack, destroy), WithParties(parties))
	require.NoError(t, err)
	shipment := "urn:epcglobal:cbv:bt:0614141000005:1152"
	assert.Equal(t, []string{"CreateBatch 10614141123459", "Commission 10614141123459", "Pack 106141411234567897",
		"Ship " + shipment, "AddReading " + shipment, "AddReading " + shipment, "Receive " + shipment,
		"Unpack 106141411234567897", "Destroy 10614141123459.A2"}, calls(p))
	c := p.Calls()
	assert.Equal(t, Call{Fn: pv.FnCreateBatch, GTIN: "10614141123459", Lot: "L1", Expiry: "2028-12-31"}, c[0])
	assert.Equal(t, []string{"A1", "A2"}, c[1].Serials)
	assert.Equal(t, Call{Fn: pv.FnPack, ID: "106141411234567897", Kind: "case", Children: []string{"10614141123459.A1", "10614141123459.A2"}}, c[2])
	assert.Equal(t, Call{Fn: pv.FnShip, ID: shipment, To: dist, Items: []string{"106141411234567897"}}, c[3])
	assert.Equal(t, Call{Fn: pv.FnAddReading, ID: shipment, Device: "urn:epc:id:giai:4000001.111", TenthC: 45}, c[4])
	assert.Equal(t, 100, c[5].TenthC, "50 °F is 10.0 °C")
	assert.Equal(t, "EPCIS destroying event urn:uuid:0b7c0f0e-1111-4111-8111-000000000001", c[8].Reason)

	assert.Equal(t, []string{mfr, "", mfr, "", dist, dist, dist}, []string{p.Events[0].By, p.Events[1].By, p.Events[2].By, p.Events[3].By, p.Events[4].By, p.Events[5].By, p.Events[6].By})
	assert.Contains(t, gapCodes(p.Events[2]), GapBizTransactions, "the po beside the desadv is not kept")
	assert.Contains(t, gapCodes(p.Events[3]), GapSensorType, "humidity is not kept")
	assert.Contains(t, gapCodes(p.Events[3]), GapReadPoint)
	assert.Contains(t, gapCodes(p.Events[4]), GapDisposition, "in_progress is not what Receive sets")
	for _, ep := range p.Events {
		assert.Equal(t, Apply, ep.Outcome, "event %d", ep.Index)
		assert.Contains(t, gapCodes(ep), GapEventTime)
	}
}

func TestOneOrgPlansOnlyItsOwnActs(t *testing.T) {
	p, err := Map(context.Background(), doc(t, commission, pack, ship, receive), WithParties(parties), WithSelf(mfr))
	require.NoError(t, err)
	assert.Equal(t, []Outcome{Apply, Apply, Apply, Capture}, outcomes(p))
	assert.Contains(t, p.Events[3].Reason, "DistributorMSP's to record")
	p, err = Map(context.Background(), doc(t, commission, pack, ship), WithParties(parties), WithSelf(dist))
	require.NoError(t, err)
	assert.Equal(t, []Outcome{Capture, Capture, Capture}, outcomes(p), "the distributor does not commission, pack or ship the manufacturer's goods")
}

func outcomes(p *Plan) []Outcome {
	var out []Outcome
	for _, e := range p.Events {
		out = append(out, e.Outcome)
	}
	return out
}

func TestPartialReceiptIsNotAWholeReceipt(t *testing.T) {
	shipUnits := strings.Replace(ship, `"epcList":["https://id.gs1.org/00/106141411234567897"]`,
		`"epcList":["urn:epc:id:sgtin:0614141.112345.A1","urn:epc:id:sgtin:0614141.112345.A2"]`, 1)
	partial := strings.Replace(receive, `"epcList":["urn:epc:id:sscc:0614141.1123456789"]`, `"epcList":["urn:epc:id:sgtin:0614141.112345.A2"]`, 1)
	p, err := Map(context.Background(), doc(t, commission, shipUnits, partial, receive), WithParties(parties))
	require.NoError(t, err)
	assert.Equal(t, []Outcome{Apply, Apply, Unsupported, Capture}, outcomes(p))
	assert.Equal(t, []string{GapPartialReceipt}, gapCodes(p.Events[2]))
	assert.Contains(t, p.Events[3].Reason, "commissioned in carechain", "the case was never packed: a receipt of it moves nothing")
}

func TestShipmentFoundThroughPOAndOnTheLedger(t *testing.T) {
	byPO := strings.Replace(receive, `{"type":"urn:epcglobal:cbv:btt:desadv","bizTransaction":"urn:epcglobal:cbv:bt:0614141000005:1152"}`,
		`{"type":"https://ref.gs1.org/cbv/BTT-po","bizTransaction":"http://transaction.acme.com/po/1"}`, 1)
	id := shipmentID("http://transaction.acme.com/po/1")
	assert.True(t, strings.HasPrefix(id, "bt:"), id)
	l := &fakeLedger{shipments: map[string]Shipment{id: {From: mfr, To: dist, Items: []string{"106141411234567897"}}},
		items: map[string]Item{"106141411234567897": {Kind: "case", Owner: mfr, Shipment: id}}}
	p, err := Map(context.Background(), doc(t, byPO, byPO), WithParties(parties), WithLedger(l), WithSelf(dist))
	require.NoError(t, err)
	assert.Equal(t, []Outcome{Apply, Capture}, outcomes(p), "received once, the second receipt is not sent")
	assert.Equal(t, []Call{{Fn: pv.FnReceive, ID: id}}, p.Events[0].Calls)
}

func TestWhatIsCapturedOnlyOrUnsupported(t *testing.T) {
	l := &fakeLedger{lots: map[string]string{"10614141123459/L1": "2029-01-31"}}
	for name, c := range map[string]struct {
		event   string
		outcome Outcome
		gap     string
	}{
		"goods not commissioned in carechain": {ship, Capture, ""},
		"inspecting":                          {`{"type":"ObjectEvent","action":"OBSERVE",` + at + `,"bizStep":"inspecting","epcList":["urn:epc:id:sgtin:0614141.112345.A1"]}`, Capture, ""},
		"aggregation observe":                 {strings.Replace(pack, `"ADD"`, `"OBSERVE"`, 1), Capture, ""},
		"receiving outside carechain":         {receive, Capture, ""},
		"no lot":                              {strings.Replace(commission, `"cbvmda:lotNumber":"L1",`, "", 1), Unsupported, GapNoLot},
		"lot with a space-free but odd char":  {strings.Replace(commission, `"L1"`, `"L_1"`, 1), Unsupported, GapLotCharset},
		"serial outside the chaincode's form": {strings.Replace(commission, `A2"]`, `A-2"]`, 1), Unsupported, GapSerialCharset},
		"quantities":                          {`{"type":"ObjectEvent","action":"ADD",` + at + `,"bizStep":"commissioning","quantityList":[{"epcClass":"urn:epc:class:lgtin:0614141.112345.L1","quantity":5}]}`, Unsupported, GapQuantities},
		"transformation":                      {`{"type":"TransformationEvent",` + at + `,"inputEPCList":["urn:epc:id:sgtin:0614141.112345.A1"],"outputEPCList":["urn:epc:id:sgtin:0614141.112345.B1"]}`, Unsupported, GapTransformation},
		"association":                         {`{"type":"AssociationEvent","action":"ADD",` + at + `,"parentID":"urn:epc:id:grai:0614141.12345.400","childEPCs":["urn:epc:id:sgtin:0614141.112345.A1"]}`, Unsupported, GapAssociation},
		"association of others' goods":        {`{"type":"AssociationEvent","action":"ADD",` + at + `,"parentID":"urn:epc:id:grai:0614141.12345.400","childEPCs":["urn:epc:id:giai:4000001.111"]}`, Capture, ""},
		"transaction":                         {`{"type":"TransactionEvent","action":"ADD",` + at + `,"epcList":["urn:epc:id:sgtin:0614141.112345.A1"],"bizTransactionList":[{"type":"po","bizTransaction":"urn:x:1"}]}`, Unsupported, GapTransactionEvent},
		"error declaration":                   {strings.Replace(commission, `"ilmd"`, `"errorDeclaration":{"declarationTime":"2026-01-03T00:00:00Z","reason":"did_not_occur"},"ilmd"`, 1), Unsupported, GapErrorDeclaration},
		"pack into a returnable asset":        {strings.Replace(pack, "urn:epc:id:sscc:0614141.1123456789", "urn:epc:id:grai:0614141.12345.400", 1), Unsupported, GapAggregationTypeless},
		"humidity only, at rest":              {strings.Replace(strings.Replace(sensor, "urn:epc:id:sscc:0614141.1123456789", "urn:epc:id:sgtin:0614141.112345.A1", 1), `"Temperature"`, `"Illuminance"`, 2), Unsupported, GapSensorType},
		"an extension event type":             {`{"type":"https://example.org/ns/Recall",` + at + `}`, Unsupported, GapExtensionEventType},
	} {
		d := doc(t, c.event)
		if c.outcome == Unsupported && !strings.Contains(c.event, `"commissioning"`) {
			d = doc(t, commission, c.event) // the goods are carechain's
		}
		p, err := Map(context.Background(), d, WithParties(parties), WithLedger(l))
		require.NoError(t, err, name)
		ep := p.Events[len(p.Events)-1]
		assert.Equal(t, c.outcome, ep.Outcome, name)
		if c.outcome == Capture {
			assert.NotEmpty(t, ep.Reason, name)
			continue
		}
		assert.Contains(t, gapCodes(ep), c.gap, name)
	}
	p, err := Map(context.Background(), doc(t, commission), WithParties(parties), WithLedger(l))
	require.NoError(t, err)
	assert.Equal(t, Apply, p.Events[0].Outcome, "a registered lot is commissioned into, its expiry mismatch reported")
	assert.Contains(t, gapCodes(p.Events[0]), GapExpiryMismatch)
	assert.Equal(t, []string{"Commission 10614141123459"}, calls(p))
}

func TestShippingNeedsAReferenceAndAKnownReceiver(t *testing.T) {
	noRef := strings.Replace(ship, `"bizTransactionList":[{"type":"po","bizTransaction":"http://transaction.acme.com/po/12345678"},{"type":"desadv","bizTransaction":"urn:epcglobal:cbv:bt:0614141000005:1152"}],`, "", 1)
	unknownTo := strings.Replace(ship, "https://id.gs1.org/417/"+distGLN, "https://id.gs1.org/417/4012345000009", 1)
	noTo := strings.Replace(ship, `"destinationList"`, `"example:destinationList"`, 1)
	for want, ev := range map[string]string{GapNoShipmentRef: noRef, GapUnknownParty: unknownTo, GapNoReceiver: noTo} {
		p, err := Map(context.Background(), doc(t, commission, pack, ev), WithParties(parties))
		require.NoError(t, err)
		assert.Equal(t, Unsupported, p.Events[2].Outcome, want)
		assert.Equal(t, []string{want}, gapCodes(p.Events[2]))
	}
}

type fakeLedger struct {
	items     map[string]Item
	shipments map[string]Shipment
	lots      map[string]string
	all       bool // every unit and container exists
}

func (f *fakeLedger) Item(_ context.Context, id string) (Item, bool, error) {
	if it, ok := f.items[id]; ok {
		return it, true, nil
	}
	if f.all {
		kind := "unit"
		if !isUnit(id) {
			kind = "case"
		}
		return Item{Kind: kind}, true, nil
	}
	return Item{}, false, nil
}

func (f *fakeLedger) Shipment(_ context.Context, id string) (Shipment, bool, error) {
	sh, ok := f.shipments[id]
	return sh, ok, nil
}

func (f *fakeLedger) LotExpiry(_ context.Context, gtin, lot string) (string, bool, error) {
	e, ok := f.lots[gtin+"/"+lot]
	return e, ok, nil
}

// TestReimportRepeatsNothing: the story once more, against a ledger that
// holds its result: no call is built for what may be ordered already.
func TestReimportRepeatsNothing(t *testing.T) {
	sh := "urn:epcglobal:cbv:bt:0614141000005:1152"
	l := &fakeLedger{
		items: map[string]Item{
			"10614141123459.A1":  {Kind: "unit", Owner: dist, Containers: []string{"106141411234567897"}},
			"10614141123459.A2":  {Kind: "unit", Owner: dist, Containers: []string{"106141411234567897"}, Ended: true},
			"106141411234567897": {Kind: "case", Owner: dist},
		},
		shipments: map[string]Shipment{sh: {From: mfr, To: dist, Items: []string{"106141411234567897"}, Received: true}},
		lots:      map[string]string{"10614141123459/L1": "2028-12-31"},
	}
	for _, self := range []string{mfr, dist} {
		p, err := Map(context.Background(), doc(t, commission, pack, ship, receive, unpack), WithParties(parties), WithLedger(l), WithSelf(self))
		require.NoError(t, err)
		assert.Empty(t, p.Calls(), self)
		assert.Equal(t, map[Outcome]int{Capture: 5}, p.Outcomes(), self)
	}
	p, err := Map(context.Background(), doc(t, strings.Replace(commission, `"https://id.gs1.org/01/10614141123459/21/A2"`, `"https://id.gs1.org/01/10614141123459/21/A3"`, 1)),
		WithParties(parties), WithLedger(l))
	require.NoError(t, err)
	assert.Equal(t, []Call{{Fn: pv.FnCommission, GTIN: "10614141123459", Lot: "L1", Serials: []string{"A3"}}}, p.Calls())
	assert.Contains(t, p.Events[0].Reason, "1 of its units are on the ledger already")
}

func TestAnEndedItemDoesNotEndTwice(t *testing.T) {
	l := &fakeLedger{items: map[string]Item{"10614141123459.A2": {Kind: "unit", Owner: dist, Ended: true}}}
	p, err := Map(context.Background(), doc(t, destroy), WithParties(parties), WithLedger(l))
	require.NoError(t, err)
	assert.Equal(t, []Outcome{Capture}, outcomes(p))
	assert.Empty(t, p.Calls())
}

// An org plans no custody change of goods another org holds: the event is
// captured, saying who holds them (the chaincode would refuse the call).
func TestGoodsAnotherOrgHoldsAreNotPlanned(t *testing.T) {
	l := &fakeLedger{items: map[string]Item{"10614141123459.A2": {Kind: "unit", Owner: mfr}}}
	// The destruction at the distributor's site, of the manufacturer's unit.
	p, err := Map(context.Background(), doc(t, destroy), WithParties(parties), WithLedger(l), WithSelf(dist))
	require.NoError(t, err)
	assert.Equal(t, []Outcome{Capture}, outcomes(p))
	assert.Empty(t, p.Calls())
	assert.Contains(t, p.Events[0].Reason, "10614141123459.A2 is held by "+mfr+", not "+dist)
	l.items["10614141123459.A2"] = Item{Kind: "unit", Owner: dist}
	p, err = Map(context.Background(), doc(t, destroy), WithParties(parties), WithLedger(l), WithSelf(dist))
	require.NoError(t, err)
	require.Len(t, p.Calls(), 1, "its holder's to plan")
	assert.Equal(t, pv.FnDestroy, p.Calls()[0].Fn)
}

// Readings of goods at rest are their holder's to report: one
// ReportReading per temperature and item.
func TestSensorDataAtRestIsReportedOnTheGoods(t *testing.T) {
	l := &fakeLedger{lots: map[string]string{"10614141123459/L1": "2029-01-31"}}
	atRest := strings.Replace(sensor, "urn:epc:id:sscc:0614141.1123456789", "urn:epc:id:sgtin:0614141.112345.A1", 1)
	p, err := Map(context.Background(), doc(t, commission, atRest), WithParties(parties), WithLedger(l), WithSelf(mfr))
	require.NoError(t, err)
	ep := p.Events[1]
	require.Equal(t, Apply, ep.Outcome, "%+v", ep)
	assert.Equal(t, []Call{{Fn: pv.FnReportReading, ID: "10614141123459.A1", Device: "urn:epc:id:giai:4000001.111", TenthC: 45},
		{Fn: pv.FnReportReading, ID: "10614141123459.A1", Device: "urn:epc:id:giai:4000001.111", TenthC: 100}}, ep.Calls)
	assert.Contains(t, gapCodes(ep), GapSensorType, "the humidity is not recorded, and says so")

	l.items = map[string]Item{"10614141123459.A1": {Kind: "unit", Owner: dist}}
	p, err = Map(context.Background(), doc(t, atRest), WithParties(parties), WithLedger(l), WithSelf(mfr))
	require.NoError(t, err)
	assert.Equal(t, Capture, p.Events[0].Outcome)
	assert.Contains(t, p.Events[0].Reason, "held by "+dist, "another org's goods: captured only")
}
