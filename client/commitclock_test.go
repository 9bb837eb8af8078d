package client

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCommitClockAveragesRecentCommits(t *testing.T) {
	var c commitClock
	assert.Equal(t, 2*time.Second, c.probe(2*time.Second, time.Minute), "nothing seen: the floor")
	c.observe(time.Second)
	assert.Equal(t, 3*time.Second, c.probe(0, time.Minute))
	for range 40 {
		c.observe(4 * time.Second)
	}
	assert.InDelta(t, float64(12*time.Second), float64(c.probe(0, time.Minute)), float64(100*time.Millisecond),
		"a channel that slowed down: the average follows it")
	assert.Equal(t, 5*time.Second, c.probe(0, 5*time.Second), "never past the ceiling")
	c.observe(0)
	c.observe(-time.Second)
	assert.InDelta(t, float64(12*time.Second), float64(c.probe(0, time.Minute)), float64(100*time.Millisecond),
		"no latency is not a measurement")
}

// An accepted transaction on a channel whose commits take seconds is not
// sent again after the fixed 2 s probe (each copy costs every peer a block
// entry and, with private data, a wait for data that never comes), and
// one that is lost on a quiet channel still is after 2 s.
func TestAcceptedTransactionWaitsForTheChannelsPace(t *testing.T) {
	policy := RetryPolicy{Attempts: 4, Backoff: time.Millisecond, CommitWait: 60 * time.Second}
	for _, tt := range []struct {
		name     string
		latency  time.Duration
		min, max time.Duration
	}{
		{"quiet channel", 100 * time.Millisecond, acceptedProbe, acceptedProbe + 50*time.Millisecond},
		{"loaded channel", 3 * time.Second, 8900 * time.Millisecond, 9 * time.Second},
		{"stalled channel", time.Minute, 14900 * time.Millisecond, 15 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gws := newGateways(nil, nil, time.Second)
			gws.clock.observe(tt.latency)
			s := &submission{gws: gws, policy: policy, acceptedAt: time.Now(), sends: 1, deadline: time.Now().Add(time.Minute)}
			w := s.wait()
			assert.GreaterOrEqual(t, w, tt.min)
			assert.LessOrEqual(t, w, tt.max)
		})
	}
}

// A transaction whose first send lost its reply, and whose status then
// answers a later copy's DUPLICATE_TXID, is known accepted from that
// answer on: the latency it adds to the clock is that of this call, not
// the time since the zero time (which pinned every later probe at its
// ceiling).
func TestAcceptedOnlyThroughADuplicateAnswerMeasuresFromIt(t *testing.T) {
	f := newFake(map[step][]fault{stepSubmit: {lostReply}, stepStatus: {laterCopy}}, 0)
	s := fakeSession(t, testRetry, []*fakeGateway{f})
	_, err := s.Submit(context.Background(), Call{Channel: "care", Chaincode: "cc", Function: "Put"})
	require.NoError(t, err)
	assert.Less(t, s.gws.clock.probe(0, time.Hour), time.Minute)
}
