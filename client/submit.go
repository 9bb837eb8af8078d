package client

import (
	"context"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
)

// acceptedProbe bounds how long an accepted transaction is waited for
// before it is sent again: an orderer that loses its Raft leadership can
// drop what it accepted, and the same signed transaction is then resent
// (Fabric refuses a duplicate txid, so this never commits twice).
const acceptedProbe = 2 * time.Second

// submission is one Session.Submit call, run as a state machine. Its rule:
// at most one transaction of the call may have been ordered, and a new one
// is built only when the previous one certainly had no effect:
//
//   - its endorsement failed (UNAVAILABLE, TIMEOUT, ENDORSEMENT_MISMATCH):
//     only this client can sign the endorsed transaction, and it had not,
//     so nothing can have been ordered;
//   - it committed as an MVCC conflict: it is in a block, marked invalid.
//
// Once the signed transaction has been handed to Submit, a retry sends that
// same transaction again (a copy that reaches a block after the first is
// marked DUPLICATE_TXID and has no effect) and asks the commit status of its
// id, until the outcome is known or RetryPolicy.CommitWait has passed
// (COMMIT_UNKNOWN).
//
// Each step goes to the gateway the session would use now (see gateways):
// after a lost gateway, a new proposal is made on the next one, and a
// transaction that may have been ordered moves as it is — the same signed
// envelope is sent through the next gateway, and its status asked there.
// A send that failed because its gateway went away is made again through
// the next one at once, without waiting for a status first.
type submission struct {
	gws    *gateways
	call   Call
	policy RetryPolicy
	gw     *gateway // the gateway tx was endorsed or last sent through

	proposals int         // transactions built
	tx        transaction // the transaction that may have been ordered
	sends     int         // sends of tx to the gateway's Submit
	lostSends int         // of those, sends that failed with their gateway
	// acceptedAt is when the gateway first said the ordering service has
	// tx (zero until then); the commit latency is measured from it.
	acceptedAt time.Time
	tries      int       // pauses since tx was endorsed
	deadline   time.Time // end of the wait for tx's outcome
	last       *Error    // the last failure while tx's outcome is unknown

	res *Result
	err *Error
}

// state is one step of a submission; it returns the next step, nil at the end.
type state func(ctx context.Context) state

func (s *submission) run(ctx context.Context) (*Result, error) {
	for next := s.propose; next != nil; {
		next = next(ctx)
	}
	if s.err != nil {
		return nil, s.err
	}
	return s.res, nil
}

func (s *submission) fail(e *Error) state {
	s.err = e
	return nil
}

// propose builds a new transaction and has it endorsed.
func (s *submission) propose(ctx context.Context) state {
	s.proposals++
	s.tx, s.sends, s.lostSends, s.acceptedAt, s.tries, s.last = nil, 0, 0, time.Time{}, 0, nil
	g, err := s.gws.pick(s.call)
	if err != nil {
		return s.fail(classify(err, ""))
	}
	p, err := g.api.propose(s.call)
	if err != nil {
		return s.fail(classify(err, ""))
	}
	tx, err := p.endorse(ctx)
	if err != nil {
		e := classify(err, "")
		s.gws.observe(ctx, g, e)
		if retryBeforeOrdering(e.Code) {
			return s.again(ctx, e)
		}
		return s.fail(e)
	}
	s.gws.observe(ctx, g, nil)
	s.gw, s.tx, s.deadline = g, tx, time.Now().Add(s.policy.commitWait())
	return s.submit
}

// again builds a new transaction, after one that certainly had no effect,
// when the policy allows one more.
func (s *submission) again(ctx context.Context, e *Error) state {
	if s.proposals >= s.policy.attempts() {
		return s.fail(e)
	}
	if !pause(ctx, s.policy.backoff(s.proposals)) {
		return s.fail(withCause(e, ctx.Err()))
	}
	return s.propose
}

// submit hands the signed transaction to the gateway's Submit.
func (s *submission) submit(ctx context.Context) state {
	s.move()
	s.sends++
	err := s.tx.submit(ctx)
	if err == nil {
		s.gws.observe(ctx, s.gw, nil)
		s.markAccepted()
		return s.status
	}
	e := classify(err, s.tx.txID())
	s.gws.observe(ctx, s.gw, e)
	switch {
	case e.Code == CodeDuplicateTxID:
		s.markAccepted() // an earlier send got through
	case refusedBySubmit(err):
		return s.fail(e)
	case lostBy(ctx, e):
		// The gateway went away with it: the same transaction through
		// the next one at once (a copy that is ordered second changes
		// nothing), then its status there.
		s.last, s.lostSends = e, s.lostSends+1
		if s.sendsLeft() && s.movable() {
			return s.after(ctx, s.submit)
		}
	default:
		s.last = e // the ordering service may have it anyway
	}
	return s.status
}

// markAccepted notes that the ordering service has the transaction, and
// when it first did.
func (s *submission) markAccepted() {
	if !s.accepted() {
		s.acceptedAt = time.Now()
	}
}

// accepted: the ordering service has the transaction.
func (s *submission) accepted() bool { return !s.acceptedAt.IsZero() }

