package provenance

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/commit"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// inspected is an inspection of a unit commissioned outside carechain,
// at the distributor's dock.
func inspected(eventID string) wire.CaptureInput {
	return wire.CaptureInput{EventID: eventID, Type: "ObjectEvent", Action: "OBSERVE", BizStep: "inspecting",
		Disposition: "active", EventTime: at(0).Format("2006-01-02T15:04:05Z"),
		EPCList: []string{"urn:epc:id:sgtin:4012345.011111.X9", "https://id.gs1.org/01/04012345111118/21/X10"},
		Objects: []string{"04012345111118.X9", "04012345111118.X10"}, ReadPoint: "urn:epc:id:sgln:0614141.00001.1",
		BizLocation: "https://id.gs1.org/414/0614141000012", Commitment: commit.Sum("salt", []byte(`{"the":"event"}`)),
		BizTransactions: []wire.BizTx{{Type: "po", ID: "urn:epcglobal:cbv:bt:0614141073467:1152"}},
		Quantities:      wire.Quantities{QuantityList: []wire.Quantity{{Class: "urn:epc:class:lgtin:4012345.012345.998877", Quantity: "200.5", UOM: "KGM"}}}}
}

func captureArg(in ...wire.CaptureInput) string { return string(cctest.JSON(in)) }

func (e *env) captured(object string) []wire.CapturedEvent {
	var page wire.CapturedPage
	e.Must(e.Query(auditor, 99999, wire.FnListCaptured, object, "0", ""), &page)
	return page.Items
}

func TestCaptureAnchorsAnEventItsOrgOwns(t *testing.T) {
	e := newEnv(t)
	var rc wire.CaptureReceipt
	agg := wire.CaptureInput{Type: "AggregationEvent", Action: "ADD", BizStep: "https://ref.gs1.org/cbv/BizStep-packing",
		EventTime: "2026-06-01T07:00:00+02:00", ParentID: "urn:epc:id:sscc:4012345.0000000001",
		ChildEPCs: []string{"urn:epc:id:sgtin:4012345.011111.X9"}, Objects: []string{"04012345111118.X9", "urn:epc:id:sscc:4012345.0000000001"},
		Commitment: strings.Repeat("ab", 32)}
	e.Must(e.Submit(distributor, 1, "", nil, wire.FnCapture, captureArg(inspected("urn:uuid:1"), agg)), &rc)
	require.Len(t, rc.Results, 2)
	assert.NotEqual(t, rc.Results[0].ID, rc.Results[1].ID)
	for _, r := range rc.Results {
		assert.Regexp(t, `^[0-9a-f]{64}$`, r.ID)
		assert.False(t, r.Duplicate)
		assert.Equal(t, "AND('DistributorMSP.peer')", e.policyOf(objCaptured, r.ID), "the capturing org's key")
	}
	got := e.captured("04012345111118.X9")
	require.Len(t, got, 2)
	assert.Equal(t, rc.Results[0].ID, got[0].ID)
	assert.Equal(t, []wire.BizTx{{Type: "po", ID: "urn:epcglobal:cbv:bt:0614141073467:1152"}}, got[0].BizTransactions)
	assert.Equal(t, []wire.Quantity{{Class: "urn:epc:class:lgtin:4012345.012345.998877", Quantity: "200.5", UOM: "KGM"}}, got[0].Quantities.QuantityList)
	assert.Equal(t, distMSP, got[0].By)
	assert.Equal(t, "inspecting", got[0].BizStep)
	assert.Equal(t, "urn:epc:id:sgln:0614141.00001.1", got[0].ReadPoint)
	assert.Equal(t, "AggregationEvent", got[1].Type)
	assert.Len(t, e.captured("urn:epc:id:sscc:4012345.0000000001"), 1)
	assert.Empty(t, e.captured("04012345111118.X11"))
	assert.Equal(t, "AND('DistributorMSP.peer')", e.policyOf(objCapturedByObj, "04012345111118.X9", at(1).Format("2006-01-02T15:04:05.000000000Z07:00"), "0000", rc.Results[0].ID))
}

