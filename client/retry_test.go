package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRetryBackoffDoublesUpToItsCap(t *testing.T) {
	r := RetryPolicy{Attempts: 10, Backoff: 100 * time.Millisecond}
	for n, want := range map[int]time.Duration{
		1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond,
		4: 800 * time.Millisecond, 5: 1600 * time.Millisecond, 6: maxPause, 20: maxPause,
	} {
		assert.Equal(t, want, r.backoff(n), "pause after try %d", n)
	}
	assert.Equal(t, maxPause, RetryPolicy{Backoff: time.Minute}.backoff(1), "a first pause above the cap is capped")
	assert.Zero(t, RetryPolicy{}.backoff(3), "no backoff: no pause")
}

func TestRetryAttemptsAndCommitWaitDefaults(t *testing.T) {
	for _, c := range []struct {
		policy   RetryPolicy
		attempts int
		wait     time.Duration
	}{
		{RetryPolicy{}, 1, DefaultCommitWait},
		{RetryPolicy{Attempts: -3}, 1, DefaultCommitWait},
		{NoRetry, 1, DefaultCommitWait},
		{DefaultRetry, 4, DefaultCommitWait},
		{RetryPolicy{Attempts: 2, CommitWait: time.Second}, 2, time.Second},
	} {
		assert.Equal(t, c.attempts, c.policy.attempts(), "%+v", c.policy)
		assert.Equal(t, c.wait, c.policy.commitWait(), "%+v", c.policy)
	}
}

// Only a lost or slow gateway is worth asking again for an evaluation:
// a refusal answers the same the next time.
func TestEvaluateRetriesOnlyWhatAnotherTryCanChange(t *testing.T) {
	retryable := map[Code]bool{CodeUnavailable: true, CodeTimeout: true}
	for _, c := range []Code{CodeInvalidArgument, CodeNotFound, CodeForbidden, CodeConflict, CodeFailedPrecondition,
		CodeInternal, CodeUnavailable, CodeTimeout, CodeCanceled, CodeAccessDenied, CodeMVCCConflict,
		CodeEndorsementMismatch, CodeEndorsementPolicy, CodeInvalidTransaction, CodeDuplicateTxID, CodeCommitUnknown, CodeUnknown} {
		assert.Equal(t, retryable[c], DefaultRetry.evaluateRetryable(c), "%s", c)
	}
}

func TestRetryDo(t *testing.T) {
	unavailable := &Error{Code: CodeUnavailable, Message: "gone"}
	forbidden := &Error{Code: CodeForbidden, Message: "no"}
	r := RetryPolicy{Attempts: 3, Backoff: time.Millisecond}
	for name, c := range map[string]struct {
		answers []*Error
		retry   []bool
		tries   int
		err     *Error
	}{
		"first try works":        {[]*Error{nil}, []bool{false}, 1, nil},
		"works on the third":     {[]*Error{unavailable, unavailable, nil}, []bool{true, true, false}, 3, nil},
		"refusal is not retried": {[]*Error{forbidden, nil}, []bool{false, false}, 1, forbidden},
		"attempts are spent":     {[]*Error{unavailable, unavailable, unavailable, nil}, []bool{true, true, true, true}, 3, unavailable},
	} {
		tries := 0
		err := r.do(context.Background(), func(attempt int) (bool, *Error) {
			tries++
			assert.Equal(t, tries, attempt, name)
			return c.retry[attempt-1], c.answers[attempt-1]
		})
		assert.Equal(t, c.tries, tries, name)
		if c.err == nil {
			assert.NoError(t, err, name)
		} else {
			assert.Equal(t, c.err, err, name)
		}
	}
}

// A caller that gives up during the pause gets the last error with its
// context's error as a cause, and no further try is made.
func TestRetryDoStopsWhenTheCallerGivesUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	tries := 0
	err := RetryPolicy{Attempts: 5, Backoff: time.Hour}.do(ctx, func(int) (bool, *Error) {
		tries++
		cancel()
		return true, &Error{Code: CodeUnavailable, Message: "gone"}
	})
	assert.Equal(t, 1, tries)
	var ce *Error
	assert.True(t, errors.As(err, &ce))
	assert.Equal(t, CodeUnavailable, ce.Code)
	assert.ErrorIs(t, err, context.Canceled)
}
