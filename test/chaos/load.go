package chaos

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/carechain/carechain/client"
)

// Outcome is what the client reported for one write, and when.
type Outcome struct {
	Key, Value string
	// TxID and Block of a committed write; TxID of a COMMIT_UNKNOWN one.
	TxID  string
	Block uint64
	// Code is "" for a committed write, else the error's code, and Err
	// its message.
	Code       client.Code
	Err        string
	Start, End time.Time
	// Resolved is, for COMMIT_UNKNOWN, what Session.CommitStatus said
	// later: the validation code, or "" when it still could not tell.
	Resolved string
}

// Committed reports whether the client said the write committed.
func (o Outcome) Committed() bool { return o.Code == "" }

// Unknown reports whether the client said COMMIT_UNKNOWN.
func (o Outcome) Unknown() bool { return o.Code == client.CodeCommitUnknown }

// Effective reports whether the write took effect by the client's word:
// committed, or unknown and resolved VALID.
func (o Outcome) Effective() bool {
	return o.Committed() || (o.Unknown() && o.Resolved == "VALID")
}

// Writer makes one write of value under key.
type Writer func(ctx context.Context, key, value string) (*client.Result, error)

// Load is a run of writes of unique keys, Workers at a time.
type Load struct {
	Prefix  string // every key starts with it
	Total   int
	Workers int
	Write   Writer
	done    atomic.Int64
}

// Done counts the writes that have an outcome so far.
func (l *Load) Done() int { return int(l.done.Load()) }

// Run makes the writes and returns every outcome, in key order.
func (l *Load) Run(ctx context.Context) []Outcome {
	out := make([]Outcome, l.Total)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < max(l.Workers, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < l.Total && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				out[i] = l.one(ctx, i)
				l.done.Add(1)
			}
		}()
	}
	wg.Wait()
	return out
}

func (l *Load) one(ctx context.Context, i int) Outcome {
	o := Outcome{Key: fmt.Sprintf("%s-%05d", l.Prefix, i), Value: fmt.Sprintf("v%05d-%s", i, nonce()), Start: time.Now()}
	res, err := l.Write(ctx, o.Key, o.Value)
	o.End = time.Now()
	if err == nil {
		o.TxID, o.Block = res.TxID, res.Block
		return o
	}
	o.Code, o.Err = client.CodeOf(err), err.Error()
	var ce *client.Error
	if errors.As(err, &ce) {
		o.TxID = ce.TxID
	}
	return o
}

func nonce() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Stall is the longest gap between two successive commits the client saw.
func Stall(outs []Outcome) time.Duration {
	var ends []time.Time
	for _, o := range outs {
		if o.Committed() {
			ends = append(ends, o.End)
		}
	}
	sort.Slice(ends, func(i, j int) bool { return ends[i].Before(ends[j]) })
	var longest time.Duration
	for i := 1; i < len(ends); i++ {
		longest = max(longest, ends[i].Sub(ends[i-1]))
	}
	return longest
}

// StatusAsker is Session.CommitStatus.
type StatusAsker func(ctx context.Context, txID string) (*client.TxStatus, error)

// Resolve asks the commit status of every COMMIT_UNKNOWN outcome, all at
// once, each for at most wait, and records the answer in Resolved.
func Resolve(ctx context.Context, outs []Outcome, ask StatusAsker, wait time.Duration) {
	var wg sync.WaitGroup
	for i := range outs {
		if !outs[i].Unknown() || outs[i].TxID == "" {
			continue
		}
		wg.Add(1)
		go func(o *Outcome) {
			defer wg.Done()
			actx, cancel := context.WithTimeout(ctx, wait)
			defer cancel()
			if st, err := ask(actx, o.TxID); err == nil {
				o.Resolved, o.Block = st.Validation, st.Block
			}
		}(&outs[i])
	}
	wg.Wait()
}

// Worst is the longest call that ran at some moment of [from, to].
func Worst(outs []Outcome, from, to time.Time) time.Duration {
	var worst time.Duration
	for _, o := range outs {
		if o.Start.After(to) || o.End.Before(from) {
			continue
		}
		worst = max(worst, o.End.Sub(o.Start))
	}
	return worst
}

// WorstBefore is the longest call that ended before t: the load's own
// noise, before a fault.
func WorstBefore(outs []Outcome, t time.Time) time.Duration {
	var worst time.Duration
	for _, o := range outs {
		if o.End.Before(t) {
			worst = max(worst, o.End.Sub(o.Start))
		}
	}
	return worst
}
