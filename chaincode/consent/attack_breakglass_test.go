package consent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// checkAs asks Check for the caller's own access.
func (e *env) decision(id *memstub.Identity, minute int, action, purpose, class string) wire.Decision {
	e.T.Helper()
	return e.check(id, minute, string(cctest.JSON(wire.Request{Subject: pt1, Action: action, Purpose: purpose, DataClass: class})))
}

// forge commits a write set that the colluding orgs fabricated, past the
// contract, and requires it to pass endorsement validation (two of the
// three peer orgs satisfy consent's policy).
func (e *env) forge(writes ...memstub.ForgedWrite) {
	e.T.Helper()
	res := e.Peer.Forge(memstub.Forgery{Chaincode: "consent", Endorsers: []string{"PayerMSP", roles.RegulatorMSP}, Writes: writes, Time: at(0)})
	require.Equal(e.T, "VALID", res.Validation, res.Message)
}

func private(key string, v any) memstub.ForgedWrite {
	return memstub.ForgedWrite{Collection: Collection, Key: key, Value: cctest.JSON(v)}
}

// Attack 1: a PayerMSP identity minted as a physician broke the glass.
// Only clinicians of an org playing the provider's part may.
func TestAttackBreakGlassByAnyOrg(t *testing.T) {
	e := newEnv(t)
	before := e.Peer.Snapshot()
	for name, id := range map[string]*memstub.Identity{
		"payer physician":      memstub.NewIdentity("PayerMSP", "dr-payer", map[string]string{"role": parts.RolePhysician}),
		"regulator nurse":      memstub.NewIdentity(roles.RegulatorMSP, "nurse-reg", map[string]string{"role": parts.RoleNurse}),
		"patients physician":   patientsCA.Issue("dr-patient", map[string]string{"role": parts.RolePhysician}),
		"unregistered org":     memstub.NewIdentity("StrangerMSP", "dr-x", map[string]string{"role": parts.RolePhysician}),
		"provider pharmacist":  memstub.NewIdentity("ProviderMSP", "pharm1", map[string]string{"role": "pharmacist"}),
		"provider admin":       orgAdmin,
		"provider privacy":     privacy,
		"provider billing":     billing,
		"provider no role":     memstub.NewIdentity("ProviderMSP", "someone", nil),
		"provider records clk": memstub.NewIdentity("ProviderMSP", "clerk1", map[string]string{"role": "records-clerk"}),
	} {
		e.Refused(before, e.breakGlass(id, 1, breakGlassInput(30)), "FORBIDDEN: ")
		assert.Equal(t, wire.Deny, e.decision(physician, 2, "access", "emergency", "labs").Decision, name)
	}
	e.Must(e.breakGlass(physician, 3, breakGlassInput(30)), nil)
	e.Must(e.breakGlass(nurse, 3, breakGlassInput(30)), nil)
	assert.Equal(t, wire.Permit, e.decision(nurse, 4, "access", "emergency", "labs").Decision)
}

// Attack 1, second half: every decision that honours a break-glass
// re-checks it. A record that says a PayerMSP "physician" broke the glass
// (forged, or written before the registry changed) is not honoured.
func TestAttackBreakGlassIsRecheckedAtEveryDecision(t *testing.T) {
	e := newEnv(t)
	payerDoc := memstub.NewIdentity("PayerMSP", "dr-payer", map[string]string{"role": parts.RolePhysician})
	pharmacist := memstub.NewIdentity("ProviderMSP", "pharm1", map[string]string{"role": "pharmacist"})
	for _, a := range []wire.Actor{{Org: "PayerMSP", Role: parts.RolePhysician, ID: "dr-payer"}, {Org: "ProviderMSP", Role: "pharmacist", ID: "pharm1"}} {
		bg := wire.BreakGlass{ID: "bg-forged-" + a.ID, Subject: pt1, Requester: a, Reason: "forged", Purposes: []string{"emergency"},
			Actions: []string{"access"}, DataClasses: []string{"labs"}, Start: at(0).Format(time.RFC3339Nano),
			End: at(60).Format(time.RFC3339Nano), Episode: at(0).Format(time.RFC3339Nano)}
		bkey, _ := e.breakGlassKey(bg.ID)
		ekey, _ := e.episodeKey(pt1, a.Org+"/"+a.ID)
		e.forge(private(bkey, bg), private(ekey, episode{Start: bg.Start, LastID: bg.ID, LastEnd: bg.End, Updated: bg.Start}))
		req := string(cctest.JSON(wire.Request{Subject: pt1, Requester: a, Action: "access", Purpose: "emergency", DataClass: "labs"}))
		assert.Equal(t, wire.Deny, e.check(auditor, 1, req).Decision, a.Org)
	}
	// Their own Check is refused outright: their roles count in none of their org's parts.
	before := e.Peer.Snapshot()
	e.Refused(before, e.Query(payerDoc, 1, "Check", request(pt1, "labs", wire.Actor{})), "FORBIDDEN: ")
	e.Refused(before, e.Query(pharmacist, 1, "Check", request(pt1, "labs", wire.Actor{Org: "ProviderMSP", Role: parts.RolePhysician, ID: "pharm1"})), "FORBIDDEN: ")
}

