package provenance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/carechain/carechain/chaincode/kit/commit"
	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
)

// Anchored is a captured event's record on the ledger, with the salt of
// its commitment: the capturer keeps it, and shows the event (its JSON as
// the standards/epcis model marshals it) with the salt to whoever must
// check the commitment (commit.Sum(salt, event)).
type Anchored struct {
	ID        string `json:"id"`
	Duplicate bool   `json:"duplicate,omitempty"`
	// Declared: the event's errorDeclaration was recorded on the earlier
	// record of its eventID (Duplicate).
	Declared   bool   `json:"declared,omitempty"`
	Commitment string `json:"commitment"`
	Salt       string `json:"salt"`
}

// Commitment is the salted commitment to an event (a fresh salt each
// time), and its salt.
func Commitment(e *epcis.Event) (sum, salt string, err error) {
	data, err := json.Marshal(e)
	if err != nil {
		return "", "", fmt.Errorf("encode event: %w", err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	salt = hex.EncodeToString(b[:])
	return commit.Sum(salt, data), salt, nil
}

// CaptureEvents anchors events that change no custody, with their
// anchors (epcismap.AnchorOf), pv.MaxCapture per transaction; it returns
// one Anchored per event, in order, as far as it got. An event whose
// eventID the org captured before is not written again (Duplicate).
func (k *Client) CaptureEvents(ctx context.Context, events []*epcis.Event, anchors []epcismap.Anchor) ([]Anchored, error) {
	if len(events) != len(anchors) {
		return nil, fmt.Errorf("%d events and %d anchors", len(events), len(anchors))
	}
	out := make([]Anchored, 0, len(events))
	for start := 0; start < len(events); start += pv.MaxCapture {
		end := min(start+pv.MaxCapture, len(events))
		inputs, salts := make([]pv.CaptureInput, 0, end-start), make([]string, 0, end-start)
		for i := start; i < end; i++ {
			sum, salt, err := Commitment(events[i])
			if err != nil {
				return out, err
			}
			in := anchors[i].Input
			in.Commitment = sum
			inputs, salts = append(inputs, in), append(salts, salt)
		}
		var rc pv.CaptureReceipt
		if _, err := k.c.Submit(ctx, pv.FnCapture, client.Input{Args: []string{jsonArg(inputs)}}, &rc); err != nil {
			return out, fmt.Errorf("events %d..%d: %w", start, end-1, err)
		}
		for i, r := range rc.Results {
			a := Anchored{ID: r.ID, Duplicate: r.Duplicate, Declared: r.Declared}
			if !r.Duplicate { // the earlier record has its own commitment
				a.Commitment, a.Salt = inputs[i].Commitment, salts[i]
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// ListCaptured reads a page of the events captured about an object (a
// carechain id, or an EPC URI), oldest first.
func (k *Client) ListCaptured(ctx context.Context, object string, p client.Page) (*pv.CapturedPage, error) {
	var out pv.CapturedPage
	return &out, k.c.Evaluate(ctx, pv.FnListCaptured, client.Input{Args: p.Args(object)}, &out)
}

// EventAnchor is what anchoring one event of a plan did: its record (nil
// when it has none), what a query of it will not return, and why it has
// no record.
type EventAnchor struct {
	Index       int       `json:"index"`
	Anchor      *Anchored `json:"anchor,omitempty"`
	Lost        []string  `json:"lost,omitempty"`
	NotAnchored string    `json:"notAnchored,omitempty"`
}

// AnchorPlan anchors a plan's events captured only or unsupported (doc is
// the plan's document) with CaptureEvents: one EventAnchor each, in
// document order, whether or not the Capture transactions succeeded.
func AnchorPlan(ctx context.Context, capture func(context.Context, []*epcis.Event, []epcismap.Anchor) ([]Anchored, error),
	doc *epcis.Document, plan *epcismap.Plan, now time.Time) ([]EventAnchor, error) {
	planned := epcismap.Anchors(doc, plan, now)
	out := make([]EventAnchor, len(planned))
	var events []*epcis.Event
	var anchors []epcismap.Anchor
	var at []int
	for i, pa := range planned {
		out[i] = EventAnchor{Index: pa.Index, Lost: pa.Anchor.Lost, NotAnchored: pa.NotAnchored}
		if pa.NotAnchored == "" {
			events, anchors, at = append(events, &doc.Events[pa.Index]), append(anchors, pa.Anchor), append(at, i)
		}
	}
	if len(events) == 0 {
		return out, nil
	}
	done, err := capture(ctx, events, anchors)
	for j, i := range at {
		if j < len(done) {
			out[i].Anchor = &done[j]
		} else {
			out[i].NotAnchored = "its Capture transaction failed"
		}
	}
	return out, err
}
