package wire

import (
	"bytes"
	"testing"
)

func sample() GrantInput {
	return GrantInput{ID: "c1", Subject: "pt-1", Decision: Permit,
		Period: Period{Start: "2026-05-01T11:00:00+02:00", End: "2026-05-02T09:00:00Z"},
		Provision: Provision{Actors: []Actor{{Org: "ProviderMSP", Role: "physician"}}, Actions: []string{"access"},
			Purposes: []string{"treatment"}, DataClasses: []string{"labs"},
			Provisions: []Provision{{DataClasses: []string{"labs"}, Period: &Period{Start: "2026-05-01T10:00:00.500+01:00"}}}}}
}

// The canonical form is fixed: a client and the chaincode that disagree on
// one byte disagree on every signature. Changing it is a protocol change.
func TestConsentStatementIsStable(t *testing.T) {
	got := string(ConsentStatement("care", GrantedConsent(sample())))
	want := `{"domain":"carechain/consent/v1","channel":"care","id":"c1","subject":"pt-1","version":1,"status":"active","statusReason":"",` +
		`"decision":"permit","period":{"start":"2026-05-01T09:00:00Z","end":"2026-05-02T09:00:00Z"},` +
		`"provision":{"actor":[{"org":"ProviderMSP","role":"physician"}],"action":["access"],"purpose":["treatment"],"class":["labs"],` +
		`"provision":[{"class":["labs"],"period":{"start":"2026-05-01T09:00:00.5Z"}}]},"formHash":"","supersedes":""}`
	if got != want {
		t.Fatalf("statement\n got %s\nwant %s", got, want)
	}
}

// What the chaincode stores (normalised, stamped, signed) has the same
// statement as what the client signed; anything that changes what the
// consent permits, or where it applies, changes the statement.
func TestConsentStatementCoversWhatMatters(t *testing.T) {
	in := sample()
	base := ConsentStatement("care", GrantedConsent(in))
	stored := GrantedConsent(in)
	stored.Created, stored.Updated, stored.LastTxID, stored.Grantor = "2026-05-01T09:00:00Z", "2026-05-01T09:00:00Z", "tx", "PatientsMSP/p"
	stored.Signature, stored.Signer = "sig", "cert"
	if !bytes.Equal(base, ConsentStatement("care", stored)) {
		t.Fatal("stamps changed the statement")
	}
	changes := map[string]func(c *Consent){
		"id":        func(c *Consent) { c.ID = "c2" },
		"subject":   func(c *Consent) { c.Subject = "pt-2" },
		"version":   func(c *Consent) { c.Version = 2 },
		"status":    func(c *Consent) { c.Status = StatusDraft },
		"decision":  func(c *Consent) { c.Decision = Deny },
		"end":       func(c *Consent) { c.Period.End = "" },
		"grantee":   func(c *Consent) { c.Provision.Actors = append(c.Provision.Actors, Actor{Org: "PayerMSP"}) },
		"class":     func(c *Consent) { c.Provision.DataClasses = []string{"psychiatry"} },
		"exception": func(c *Consent) { c.Provision.Provisions = nil },
		"form":      func(c *Consent) { c.FormHash = "ab" },
	}
	for name, change := range changes {
		c := GrantedConsent(sample())
		change(&c)
		if bytes.Equal(base, ConsentStatement("care", c)) {
			t.Errorf("%s does not change the statement", name)
		}
	}
	if bytes.Equal(base, ConsentStatement("supply", GrantedConsent(in))) {
		t.Error("the channel does not change the statement")
	}
	if in.Period.Start != "2026-05-01T11:00:00+02:00" || in.Provision.Provisions[0].Period.Start != "2026-05-01T10:00:00.500+01:00" {
		t.Error("normalising changed the caller's input")
	}
}

func TestNextStates(t *testing.T) {
	c := GrantedConsent(sample())
	c.Signature = "s"
	for name, tc := range map[string]struct {
		next           Consent
		status, reason string
	}{
		"revoked":          {Revoked(c), StatusInactive, ReasonRevoked},
		"activated":        {Activated(c), StatusActive, ""},
		"entered in error": {EnteredInError(c), StatusEnteredInError, ""},
		"form":             {FormAttached(c, "ab"), StatusActive, ""},
		"drafted":          {Drafted(c, sample()), StatusDraft, ""},
	} {
		if tc.next.Version != 2 || tc.next.Status != tc.status || tc.next.StatusReason != tc.reason || tc.next.Signature != "" {
			t.Errorf("%s: %+v", name, tc.next)
		}
	}
	d := Registered(nil, DelegateInput{Subject: "pt-1", Delegate: "PatientsMSP/g", Kind: KindGuardian, Period: Period{Start: "2026-01-01T00:00:00Z"}})
	if d.Version != 1 || d.Status != StatusActive {
		t.Errorf("registered: %+v", d)
	}
	d.Created = "x"
	e := Ended(d)
	if e.Version != 2 || e.Status != StatusInactive || e.Created != "x" {
		t.Errorf("ended: %+v", e)
	}
	again := Registered(&e, DelegateInput{Subject: "pt-1", Delegate: "PatientsMSP/g", Kind: KindProxy})
	if again.Version != 3 || again.Created != "x" || bytes.Equal(DelegateStatement("care", d), DelegateStatement("care", again)) {
		t.Errorf("registered again: %+v", again)
	}
}

func TestLinkStatementIsStableAndCoversWhatMatters(t *testing.T) {
	in := LinkInput{EnrollmentID: "p0123456789abcdef0123456789abcdef", Subject: "pt-1"}
	got := string(LinkStatement("care", Linked("PatientsMSP", in)))
	want := `{"domain":"carechain/consent-link/v1","channel":"care","org":"PatientsMSP","enrollmentId":"p0123456789abcdef0123456789abcdef",` +
		`"subject":"pt-1","status":"linked","compromised":false}`
	if got != want {
		t.Fatalf("statement\n got %s\nwant %s", got, want)
	}
	in.Compromised = true
	for name, other := range map[string][]byte{
		"channel":     LinkStatement("supply", Linked("PatientsMSP", in)),
		"org":         LinkStatement("care", Linked("OtherMSP", in)),
		"subject":     LinkStatement("care", Linked("PatientsMSP", LinkInput{EnrollmentID: in.EnrollmentID, Subject: "pt-2"})),
		"unlinked":    LinkStatement("care", Unlinked("PatientsMSP", LinkInput{EnrollmentID: in.EnrollmentID, Subject: "pt-1"})),
		"compromised": LinkStatement("care", Unlinked("PatientsMSP", in)),
	} {
		if string(other) == want {
			t.Errorf("%s does not change the statement", name)
		}
	}
	if string(LinkStatement("care", Unlinked("PatientsMSP", in))) == string(LinkStatement("care", Unlinked("PatientsMSP", LinkInput{EnrollmentID: in.EnrollmentID, Subject: "pt-1"}))) {
		t.Error("compromised does not change the statement")
	}
}