// sendsLeft reports whether the policy allows another send. A send that
// failed with its gateway (refused, reset: see lostBy) does not count when
// the policy retries at all, so that a transaction whose every gateway was
// down is sent again once one is back, until the commit wait ends.
func (s *submission) sendsLeft() bool {
	n := s.sends
	if s.policy.attempts() > 1 {
		n -= s.lostSends
	}
	return n < s.policy.attempts()
}

// movable reports whether the session would now send through another
// gateway than the transaction's.
func (s *submission) movable() bool {
	g, err := s.gws.pick(s.call)
	return err == nil && g != s.gw
}

// status asks the commit status of the transaction's id, waiting at most
// until the next send is due (see wait).
func (s *submission) status(ctx context.Context) state {
	wait := s.wait()
	if wait <= 0 {
		return s.fail(commitUnknown(s.tx.txID(), s.last))
	}
	g, perr := s.gws.pick(s.call)
	if perr != nil {
		return s.fail(commitUnknown(s.tx.txID(), classify(perr, s.tx.txID())))
	}
	sctx, cancel := context.WithTimeout(ctx, wait)
	st, err := g.api.commitStatus(sctx, s.call.Channel, s.tx.txID())
	cancel()
	if err == nil {
		s.gws.observe(ctx, g, nil)
		return s.verdict(ctx, st)
	}
	e := classify(err, s.tx.txID())
	if e.Code == CodeUnavailable { // a timeout is the wait's own bound
		s.gws.observe(ctx, g, e)
	}
	s.last = e
	switch {
	case ctx.Err() != nil || !retryableStatus(e.Code):
		return s.fail(commitUnknown(s.tx.txID(), e))
	case s.sendsLeft() && (!s.accepted() || e.Code == CodeTimeout):
		return s.after(ctx, s.submit) // the same transaction again
	}
	return s.after(ctx, s.status)
}

// move binds the transaction, already sent at least once (so signed), to
// the gateway the session would use now, when that is another one: the
// same signed transaction goes there. It stays where it was when it
// cannot move.
func (s *submission) move() {
	g, err := s.gws.pick(s.call)
	if err != nil || g == s.gw || s.sends == 0 {
		return
	}
	if tx, err := g.api.resume(s.tx); err == nil {
		s.gw, s.tx = g, tx
	}
}

// wait is how long the next status request may wait for the commit: after
// a failed send a short probe; after an accepted one three of the
// session's recent commit latencies (at least acceptedProbe, at most a
// quarter of the commit wait: see commitClock), then the transaction is
// sent again while sends are left; with none left, the rest of the commit
// wait.
func (s *submission) wait() time.Duration {
	left := time.Until(s.deadline)
	if !s.sendsLeft() {
		return left
	}
	ceiling := s.policy.commitWait() / 4
	if !s.accepted() {
		return min(left, maxPause, min(ceiling, acceptedProbe)/4)
	}
	return min(left, s.gws.clock.probe(min(acceptedProbe, ceiling), ceiling))
}

// after pauses, then goes on with next, while the outcome is unknown.
func (s *submission) after(ctx context.Context, next state) state {
	s.tries++
	if !pause(ctx, min(s.policy.backoff(s.tries), time.Until(s.deadline))) {
		return s.fail(commitUnknown(s.tx.txID(), s.last))
	}
	return next
}

// verdict acts on the ledger's answer for the transaction's id.
func (s *submission) verdict(ctx context.Context, st txStatus) state {
	id := s.tx.txID()
	e := committedInvalid(id, st.code, nil)
	if s.accepted() && e.Code != CodeDuplicateTxID {
		s.gws.clock.observe(time.Since(s.acceptedAt))
	}
	switch {
	case st.code == peer.TxValidationCode_VALID:
		s.res = &Result{TxID: id, Block: st.block, Payload: s.tx.result(), Attempts: s.proposals}
		return nil
	case e.Code == CodeDuplicateTxID:
		// A later copy of this transaction: the ledger keeps the first
		// copy's outcome under the id, so ask again.
		s.markAccepted()
		s.last = e
		return s.after(ctx, s.status)
	case e.Code == CodeMVCCConflict:
		return s.again(ctx, e) // it had no effect
	}
	return s.fail(e)
}

// retryBeforeOrdering: an endorsement failure worth a new transaction.
func retryBeforeOrdering(c Code) bool {
	// An endorsement mismatch is typically one endorser that had not yet
	// committed the block a read depends on; a new proposal sees it.
	return c == CodeUnavailable || c == CodeTimeout || c == CodeEndorsementMismatch
}

// retryableStatus: a commit status failure worth asking again.
func retryableStatus(c Code) bool {
	return c == CodeUnavailable || c == CodeTimeout
}

// refusedBySubmit: the gateway or an orderer answered that it refuses the
// transaction (malformed, unauthorized, too large, unknown channel), so it
// was not ordered. Transport failures (UNAVAILABLE, a reset link, a
// deadline) say nothing of the sort: the orderer may have it.
func refusedBySubmit(err error) bool {
	switch grpcCode(err) {
	case codes.InvalidArgument, codes.FailedPrecondition, codes.PermissionDenied,
		codes.Unauthenticated, codes.Aborted, codes.ResourceExhausted:
		return true
	}
	return false
}