func TestCaptureOfAnEventIDTwiceWritesOnce(t *testing.T) {
	e := newEnv(t)
	var first, again wire.CaptureReceipt
	e.Must(e.Submit(distributor, 1, "", nil, wire.FnCapture, captureArg(inspected("urn:uuid:1"))), &first)
	e.Must(e.Submit(distributor, 2, "", nil, wire.FnCapture, captureArg(inspected("urn:uuid:1"), inspected("urn:uuid:2"))), &again)
	assert.Equal(t, wire.CaptureResult{ID: first.Results[0].ID, Duplicate: true}, again.Results[0])
	assert.False(t, again.Results[1].Duplicate)
	assert.Len(t, e.captured("04012345111118.X9"), 2)
	// Another org's capture of the same event is its own record.
	var other wire.CaptureReceipt
	e.Must(e.Submit(pharmacist, 3, "", nil, wire.FnCapture, captureArg(inspected("urn:uuid:1"))), &other)
	assert.False(t, other.Results[0].Duplicate)
	assert.Len(t, e.captured("04012345111118.X9"), 3)
}

func TestCaptureRefusesBadInputNamingTheField(t *testing.T) {
	e := newEnv(t)
	bad := func(f func(*wire.CaptureInput)) string {
		in := inspected("urn:uuid:1")
		f(&in)
		return captureArg(inspected("urn:uuid:0"), in)
	}
	many := make([]wire.CaptureInput, wire.MaxCapture+1)
	for i := range many {
		many[i] = inspected("")
	}
	for arg, want := range map[string]string{
		"[]":                `field "events"`,
		captureArg(many...): `field "events"`,
		`[{"type":"ObjectEvent","patient":"Jane"}]`:                                               `field "events"`,
		bad(func(in *wire.CaptureInput) { in.Type = "PatientEvent" }):                             `field "events[1].type"`,
		bad(func(in *wire.CaptureInput) { in.EventID = "Jane Doe" }):                              `field "events[1].eventID"`,
		bad(func(in *wire.CaptureInput) { in.EventID = "urn:uuid:0" }):                            `field "events[1].eventID"`,
		bad(func(in *wire.CaptureInput) { in.Action = "" }):                                       `field "events[1].action"`,
		bad(func(in *wire.CaptureInput) { in.Action = "UPSERT" }):                                 `field "events[1].action"`,
		bad(func(in *wire.CaptureInput) { in.BizStep = "dispensing to Jane Doe" }):                `field "events[1].bizStep"`,
		bad(func(in *wire.CaptureInput) { in.Disposition = "Jane!" }):                             `field "events[1].disposition"`,
		bad(func(in *wire.CaptureInput) { in.EventTime = "yesterday" }):                           `field "events[1].eventTime"`,
		bad(func(in *wire.CaptureInput) { in.EventTime = at(60).Format("2006-01-02T15:04:05Z") }): `field "events[1].eventTime"`,
		bad(func(in *wire.CaptureInput) { in.ParentID = "urn:patient:jane" }):                     `field "events[1].parentID"`,
		bad(func(in *wire.CaptureInput) {
			in.EPCList[1] = "https://id.gs1.org/01/04012345111118/21/X10?patient=Jane"
		}): `field "events[1].epcList[1]"`,
		bad(func(in *wire.CaptureInput) { in.Outputs = []string{"Jane Doe, MRN 12345"} }):                    `field "events[1].outputEPCList[0]"`,
		bad(func(in *wire.CaptureInput) { in.Objects = nil }):                                                `field "events[1].objects"`,
		bad(func(in *wire.CaptureInput) { in.Objects[1] = "04012345111117.X10" }):                            `field "events[1].objects[1]"`,
		bad(func(in *wire.CaptureInput) { in.ReadPoint = "geo:42.69,23.31" }):                                `field "events[1].readPoint"`,
		bad(func(in *wire.CaptureInput) { in.BizLocation = "https://id.gs1.org/01/04012345111118" }):         `field "events[1].bizLocation"`,
		bad(func(in *wire.CaptureInput) { in.Commitment = strings.Repeat("AB", 32) }):                        `field "events[1].commitment"`,
		bad(func(in *wire.CaptureInput) { in.ErrorDeclaration = &wire.Declaration{DeclarationTime: "now"} }): `field "events[1].errorDeclaration.declarationTime"`,
		bad(func(in *wire.CaptureInput) {
			in.Quantities.ChildQuantityList = []wire.Quantity{{Class: "urn:epc:class:lgtin:4012345.012345.998877"}, {Class: "Jane Doe"}}
		}): `field "events[1].quantities.childQuantityList[1].epcClass"`,
		bad(func(in *wire.CaptureInput) {
			in.Quantities.QuantityList = []wire.Quantity{{Class: "urn:epc:class:lgtin:4012345.012345.998877", Quantity: "two hundred"}}
		}): `field "events[1].quantities.quantityList[0].quantity"`,
		bad(func(in *wire.CaptureInput) {
			in.Quantities.OutputQuantityList = []wire.Quantity{{Class: "urn:epc:class:lgtin:4012345.012345.998877", Quantity: "2", UOM: "kilos"}}
		}): `field "events[1].quantities.outputQuantityList[0].uom"`,
		bad(func(in *wire.CaptureInput) {
			in.BizTransactions = []wire.BizTx{{Type: "po", ID: "urn:epcglobal:cbv:bt:0614141073467:1152"}, {Type: "po", ID: "Jane Doe's order"}}
		}): `field "events[1].bizTransactionList[1].bizTransaction"`,
		bad(func(in *wire.CaptureInput) { in.BizTransactions = []wire.BizTx{{Type: "Jane!", ID: "urn:x:1"}} }): `field "events[1].bizTransactionList[0].type"`,
		// A GSRN is a patient's or a caregiver's service relation.
		bad(func(in *wire.CaptureInput) { in.EPCList[0] = "urn:epc:id:gsrn:95252084.000000001" }):            `field "events[1].epcList[0]"`,
		bad(func(in *wire.CaptureInput) { in.Objects[0] = "https://id.gs1.org/8018/952520840000000016" }):    `field "events[1].objects[0]"`,
		bad(func(in *wire.CaptureInput) { in.ParentID = "urn:epc:id:gsrnp:0614141.0000010253" }):             `field "events[1].parentID"`,
		bad(func(in *wire.CaptureInput) { in.BizTransactions[0].ID = "urn:epc:id:gsrn:0614141.0000010253" }): `field "events[1].bizTransactionList[0].bizTransaction"`,
		bad(func(in *wire.CaptureInput) {
			in.ErrorDeclaration = &wire.Declaration{DeclarationTime: at(60).Format("2006-01-02T15:04:05Z")}
		}): `field "events[1].errorDeclaration.declarationTime"`,
		bad(func(in *wire.CaptureInput) {
			in.ErrorDeclaration = &wire.Declaration{DeclarationTime: at(0).Format("2006-01-02T15:04:05Z"), Reason: "Jane's mistake"}
		}): `field "events[1].errorDeclaration.reason"`,
		bad(func(in *wire.CaptureInput) {
			in.ErrorDeclaration = &wire.Declaration{DeclarationTime: at(0).Format("2006-01-02T15:04:05Z"), CorrectiveEventIDs: []string{"urn:uuid:2", "Jane Doe"}}
		}): `field "events[1].errorDeclaration.correctiveEventIDs[1]"`,
	} {
		before := e.Peer.Snapshot()
		e.Refused(before, e.Submit(distributor, 1, "", nil, wire.FnCapture, arg), "INVALID_ARGUMENT: "+want)
	}
	e.Refused(e.Peer.Snapshot(), e.Query(auditor, 1, wire.FnListCaptured, "Jane Doe", "0", ""), `INVALID_ARGUMENT: field "object"`)
}

