// Package cctest drives a chaincode on a memstub peer in unit tests: submit
// and query as an identity at a test time, assert that a transaction
// committed, or that it was refused with an error code (and field) and
// changed nothing. Every carechain chaincode's tests use it.
package cctest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// Harness is one chaincode on a peer, with a test clock.
type Harness struct {
	T         testing.TB
	Peer      *memstub.Peer
	Chaincode string
	// At turns a test minute into the transaction time.
	At func(minute int) time.Time
}

// JSON encodes v or panics (test inputs always encode).
func JSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}

// Submit invokes fn as id at minute, with transient input under
// transientKey (JSON-encoded unless it is already []byte; none when the key
// is empty).
func (h *Harness) Submit(id *memstub.Identity, minute int, transientKey string, transient any, fn string, args ...string) memstub.Result {
	var tm map[string][]byte
	if transientKey != "" {
		raw, ok := transient.([]byte)
		if !ok {
			raw = JSON(transient)
		}
		tm = map[string][]byte{transientKey: raw}
	}
	return h.Peer.Invoke(h.Chaincode, id, h.At(minute), tm, fn, args...)
}

// Query evaluates fn as id at minute; nothing is committed.
func (h *Harness) Query(id *memstub.Identity, minute int, fn string, args ...string) memstub.Result {
	return h.Peer.Query(h.Chaincode, id, h.At(minute), fn, args...)
}

// Must asserts that res succeeded and decodes its payload into v (if not nil).
func (h *Harness) Must(res memstub.Result, v any) {
	h.T.Helper()
	require.True(h.T, res.OK(), "status %d: %s", res.Status, res.Message)
	if v != nil {
		require.NoError(h.T, json.Unmarshal(res.Payload, v), string(res.Payload))
	}
}

// Refused asserts that res failed with an error containing prefix (the wire
// form "CODE: " or `CODE: field "name"`), committed nothing, and left the
// peer as it was before.
func (h *Harness) Refused(before memstub.Snapshot, res memstub.Result, prefix string) {
	h.T.Helper()
	require.False(h.T, res.OK(), "expected refusal %q, got status %d: %s", prefix, res.Status, res.Payload)
	require.Contains(h.T, res.Message, prefix)
	require.False(h.T, res.Committed)
	require.Equal(h.T, before, h.Peer.Snapshot(), "a refused transaction changed state")
}
