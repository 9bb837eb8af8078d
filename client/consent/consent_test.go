package consent

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/identity"

	cc "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/client"
)

// The client signs a statement as the chaincode verifies it: ECDSA over
// the statement's SHA-256, ASN.1 DER, with the session's enrollment key.
func TestSignVerifiesAsTheChaincodeChecks(t *testing.T) {
	patient := memstub.NewCA("PatientsMSP").Issue("p0123456789abcdef0123456789abcdef", map[string]string{"role": "patient"})
	sign, err := identity.NewPrivateKeySign(patient.Key)
	if err != nil {
		t.Fatal(err)
	}
	k := New(&client.Session{Identity: &client.Identity{MSPID: "PatientsMSP", Name: "patient1", Cert: patient.Cert, Sign: sign}}, "care")
	statement := cc.ConsentStatement("care", cc.GrantedConsent(cc.GrantInput{ID: "c1", Subject: "pt-1", Decision: cc.Permit,
		Period: cc.Period{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)}}))
	sig, err := k.sign(statement)
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(statement)
	if !ecdsa.VerifyASN1(patient.Cert.PublicKey.(*ecdsa.PublicKey), digest[:], sig) {
		t.Fatal("the chaincode would not verify the client's signature")
	}
	if _, err := New(&client.Session{}, "care").sign(statement); err == nil {
		t.Fatal("a session without an identity signed")
	}
}

// The registrar's link names the session's org, as the chaincode builds
// the statement it verifies (the registrar's MSP id).
func TestLinkNamesTheSessionsOrg(t *testing.T) {
	k := New(&client.Session{Identity: &client.Identity{MSPID: "PatientsMSP", Name: "registrar1"}}, "care")
	in := cc.LinkInput{EnrollmentID: "p0123456789abcdef0123456789abcdef", Subject: "pt-1"}
	if got := cc.Linked(k.org(), in); got.Org != "PatientsMSP" || got.Status != cc.LinkLinked {
		t.Fatalf("link %+v", got)
	}
	if New(&client.Session{}, "care").org() != "" {
		t.Fatal("a session without an identity has an org")
	}
}
