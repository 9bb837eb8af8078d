package events_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/events"
)

func TestCollectorKeepsOrderAndCopies(t *testing.T) {
	var c events.Collector
	attrs := map[string]string{"patient": "p1"}
	c.Add("consent.granted", "c1", attrs)
	attrs["patient"] = "mutated"
	require.NoError(t, c.AddPayload("consent.revoked", "c0", map[string]any{"reason": "expired"}))
	c.Add("record.added", "r1", nil)
	assert.Equal(t, 3, c.Len())
	got := c.Changes()
	require.Len(t, got, 3)
	assert.Equal(t, []string{"consent.granted", "consent.revoked", "record.added"}, []string{got[0].Type, got[1].Type, got[2].Type})
	assert.Equal(t, map[string]string{"patient": "p1"}, got[0].Attrs)
	assert.JSONEq(t, `{"reason":"expired"}`, string(got[1].Payload))
	assert.Nil(t, got[2].Attrs)

	got[0].ID = "changed"
	assert.Equal(t, "c1", c.Changes()[0].ID, "Changes returns a copy")

	assert.Error(t, c.AddPayload("bad", "x", func() {}))
	assert.Equal(t, 3, c.Len())
}

func TestEncodeDecode(t *testing.T) {
	var c events.Collector
	c.Add("consent.granted", "c1", map[string]string{"z": "1", "a": "2"})
	ts := time.Date(2024, 5, 1, 14, 0, 0, 123, time.FixedZone("CEST", 2*3600))
	raw, err := events.Encode(c.Envelope("tx1", ts))
	require.NoError(t, err)
	assert.Equal(t, `{"txId":"tx1","timestamp":"2024-05-01T12:00:00.000000123Z","changes":[{"type":"consent.granted","id":"c1","attrs":{"a":"2","z":"1"}}]}`, string(raw))

	env, err := events.Decode(raw)
	require.NoError(t, err)
	assert.Equal(t, "tx1", env.TxID)
	assert.True(t, ts.Equal(env.Timestamp))
	assert.Equal(t, time.UTC, env.Timestamp.Location())
	assert.Equal(t, c.Changes(), env.Changes)

	empty, err := events.Encode(events.Envelope{TxID: "tx2"})
	require.NoError(t, err)
	assert.Contains(t, string(empty), `"changes":[]`)
}

func TestEncodeRejects(t *testing.T) {
	tests := []struct {
		name string
		env  events.Envelope
	}{
		{"no tx id", events.Envelope{}},
		{"change without type", events.Envelope{TxID: "t", Changes: []events.Change{{ID: "x"}}}},
		{"change without id", events.Envelope{TxID: "t", Changes: []events.Change{{Type: "x"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := events.Encode(tt.env)
			assert.Error(t, err)
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, in := range []string{"", "{", `{"changes":[]}`, `{"txId":"t","timestamp":"yesterday"}`} {
		_, err := events.Decode([]byte(in))
		assert.Error(t, err, in)
	}
	env, err := events.Decode([]byte(`{"txId":"t","timestamp":"2024-01-01T00:00:00Z","changes":[],"future":1}`))
	require.NoError(t, err, "unknown fields are ignored for forward compatibility")
	assert.Equal(t, "t", env.TxID)
}
