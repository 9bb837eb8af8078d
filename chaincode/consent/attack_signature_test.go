package consent

import (
	"encoding/base64"
	"encoding/pem"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// psychiatryForPayer is what colluders would like pt1 to have granted.
func psychiatryForPayer(id string) wire.Consent {
	c := wire.GrantedConsent(wire.GrantInput{ID: id, Subject: pt1, Decision: wire.Permit, Period: wire.Period{Start: at(0).Format(time.RFC3339)},
		Provision: wire.Provision{Actors: []wire.Actor{{Org: "PayerMSP", Role: "adjudicator"}}, Actions: []string{"access"},
			Purposes: []string{"payment"}, DataClasses: []string{"psychiatry"}}})
	c.Created, c.Updated, c.Grantor = at(0).Format(time.RFC3339Nano), at(0).Format(time.RFC3339Nano), keyOf(patient1)
	return c
}

func signWith(c *wire.Consent, id *memstub.Identity, statement []byte) {
	c.Signature = base64.StdEncoding.EncodeToString(id.Sign(statement))
	c.Signer = string(id.CertPEM)
}

// forgeConsent writes c and adds it to pt1's open set, as two colluding
// endorsers can (they satisfy consent's policy).
func (e *env) forgeConsent(c wire.Consent, open ...string) {
	e.T.Helper()
	ckey, _ := e.consentKey(c.ID)
	okey, _ := e.subjectOpenKey(c.Subject)
	set := openSet{}
	for _, id := range append(open, c.ID) {
		set.Consents = append(set.Consents, openEntry{ID: id})
	}
	e.forge(private(ckey, c), private(okey, set))
}

func payerAsks(e *env, minute int) string {
	e.T.Helper()
	req := wire.Request{Subject: pt1, Requester: wire.Actor{Org: "PayerMSP", Role: "adjudicator", ID: "adjudicator1"}, Action: "access", Purpose: "payment", DataClass: "psychiatry"}
	var d wire.Decision
	e.Must(e.Query(adjudicator, minute, "Check", string(mustJSON(req))), &d)
	return d.Decision
}

// Attack 4: two colluding orgs wrote a consent record past the contract.
// Check verifies the patient's signature again before it honours a
// consent, so a record without one, or with a signature of something
// else, permits nothing.
func TestAttackForgedConsentIsNeverHonoured(t *testing.T) {
	selfSigned := memstub.NewIdentity(roles.PatientMSP, enrollment("patient1"), map[string]string{"role": parts.RolePatient, attrPatientID: pt1})
	cases := map[string]func(e *env) wire.Consent{
		"no signature": func(e *env) wire.Consent { return psychiatryForPayer("forged") },
		"the patient's signature of another consent": func(e *env) wire.Consent {
			c, genuine := psychiatryForPayer("forged"), e.stored("c1")
			c.Signature, c.Signer = genuine.Signature, genuine.Signer
			return c
		},
		"a genuine consent replayed under another id": func(e *env) wire.Consent {
			c := e.stored("c1")
			c.ID = "forged"
			c.Provision.Actors = append(c.Provision.Actors, wire.Actor{Org: "PayerMSP"})
			c.Provision.Purposes, c.Provision.DataClasses = append(c.Provision.Purposes, "payment"), append(c.Provision.DataClasses, "psychiatry")
			return c
		},
		"signed by a key no PatientsMSP root issued": func(e *env) wire.Consent {
			c := psychiatryForPayer("forged")
			signWith(&c, selfSigned, wire.ConsentStatement("care", c))
			return c
		},
		"signed by another patient": func(e *env) wire.Consent {
			c := psychiatryForPayer("forged")
			signWith(&c, patient2, wire.ConsentStatement("care", c))
			return c
		},
		"signed for another channel": func(e *env) wire.Consent {
			c := psychiatryForPayer("forged")
			signWith(&c, patient1, wire.ConsentStatement("supply", c))
			return c
		},
		"signed as version 1 but stored as version 2": func(e *env) wire.Consent {
			c := psychiatryForPayer("forged")
			signWith(&c, patient1, wire.ConsentStatement("care", c))
			c.Version = 2
			return c
		},
	}
	for name, forged := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.grant(patient1, 0, grantInput("c1"))
			e.forgeConsent(forged(e), "c1")
			assert.Equal(t, wire.Deny, payerAsks(e, 1))
			assert.Equal(t, wire.Permit, e.check(physician, 1, request(pt1, "labs", wire.Actor{})).Decision, "the patient's own consent still counts")
		})
	}
	// The same record, genuinely signed, is honoured: the test forges only the signature.
	e := newEnv(t)
	c := psychiatryForPayer("genuine")
	signWith(&c, patient1, wire.ConsentStatement("care", c))
	e.forgeConsent(c)
	assert.Equal(t, wire.Permit, payerAsks(e, 1))
}

// A forged write with one org's endorsement fails validation and changes nothing.
func TestForgeryByOneOrgIsRefusedAtValidation(t *testing.T) {
	e := newEnv(t)
	before := e.Peer.Snapshot()
	ckey, _ := e.consentKey("forged")
	for _, org := range []string{"ProviderMSP", "PayerMSP", roles.RegulatorMSP} {
		res := e.Peer.Forge(memstub.Forgery{Chaincode: "consent", Endorsers: []string{org}, Writes: []memstub.ForgedWrite{private(ckey, psychiatryForPayer("forged"))}})
		assert.Equal(t, "ENDORSEMENT_POLICY_FAILURE", res.Validation, org)
	}
	assert.Equal(t, before, e.Peer.Snapshot())
}