// Two orgs other than the capturer cannot rewrite its captured event, nor
// make a query return it for an object it does not name.
func TestForgedCapturedEventsAreRefused(t *testing.T) {
	e := newEnv(t)
	var rc wire.CaptureReceipt
	e.Must(e.Submit(distributor, 1, "", nil, wire.FnCapture, captureArg(inspected("urn:uuid:1"))), &rc)
	id := rc.Results[0].ID
	raw, ok := e.Peer.State("provenance", mustKey(objCaptured, id))
	require.True(t, ok)
	var ev wire.CapturedEvent
	require.NoError(t, json.Unmarshal(raw, &ev))
	ev.BizStep, ev.By = "destroying", mfrMSP
	colluders := []string{mfrMSP, provMSP}
	before := e.Peer.Snapshot()
	refusedForgery(t, e, e.forge(colluders, memstub.ForgedWrite{Key: mustKey(objCaptured, id), Value: cctest.JSON(ev)}), "captured event rewritten")
	refusedForgery(t, e, e.forge(colluders, memstub.ForgedWrite{Key: mustKey(objCaptured, id), ValidationParameter: []byte{}}), "its policy dropped")
	assert.Equal(t, before, e.Peer.Snapshot())

	// A fabricated index entry (a new key, which the chaincode policy
	// alone governs) points the event at another object: the list skips it.
	res := e.forge(colluders, memstub.ForgedWrite{Key: mustKey(objCapturedByObj, unit(0), at(2).Format("2006-01-02T15:04:05.000000000Z07:00"), "0000", id), Value: []byte{0}})
	require.Equal(t, memstub.Valid, res.Validation)
	assert.Empty(t, e.captured(unit(0)), "an entry the record does not confirm is not an answer")
	assert.Len(t, e.captured("04012345111118.X9"), 1)
}

