package consent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/consent/wire"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ts(t time.Time) string { return t.Format(time.RFC3339Nano) }

func physicianReq(class string) wire.Request {
	return wire.Request{Subject: "pt-1", Requester: wire.Actor{Org: "ProviderMSP", Role: "physician", ID: "physician1"},
		Action: "access", Purpose: "treatment", DataClass: class}
}

func permitLabs(id string) *wire.Consent {
	return &wire.Consent{ID: id, Subject: "pt-1", Status: wire.StatusActive, Decision: wire.Permit,
		Period: wire.Period{Start: ts(t0), End: ts(t0.Add(24 * time.Hour))},
		Provision: wire.Provision{Actors: []wire.Actor{{Org: "ProviderMSP", Role: "physician"}},
			Actions: []string{"access"}, Purposes: []string{"treatment"}, DataClasses: []string{"labs", "psychiatry"}}}
}

func TestDecidePermitAndDefaultDeny(t *testing.T) {
	at := t0.Add(time.Hour)
	d := Decide([]*wire.Consent{permitLabs("c1")}, physicianReq("labs"), at)
	assert.Equal(t, wire.Decision{Decision: wire.Permit, Basis: wire.BasisConsent, ConsentID: "c1", EvaluatedAt: ts(at)}, d)

	for name, req := range map[string]wire.Request{
		"other class":   physicianReq("imaging"),
		"other role":    func() wire.Request { r := physicianReq("labs"); r.Requester.Role = "nurse"; return r }(),
		"other org":     func() wire.Request { r := physicianReq("labs"); r.Requester.Org = "PayerMSP"; return r }(),
		"other action":  func() wire.Request { r := physicianReq("labs"); r.Action = "disclose"; return r }(),
		"other purpose": func() wire.Request { r := physicianReq("labs"); r.Purpose = "research"; return r }(),
		"other patient": func() wire.Request { r := physicianReq("labs"); r.Subject = "pt-2"; return r }(),
	} {
		d := Decide([]*wire.Consent{permitLabs("c1")}, req, at)
		assert.Equal(t, wire.Deny, d.Decision, name)
		assert.Equal(t, wire.BasisDefault, d.Basis, name)
		assert.Empty(t, d.ConsentID, name)
	}
}

func TestDecideExpiryAtTheBoundarySecond(t *testing.T) {
	c := permitLabs("c1")
	end := t0.Add(24 * time.Hour)
	assert.Equal(t, wire.Permit, Decide([]*wire.Consent{c}, physicianReq("labs"), end.Add(-time.Second)).Decision)
	assert.Equal(t, wire.Permit, Decide([]*wire.Consent{c}, physicianReq("labs"), end.Add(-time.Nanosecond)).Decision)
	assert.Equal(t, wire.Deny, Decide([]*wire.Consent{c}, physicianReq("labs"), end).Decision, "the end is exclusive")
	assert.Equal(t, wire.Deny, Decide([]*wire.Consent{c}, physicianReq("labs"), t0.Add(-time.Second)).Decision, "before the start")
	assert.Equal(t, wire.Permit, Decide([]*wire.Consent{c}, physicianReq("labs"), t0).Decision, "the start is inclusive")

	status, reason := c.EffectiveStatus(end)
	assert.Equal(t, wire.StatusInactive, status)
	assert.Equal(t, wire.ReasonExpired, reason)
	status, _ = c.EffectiveStatus(end.Add(-time.Second))
	assert.Equal(t, wire.StatusActive, status)
}

func TestDecideDenyOverridesPermit(t *testing.T) {
	deny := &wire.Consent{ID: "d1", Subject: "pt-1", Status: wire.StatusActive, Decision: wire.Deny,
		Period:    wire.Period{Start: ts(t0)},
		Provision: wire.Provision{DataClasses: []string{"psychiatry"}}}
	at := t0.Add(time.Hour)
	// In either order, the deny decides for psychiatry; labs stay permitted.
	for _, order := range [][]*wire.Consent{{permitLabs("p1"), deny}, {deny, permitLabs("p1")}} {
		d := Decide(order, physicianReq("psychiatry"), at)
		assert.Equal(t, wire.Deny, d.Decision)
		assert.Equal(t, "d1", d.ConsentID)
		assert.Equal(t, wire.BasisConsent, d.Basis)
		assert.Equal(t, wire.Permit, Decide(order, physicianReq("labs"), at).Decision)
	}
}

