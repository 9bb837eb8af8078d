package records

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent"
	"github.com/carechain/carechain/chaincode/kit/keywrap"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

const (
	pt1 = "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3"
	pt2 = "pt-9b27d3f5a0c84e1d6f3b2a7c9e05d1f8"
)

var (
	patient1    = memstub.NewIdentity(PatientMSP, "patient1", map[string]string{"role": RolePatient, AttrPatientID: pt1})
	patient2    = memstub.NewIdentity(PatientMSP, "patient2", map[string]string{"role": RolePatient, AttrPatientID: pt2})
	physician   = memstub.NewIdentity("ProviderMSP", "physician1", map[string]string{"role": RolePhysician})
	physician2  = memstub.NewIdentity("ProviderMSP", "physician2", map[string]string{"role": RolePhysician})
	nurse       = memstub.NewIdentity("ProviderMSP", "nurse1", map[string]string{"role": RoleNurse})
	clerk       = memstub.NewIdentity("ProviderMSP", "clerk1", map[string]string{"role": RoleClerk})
	billing     = memstub.NewIdentity("ProviderMSP", "billing1", map[string]string{"role": "billing"})
	privacy     = memstub.NewIdentity("ProviderMSP", "privacy1", map[string]string{"role": RolePrivacy})
	provAdmin   = memstub.NewIdentity("ProviderMSP", "admin", map[string]string{"hf.Type": "admin"})
	payerAdmin  = memstub.NewIdentity("PayerMSP", "admin", map[string]string{"hf.Type": "admin"})
	adjudicator = memstub.NewIdentity("PayerMSP", "adjudicator1", map[string]string{"role": "adjudicator"})
	payerClerk  = memstub.NewIdentity("PayerMSP", "clerk9", map[string]string{"role": RoleClerk})
	auditor     = memstub.NewIdentity(RegulatorMSP, "auditor1", map[string]string{"role": RoleAuditor})
)

var start = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

type env struct {
	*cctest.Harness
	kek []byte // ProviderMSP's KEK (ECDH private scalar)
	doc map[string][]byte
}

// submit invokes fn with the anchor input, if any, as transient "anchor".
func (e *env) submit(id *memstub.Identity, minute int, anchor any, fn string, args ...string) memstub.Result {
	if anchor == nil {
		return e.Submit(id, minute, "", nil, fn, args...)
	}
	return e.Submit(id, minute, TransientAnchor, anchor, fn, args...)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	kek, err := keywrap.NewEphemeral()
	require.NoError(t, err)
	e := &env{Harness: &cctest.Harness{T: t, Chaincode: "records", At: at}, kek: kek.Bytes(), doc: map[string][]byte{}}
	records, err := contractapi.NewChaincode(&Contract{KEK: func() (string, []byte, error) { return e.Peer.MSPID(), e.kek, nil }})
	require.NoError(t, err)
	consentCC, err := contractapi.NewChaincode(&consent.Contract{})
	require.NoError(t, err)
	e.Peer = memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
	members := []string{"ProviderMSP", "PayerMSP", RegulatorMSP}
	e.Peer.Install("consent", consentCC, memstub.WithCollections(memstub.Collection{Name: consent.Collection, Members: members}))
	e.Peer.Install("records", records, memstub.WithCollections(memstub.Collection{Name: Collection, Members: members}))
	pub := base64.StdEncoding.EncodeToString(kek.PublicKey().Bytes())
	e.Must(e.Peer.Invoke("records", provAdmin, at(0), nil, "RegisterCustodianKey", pub), nil)
	return e
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// document makes an anchor input for plaintext, as the client would: a
// fresh key, the ciphertext's and plaintext's hashes, the key wrapped to
// the custodian's KEK. It remembers the key to compare releases with.
func (e *env) document(id string, version int, plaintext []byte) AnchorInput {
	e.T.Helper()
	docKey := make([]byte, 32)
	_, _ = rand.Read(docKey)
	kek, err := keywrap.ParsePublic(e.kekPublic())
	require.NoError(e.T, err)
	eph, _ := keywrap.NewEphemeral()
	wrapped, err := keywrap.Wrap(kek, eph, docKey, WrapAAD(id, version))
	require.NoError(e.T, err)
	cipher := append([]byte("ciphertext-of:"), plaintext...)
	e.doc[id+"/"+itoa(version)] = docKey
	return AnchorInput{ID: id, Subject: pt1, Type: "DiagnosticReport", Category: "labs", ContentType: "application/pdf",
		Size: int64(len(plaintext)), PlainSHA256: hexSum(plaintext), CipherSHA256: hexSum(cipher),
		Location: "store://sha256/" + hexSum(cipher), WrappedKey: base64.StdEncoding.EncodeToString(wrapped)}
}

func (e *env) kekPublic() []byte {
	k, err := keywrapKey(e.kek)
	require.NoError(e.T, err)
	return k
}

// grantLabs makes patient1 permit ProviderMSP physicians to access labs for treatment.
func (e *env) grantLabs(minute int) {
	in := consent.GrantInput{ID: "c-labs", Subject: pt1, Decision: consent.Permit,
		Period: consent.Period{Start: at(0).Format(time.RFC3339)},
		Provision: consent.Provision{Actors: []consent.Actor{{Org: "ProviderMSP", Role: RolePhysician}},
			Actions: []string{"access"}, Purposes: []string{"treatment"}, DataClasses: []string{"labs"}}}
	e.Must(e.Peer.Invoke("consent", patient1, at(minute), map[string][]byte{consent.TransientConsent: cctest.JSON(in)}, "Grant"), nil)
}

// release requests access and releases the key as id, returning the key.
func (e *env) release(id *memstub.Identity, minute int, record string) ([]byte, Release) {
	e.T.Helper()
	var r Receipt
	e.Must(e.submit(id, minute, nil, "RequestAccess", record, "0", "treatment"), &r)
	oneTime, err := keywrap.NewEphemeral()
	require.NoError(e.T, err)
	var rel Release
	e.Must(e.Query(id, minute+1, "ReleaseKey", r.AccessID, base64.StdEncoding.EncodeToString(oneTime.PublicKey().Bytes())), &rel)
	wrapped, err := base64.StdEncoding.DecodeString(rel.WrappedKey)
	require.NoError(e.T, err)
	docKey, err := keywrap.Unwrap(oneTime, wrapped, WrapAAD(rel.Record, rel.Version))
	require.NoError(e.T, err)
	return docKey, rel
}

func itoa(n int) string { return string(cctest.JSON(n)) }
