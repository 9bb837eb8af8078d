package consent

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/events"
)

func TestGrantCheckRevoke(t *testing.T) {
	e := newEnv(t)
	r := e.grant(patient1, 0, grantInput("c1"))
	assert.Equal(t, wire.Receipt{ID: "c1", Status: wire.StatusActive, Version: 1, TxID: r.TxID}, r)

	// The physician checks their own access; the regulator's auditor checks it too.
	d := e.check(physician, 10, request(pt1, "labs", wire.Actor{}))
	assert.Equal(t, wire.Permit, d.Decision)
	assert.Equal(t, "c1", d.ConsentID)
	assert.Equal(t, wire.Permit, e.check(auditor, 10, request(pt1, "labs", physicianActor)).Decision)
	assert.Equal(t, wire.Deny, e.check(physician, 10, request(pt1, "psychiatry", wire.Actor{})).Decision)

	rev := e.revoke(patient1, 20, "c1")
	var rr wire.Receipt
	e.Must(rev, &rr)
	assert.Equal(t, wire.StatusInactive, rr.Status)
	assert.Equal(t, wire.ReasonRevoked, rr.StatusReason)
	assert.Equal(t, 2, rr.Version)

	d = e.check(physician, 21, request(pt1, "labs", wire.Actor{}))
	assert.Equal(t, wire.Deny, d.Decision)
	assert.Equal(t, wire.BasisDefault, d.Basis)
}

func TestGrantWritesNothingSensitiveInPublicStateOrEvents(t *testing.T) {
	e := newEnv(t)
	res := e.grantRes(patient1, 0, grantInput("c1"))
	e.Must(res, nil)
	// The response and the event go into the block: ids and status only.
	assert.NotContains(t, string(res.Payload), pt1)
	assert.NotContains(t, string(res.Payload), "labs")
	require.NotNil(t, res.Event)
	assert.Equal(t, EventName, res.Event.Name)
	env, err := events.Decode(res.Event.Payload)
	require.NoError(t, err)
	require.Len(t, env.Changes, 1)
	assert.Equal(t, "consent.granted", env.Changes[0].Type)
	assert.Equal(t, "c1", env.Changes[0].ID)
	assert.NotContains(t, string(res.Event.Payload), pt1)

	for _, key := range e.Peer.Keys("consent") {
		v, _ := e.Peer.State("consent", key)
		assert.NotContains(t, string(v), pt1, key)
		assert.NotContains(t, string(v), "labs", key)
		assert.NotContains(t, key, pt1)
	}
	skey, _ := statusKey("c1")
	raw, ok := e.Peer.State("consent", skey)
	require.True(t, ok)
	var sr wire.StatusRecord
	require.NoError(t, json.Unmarshal(raw, &sr))
	assert.Equal(t, wire.StatusActive, sr.Status)
	assert.Len(t, sr.DetailsHash, 64)
	ckey, _ := e.consentKey("c1")
	priv, ok := e.Peer.PrivateState("consent", Collection, ckey)
	require.True(t, ok)
	assert.Contains(t, string(priv), pt1)
}

var nextOf = map[string]func(wire.Consent) wire.Consent{"Activate": wire.Activated, "Revoke": wire.Revoked, "MarkEnteredInError": wire.EnteredInError}

func TestStatusTransitions(t *testing.T) {
	type step struct {
		fn     string
		ok     bool
		status string
	}
	cases := map[string]struct {
		initial string
		steps   []step
	}{
		"draft activates":           {wire.StatusDraft, []step{{"Activate", true, wire.StatusActive}}},
		"draft cannot be revoked":   {wire.StatusDraft, []step{{"Revoke", false, ""}}},
		"draft entered in error":    {wire.StatusDraft, []step{{"MarkEnteredInError", true, wire.StatusEnteredInError}}},
		"active cannot activate":    {wire.StatusActive, []step{{"Activate", false, ""}}},
		"active revokes":            {wire.StatusActive, []step{{"Revoke", true, wire.StatusInactive}}},
		"active entered in error":   {wire.StatusActive, []step{{"MarkEnteredInError", true, wire.StatusEnteredInError}}},
		"inactive is final":         {wire.StatusActive, []step{{"Revoke", true, wire.StatusInactive}, {"Revoke", false, ""}, {"Activate", false, ""}}},
		"inactive entered in error": {wire.StatusActive, []step{{"Revoke", true, wire.StatusInactive}, {"MarkEnteredInError", true, wire.StatusEnteredInError}}},
		"entered in error is final": {wire.StatusActive, []step{{"MarkEnteredInError", true, wire.StatusEnteredInError},
			{"Activate", false, ""}, {"Revoke", false, ""}, {"MarkEnteredInError", false, ""}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			in := grantInput("c1")
			in.Status = c.initial
			e.grant(patient1, 0, in)
			for i, s := range c.steps {
				before := e.Peer.Snapshot()
				res := e.change(patient1, i+1, s.fn, "c1", nextOf[s.fn])
				if !s.ok {
					e.Refused(before, res, "FAILED_PRECONDITION: ")
					continue
				}
				var r wire.Receipt
				e.Must(res, &r)
				assert.Equal(t, s.status, r.Status, "step %d %s", i, s.fn)
			}
		})
	}
}

