// Package events defines the envelope carechain chaincodes publish as their
// single chaincode event per transaction, a Collector that gathers the
// changes a transaction makes, and Decode for clients.
//
// Fabric keeps only one chaincode event per transaction: the last SetEvent
// wins. A transaction therefore appends every change to a Collector and
// emits them together at the end (see package txevent). The package imports
// only the standard library so that clients can use it.
package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Change is one change a transaction made to a record.
type Change struct {
	// Type says what happened, as "<record>.<verb>", e.g. "consent.granted".
	Type string `json:"type"`
	// ID identifies the record changed.
	ID string `json:"id"`
	// Attrs holds small, non-sensitive attributes of the change, such as
	// other record ids. encoding/json writes them sorted by key.
	Attrs map[string]string `json:"attrs,omitempty"`
	// Payload holds a structured JSON description, when Attrs do not do.
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Envelope is the payload of a carechain chaincode event.
type Envelope struct {
	// TxID is the id of the transaction that made the changes.
	TxID string `json:"txId"`
	// Timestamp is the transaction timestamp in UTC; it is encoded in
	// RFC 3339 with nanoseconds.
	Timestamp time.Time `json:"timestamp"`
	// Changes are in the order the transaction made them.
	Changes []Change `json:"changes"`
}

// Collector gathers the changes of one transaction. The zero value is ready
// to use. A Collector is not safe for concurrent use, which chaincode does
// not need.
type Collector struct {
	changes []Change
}

// Add appends a change. attrs is copied.
func (c *Collector) Add(changeType, id string, attrs map[string]string) {
	var copied map[string]string
	if len(attrs) > 0 {
		copied = make(map[string]string, len(attrs))
		for k, v := range attrs {
			copied[k] = v
		}
	}
	c.changes = append(c.changes, Change{Type: changeType, ID: id, Attrs: copied})
}

// AddPayload appends a change whose payload is v encoded as JSON.
func (c *Collector) AddPayload(changeType, id string, v any) error {
	payload, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s event payload: %w", changeType, err)
	}
	c.changes = append(c.changes, Change{Type: changeType, ID: id, Payload: payload})
	return nil
}

// Len returns the number of changes collected.
func (c *Collector) Len() int { return len(c.changes) }

// Changes returns a copy of the changes in the order they were added.
func (c *Collector) Changes() []Change {
	out := make([]Change, len(c.changes))
	copy(out, c.changes)
	return out
}

// Envelope wraps the collected changes for the transaction txID made at ts,
// which is converted to UTC.
func (c *Collector) Envelope(txID string, ts time.Time) Envelope {
	return Envelope{TxID: txID, Timestamp: ts.UTC(), Changes: c.Changes()}
}

// Encode validates env and returns its JSON encoding. Every change needs a
// type and an id.
func Encode(env Envelope) ([]byte, error) {
	if env.TxID == "" {
		return nil, errors.New("event envelope has no transaction id")
	}
	for i, ch := range env.Changes {
		if ch.Type == "" || ch.ID == "" {
			return nil, fmt.Errorf("event change %d needs a type and an id", i)
		}
	}
	if env.Changes == nil {
		env.Changes = []Change{}
	}
	return json.Marshal(env)
}

// Decode parses an event payload written by Encode. Unknown fields are
// ignored so that older clients can read newer envelopes.
func Decode(data []byte) (Envelope, error) {
	var env Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return Envelope{}, fmt.Errorf("decode event envelope: %w", err)
	}
	if env.TxID == "" {
		return Envelope{}, errors.New("decode event envelope: missing txId")
	}
	env.Timestamp = env.Timestamp.UTC()
	return env, nil
}