// Attack 2: a break-glass for labs permitted disclosing psychiatry notes
// for research. Its classes, actions and purposes are evaluated now, and
// only emergency or treatment purposes may be named.
func TestAttackBreakGlassIsABlankCheque(t *testing.T) {
	e := newEnv(t)
	in := wire.BreakGlassInput{Subject: pt1, Reason: "collapsed", Minutes: 60, Purposes: []string{"emergency"}, DataClasses: []string{"labs"}}
	e.Must(e.breakGlass(physician, 1, in), nil)
	assert.Equal(t, wire.Permit, e.decision(physician, 2, "access", "emergency", "labs").Decision)
	for _, r := range [][3]string{
		{"disclose", "research", "psychiatry"}, {"access", "research", "labs"}, {"access", "emergency", "psychiatry"},
		{"use", "emergency", "labs"}, {"disclose", "emergency", "labs"}, {"access", "treatment", "labs"}, {"access", "payment", "labs"},
	} {
		assert.Equal(t, wire.Deny, e.decision(physician, 2, r[0], r[1], r[2]).Decision, "%v", r)
	}

	before := e.Peer.Snapshot()
	bad := func(f func(*wire.BreakGlassInput)) wire.BreakGlassInput { x := breakGlassInput(30); f(&x); return x }
	e.Refused(before, e.breakGlass(physician2, 3, bad(func(x *wire.BreakGlassInput) { x.Purposes = []string{"research"} })), `INVALID_ARGUMENT: field "purpose[0]"`)
	e.Refused(before, e.breakGlass(physician2, 3, bad(func(x *wire.BreakGlassInput) { x.Purposes = nil })), `INVALID_ARGUMENT: field "purpose"`)
	e.Refused(before, e.breakGlass(physician2, 3, bad(func(x *wire.BreakGlassInput) { x.Actions = []string{"access", "disclose"} })), `INVALID_ARGUMENT: field "action[1]"`)
	e.Refused(before, e.breakGlass(physician2, 3, bad(func(x *wire.BreakGlassInput) { x.DataClasses = nil })), `INVALID_ARGUMENT: field "class"`)
}

// Attack 2: the window starts at the break-glass's own transaction and
// lasts at most 24 hours; a stored window that says otherwise is not
// honoured.
func TestAttackBreakGlassWindowIsTheTransactions(t *testing.T) {
	e := newEnv(t)
	var r wire.Receipt
	e.Must(e.breakGlass(physician, 10, breakGlassInput(24*60)), &r)
	assert.Equal(t, at(10+24*60).Format(time.RFC3339Nano), r.End)
	assert.Equal(t, wire.Deny, e.decision(physician, 9, "access", "emergency", "labs").Decision, "before its start")
	assert.Equal(t, wire.Permit, e.decision(physician, 10, "access", "emergency", "labs").Decision)
	assert.Equal(t, wire.Deny, e.decision(physician, 10+24*60, "access", "emergency", "labs").Decision, "the end is exclusive")

	for name, win := range map[string][2]time.Time{
		"two days":        {at(0), at(48 * 60)},
		"starts tomorrow": {at(24 * 60), at(25 * 60)},
	} {
		bg := wire.BreakGlass{ID: "bg-long", Subject: pt1, Requester: wire.Actor{Org: "ProviderMSP", Role: parts.RolePhysician, ID: "physician2"},
			Reason: "x", Purposes: []string{"emergency"}, Actions: []string{"access"}, DataClasses: []string{"labs"},
			Start: win[0].Format(time.RFC3339Nano), End: win[1].Format(time.RFC3339Nano), Episode: win[0].Format(time.RFC3339Nano)}
		bkey, _ := e.breakGlassKey(bg.ID)
		ekey, _ := e.episodeKey(pt1, "ProviderMSP/physician2")
		e.forge(private(bkey, bg), private(ekey, episode{Start: bg.Start, LastID: bg.ID, LastEnd: bg.End, Updated: bg.Start}))
		assert.Equal(t, wire.Deny, e.decision(physician2, 30*60, "access", "emergency", "labs").Decision, name)
		assert.Equal(t, wire.Deny, e.decision(physician2, 60, "access", "emergency", "labs").Decision, name)
	}
}

