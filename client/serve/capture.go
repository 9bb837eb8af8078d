package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/carechain/carechain/client/provenance"
	"github.com/carechain/carechain/client/provenance/epcismap"
)

// Event statuses of a capture.
const (
	// StatusPending: not processed yet.
	StatusPending = "pending"
	// StatusApplied: its custody meaning is on the ledger (its calls made).
	StatusApplied = "applied"
	// StatusCaptured: captured only, custody unchanged: it has no custody
	// meaning for carechain, or one the chaincode cannot take (Reason
	// says why, Gaps say what).
	StatusCaptured = "captured"
	// StatusFailed: a call failed (Problem says how); the capture stopped.
	StatusFailed = "failed"
	// StatusSkipped: not attempted, an earlier event having failed.
	StatusSkipped = "skipped"
)

// CaptureStatus is a capture job, after GS1's EPCIS 2.0 REST binding
// (captureID, createdAt, finishedAt, running, success, errors), with
// every event's status once the job has finished: nothing of a document
// is dropped in silence.
type CaptureStatus struct {
	CaptureID  string        `json:"captureID"`
	CreatedAt  string        `json:"createdAt"`
	FinishedAt string        `json:"finishedAt,omitempty"`
	Running    bool          `json:"running"`
	Success    bool          `json:"success"`
	Errors     []Problem     `json:"errors"`
	Events     []EventStatus `json:"events"`
}

// EventStatus is what became of one event of a captured document.
type EventStatus struct {
	Index   int    `json:"index"`
	EventID string `json:"eventID,omitempty"`
	Type    string `json:"type"`
	BizStep string `json:"bizStep,omitempty"`
	Status  string `json:"status"`
	// Reason says why an event is captured only (custody unchanged).
	Reason string `json:"reason,omitempty"`
	// Gaps are why a captured event's custody meaning was not applied,
	// or what the calls of an applied one do not record; each with its
	// code's description.
	Gaps []GapStatus `json:"gaps,omitempty"`
	// Calls are the provenance transactions made for it.
	Calls   int      `json:"calls"`
	Problem *Problem `json:"problem,omitempty"`
	// Anchor is the ledger's record of a captured event (provenance
	// Capture), with its commitment's salt; NotAnchored says
	// why an event has none.
	Anchor      *AnchorStatus `json:"anchor,omitempty"`
	NotAnchored string        `json:"notAnchored,omitempty"`
}

// AnchorStatus is a captured event's record: its id, whether the org had
// captured its eventID before, the salted commitment to the event (the
// standards/epcis model's JSON) with its salt, and what a query of it
// will not return.
type AnchorStatus struct {
	provenance.Anchored
	Lost []string `json:"lost,omitempty"`
}

// GapStatus is a gap (epcismap) with what its code means.
type GapStatus struct {
	Code        string `json:"code"`
	Detail      string `json:"detail"`
	Description string `json:"description"`
}

// captures keeps capture jobs in memory, per server: a restart forgets
// them (the ledger keeps what they did), and the oldest finished jobs are
// dropped past maxCaptures.
type captures struct {
	mu    sync.Mutex
	jobs  map[string]*CaptureStatus
	order []string
	wg    sync.WaitGroup
}

const maxCaptures = 1000

func newCaptures() *captures { return &captures{jobs: map[string]*CaptureStatus{}} }

func newCaptureID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// start records a new running job.
func (c *captures) start(now time.Time) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := newCaptureID()
	c.jobs[id] = &CaptureStatus{CaptureID: id, CreatedAt: now.UTC().Format(time.RFC3339Nano), Running: true, Errors: []Problem{}, Events: []EventStatus{}}
	c.order = append(c.order, id)
	c.evict()
	return id
}

func (c *captures) evict() {
	for i := 0; len(c.jobs) > maxCaptures && i < len(c.order); {
		if id := c.order[i]; !c.jobs[id].Running {
			delete(c.jobs, id)
			c.order = append(c.order[:i], c.order[i+1:]...)
			continue
		}
		i++
	}
}

// update changes a job under the lock.
func (c *captures) update(id string, f func(*CaptureStatus)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if j, ok := c.jobs[id]; ok {
		f(j)
	}
}

// get copies a job.
func (c *captures) get(id string) (CaptureStatus, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	j, ok := c.jobs[id]
	if !ok {
		return CaptureStatus{}, false
	}
	out := *j
	out.Errors = append([]Problem(nil), j.Errors...)
	out.Events = append([]EventStatus(nil), j.Events...)
	return out, true
}

// wait waits for the running jobs, or ctx.
func (c *captures) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// eventStatus is an event plan's status before any call.
func eventStatus(ep epcismap.EventPlan) EventStatus {
	st := EventStatus{Index: ep.Index, EventID: ep.EventID, Type: ep.Type, BizStep: ep.BizStep, Reason: ep.Reason}
	for _, g := range ep.Gaps {
		st.Gaps = append(st.Gaps, GapStatus{Code: g.Code, Detail: g.Detail, Description: epcismap.GapDescriptions[g.Code]})
	}
	st.Status = StatusCaptured
	if ep.Outcome == epcismap.Apply {
		st.Status = StatusPending
	}
	return st
}
