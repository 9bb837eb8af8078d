package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
)

const (
	mfr     = "ManufacturerMSP"
	mfrGLN  = "0614141000005"
	distGLN = "0614141000012"
)

// fakeProvenance plans with the real mapper against an empty ledger, as
// the manufacturer, and records the calls it is asked to make.
type fakeProvenance struct {
	mu       sync.Mutex
	failAt   int // index of the event whose calls fail (-1: none)
	failErr  error
	applied  []int
	traces   map[string]*epcis.Document
	verified [][]string
	result   string
	verErr   error
	release  chan struct{} // when set, ApplyEvent waits for it
	anchored []epcismap.Anchor
	capErr   error
	captured map[string][]pv.CapturedEvent
}

func newFake() *fakeProvenance {
	return &fakeProvenance{failAt: -1, traces: map[string]*epcis.Document{}, result: pv.Verified, captured: map[string][]pv.CapturedEvent{}}
}

func (f *fakeProvenance) CaptureEvents(ctx context.Context, events []*epcis.Event, anchors []epcismap.Anchor) ([]provenance.Anchored, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.capErr != nil {
		return nil, f.capErr
	}
	var out []provenance.Anchored
	for i, a := range anchors {
		sum, salt, err := provenance.Commitment(events[i])
		if err != nil {
			return out, err
		}
		f.anchored = append(f.anchored, a)
		out = append(out, provenance.Anchored{ID: fmt.Sprintf("cap%d", len(f.anchored)), Commitment: sum, Salt: salt})
	}
	return out, nil
}

// ListCaptured pages one event at a time, to exercise the bookmarks.
func (f *fakeProvenance) ListCaptured(ctx context.Context, object string, p client.Page) (*pv.CapturedPage, error) {
	all := f.captured[object]
	i := 0
	if p.Bookmark != "" {
		i, _ = strconv.Atoi(p.Bookmark)
	}
	if i >= len(all) {
		return &pv.CapturedPage{Items: []pv.CapturedEvent{}}, nil
	}
	page := &pv.CapturedPage{Items: all[i : i+1]}
	if i+1 < len(all) {
		page.Bookmark = strconv.Itoa(i + 1)
	}
	return page, nil
}

func (f *fakeProvenance) PlanEPCIS(ctx context.Context, data []byte) (*epcis.Document, *epcismap.Plan, error) {
	doc, err := epcis.Parse(data)
	if err != nil {
		return nil, nil, err
	}
	plan, err := epcismap.Map(ctx, doc, epcismap.WithSelf(mfr), epcismap.WithParties(epcismap.Directory{mfrGLN: mfr, distGLN: "DistributorMSP"}))
	return doc, plan, err
}

func (f *fakeProvenance) ApplyEvent(ctx context.Context, ep epcismap.EventPlan, dscsa any) (int, error) {
	if f.release != nil {
		<-f.release
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if ep.Index == f.failAt {
		return 0, f.failErr
	}
	f.applied = append(f.applied, ep.Index)
	return len(ep.Calls), nil
}

func (f *fakeProvenance) ExportDocument(ctx context.Context, id string) (*epcis.Document, error) {
	if d, ok := f.traces[id]; ok {
		return d, nil
	}
	return nil, errNotFound
}

func (f *fakeProvenance) Verify(ctx context.Context, gtin, serial, lot, expiry string) (*pv.Verification, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.verified = append(f.verified, []string{gtin, serial, lot, expiry})
	if f.verErr != nil {
		return nil, f.verErr
	}
	return &pv.Verification{ID: "v1", Unit: gtin + "." + serial, Lot: lot, Expiry: expiry, Result: f.result}, nil
}

var errNotFound = serverError("NOT_FOUND", "item not found")

// harness is a server on a fake, its log in a buffer.
type harness struct {
	t    *testing.T
	srv  *Server
	fake *fakeProvenance
	log  *bytes.Buffer
	mu   sync.Mutex
}

func newHarness(t *testing.T, opts ...Option) *harness {
	h := &harness{t: t, fake: newFake(), log: &bytes.Buffer{}}
	log := slog.New(slog.NewJSONHandler(lockedWriter{h}, nil))
	clock := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	h.srv = New(append([]Option{WithLogger(log), WithProvenance(h.fake), withClock(func() time.Time { return clock })}, opts...)...)
	return h
}

type lockedWriter struct{ h *harness }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.h.mu.Lock()
	defer w.h.mu.Unlock()
	return w.h.log.Write(p)
}

func (h *harness) logLines() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(h.log.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		require.NoError(h.t, json.Unmarshal([]byte(l), &m), l)
		out = append(out, m)
	}
	return out
}

// do sends a request and returns the response.
func (h *harness) do(method, target, contentType, body string) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.srv.ServeHTTP(w, r)
	return w
}

func decodeProblem(t *testing.T, w *httptest.ResponseRecorder) Problem {
	t.Helper()
	require.Equal(t, "application/problem+json", w.Header().Get("Content-Type"), w.Body.String())
	var p Problem
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &p))
	require.Equal(t, w.Code, p.Status)
	return p
}

var _ http.Handler = (*Server)(nil)
