package serve

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/commit"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
)

func document(events ...string) string {
	return `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",
"schemaVersion":"2.0","creationDate":"2026-01-02T03:04:05Z","epcisBody":{"eventList":[` + strings.Join(events, ",") + `]}}`
}

const at = `"eventTime":"2026-01-02T03:04:05.000Z","eventTimeZoneOffset":"+00:00"`

var (
	commission = `{"type":"ObjectEvent","action":"ADD",` + at + `,"bizStep":"commissioning","disposition":"active",
	  "epcList":["urn:epc:id:sgtin:0614141.112345.A1","https://id.gs1.org/01/10614141123459/21/A2"],
	  "bizLocation":{"id":"https://id.gs1.org/414/` + mfrGLN + `"},
	  "ilmd":{"cbvmda:lotNumber":"L1","cbvmda:itemExpirationDate":"2028-12-31"}}`
	transform = `{"type":"TransformationEvent",` + at + `,"bizStep":"repackaging",
	  "inputEPCList":["urn:epc:id:sgtin:0614141.112345.A1"],"outputEPCList":["urn:epc:id:sgtin:0614141.112345.B1"]}`
	foreign = `{"type":"ObjectEvent","action":"OBSERVE",` + at + `,"bizStep":"inspecting",
	  "epcList":["urn:epc:id:sgtin:4012345.011111.X9"]}`
	destroy = `{"type":"ObjectEvent","action":"DELETE",` + at + `,"bizStep":"destroying",
	  "epcList":["urn:epc:id:sgtin:0614141.112345.A2"],"bizLocation":{"id":"urn:epc:id:sgln:0614141.00000.0"}}`
)

// capture posts a document and waits for its job to finish.
func (h *harness) capture(doc string) CaptureStatus {
	h.t.Helper()
	w := h.do("POST", "/epcis/capture", "application/ld+json", doc)
	require.Equal(h.t, 202, w.Code, w.Body.String())
	var created struct{ CaptureID string }
	require.NoError(h.t, json.Unmarshal(w.Body.Bytes(), &created))
	require.Equal(h.t, "/epcis/capture/"+created.CaptureID, w.Header().Get("Location"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(h.t, h.srv.Wait(ctx))
	w = h.do("GET", w.Header().Get("Location"), "", "")
	require.Equal(h.t, 200, w.Code)
	var st CaptureStatus
	require.NoError(h.t, json.Unmarshal(w.Body.Bytes(), &st))
	require.Equal(h.t, created.CaptureID, st.CaptureID)
	return st
}

func statuses(st CaptureStatus) []string {
	var out []string
	for _, e := range st.Events {
		out = append(out, e.Status)
	}
	return out
}

func TestCaptureReportsEveryEvent(t *testing.T) {
	h := newHarness(t)
	st := h.capture(document(commission, transform, foreign, destroy))
	assert.False(t, st.Running)
	assert.True(t, st.Success)
	assert.NotEmpty(t, st.FinishedAt)
	require.Len(t, st.Events, 4, "no event dropped")
	assert.Equal(t, []string{StatusApplied, StatusCaptured, StatusCaptured, StatusApplied}, statuses(st), "no event refused")
	assert.Equal(t, 2, st.Events[0].Calls, "CreateBatch and Commission")
	require.NotEmpty(t, st.Events[1].Gaps)
	assert.Equal(t, epcismap.GapTransformation, st.Events[1].Gaps[0].Code)
	assert.Equal(t, epcismap.GapDescriptions[epcismap.GapTransformation], st.Events[1].Gaps[0].Description)
	assert.Contains(t, st.Events[1].Reason, "no output is commissioned", "why its custody meaning is not applied")
	assert.Contains(t, st.Events[2].Reason, "not invented into custody")
	assert.Equal(t, "inspecting", st.Events[2].BizStep)
	assert.Equal(t, []int{0, 3}, h.fake.applied, "only applied events make calls")
}

func TestCaptureStopsAtAFailedCall(t *testing.T) {
	h := newHarness(t)
	h.fake.failAt = 0
	h.fake.failErr = &client.Error{Code: client.CodeCommitUnknown, Message: "may have been ordered", TxID: "tx7"}
	st := h.capture(document(commission, foreign, destroy))
	assert.False(t, st.Success)
	assert.Equal(t, []string{StatusFailed, StatusCaptured, StatusSkipped}, statuses(st))
	require.NotNil(t, st.Events[0].Problem)
	assert.Equal(t, "COMMIT_UNKNOWN", st.Events[0].Problem.Code)
	assert.Equal(t, "tx7", st.Events[0].Problem.TxID)
	require.Len(t, st.Errors, 1)
	assert.Empty(t, h.fake.applied, "nothing after the failure is attempted")
}

func TestCapturePlanningFailureIsReported(t *testing.T) {
	h := newHarness(t)
	prov := &planFails{fakeProvenance: h.fake}
	h.srv = New(WithProvenance(prov))
	st := h.capture(document(commission))
	assert.False(t, st.Success)
	require.Len(t, st.Errors, 1)
	assert.Equal(t, 503, st.Errors[0].Status)
	assert.Empty(t, st.Events)
}

type planFails struct{ *fakeProvenance }

func (planFails) PlanEPCIS(context.Context, []byte) (*epcis.Document, *epcismap.Plan, error) {
	return nil, nil, &client.Error{Code: client.CodeUnavailable, Message: "no gateway"}
}

func TestCaptureRefusesBadDocumentsAtOnce(t *testing.T) {
	for name, tc := range map[string]struct {
		contentType, body string
		status            int
		field             string
	}{
		"not json":       {"text/xml", "<EPCISDocument/>", 415, "Content-Type"},
		"malformed":      {"application/json", `{"type":`, 400, ""},
		"no event time":  {"application/json", document(`{"type":"ObjectEvent","action":"ADD","eventTimeZoneOffset":"+00:00","epcList":[]}`), 400, "epcisBody.eventList[0].eventTime"},
		"query document": {"application/json", `{"type":"EPCISQueryDocument","schemaVersion":"2.0","creationDate":"2026-01-02T03:04:05Z","epcisBody":{"queryResults":{"queryName":"q","resultsBody":{"eventList":[]}}}}`, 400, "type"},
	} {
		h := newHarness(t)
		p := decodeProblem(t, h.do("POST", "/epcis/capture", tc.contentType, tc.body))
		assert.Equal(t, tc.status, p.Status, name)
		if tc.field != "" {
			assert.Equal(t, tc.field, p.Field, name)
		}
		assert.Empty(t, h.fake.applied, name)
	}
}

type refuseAll struct{}

func (refuseAll) Validate([]byte) error { return errors.New("/epcisBody: missing property eventList") }

func TestCaptureValidatesAgainstTheSchemaWhenGiven(t *testing.T) {
	h := newHarness(t, WithEPCISSchema(refuseAll{}))
	p := decodeProblem(t, h.do("POST", "/epcis/capture", "application/json", document(commission)))
	assert.Equal(t, 400, p.Status)
	assert.Contains(t, p.Detail, "GS1's EPCIS 2.0 JSON schema")
}

func TestCaptureStatusOfAnUnknownJob(t *testing.T) {
	p := decodeProblem(t, newHarness(t).do("GET", "/epcis/capture/nope", "", ""))
	assert.Equal(t, 404, p.Status)
}

func TestCaptureWaitsForItsCalls(t *testing.T) {
	h := newHarness(t)
	h.fake.release = make(chan struct{})
	w := h.do("POST", "/epcis/capture", "application/json", document(commission))
	require.Equal(t, 202, w.Code)
	st := getStatus(t, h, w.Header().Get("Location"))
	assert.True(t, st.Running)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	assert.Error(t, h.srv.Wait(ctx), "a running capture holds the shutdown")
	close(h.fake.release)
	require.NoError(t, h.srv.Wait(context.Background()))
	assert.Equal(t, []string{StatusApplied}, statuses(getStatus(t, h, w.Header().Get("Location"))))
}

func getStatus(t *testing.T, h *harness, loc string) CaptureStatus {
	w := h.do("GET", loc, "", "")
	require.Equal(t, 200, w.Code)
	var st CaptureStatus
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &st))
	return st
}

