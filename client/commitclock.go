package client

import (
	"sync"
	"time"
)

// commitClock keeps a session's recent commit latency: how long a
// transaction the ordering service accepted took to be known committed.
// An accepted transaction is sent again only after a probe several times
// longer than that, so that a loaded channel — where every commit takes
// seconds — is not flooded with copies of transactions that are merely
// slow (each copy is ordered, validated and refused as DUPLICATE_TXID, and
// costs every peer a block entry), while a quiet channel still resends
// soon after an orderer dropped what it had accepted.
type commitClock struct {
	mu   sync.Mutex
	ewma time.Duration // 0: nothing observed yet
}

// commitClockWeight is the weight of a new observation in the average:
// about the last eight commits count.
const commitClockWeight = 8

// probeFactor: an accepted transaction is waited for this many recent
// commit latencies before it is sent again.
const probeFactor = 3

// observe adds one accepted-to-committed latency.
func (c *commitClock) observe(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ewma == 0 {
		c.ewma = d
		return
	}
	c.ewma += (d - c.ewma) / commitClockWeight
}

// probe is how long an accepted transaction is waited for before it is
// sent again: probeFactor recent commit latencies, at least floor and at
// most ceiling.
func (c *commitClock) probe(floor, ceiling time.Duration) time.Duration {
	c.mu.Lock()
	p := probeFactor * c.ewma
	c.mu.Unlock()
	return min(max(p, floor), ceiling)
}
