package client

import (
	"context"
	"errors"
	"time"
)

// RetryPolicy says how often and how fast safe retries happen, and how long
// a call waits to learn the outcome of a transaction that may have been
// ordered.
type RetryPolicy struct {
	// Attempts bounds both the transactions one call builds (a new one only
	// after the previous one certainly had no effect) and the sends of one
	// signed transaction that reached a gateway's Submit (a send refused or
	// cut off with its gateway does not count: the same transaction is
	// sent again, through the next gateway, until CommitWait ends); 1 = no
	// retry at all.
	Attempts int
	// Backoff is the first pause, doubled each time, at most maxPause.
	Backoff time.Duration
	// CommitWait bounds the wait for a transaction's outcome once it may
	// have been ordered; after it the call fails with COMMIT_UNKNOWN. Zero:
	// DefaultCommitWait.
	CommitWait time.Duration
}

// DefaultCommitWait is how long a call waits for the outcome of a
// transaction that may have been ordered, unless its RetryPolicy says.
const DefaultCommitWait = 60 * time.Second

// maxPause caps the pause between two tries.
const maxPause = 2 * time.Second

// DefaultRetry makes up to 4 attempts, 100 ms apart and doubling.
var DefaultRetry = RetryPolicy{Attempts: 4, Backoff: 100 * time.Millisecond}

// NoRetry makes one attempt (benchmarks count every failure). A call still
// asks the commit status of its transaction when its submit fails, so that
// what it reports is true.
var NoRetry = RetryPolicy{Attempts: 1}

func (r RetryPolicy) attempts() int { return max(r.Attempts, 1) }

func (r RetryPolicy) commitWait() time.Duration {
	if r.CommitWait > 0 {
		return r.CommitWait
	}
	return DefaultCommitWait
}

// backoff is the pause after the n-th try (n ≥ 1).
func (r RetryPolicy) backoff(n int) time.Duration {
	d := r.Backoff
	for i := 1; i < n && d < maxPause; i++ {
		d *= 2
	}
	return min(d, maxPause)
}

// pause waits d, and reports false when ctx ended first.
func pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (r RetryPolicy) evaluateRetryable(c Code) bool {
	return c == CodeUnavailable || c == CodeTimeout
}

// do runs fn until it succeeds, says not to retry, or the attempts are
// spent. It is for calls that write nothing (evaluate, commit status).
func (r RetryPolicy) do(ctx context.Context, fn func(attempt int) (retry bool, err *Error)) error {
	for i := 1; ; i++ {
		retry, err := fn(i)
		if err == nil {
			return nil
		}
		if !retry || i >= r.attempts() {
			return err
		}
		if !pause(ctx, r.backoff(i)) {
			return withCause(err, ctx.Err())
		}
	}
}

// withCause returns a copy of e whose cause also holds err.
func withCause(e *Error, err error) *Error {
	c := *e
	c.Err = errors.Join(e.Err, err)
	return &c
}
