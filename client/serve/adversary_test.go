package serve

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance/epcismap"
)

// Captures on the real chaincode by partners that do not trust one
// another: the manufacturer's units A1..A3 of GTIN 10614141123459.
const advGTIN = "10614141123459"

func goodsLedger(t *testing.T) *ledgerProvenance {
	l := newLedger(t, quality, epcismap.Directory{mfrGLN: mfr, distGLN: distMSP})
	l.commission(advGTIN, "A1", "A2", "A3")
	return l
}

func advUnit(serial string) string { return advGTIN + "." + serial }

func ended(step, serial, eventID string) string {
	return `{"type":"ObjectEvent","action":"DELETE","eventID":"` + eventID + `",` + at + `,"bizStep":"` + step + `",
	  "epcList":["urn:epc:id:sgtin:0614141.112345.` + serial + `"]}`
}

func inspection(serial, eventID string) string {
	return `{"type":"ObjectEvent","action":"OBSERVE","eventID":"` + eventID + `",` + at + `,"bizStep":"inspecting",
	  "epcList":["urn:epc:id:sgtin:0614141.112345.` + serial + `"]}`
}

// The distributor's system captures the destruction of goods the
// manufacturer holds: captured, saying who holds them; the goods are as
// they were, and the chaincode itself refuses the distributor's call.
func TestCaptureOfAnotherOrgsGoodsChangesNothing(t *testing.T) {
	l := goodsLedger(t)
	before := l.item(advUnit("A1"))
	dist := l.acting(distLogistics)
	st := newLedgerHarness(t, dist, nil).capture(document(ended("destroying", "A1", "urn:uuid:d1")))
	require.True(t, st.Success, "%+v", st.Errors)
	require.Equal(t, []string{StatusCaptured}, statuses(st))
	assert.Contains(t, st.Events[0].Reason, "is held by ManufacturerMSP, not DistributorMSP")
	require.NotNil(t, st.Events[0].Anchor, "captured on the ledger as the distributor's record")
	assert.Equal(t, before, l.item(advUnit("A1")))

	_, err := dist.submit(distLogistics, pv.FnDestroy, advUnit("A1"), "forged")
	assert.Equal(t, client.CodeForbidden, client.CodeOf(err), "the chaincode checks ownership too: %v", err)
	assert.Equal(t, before, l.item(advUnit("A1")))
}

// A document that names the manufacturer as the party shipping its goods,
// posted by the distributor (a forged custodian): captured only, never
// planned as the manufacturer's act.
func TestCaptureOfAForgedCustodianChangesNothing(t *testing.T) {
	l := goodsLedger(t)
	before := l.item(advUnit("A2"))
	forged := `{"type":"ObjectEvent","action":"OBSERVE",` + at + `,"bizStep":"shipping","disposition":"in_transit",
	  "epcList":["urn:epc:id:sgtin:0614141.112345.A2"],
	  "bizTransactionList":[{"type":"desadv","bizTransaction":"urn:epcglobal:cbv:bt:0614141000005:77"}],
	  "sourceList":[{"type":"owning_party","source":"https://id.gs1.org/417/` + mfrGLN + `"}],
	  "destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/` + distGLN + `"}]}`
	st := newLedgerHarness(t, l.acting(distLogistics), nil).capture(document(forged))
	require.True(t, st.Success, "%+v", st.Errors)
	require.Equal(t, []string{StatusCaptured}, statuses(st))
	assert.Zero(t, st.Events[0].Calls)
	assert.Contains(t, st.Events[0].Reason, "no org acts for another")
	assert.Equal(t, before, l.item(advUnit("A2")))

	// The custodian's own system naming another org as the actor (the
	// destruction at the distributor's site) does not act for it either.
	atDist := `{"type":"ObjectEvent","action":"DELETE",` + at + `,"bizStep":"destroying","epcList":["urn:epc:id:sgtin:0614141.112345.A2"],
	  "bizLocation":{"id":"https://id.gs1.org/414/` + distGLN + `"}}`
	st = newLedgerHarness(t, l, nil).capture(document(atDist))
	require.Equal(t, []string{StatusCaptured}, statuses(st))
	assert.Contains(t, st.Events[0].Reason, "the event is DistributorMSP's to record, not ManufacturerMSP's")
	assert.Equal(t, before, l.item(advUnit("A2")))
}

// One bad event refuses the whole document, naming eventList[i] and its
// member: nothing of it is captured or applied.
func TestCaptureOfADocumentWithOneBadEventChangesNothing(t *testing.T) {
	l := goodsLedger(t)
	before := l.peer.Snapshot()
	bad := `{"type":"ObjectEvent","action":"UPSERT",` + at + `,"bizStep":"inspecting","epcList":["urn:epc:id:sgtin:0614141.112345.A1"]}`
	h := newLedgerHarness(t, l, nil)
	for field, doc := range map[string]string{
		"epcisBody.eventList[1].action": document(ended("destroying", "A3", "urn:uuid:d3"), bad),
		"epcisBody.eventList[2].epcList[0]": document(inspection("A1", "urn:uuid:i1"), ended("destroying", "A3", "urn:uuid:d3"),
			`{"type":"ObjectEvent","action":"OBSERVE",`+at+`,"epcList":["urn:epc:id:sgtin:0614141.112345"]}`),
	} {
		p := decodeProblem(t, h.do("POST", "/epcis/capture", "application/ld+json", doc))
		assert.Equal(t, 400, p.Status, field)
		assert.Equal(t, field, p.Field)
	}
	assert.Equal(t, before, l.peer.Snapshot(), "no transaction at all")
}

// The same document captured twice: the custody change happens once (the
// second decommissioning is captured only, saying the unit has ended),
// and the event captured the first time is not written again.
func TestReplayedCaptureChangesCustodyOnce(t *testing.T) {
	l := goodsLedger(t)
	doc := document(ended("decommissioning", "A3", "urn:uuid:e3"), inspection("A1", "urn:uuid:i1"))
	h := newLedgerHarness(t, l, nil)
	first := h.capture(doc)
	require.True(t, first.Success, "%+v", first.Errors)
	require.Equal(t, []string{StatusApplied, StatusCaptured}, statuses(first))
	assert.Equal(t, 1, first.Events[0].Calls)
	after := l.item(advUnit("A3"))
	assert.Equal(t, pv.DispInactive, after.Disposition)

	again := h.capture(doc)
	require.True(t, again.Success, "%+v", again.Errors)
	require.Equal(t, []string{StatusCaptured, StatusCaptured}, statuses(again))
	assert.Zero(t, again.Events[0].Calls)
	assert.Contains(t, again.Events[0].Reason, "does not end twice")
	require.NotNil(t, again.Events[1].Anchor)
	assert.True(t, again.Events[1].Anchor.Duplicate, "the replayed inspection names the first record")
	assert.Equal(t, first.Events[1].Anchor.ID, again.Events[1].Anchor.ID)
	assert.Equal(t, after, l.item(advUnit("A3")), "no second custody change")

	page, err := l.ListCaptured(t.Context(), advUnit("A1"), client.Page{})
	require.NoError(t, err)
	assert.Len(t, page.Items, 1, "the inspection is on the ledger once")
}
