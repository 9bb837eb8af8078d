package consent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/consent/wire"
)

// seeded is an env where patient1 holds active consent c1 and draft d1 and
// has made guardian1 their guardian; physician1 broke the glass once.
func seeded(t testing.TB) *env {
	e := newEnv(t)
	e.grant(patient1, 0, grantInput("c1"))
	draft := grantInput("d1")
	draft.Status = wire.StatusDraft
	e.grant(patient1, 0, draft)
	e.Must(e.registerDelegate(patient1, 1, guardianInput()), nil)
	e.Must(e.breakGlass(physician, 2, breakGlassInput(60)), nil)
	return e
}

func TestDelegateActsForThePatientUntilRevoked(t *testing.T) {
	e := seeded(t)
	in := grantInput("by-guardian")
	r := e.grant(guardian, 5, in)
	assert.Equal(t, wire.StatusActive, r.Status)
	var v wire.View
	e.Must(e.Query(patient1, 6, "Get", "by-guardian"), &v)
	assert.Equal(t, keyOf(guardian), v.Grantor)
	assert.Equal(t, wire.Permit, e.check(physician, 6, request(pt1, "labs", wire.Actor{})).Decision)

	// A delegate cannot appoint another delegate.
	before := e.Peer.Snapshot()
	e.Refused(before, e.registerDelegate(guardian, 7, wire.DelegateInput{Subject: pt1, Delegate: keyOf(patient2),
		Kind: wire.KindProxy, Period: wire.Period{Start: at(0).Format(time.RFC3339)}}), "FORBIDDEN: ")

	e.Must(e.revokeDelegate(patient1, 8, pt1, keyOf(guardian)), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.grantRes(guardian, 9, grantInput("late")), "FORBIDDEN: ")
	// What the delegate signed while delegated stays honoured.
	assert.Equal(t, wire.Permit, e.check(physician, 9, request(pt1, "labs", wire.Actor{})).Decision)

	var list wire.DelegatePage
	e.Must(e.Query(patient1, 9, "ListDelegates", pt1, "10", ""), &list)
	if assert.Len(t, list.Items, 1) {
		assert.Equal(t, wire.StatusInactive, list.Items[0].Status)
		assert.Equal(t, 2, list.Items[0].Version)
	}
}

func TestDelegationPeriodEnds(t *testing.T) {
	e := newEnv(t)
	in := guardianInput()
	in.Kind, in.Period.End = wire.KindProxy, at(60).Format(time.RFC3339)
	e.Must(e.registerDelegate(patient1, 0, in), nil)
	e.grant(guardian, 59, grantInput("in-time"))
	before := e.Peer.Snapshot()
	e.Refused(before, e.grantRes(guardian, 60, grantInput("too-late")), "FORBIDDEN: ")
}

func TestBreakGlass(t *testing.T) {
	e := newEnv(t)
	// No consent: denied.
	assert.Equal(t, wire.Deny, e.check(physician, 0, request(pt1, "psychiatry", wire.Actor{})).Decision)

	in := breakGlassInput(120)
	in.Reason = "unconscious, suspected overdose"
	res := e.breakGlass(physician, 1, in)
	var r wire.Receipt
	e.Must(res, &r)
	assert.Equal(t, at(121).Format(time.RFC3339Nano), r.End)
	assert.Contains(t, string(res.Event.Payload), "consent.break-glass")
	assert.Contains(t, string(res.Event.Payload), `"org":"ProviderMSP"`)
	assert.NotContains(t, string(res.Event.Payload), pt1)
	assert.NotContains(t, string(res.Event.Payload), "overdose")

	d := e.check(physician, 2, request(pt1, "psychiatry", wire.Actor{}))
	assert.Equal(t, wire.Decision{Decision: wire.Permit, Basis: wire.BasisBreakGlass, BreakGlassID: r.ID, EvaluatedAt: at(2).Format(time.RFC3339Nano)}, d)
	// Only for the clinician who broke the glass, and only until it ends.
	assert.Equal(t, wire.Deny, e.check(physician2, 2, request(pt1, "psychiatry", wire.Actor{})).Decision)
	assert.Equal(t, wire.Permit, e.check(physician, 120, request(pt1, "psychiatry", wire.Actor{})).Decision)
	assert.Equal(t, wire.Deny, e.check(physician, 121, request(pt1, "psychiatry", wire.Actor{})).Decision)

	// The patient and the privacy officer list it.
	var mine wire.BreakGlassPage
	e.Must(e.Query(patient1, 3, "ListBreakGlass", pt1, "10", ""), &mine)
	if assert.Len(t, mine.Items, 1) {
		assert.Equal(t, "unconscious, suspected overdose", mine.Items[0].Reason)
		assert.Equal(t, physicianActor, mine.Items[0].Requester)
	}
	var org wire.BreakGlassPage
	e.Must(e.Query(privacy, 3, "ListBreakGlassByOrg", "ProviderMSP", "10", ""), &org)
	assert.Len(t, org.Items, 1)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Query(payerPriv, 3, "ListBreakGlassByOrg", "ProviderMSP", "10", ""), "FORBIDDEN: ")

	// Longer than 24 hours, or without a reason: refused.
	long := breakGlassInput(24*60 + 1)
	e.Refused(before, e.breakGlass(physician, 4, long), `INVALID_ARGUMENT: field "minutes"`)
	noReason := breakGlassInput(10)
	noReason.Reason = ""
	e.Refused(before, e.breakGlass(physician, 4, noReason), `INVALID_ARGUMENT: field "reason"`)
}
