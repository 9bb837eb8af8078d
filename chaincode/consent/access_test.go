package consent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

var everyone = map[string]*memstub.Identity{
	"patient":       patient1,
	"other patient": patient2,
	"guardian":      guardian,
	"physician":     physician,
	"physician2":    physician2,
	"nurse":         nurse,
	"billing":       billing,
	"privacy":       privacy,
	"payer privacy": payerPriv,
	"org admin":     orgAdmin,
	"adjudicator":   adjudicator,
	"auditor":       auditor,
	"impostor":      impostor,
}

// seeded is an env where patient1 holds active consent c1 and draft d1 and
// has made guardian1 their guardian; physician1 broke the glass once.
func seeded(t *testing.T) *env {
	e := newEnv(t)
	e.grant(patient1, 0, grantInput("c1"))
	draft := grantInput("d1")
	draft.Status = StatusDraft
	e.grant(patient1, 0, draft)
	e.Must(e.Submit(patient1, 1, TransientDelegate, DelegateInput{Subject: pt1, Delegate: PatientMSP + "/guardian1",
		Kind: KindGuardian, Period: Period{Start: at(0).Format(time.RFC3339)}}, "RegisterDelegate"), nil)
	e.Must(e.Submit(physician, 2, TransientBreakGlass, BreakGlassInput{Subject: pt1, Reason: "unconscious in ER", Minutes: 60}, "BreakGlass"), nil)
	return e
}

// TestEveryTransactionForEveryRole runs each transaction as each identity
// and checks who is allowed; refusals are FORBIDDEN and change nothing.
func TestEveryTransactionForEveryRole(t *testing.T) {
	c2 := grantInput("c2")
	ops := []struct {
		name    string
		allowed []string
		run     func(e *env, id *memstub.Identity) memstub.Result
	}{
		{"Grant", []string{"patient", "guardian"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, TransientConsent, c2, "Grant")
		}},
		{"Update", []string{"patient", "guardian"}, func(e *env, id *memstub.Identity) memstub.Result {
			d := grantInput("d1")
			d.Status = StatusDraft
			return e.Submit(id, 10, TransientConsent, d, "Update", "d1")
		}},
		{"Activate", []string{"patient", "guardian"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "Activate", "d1")
		}},
		{"Revoke", []string{"patient", "guardian"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "Revoke", "c1")
		}},
		{"MarkEnteredInError", []string{"patient", "guardian"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "MarkEnteredInError", "c1")
		}},
		{"AttachForm", []string{"patient", "guardian"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "AttachForm", "c1", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
		}},
		{"RegisterDelegate", []string{"patient"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, TransientDelegate, DelegateInput{Subject: pt1, Delegate: "PatientsMSP/patient2", Kind: KindProxy,
				Period: Period{Start: at(0).Format(time.RFC3339)}}, "RegisterDelegate")
		}},
		{"RevokeDelegate", []string{"patient", "guardian"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, TransientDelegate, DelegateInput{Subject: pt1, Delegate: "PatientsMSP/guardian1"}, "RevokeDelegate")
		}},
		{"BreakGlass", []string{"physician", "physician2", "nurse"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, TransientBreakGlass, BreakGlassInput{Subject: pt1, Reason: "cardiac arrest", Minutes: 30}, "BreakGlass")
		}},
		{"Get", []string{"patient", "guardian", "physician", "physician2", "privacy", "auditor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "Get", "c1")
		}},
		{"History", []string{"patient", "guardian", "physician", "physician2", "privacy", "auditor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "History", "c1")
		}},
		{"ListBySubject", []string{"patient", "guardian", "auditor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "ListBySubject", pt1, "10", "")
		}},
		{"ListGrants (physician1's own)", []string{"physician", "privacy", "auditor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "ListGrants", "ProviderMSP", RolePhysician, "physician1", "10", "")
		}},
		{"ListDelegates", []string{"patient", "guardian", "auditor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "ListDelegates", pt1, "10", "")
		}},
		{"ListBreakGlass", []string{"patient", "guardian", "auditor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "ListBreakGlass", pt1, "10", "")
		}},
		{"ListBreakGlassByOrg", []string{"privacy", "auditor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "ListBreakGlassByOrg", "ProviderMSP", "10", "")
		}},
		{"Check (physician1's access)", []string{"patient", "guardian", "physician", "privacy", "auditor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "Check", request(pt1, "labs", physicianActor))
		}},
	}
	for _, op := range ops {
		for role, id := range everyone {
			t.Run(op.name+"/"+role, func(t *testing.T) {
				e := seeded(t)
				before := e.Peer.Snapshot()
				res := op.run(e, id)
				allowed := contains(op.allowed, role)
				if allowed {
					assert.True(t, res.OK(), "%s as %s: %s", op.name, role, res.Message)
					return
				}
				e.Refused(before, res, "FORBIDDEN: ")
			})
		}
	}
}