// Attack 4: the chaincode verifies the signature at every change against
// the creator's certificate, which must chain to a PatientsMSP root in the
// registry.
func TestAttackGrantsMustBeSignedByThePatient(t *testing.T) {
	e := newEnv(t)
	in := grantInput("c1")
	statement := wire.ConsentStatement("care", wire.GrantedConsent(in))
	before := e.Peer.Snapshot()
	grant := func(id *memstub.Identity, tm map[string][]byte) memstub.Result {
		return e.Peer.Invoke("consent", id, at(1), tm, "Grant")
	}
	e.Refused(before, grant(patient1, map[string][]byte{wire.TransientConsent: mustJSON(in)}), `INVALID_ARGUMENT: field "signature"`)
	e.Refused(before, grant(patient1, signed(patient1, wire.ConsentStatement("care", wire.GrantedConsent(grantInput("c9"))), wire.TransientConsent, in)), `INVALID_ARGUMENT: field "signature"`)
	e.Refused(before, grant(patient1, signed(patient2, statement, wire.TransientConsent, in)), `INVALID_ARGUMENT: field "signature"`)
	selfSigned := memstub.NewIdentity(roles.PatientMSP, enrollment("patient1"), map[string]string{"role": parts.RolePatient, attrPatientID: pt1})
	e.Refused(before, grant(selfSigned, signed(selfSigned, statement, wire.TransientConsent, in)), "FORBIDDEN: the signer's certificate does not chain")
	e.Refused(before, grant(patient2, signed(patient2, statement, wire.TransientConsent, in)), "FORBIDDEN: ")

	r := e.grant(patient1, 1, in)
	cs := e.stored("c1")
	block, _ := pem.Decode([]byte(cs.Signer))
	require.NotNil(t, block)
	assert.Equal(t, patient1.Cert.Raw, block.Bytes, "the signer's certificate is kept with the consent")
	assert.Equal(t, 1, r.Version)

	// A revocation is signed too, for the version it creates.
	before = e.Peer.Snapshot()
	e.Refused(before, e.Peer.Invoke("consent", patient1, at(2), nil, "Revoke", "c1"), `INVALID_ARGUMENT: field "signature"`)
	stale := wire.Revoked(cs)
	stale.Version = 1
	e.Refused(before, e.Peer.Invoke("consent", patient1, at(2), signed(patient1, wire.ConsentStatement("care", stale), "", nil), "Revoke", "c1"), `INVALID_ARGUMENT: field "signature"`)
	e.Must(e.revoke(patient1, 2, "c1"), nil)
}

// Attack 4: with no PatientsMSP root certificate in the registry, nothing
// verifies: every change is refused and no consent is honoured (fail closed).
func TestAttackNoRootCertificatesFailsClosed(t *testing.T) {
	e := bareEnv(t, &Contract{}, partstest.Reference())
	e.Must(e.setupBlinding(orgAdmin, at(-1)), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.linkAt(patient1, pt1, at(0)), "FORBIDDEN: the parts registry lists no root certificate")
	e.Refused(before, e.grantRes(patient1, 1, grantInput("c1")), "FORBIDDEN: ")
	c := psychiatryForPayer("genuine")
	signWith(&c, patient1, wire.ConsentStatement("care", c))
	e.forgeConsent(c)
	assert.Equal(t, wire.Deny, payerAsks(e, 2))
}

// Attack 4, for delegates: a delegation the patient did not sign lets the
// "delegate" do nothing, and what they sign is not honoured.
func TestAttackForgedDelegationIsNeverHonoured(t *testing.T) {
	e := newEnv(t)
	d := wire.Registered(nil, guardianInput())
	d.Created, d.Updated = at(0).Format(time.RFC3339Nano), at(0).Format(time.RFC3339Nano)
	d.Signature = base64.StdEncoding.EncodeToString(guardian.Sign(wire.DelegateStatement("care", d))) // the guardian's, not the patient's
	d.Signer = string(guardian.CertPEM)
	dkey, _ := e.delegateKey(pt1, keyOf(guardian))
	e.forge(private(dkey, d))

	before := e.Peer.Snapshot()
	e.Refused(before, e.grantRes(guardian, 1, grantInput("by-guardian")), "FORBIDDEN: ")
	e.Refused(before, e.Query(guardian, 1, "ListBySubject", pt1, "10", ""), "FORBIDDEN: ")

	c := psychiatryForPayer("by-guardian")
	signWith(&c, guardian, wire.ConsentStatement("care", c))
	e.forgeConsent(c)
	assert.Equal(t, wire.Deny, payerAsks(e, 2))

	// Signed by the patient, the same delegation works.
	e2 := newEnv(t)
	e2.Must(e2.registerDelegate(patient1, 0, guardianInput()), nil)
	e2.grant(guardian, 1, grantInput("by-guardian"))
	assert.Equal(t, wire.Permit, e2.check(physician, 2, request(pt1, "labs", wire.Actor{})).Decision)
}
