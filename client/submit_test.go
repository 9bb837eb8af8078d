package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testRetry is DefaultRetry made fast: the commit wait is 200 ms, so a
// probe after an accepted send is 50 ms and after a failed one 12.5 ms.
var testRetry = RetryPolicy{Attempts: 4, Backoff: time.Millisecond, CommitWait: 200 * time.Millisecond}

func times(f fault, n int) []fault {
	out := make([]fault, n)
	for i := range out {
		out[i] = f
	}
	return out
}

// submitCase is one fault scenario of Submit and what must come of it.
type submitCase struct {
	name   string
	policy *RetryPolicy // default testRetry
	script map[step][]fault
	mvcc   int
	// what the call reports
	wantTxID string // the result's or the error's
	wantCode Code   // "" for success
	// what happened
	wantBuilt int // transactions built
	wantSends int // sends of the reported transaction (0: not checked)
	wantValid int // transactions that took effect
}

var noRetry = RetryPolicy{Attempts: 1, CommitWait: testRetry.CommitWait}

var submitCases = []submitCase{
	{name: "no fault", wantTxID: "tx1", wantBuilt: 1, wantSends: 1, wantValid: 1},

	// Before ordering: a new transaction is safe.
	{name: "endorse unavailable, then a new transaction", script: map[step][]fault{stepEndorse: {down}},
		wantTxID: "tx2", wantBuilt: 2, wantSends: 1, wantValid: 1},
	{name: "endorsement mismatch, then a new transaction", script: map[step][]fault{stepEndorse: {mismatch}},
		wantTxID: "tx2", wantBuilt: 2, wantValid: 1},
	{name: "endorse unavailable every time", script: map[step][]fault{stepEndorse: times(down, 4)},
		wantCode: CodeUnavailable, wantBuilt: 4},
	{name: "chaincode refusal is not retried", script: map[step][]fault{stepEndorse: {forbidden}},
		wantCode: CodeForbidden, wantBuilt: 1},
	{name: "MVCC conflict at commit, then a new transaction", mvcc: 1,
		wantTxID: "tx2", wantBuilt: 2, wantValid: 1},
	{name: "MVCC conflict every time", mvcc: 4,
		wantTxID: "tx4", wantCode: CodeMVCCConflict, wantBuilt: 4},
	{name: "endorse unavailable, MVCC, then committed", script: map[step][]fault{stepEndorse: {down}}, mvcc: 1,
		wantTxID: "tx3", wantBuilt: 3, wantValid: 1},

	// Once submitted: the same transaction, and its commit status.
	{name: "submit unavailable before the orderer got it: same transaction again",
		script:   map[step][]fault{stepSubmit: {down}},
		wantTxID: "tx1", wantBuilt: 1, wantSends: 2, wantValid: 1},
	{name: "submit reply lost after the orderer got it: commit status finds it",
		script:   map[step][]fault{stepSubmit: {lostReply}},
		wantTxID: "tx1", wantBuilt: 1, wantSends: 1, wantValid: 1},
	{name: "reply lost and status unavailable: the resubmitted copy is a duplicate",
		script:   map[step][]fault{stepSubmit: {lostReply}, stepStatus: {down}},
		wantTxID: "tx1", wantBuilt: 1, wantSends: 2, wantValid: 1},
	{name: "duplicate answer on resubmit: commit status",
		script:   map[step][]fault{stepSubmit: {lostReply, duplicateReply}, stepStatus: {down}},
		wantTxID: "tx1", wantBuilt: 1, wantSends: 2, wantValid: 1},
	{name: "status answers with a later copy's DUPLICATE_TXID: ask again",
		script:   map[step][]fault{stepStatus: {laterCopy}},
		wantTxID: "tx1", wantBuilt: 1, wantSends: 1, wantValid: 1},
	{name: "accepted, then lost by the ordering service: sent again after a probe",
		script:   map[step][]fault{stepSubmit: {dropped}},
		wantTxID: "tx1", wantBuilt: 1, wantSends: 2, wantValid: 1},
	{name: "status unavailable for a while", script: map[step][]fault{stepStatus: times(down, 5)},
		wantTxID: "tx1", wantBuilt: 1, wantSends: 1, wantValid: 1},
	{name: "committed, and the status never comes: COMMIT_UNKNOWN with the txid",
		script:   map[step][]fault{stepSubmit: {lostReply}, stepStatus: times(hang, 10)},
		wantTxID: "tx1", wantCode: CodeCommitUnknown, wantBuilt: 1, wantValid: 1},
	{name: "never reached the orderer: COMMIT_UNKNOWN, never a second transaction",
		script:   map[step][]fault{stepSubmit: times(down, 1000)},
		wantTxID: "tx1", wantCode: CodeCommitUnknown, wantBuilt: 1},
	{name: "the gateway refused every send for a while: the same transaction once it is back",
		script:   map[step][]fault{stepSubmit: times(down, 5)},
		wantTxID: "tx1", wantBuilt: 1, wantSends: 6, wantValid: 1},
	{name: "sends that reached the gateway count: 4 at most",
		script:   map[step][]fault{stepSubmit: times(dropped, 1000), stepStatus: times(pass, 1000)},
		wantTxID: "tx1", wantCode: CodeCommitUnknown, wantBuilt: 1, wantSends: 4},
	{name: "MVCC, then the second transaction's outcome is unknown: its txid",
		script: map[step][]fault{stepSubmit: append([]fault{pass}, times(down, 1000)...)}, mvcc: 1,
		wantTxID: "tx2", wantCode: CodeCommitUnknown, wantBuilt: 2},
	{name: "refused by the orderer: not ordered, not retried",
		script:   map[step][]fault{stepSubmit: {refused}},
		wantTxID: "tx1", wantCode: CodeUnknown, wantBuilt: 1, wantSends: 1},

	// NoRetry: no second send, no second transaction, and still the truth.
	{name: "no retry: reply lost, the status says committed", policy: &noRetry,
		script:   map[step][]fault{stepSubmit: {lostReply}},
		wantTxID: "tx1", wantBuilt: 1, wantSends: 1, wantValid: 1},
	{name: "no retry: submit unavailable", policy: &noRetry,
		script:   map[step][]fault{stepSubmit: {down}},
		wantTxID: "tx1", wantCode: CodeCommitUnknown, wantBuilt: 1, wantSends: 1},
	{name: "no retry: MVCC conflict", policy: &noRetry, mvcc: 1,
		wantTxID: "tx1", wantCode: CodeMVCCConflict, wantBuilt: 1},
}

