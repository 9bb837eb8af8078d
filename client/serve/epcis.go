package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
)

// maxDocument is the largest EPCIS document capture takes.
const maxDocument = 16 << 20

var (
	opCapture = Operation{ID: "epcisCapture", Summary: "capture an EPCIS 2.0 document (JSON or JSON-LD); its events are planned and applied in the background",
		Body:      []string{"application/json", "application/ld+json"},
		Responses: map[int]string{202: "the capture job was created (Location names it)", 400: "the document is not valid EPCIS 2.0", 415: "not JSON"}}
	opCaptureStatus = Operation{ID: "epcisCaptureStatus", Summary: "a capture job: running or not, and every event's status",
		Params:    []Param{{Name: "captureID", In: "path", Description: "the id capture answered"}},
		Responses: map[int]string{200: "the job", 404: "no such job on this server"}}
	opEvents = Operation{ID: "epcisEvents", Summary: "query events (EPCIS 2.0 REST binding): an EPCISQueryDocument",
		Params:    queryParams,
		Produces:  "application/ld+json",
		Responses: map[int]string{200: "the events, one page (Link rel=next names the next)", 400: "a parameter is not valid"}}
)

func (s *Server) epcisRoutes() []Route {
	return []Route{
		{http.MethodPost, "/epcis/capture", opCapture, s.captureDocument},
		{http.MethodGet, "/epcis/capture/{captureID}", opCaptureStatus, s.captureStatus},
		{http.MethodGet, "/epcis/events", opEvents, s.queryEvents},
	}
}

func (s *Server) captureDocument(w http.ResponseWriter, r *http.Request) {
	data, err := s.readDocument(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := s.capture.start(s.now())
	s.capture.wg.Add(1)
	go func() {
		defer s.capture.wg.Done()
		s.runCapture(context.WithoutCancel(r.Context()), id, data)
	}()
	w.Header().Set("Location", "/epcis/capture/"+id)
	writeJSON(w, http.StatusAccepted, "application/json", map[string]string{"captureID": id})
}

// readDocument reads and checks a document: JSON, within maxDocument,
// valid per GS1's schema when the server has it, and per the library.
func (s *Server) readDocument(r *http.Request) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" && mt != "application/ld+json" {
		return nil, UnsupportedMedia(mt, "application/json or application/ld+json")
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxDocument+1))
	if err != nil {
		return nil, BadRequest("body", err)
	}
	if len(data) > maxDocument {
		return nil, BadRequest("body", fmt.Errorf("is over %d bytes", maxDocument))
	}
	if s.schema != nil {
		if err := s.schema.Validate(data); err != nil {
			return nil, BadRequest("body", fmt.Errorf("not valid per GS1's EPCIS 2.0 JSON schema: %w", err))
		}
	}
	doc, err := epcis.Parse(data)
	if err != nil {
		return nil, documentError(err)
	}
	if doc.Type != epcis.TypeDocument {
		return nil, BadRequest("type", fmt.Errorf("capture takes an %s, not an %s", epcis.TypeDocument, doc.Type))
	}
	return data, nil
}

// documentError names the path of a document's fault.
func documentError(err error) error {
	var e *epcis.Error
	if errors.As(err, &e) {
		return BadRequest(e.Path, err)
	}
	return BadRequest("body", err)
}

// unsupportedMedia is a body of a media type the route does not take.
type unsupportedMedia struct{ got, want string }

func (u *unsupportedMedia) Error() string {
	return fmt.Sprintf("content type %q: the route takes %s", u.got, u.want)
}

// UnsupportedMedia refuses a body of media type got (415): the route
// takes want (as a sentence: "application/edi-x12 or text/plain").
func UnsupportedMedia(got, want string) error { return &unsupportedMedia{got: got, want: want} }

// runCapture plans a document and applies its events in order; it stops
// at the first failed call (later events depend on what earlier ones
// did), marking the rest skipped. Events captured only are
// then anchored on the ledger (provenance Capture), all of them.
func (s *Server) runCapture(ctx context.Context, id string, data []byte) {
	defer s.capture.update(id, func(j *CaptureStatus) {
		j.Running, j.FinishedAt = false, s.now().UTC().Format(time.RFC3339Nano)
		j.Success = len(j.Errors) == 0
	})
	doc, plan, err := s.prov.PlanEPCIS(ctx, data)
	if err != nil {
		s.capture.update(id, func(j *CaptureStatus) { j.Errors = append(j.Errors, s.problemOf(ctx, err)) })
		return
	}
	statuses := s.apply(ctx, plan)
	problem := s.anchor(ctx, doc, plan, statuses)
	s.capture.update(id, func(j *CaptureStatus) {
		j.Events = statuses
		for _, st := range statuses {
			if st.Problem != nil {
				j.Errors = append(j.Errors, *st.Problem)
			}
		}
		if problem != nil {
			j.Errors = append(j.Errors, *problem)
		}
	})
}

// apply makes the calls of a plan's applied events in order, until one
// fails; it returns every event's status.
func (s *Server) apply(ctx context.Context, plan *epcismap.Plan) []EventStatus {
	statuses := make([]EventStatus, 0, len(plan.Events))
	failed := false
	for _, ep := range plan.Events {
		st := eventStatus(ep)
		switch {
		case st.Status != StatusPending:
		case failed:
			st.Status, st.Reason = StatusSkipped, "an earlier event failed: not attempted"
		default:
			var err error
			st.Calls, err = s.prov.ApplyEvent(ctx, ep, nil)
			st.Status = StatusApplied
			if err != nil {
				p := s.problemOf(ctx, err)
				st.Status, st.Problem, failed = StatusFailed, &p, true
			}
		}
		statuses = append(statuses, st)
	}
	return statuses
}

// anchor anchors the captured events of statuses (in place)
// through provenance.AnchorPlan, as carectl drugs epcis import does.
func (s *Server) anchor(ctx context.Context, doc *epcis.Document, plan *epcismap.Plan, statuses []EventStatus) *Problem {
	anchors, err := provenance.AnchorPlan(ctx, s.prov.CaptureEvents, doc, plan, s.now())
	byIndex := map[int]int{}
	for i, st := range statuses {
		byIndex[st.Index] = i
	}
	for _, a := range anchors {
		st := &statuses[byIndex[a.Index]]
		st.NotAnchored = a.NotAnchored
		if a.Anchor != nil {
			st.Anchor = &AnchorStatus{Anchored: *a.Anchor, Lost: a.Lost}
		}
	}
	if err != nil {
		p := s.problemOf(ctx, err)
		return &p
	}
	return nil
}

// problemOf is an error's problem document, logged when the server failed.
func (s *Server) problemOf(ctx context.Context, err error) Problem {
	p := ProblemOf(err)
	if p.Status >= 500 {
		s.log.ErrorContext(ctx, "capture failed", "code", p.Code, "error", err.Error())
	}
	if p.Code != string(client.CodeInternal) {
		p.Detail = err.Error()
	}
	return p
}

func (s *Server) captureStatus(w http.ResponseWriter, r *http.Request) {
	j, ok := s.capture.get(chi.URLParam(r, "captureID"))
	if !ok {
		s.fail(w, r, serverError(client.CodeNotFound, "no capture job "+chi.URLParam(r, "captureID")+" on this server (jobs are kept in its memory)"))
		return
	}
	writeJSON(w, http.StatusOK, "application/json", j)
}