func TestExpiredConsentCannotBeRevokedOrActivated(t *testing.T) {
	e := newEnv(t)
	e.grant(patient1, 0, grantInput("c1"))
	before := e.Peer.Snapshot()
	// The consent ends at minute 1440; at that second it is expired.
	e.Refused(before, e.revoke(patient1, 24*60, "c1"), "FAILED_PRECONDITION: ")
	var v wire.View
	e.Must(e.Query(patient1, 24*60, "Get", "c1"), &v)
	assert.Equal(t, wire.StatusActive, v.Status, "stored status is untouched")
	assert.Equal(t, wire.StatusInactive, v.EffectiveStatus)
	assert.Equal(t, wire.ReasonExpired, v.EffectiveReason)
	e.Must(e.Query(patient1, 24*60-1, "Get", "c1"), &v)
	assert.Equal(t, wire.StatusActive, v.EffectiveStatus)

	// A draft whose period has ended cannot be activated.
	in := grantInput("c2")
	in.Status = wire.StatusDraft
	e.grant(patient1, 1, in)
	before = e.Peer.Snapshot()
	e.Refused(before, e.activate(patient1, 24*60+5, "c2"), "FAILED_PRECONDITION: ")
}

func TestCheckAtTheBoundarySecondOnTheLedger(t *testing.T) {
	e := newEnv(t)
	in := grantInput("c1")
	in.Period = wire.Period{Start: at(0).Format(time.RFC3339), End: at(60).Format(time.RFC3339)}
	e.grant(patient1, 0, in)
	tx := func(instant time.Time) string {
		res := e.Peer.Query("consent", physician, instant, "Check", request(pt1, "labs", wire.Actor{}))
		var d wire.Decision
		e.Must(res, &d)
		return d.Decision
	}
	assert.Equal(t, wire.Permit, tx(at(60).Add(-time.Second)))
	assert.Equal(t, wire.Deny, tx(at(60)))
	assert.Equal(t, wire.Deny, tx(at(0).Add(-time.Second)))
}

func TestSupersede(t *testing.T) {
	e := newEnv(t)
	e.grant(patient1, 0, grantInput("c1"))
	next := grantInput("c2")
	next.Supersedes = "c1"
	next.Provision.DataClasses = []string{"labs"}
	res := e.grantRes(patient1, 5, next)
	e.Must(res, nil)
	env, err := events.Decode(res.Event.Payload)
	require.NoError(t, err)
	require.Len(t, env.Changes, 2)
	assert.Equal(t, "consent.superseded", env.Changes[0].Type)
	assert.Equal(t, "consent.granted", env.Changes[1].Type)

	var old wire.View
	e.Must(e.Query(patient1, 6, "Get", "c1"), &old)
	assert.Equal(t, wire.StatusInactive, old.Status)
	assert.Equal(t, wire.ReasonSuperseded, old.StatusReason)
	assert.Equal(t, "c2", old.SupersededBy)
	d := e.check(physician, 6, request(pt1, "imaging", wire.Actor{}))
	assert.Equal(t, wire.Deny, d.Decision, "imaging was only in the superseded consent")
	assert.Equal(t, wire.Permit, e.check(physician, 6, request(pt1, "labs", wire.Actor{})).Decision)

	// Another patient's consent cannot be superseded; an inactive one neither.
	other := grantInput("c3")
	other.Subject, other.Supersedes = pt2, "c2"
	before := e.Peer.Snapshot()
	e.Refused(before, e.grantRes(patient2, 7, other), `INVALID_ARGUMENT: field "supersedes"`)
	again := grantInput("c4")
	again.Supersedes = "c1"
	e.Refused(before, e.grantRes(patient1, 7, again), "FAILED_PRECONDITION: ")
}

