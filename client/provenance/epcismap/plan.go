package epcismap

import "sort"

// Outcome is what becomes of an event.
type Outcome string

// Outcomes.
const (
	Apply       Outcome = "apply"
	Capture     Outcome = "capture"
	Unsupported Outcome = "unsupported"
)

// Call is one provenance transaction and its arguments.
type Call struct {
	Fn       string   `json:"fn"`
	GTIN     string   `json:"gtin,omitempty"`
	Lot      string   `json:"lot,omitempty"`
	Expiry   string   `json:"expiry,omitempty"`
	Serials  []string `json:"serials,omitempty"`
	ID       string   `json:"id,omitempty"` // container, shipment or unit
	Kind     string   `json:"kind,omitempty"`
	Children []string `json:"children,omitempty"`
	To       string   `json:"to,omitempty"`
	Items    []string `json:"items,omitempty"`
	Device   string   `json:"device,omitempty"`
	TenthC   int      `json:"tenthC,omitempty"`
	Reason   string   `json:"reason,omitempty"`
}

// Gap is something of an event the chaincode cannot represent today.
type Gap struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// EventPlan is what one event becomes.
type EventPlan struct {
	Index   int     `json:"index"`
	EventID string  `json:"eventID,omitempty"`
	Type    string  `json:"type"`
	BizStep string  `json:"bizStep,omitempty"`
	Outcome Outcome `json:"outcome"`
	// By is the org whose act the event is (its source, destination or
	// location names it); "" when nothing names one (the importer's).
	By    string `json:"by,omitempty"`
	Calls []Call `json:"calls,omitempty"`
	// Reason says why an event is captured only (Capture or Unsupported).
	Reason string `json:"reason,omitempty"`
	// Gaps are what the chaincode cannot take: why an event is
	// Unsupported (captured, its custody meaning not applied), or, for
	// one applied, what its calls do not record.
	Gaps []Gap `json:"gaps,omitempty"`
}

// Plan is a document's events' plans, in document order.
type Plan struct {
	Events []EventPlan `json:"events"`
}

// Calls lists every call of the applied events, in order.
func (p *Plan) Calls() []Call {
	var out []Call
	for _, e := range p.Events {
		if e.Outcome == Apply {
			out = append(out, e.Calls...)
		}
	}
	return out
}

// Outcomes counts the events by outcome.
func (p *Plan) Outcomes() map[Outcome]int {
	n := map[Outcome]int{}
	for _, e := range p.Events {
		n[e.Outcome]++
	}
	return n
}

// GapCodes counts the gaps by code over every event, in code order.
func (p *Plan) GapCodes() []GapCount {
	n := map[string]int{}
	for _, e := range p.Events {
		for _, g := range e.Gaps {
			n[g.Code]++
		}
	}
	out := make([]GapCount, 0, len(n))
	for c, k := range n {
		out = append(out, GapCount{Code: c, Events: k})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// GapCount is how many gaps of a code a plan has.
type GapCount struct {
	Code   string `json:"code"`
	Events int    `json:"events"`
}
