package consent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
)

// Attack 3: a one-minute break-glass stamped a year ahead permitted access
// now, and a request stamped inside an expired consent's period was
// honoured after it expired. With the contract's Clock set, a transaction
// stamped far from the endorsing peer's clock is refused.
func TestAttackTimeIsWhateverTheClientSays(t *testing.T) {
	now := at(24 * 60) // the peer's clock: the day after the consent began
	e := newEnvWith(t, &Contract{Clock: func() time.Time { return now }}, genesis())
	in := grantInput("c1") // [at(0), at(24h))
	e.Must(e.Peer.Submit(memstubTx(e, in, now.Add(-2*time.Minute))), nil)
	before := e.Peer.Snapshot()
	yearAhead, monthBehind := now.AddDate(1, 0, 0), now.AddDate(0, 0, -30)
	for _, when := range []time.Time{yearAhead, monthBehind} {
		tm := map[string][]byte{wire.TransientBreakGlass: cctest.JSON(breakGlassInput(1))}
		e.Refused(before, e.Peer.Invoke("consent", physician, when, tm, "BreakGlass"), `INVALID_ARGUMENT: field "timestamp"`)
		e.Refused(before, e.Peer.Query("consent", physician, when, "Check", request(pt1, "labs", wire.Actor{})), `INVALID_ARGUMENT: field "timestamp"`)
		e.Refused(before, e.Peer.Invoke("consent", patient1, when, signed(patient1, wire.ConsentStatement("care", wire.GrantedConsent(grantInput("c2"))), wire.TransientConsent, grantInput("c2")), "Grant"), `INVALID_ARGUMENT: field "timestamp"`)
	}
	// Inside the consent's period, by the client's stamp: refused, not honoured.
	e.Refused(before, e.Peer.Query("consent", physician, at(60), "Check", request(pt1, "labs", wire.Actor{})), `INVALID_ARGUMENT: field "timestamp"`)
	// At the peer's time, the consent has expired.
	var d wire.Decision
	e.Must(e.Peer.Query("consent", physician, now.Add(time.Minute), "Check", request(pt1, "labs", wire.Actor{})), &d)
	assert.Equal(t, wire.Deny, d.Decision)
}

// Per-object time: a change stamped before the object's latest change is
// refused, so that backdating cannot reopen an expired window.
func TestAttackBackdatingCannotReopenAnExpiredWindow(t *testing.T) {
	e := newEnv(t)
	draft := grantInput("d1")
	draft.Status, draft.Period.End = wire.StatusDraft, at(60).Format(time.RFC3339)
	e.grant(patient1, 0, draft)
	draft.Provision.DataClasses = []string{"labs"}
	e.Must(e.update(patient1, 70, draft), nil) // the draft's period has ended at minute 70
	before := e.Peer.Snapshot()
	e.Refused(before, e.activate(patient1, 70, "d1"), "FAILED_PRECONDITION: consent d1: its period has already ended")
	e.Refused(before, e.activate(patient1, 50, "d1"), "FAILED_PRECONDITION: transaction time")

	// A revoked consent: a change stamped before the revocation is refused.
	e.grant(patient1, 0, grantInput("c1"))
	e.Must(e.revoke(patient1, 20, "c1"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.change(patient1, 10, "MarkEnteredInError", "c1", wire.EnteredInError), "FAILED_PRECONDITION: transaction time")
	super := grantInput("c2")
	super.Supersedes = "c1"
	e.Refused(before, e.grantRes(patient1, 10, super), "FAILED_PRECONDITION: transaction time")

	// A break-glass episode: one stamped before the latest is refused (it
	// would otherwise open a fresh window in the past).
	e.Must(e.breakGlass(physician, 100, breakGlassInput(30)), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.breakGlass(physician, 50, breakGlassInput(30)), "FAILED_PRECONDITION: transaction time")

	// A delegation: re-registering before its revocation is refused.
	e.Must(e.registerDelegate(patient1, 10, guardianInput()), nil)
	e.Must(e.revokeDelegate(patient1, 30, pt1, keyOf(guardian)), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.registerDelegate(patient1, 20, guardianInput()), "FAILED_PRECONDITION: transaction time")
	e.Refused(before, e.grantRes(guardian, 20, grantInput("by-guardian")), "FORBIDDEN: ")
}