func TestCaptureAnchorsWhatChangesNoCustody(t *testing.T) {
	h := newHarness(t)
	opaque := `{"type":"ObjectEvent","action":"OBSERVE",` + at + `,"bizStep":"inspecting","epcList":["urn:uuid:7c6b1f2e-0000-4000-8000-000000000001"]}`
	st := h.capture(document(commission, transform, foreign, opaque))
	require.Equal(t, []string{StatusApplied, StatusCaptured, StatusCaptured, StatusCaptured}, statuses(st))
	assert.Nil(t, st.Events[0].Anchor, "custody events are the chaincode's own record")
	require.Len(t, h.fake.anchored, 2, "the transformation and the foreign event")
	for _, i := range []int{1, 2} {
		a := st.Events[i].Anchor
		require.NotNil(t, a, "event %d", i)
		d, err := epcis.Parse([]byte(document(transform, foreign)))
		require.NoError(t, err)
		data, err := json.Marshal(&d.Events[i-1])
		require.NoError(t, err)
		assert.Equal(t, commit.Sum(a.Salt, data), a.Commitment, "the salt opens the commitment to event %d", i)
	}
	assert.Equal(t, []string{"04012345111118.X9"}, h.fake.anchored[1].Input.Objects)
	assert.Equal(t, []string{"10614141123459.A1", "10614141123459.B1"}, h.fake.anchored[0].Input.Objects)
	assert.Nil(t, st.Events[3].Anchor)
	assert.Contains(t, st.Events[3].NotAnchored, "event.epcList[0]", "an identifier the chaincode does not take, named")
	assert.True(t, st.Success)
}

func TestCaptureReportsAFailedAnchoring(t *testing.T) {
	h := newHarness(t)
	h.fake.capErr = &client.Error{Code: client.CodeCommitUnknown, TxID: "tx8", Message: "may have been ordered"}
	st := h.capture(document(foreign))
	assert.False(t, st.Success)
	require.Len(t, st.Errors, 1)
	assert.Equal(t, "tx8", st.Errors[0].TxID)
	assert.Equal(t, StatusCaptured, st.Events[0].Status)
	assert.Contains(t, st.Events[0].NotAnchored, "Capture transaction failed")
}