func TestSubmitStateMachine(t *testing.T) {
	for _, tt := range submitCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t)
		})
	}
}

func (tt submitCase) check(t *testing.T) {
	policy := testRetry
	if tt.policy != nil {
		policy = *tt.policy
	}
	f := newFake(tt.script, tt.mvcc)
	s := fakeSession(t, policy, []*fakeGateway{f})
	res, err := s.Submit(context.Background(), Call{Channel: "care", Chaincode: "cc", Function: "Put"})

	assert.Len(t, f.built, tt.wantBuilt, "transactions built")
	assert.Equal(t, tt.wantValid, f.valid(), "transactions that took effect")
	if tt.wantSends > 0 {
		assert.Equal(t, tt.wantSends, f.submitted[tt.wantTxID], "sends of %s", tt.wantTxID)
	}
	assertOneAtATime(t, f.fakeOrderer)
	if tt.wantCode == "" {
		require.NoError(t, err)
		assert.Equal(t, tt.wantTxID, res.TxID)
		assert.Equal(t, []byte("result of "+tt.wantTxID), res.Payload)
		assert.Equal(t, f.ledger[res.TxID].block, res.Block)
		assert.Equal(t, tt.wantBuilt, res.Attempts)
		return
	}
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, tt.wantCode, e.Code, "%v", err)
	assert.Equal(t, tt.wantTxID, e.TxID, "%v", err)
	assert.Nil(t, res)
}