// Attack 2: renewals were unlimited. An episode is the first access and at
// most MaxRenewals renewals, 72 hours in all; a new one needs a day
// without access.
func TestAttackBreakGlassRenewalsAreLimited(t *testing.T) {
	e := newEnv(t)
	const day = 24 * 60
	var r wire.Receipt
	e.Must(e.breakGlass(physician, 0, breakGlassInput(day)), &r)
	e.Must(e.breakGlass(physician, day, breakGlassInput(day)), &r)
	assert.Equal(t, at(2*day).Format(time.RFC3339Nano), r.End)
	e.Must(e.breakGlass(physician, 2*day+60, breakGlassInput(day)), &r)
	assert.Equal(t, at(3*day).Format(time.RFC3339Nano), r.End, "the episode ends 72 hours after it began")
	before := e.Peer.Snapshot()
	e.Refused(before, e.breakGlass(physician, 3*day, breakGlassInput(60)), "FAILED_PRECONDITION: ")
	e.Refused(before, e.breakGlass(physician, 4*day-1, breakGlassInput(60)), "FAILED_PRECONDITION: ")
	// Another clinician is another episode; a day without access opens a new one.
	e.Must(e.breakGlass(nurse, 3*day, breakGlassInput(60)), nil)
	e.Must(e.breakGlass(physician, 4*day, breakGlassInput(60)), &r)

	var page wire.BreakGlassPage
	e.Must(e.Query(patient1, 4*day+1, "ListBreakGlass", pt1, "10", ""), &page)
	require.Len(t, page.Items, 5)
	renewals := []int{}
	for _, bg := range page.Items {
		if bg.Requester.ID == "physician1" {
			renewals = append(renewals, bg.Renewal)
		}
	}
	assert.Equal(t, []int{0, 2, 1, 0}, renewals, "newest first")
	assert.Equal(t, r.ID, page.Items[0].ID)
}

// Attack 2: every use of a break-glass is logged against it, for the
// patient and the clinician org's privacy officer.
func TestAttackBreakGlassUsesAreLogged(t *testing.T) {
	e := newEnv(t)
	e.Peer.Install("records", releaser)
	var r wire.Receipt
	e.Must(e.breakGlass(physician, 1, breakGlassInput(60)), &r)
	req := string(cctest.JSON(wire.Request{Subject: pt1, Action: "access", Purpose: "emergency", DataClass: "labs", Record: "rec-1"}))
	for minute := 2; minute <= 4; minute++ {
		e.Must(e.Peer.Invoke("records", physician, at(minute), nil, "Release", req), nil)
	}
	var uses wire.UsePage
	e.Must(e.Query(patient1, 5, "ListBreakGlassUses", r.ID, "10", ""), &uses)
	require.Len(t, uses.Items, 3)
	assert.Equal(t, at(4).Format(time.RFC3339Nano), uses.Items[0].At, "newest first")
	assert.NotEmpty(t, uses.Items[2].Salt, "the stored use is salted")
	assert.Equal(t, wire.BreakGlassUse{BreakGlassID: r.ID, TxID: uses.Items[2].TxID, At: at(2).Format(time.RFC3339Nano),
		Caller: "ProviderMSP/physician1", Action: "access", Purpose: "emergency", DataClass: "labs", Record: "rec-1",
		Salt: uses.Items[2].Salt}, uses.Items[2])
	e.Must(e.Query(privacy, 5, "ListBreakGlassUses", r.ID, "10", ""), &uses)
	e.Must(e.Query(auditor, 5, "ListBreakGlassUses", r.ID, "10", ""), &uses)
	before := e.Peer.Snapshot()
	for _, id := range []*memstub.Identity{payerPriv, physician, patient2, adjudicator, orgAdmin} {
		e.Refused(before, e.Query(id, 5, "ListBreakGlassUses", r.ID, "10", ""), "FORBIDDEN: ")
	}
}