func declared(eventID, reason string, minute int, corrective ...string) wire.CaptureInput {
	in := inspected(eventID)
	in.BizStep = "destroying" // a declaration may come with other fields: the record keeps its first
	in.ErrorDeclaration = &wire.Declaration{DeclarationTime: at(minute).Format("2006-01-02T15:04:05Z"), Reason: reason, CorrectiveEventIDs: corrective}
	return in
}

// EPCIS declares an event erroneous by capturing it again with an
// errorDeclaration: the earlier record stays as it was and carries the
// declaration from then on; a replay or a second declaration writes
// nothing, and no org declares another's record.
func TestCaptureRecordsAnErrorDeclarationOnTheEarlierRecord(t *testing.T) {
	e := newEnv(t)
	var first, decl, again wire.CaptureReceipt
	e.Must(e.Submit(distributor, 1, "", nil, wire.FnCapture, captureArg(inspected("urn:uuid:1"))), &first)
	e.Must(e.Submit(distributor, 2, "", nil, wire.FnCapture, captureArg(declared("urn:uuid:1", "incorrect_data", 2, "urn:uuid:9"))), &decl)
	assert.Equal(t, wire.CaptureResult{ID: first.Results[0].ID, Duplicate: true, Declared: true}, decl.Results[0])
	got := e.captured("04012345111118.X9")
	require.Len(t, got, 1, "the declared event stays, once")
	assert.Equal(t, "inspecting", got[0].BizStep, "its fields as first captured")
	assert.Equal(t, &wire.Declaration{DeclarationTime: at(2).Format("2006-01-02T15:04:05Z"), Reason: "incorrect_data", CorrectiveEventIDs: []string{"urn:uuid:9"}}, got[0].ErrorDeclaration)
	assert.Equal(t, "AND('DistributorMSP.peer')", e.policyOf(objCaptured, first.Results[0].ID), "still the capturer's key")

	rec := mustKey(objCaptured, first.Results[0].ID)
	before, _ := e.Peer.State("provenance", rec)
	e.Must(e.Submit(distributor, 3, "", nil, wire.FnCapture, captureArg(declared("urn:uuid:1", "did_not_occur", 3))), &again)
	assert.Equal(t, wire.CaptureResult{ID: first.Results[0].ID, Duplicate: true}, again.Results[0], "a second declaration writes nothing")
	assert.Equal(t, "incorrect_data", e.captured("04012345111118.X9")[0].ErrorDeclaration.Reason)
	after, _ := e.Peer.State("provenance", rec)
	assert.Equal(t, string(before), string(after))

	var other wire.CaptureReceipt
	e.Must(e.Submit(pharmacist, 4, "", nil, wire.FnCapture, captureArg(declared("urn:uuid:1", "did_not_occur", 4))), &other)
	assert.Equal(t, wire.CaptureResult{ID: other.Results[0].ID}, other.Results[0], "another org's declaration is its own record")
	got = e.captured("04012345111118.X9")
	require.Len(t, got, 2)
	assert.Equal(t, "incorrect_data", got[0].ErrorDeclaration.Reason, "the distributor's record is not the pharmacy's to declare")
	assert.Equal(t, provMSP, got[1].By)
	assert.Equal(t, "destroying", got[1].BizStep)
}