// assertOneAtATime checks the rule: a transaction is built after a
// submitted one only when that one committed as an MVCC conflict.
func assertOneAtATime(t *testing.T, f *fakeOrderer) {
	t.Helper()
	for _, id := range f.built[:max(len(f.built)-1, 0)] {
		if f.submitted[id] == 0 {
			continue
		}
		assert.Equal(t, peer.TxValidationCode_MVCC_READ_CONFLICT, f.ledger[id].code,
			"%s was submitted, yet a new transaction followed it", id)
	}
}

func TestSubmitCommitUnknownSettledLater(t *testing.T) {
	f := newFake(map[step][]fault{stepSubmit: {lostReply}, stepStatus: times(hang, 10)}, 0)
	s := fakeSession(t, testRetry, []*fakeGateway{f})
	_, err := s.Submit(context.Background(), Call{Channel: "care", Chaincode: "cc", Function: "Put"})
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, CodeCommitUnknown, e.Code)
	assert.ErrorIs(t, err, ErrCommitUnknown)
	assert.NotErrorIs(t, err, ErrUnavailable, "a COMMIT_UNKNOWN must not look retryable")
	assert.NotErrorIs(t, err, ErrTimeout, "a COMMIT_UNKNOWN must not look retryable")

	f.script[stepStatus] = nil
	st, err := s.CommitStatus(context.Background(), "care", e.TxID)
	require.NoError(t, err)
	assert.True(t, st.Valid())
	assert.Equal(t, TxStatus{TxID: "tx1", Block: 1, Validation: "VALID"}, *st)
}

func TestSubmitCallerCancels(t *testing.T) {
	f := newFake(map[step][]fault{stepStatus: times(hang, 100)}, 0)
	f.script[stepSubmit] = []fault{dropped}
	s := fakeSession(t, RetryPolicy{Attempts: 4, Backoff: time.Millisecond, CommitWait: time.Minute}, []*fakeGateway{f})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := s.Submit(ctx, Call{Channel: "care"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeCommitUnknown, e.Code)
	assert.Equal(t, "tx1", e.TxID)
	assert.Len(t, f.built, 1)
}

func TestSubmitCanceledBeforeOrdering(t *testing.T) {
	f := newFake(map[step][]fault{stepEndorse: times(down, 4)}, 0)
	s := fakeSession(t, RetryPolicy{Attempts: 4, Backoff: time.Hour}, []*fakeGateway{f})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := s.Submit(ctx, Call{Channel: "care"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeUnavailable, e.Code)
	assert.Empty(t, e.TxID, "nothing was ordered")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Len(t, f.built, 1)
}

func TestCommitStatus(t *testing.T) {
	f := newFake(map[step][]fault{stepStatus: {down, down}}, 1)
	f.order("tx9")
	s := fakeSession(t, testRetry, []*fakeGateway{f})
	st, err := s.CommitStatus(context.Background(), "care", "tx9")
	require.NoError(t, err)
	assert.False(t, st.Valid())
	assert.Equal(t, "MVCC_READ_CONFLICT", st.Validation)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = s.CommitStatus(ctx, "care", "never-submitted")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeCommitUnknown, e.Code)
	assert.Equal(t, "never-submitted", e.TxID)

	s = fakeSession(t, testRetry, []*fakeGateway{newFake(map[step][]fault{stepStatus: times(down, 4)}, 0)})
	_, err = s.CommitStatus(context.Background(), "care", "tx9")
	assert.True(t, errors.Is(err, ErrUnavailable), "%v", err)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "tx9", e.TxID)
}

func TestEvaluateRetriesUnavailable(t *testing.T) {
	f := newFake(map[step][]fault{stepEndorse: {down, down}}, 0)
	s := fakeSession(t, testRetry, []*fakeGateway{f})
	res, err := s.Evaluate(context.Background(), Call{Channel: "care"})
	require.NoError(t, err)
	assert.Equal(t, 3, res.Attempts)
	assert.Equal(t, []byte("answer from peer0.provider"), res.Payload)

	f = newFake(map[step][]fault{stepEndorse: times(down, 4)}, 0)
	s = fakeSession(t, testRetry, []*fakeGateway{f})
	_, err = s.Evaluate(context.Background(), Call{Channel: "care"})
	assert.ErrorIs(t, err, ErrUnavailable)
}