func TestDecideIgnoresInactiveConsents(t *testing.T) {
	at := t0.Add(time.Hour)
	for _, status := range []string{wire.StatusDraft, wire.StatusInactive, wire.StatusEnteredInError} {
		c := permitLabs("c1")
		c.Status = status
		assert.Equal(t, wire.Deny, Decide([]*wire.Consent{c}, physicianReq("labs"), at).Decision, status)
	}
}

func TestDecideNestedExceptions(t *testing.T) {
	// Permit physicians labs and psychiatry, except psychiatry (deny), except
	// psychiatry for physician2 named personally (permit again).
	c := permitLabs("c1")
	c.Provision.Provisions = []wire.Provision{{
		DataClasses: []string{"psychiatry"},
		Provisions:  []wire.Provision{{Actors: []wire.Actor{{Org: "ProviderMSP", ID: "physician2"}}}},
	}}
	at := t0.Add(time.Hour)
	assert.Equal(t, wire.Permit, Decide([]*wire.Consent{c}, physicianReq("labs"), at).Decision)
	d := Decide([]*wire.Consent{c}, physicianReq("psychiatry"), at)
	assert.Equal(t, wire.Deny, d.Decision, "the exception denies")
	assert.Equal(t, "c1", d.ConsentID)
	r := physicianReq("psychiatry")
	r.Requester.ID = "physician2"
	assert.Equal(t, wire.Permit, Decide([]*wire.Consent{c}, r, at).Decision, "the exception's exception permits")
}

func TestDecideExceptionWithItsOwnPeriod(t *testing.T) {
	c := permitLabs("c1")
	c.Provision.Provisions = []wire.Provision{{Period: &wire.Period{Start: ts(t0.Add(2 * time.Hour)), End: ts(t0.Add(3 * time.Hour))}}}
	assert.Equal(t, wire.Permit, Decide([]*wire.Consent{c}, physicianReq("labs"), t0.Add(time.Hour)).Decision)
	assert.Equal(t, wire.Deny, Decide([]*wire.Consent{c}, physicianReq("labs"), t0.Add(2*time.Hour)).Decision)
	assert.Equal(t, wire.Permit, Decide([]*wire.Consent{c}, physicianReq("labs"), t0.Add(3*time.Hour)).Decision)
}

func TestDecideByRecordID(t *testing.T) {
	c := permitLabs("c1")
	c.Provision.DataClasses = nil
	c.Provision.Records = []string{"rec-7"}
	r := physicianReq("")
	r.Record = "rec-7"
	assert.Equal(t, wire.Permit, Decide([]*wire.Consent{c}, r, t0.Add(time.Hour)).Decision)
	r.Record = "rec-8"
	assert.Equal(t, wire.Deny, Decide([]*wire.Consent{c}, r, t0.Add(time.Hour)).Decision)
}

func TestActorCovers(t *testing.T) {
	req := wire.Actor{Org: "ProviderMSP", Role: "physician", ID: "physician1"}
	assert.True(t, covers(wire.Actor{Org: "ProviderMSP"}, req))
	assert.True(t, covers(wire.Actor{Org: "ProviderMSP", Role: "physician"}, req))
	assert.True(t, covers(wire.Actor{Org: "ProviderMSP", ID: "physician1"}, req))
	assert.False(t, covers(wire.Actor{Org: "ProviderMSP", Role: "nurse"}, req))
	assert.False(t, covers(wire.Actor{Org: "ProviderMSP", ID: "physician2"}, req))
	assert.False(t, covers(wire.Actor{Org: "PayerMSP"}, req))
}