func TestDelegateActsForThePatientUntilRevoked(t *testing.T) {
	e := seeded(t)
	in := grantInput("by-guardian")
	r := e.grant(guardian, 5, in)
	assert.Equal(t, StatusActive, r.Status)
	var v View
	e.Must(e.Query(patient1, 6, "Get", "by-guardian"), &v)
	assert.Equal(t, PatientMSP+"/guardian1", v.Grantor)

	// A delegate cannot appoint another delegate.
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(guardian, 7, TransientDelegate, DelegateInput{Subject: pt1, Delegate: "PatientsMSP/patient2",
		Kind: KindProxy, Period: Period{Start: at(0).Format(time.RFC3339)}}, "RegisterDelegate"), "FORBIDDEN: ")

	e.Must(e.Submit(patient1, 8, TransientDelegate, DelegateInput{Subject: pt1, Delegate: "PatientsMSP/guardian1"}, "RevokeDelegate"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(guardian, 9, TransientConsent, grantInput("late"), "Grant"), "FORBIDDEN: ")

	var list DelegatePage
	e.Must(e.Query(patient1, 9, "ListDelegates", pt1, "10", ""), &list)
	if assert.Len(t, list.Items, 1) {
		assert.Equal(t, StatusInactive, list.Items[0].Status)
	}
}

func TestDelegationPeriodEnds(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(patient1, 0, TransientDelegate, DelegateInput{Subject: pt1, Delegate: "PatientsMSP/guardian1", Kind: KindProxy,
		Period: Period{Start: at(0).Format(time.RFC3339), End: at(60).Format(time.RFC3339)}}, "RegisterDelegate"), nil)
	e.grant(guardian, 59, grantInput("in-time"))
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(guardian, 60, TransientConsent, grantInput("too-late"), "Grant"), "FORBIDDEN: ")
}

func TestBreakGlass(t *testing.T) {
	e := newEnv(t)
	// No consent: denied.
	assert.Equal(t, Deny, e.check(physician, 0, request(pt1, "psychiatry", Actor{})).Decision)

	res := e.Submit(physician, 1, TransientBreakGlass, BreakGlassInput{Subject: pt1, Reason: "unconscious, suspected overdose", Minutes: 120}, "BreakGlass")
	var r Receipt
	e.Must(res, &r)
	assert.Equal(t, at(121).Format(time.RFC3339Nano), r.End)
	assert.Contains(t, string(res.Event.Payload), "consent.break-glass")
	assert.Contains(t, string(res.Event.Payload), `"org":"ProviderMSP"`)
	assert.NotContains(t, string(res.Event.Payload), pt1)
	assert.NotContains(t, string(res.Event.Payload), "overdose")

	d := e.check(physician, 2, request(pt1, "psychiatry", Actor{}))
	assert.Equal(t, Decision{Decision: Permit, Basis: BasisBreakGlass, BreakGlassID: r.ID, EvaluatedAt: at(2).Format(time.RFC3339Nano)}, d)
	// Only for the clinician who broke the glass, and only until it ends.
	assert.Equal(t, Deny, e.check(physician2, 2, request(pt1, "psychiatry", Actor{})).Decision)
	assert.Equal(t, Permit, e.check(physician, 120, request(pt1, "psychiatry", Actor{})).Decision)
	assert.Equal(t, Deny, e.check(physician, 121, request(pt1, "psychiatry", Actor{})).Decision)

	// The patient and the privacy officer list it.
	var mine BreakGlassPage
	e.Must(e.Query(patient1, 3, "ListBreakGlass", pt1, "10", ""), &mine)
	if assert.Len(t, mine.Items, 1) {
		assert.Equal(t, "unconscious, suspected overdose", mine.Items[0].Reason)
		assert.Equal(t, physicianActor, mine.Items[0].Requester)
	}
	var org BreakGlassPage
	e.Must(e.Query(privacy, 3, "ListBreakGlassByOrg", "ProviderMSP", "10", ""), &org)
	assert.Len(t, org.Items, 1)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Query(payerPriv, 3, "ListBreakGlassByOrg", "ProviderMSP", "10", ""), "FORBIDDEN: ")

	// Longer than 24 hours, or without a reason: refused.
	e.Refused(before, e.Submit(physician, 4, TransientBreakGlass, BreakGlassInput{Subject: pt1, Reason: "x", Minutes: 24*60 + 1}, "BreakGlass"), `INVALID_ARGUMENT: field "minutes"`)
	e.Refused(before, e.Submit(physician, 4, TransientBreakGlass, BreakGlassInput{Subject: pt1, Minutes: 10}, "BreakGlass"), `INVALID_ARGUMENT: field "reason"`)
}