func TestUpdateOnlyDrafts(t *testing.T) {
	e := newEnv(t)
	in := grantInput("c1")
	in.Status = wire.StatusDraft
	e.grant(patient1, 0, in)
	in.Provision.DataClasses = []string{"labs"}
	var r wire.Receipt
	e.Must(e.update(patient1, 1, in), &r)
	assert.Equal(t, 2, r.Version)
	e.Must(e.activate(patient1, 2, "c1"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.update(patient1, 3, in), "FAILED_PRECONDITION: ")
	in.ID = "other"
	e.Refused(before, e.Peer.Invoke("consent", patient1, at(3), signed(patient1, []byte("x"), wire.TransientConsent, in), "Update", "c1"), `INVALID_ARGUMENT: field "consent"`)
}

func TestDenyConsentOverridesPermitOnTheLedger(t *testing.T) {
	e := newEnv(t)
	e.grant(patient1, 0, grantInput("permit"))
	deny := wire.GrantInput{ID: "deny", Subject: pt1, Decision: wire.Deny, Period: wire.Period{Start: at(0).Format(time.RFC3339)},
		Provision: wire.Provision{DataClasses: []string{"imaging"}}}
	e.grant(patient1, 1, deny)
	d := e.check(physician, 2, request(pt1, "imaging", wire.Actor{}))
	assert.Equal(t, wire.Deny, d.Decision)
	assert.Equal(t, "deny", d.ConsentID)
	assert.Equal(t, wire.Permit, e.check(physician, 2, request(pt1, "labs", wire.Actor{})).Decision)
}

func TestHistoryKeepsEveryVersion(t *testing.T) {
	e := newEnv(t)
	e.grant(patient1, 0, grantInput("c1"))
	hash := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	e.Must(e.attachForm(patient1, 1, "c1", hash), nil)
	e.Must(e.revoke(patient1, 2, "c1"), nil)
	var page wire.VersionPage
	e.Must(e.Query(patient1, 3, "History", "c1", "10", ""), &page)
	versions := page.Items
	require.Len(t, versions, 3)
	assert.Equal(t, []int{3, 2, 1}, []int{versions[0].Version, versions[1].Version, versions[2].Version})
	assert.Equal(t, wire.StatusInactive, versions[0].Status)
	assert.Equal(t, hash, versions[1].FormHash)
	assert.Empty(t, versions[2].FormHash)
	// The public trail has one entry per version.
	skey, _ := statusKey("c1")
	assert.Len(t, e.Peer.History("consent", skey), 3)
}

func TestListBySubjectAndGrantsPaginate(t *testing.T) {
	e := newEnv(t)
	for i, id := range []string{"c1", "c2", "c3"} {
		e.grant(patient1, i, grantInput(id))
	}
	e.Must(e.revoke(patient1, 5, "c2"), nil)
	other := grantInput("x1")
	other.Subject = pt2
	e.grant(patient2, 6, other)

	var page wire.ConsentPage
	e.Must(e.Query(patient1, 7, "ListBySubject", pt1, "2", ""), &page)
	require.Len(t, page.Items, 2)
	require.NotEmpty(t, page.Bookmark)
	var rest wire.ConsentPage
	e.Must(e.Query(patient1, 7, "ListBySubject", pt1, "2", page.Bookmark), &rest)
	require.Len(t, rest.Items, 1)
	assert.Empty(t, rest.Bookmark)
	ids := []string{page.Items[0].ID, page.Items[1].ID, rest.Items[0].ID}
	assert.ElementsMatch(t, []string{"c1", "c2", "c3"}, ids)

	// Active grants to physician1: c1 and c3 (c2 revoked); the other patient's x1 too.
	var grants wire.ConsentPage
	e.Must(e.Query(physician, 7, "ListGrants", "ProviderMSP", parts.RolePhysician, "physician1", "10", ""), &grants)
	got := []string{}
	for _, v := range grants.Items {
		got = append(got, v.ID)
	}
	assert.ElementsMatch(t, []string{"c1", "c3", "x1"}, got)

	// A bookmark of another query is refused.
	before := e.Peer.Snapshot()
	e.Refused(before, e.Query(patient2, 7, "ListBySubject", pt2, "2", page.Bookmark), `INVALID_ARGUMENT: field "bookmark"`)
	e.Refused(before, e.Query(patient1, 7, "ListBySubject", pt1, "101", ""), `INVALID_ARGUMENT: field "pageSize"`)
}

func TestOpenConsentLimit(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < MaxOpenConsents; i++ {
		in := grantInput("c" + itoa(i))
		if i < 10 {
			in.Period.End = at(30).Format(time.RFC3339) // these expire at minute 30
		}
		e.grant(patient1, 1, in)
	}
	before := e.Peer.Snapshot()
	e.Refused(before, e.grantRes(patient1, 2, grantInput("one-too-many")), "FAILED_PRECONDITION: ")
	// Once some have expired, room is made by dropping them from the open set.
	e.grant(patient1, 31, grantInput("after-expiry"))
	assert.Equal(t, wire.Permit, e.check(physician, 32, request(pt1, "labs", wire.Actor{})).Decision)
}

func itoa(i int) string { return string(cctest.JSON(i)) }
