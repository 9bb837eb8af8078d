package records

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent"
	"github.com/carechain/carechain/chaincode/consent/consenttest"
	consentwire "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/keywrap"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/parts"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	partswire "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

const (
	pt1 = "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3"
	pt2 = "pt-9b27d3f5a0c84e1d6f3b2a7c9e05d1f8"
)

var (
	// pts is the patients' CA: consent honours only what a patient whose
	// certificate chains to the registry's PatientsMSP root signed.
	pts         = consenttest.New()
	patient1    = pts.Patient("patient1", pt1)
	patient2    = pts.Patient("patient2", pt2)
	physician   = memstub.NewIdentity("ProviderMSP", "physician1", map[string]string{"role": partswire.RolePhysician})
	physician2  = memstub.NewIdentity("ProviderMSP", "physician2", map[string]string{"role": partswire.RolePhysician})
	nurse       = memstub.NewIdentity("ProviderMSP", "nurse1", map[string]string{"role": partswire.RoleNurse})
	clerk       = memstub.NewIdentity("ProviderMSP", "clerk1", map[string]string{"role": partswire.RoleRecordsClerk})
	billing     = memstub.NewIdentity("ProviderMSP", "billing1", map[string]string{"role": partswire.RoleBilling})
	privacy     = memstub.NewIdentity("ProviderMSP", "privacy1", map[string]string{"role": partswire.RolePrivacy})
	provAdmin   = memstub.NewIdentity("ProviderMSP", "admin", map[string]string{"hf.Type": "admin"})
	adjudicator = memstub.NewIdentity("PayerMSP", "adjudicator1", map[string]string{"role": partswire.RoleAdjudicator})
	payerClerk  = memstub.NewIdentity("PayerMSP", "clerk9", map[string]string{"role": partswire.RoleRecordsClerk})
	// payerDoc is an insurer's identity minted as a physician: its role
	// does not count in an org playing the payer part.
	payerDoc = memstub.NewIdentity("PayerMSP", "doc1", map[string]string{"role": partswire.RolePhysician})
	auditor  = memstub.NewIdentity(roles.RegulatorMSP, "auditor1", map[string]string{"role": partswire.RoleAuditor})
)

var start = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

// care are the orgs that run peers on the channel and hold the collections.
var care = []string{"ProviderMSP", "PayerMSP", roles.RegulatorMSP}

type env struct {
	*cctest.Harness
	// doc holds each version's document key, by "ID/VERSION".
	doc map[string][]byte
	// plain holds each version's plaintext, by "ID/VERSION".
	plain map[string][]byte
	// bl is the collection's Blinder (blinder).
	bl *blind.Blinder
	// unblinded: the env does not set the blinding secret.
	unblinded bool
	// clock is what the records chaincode's Clock answers (clocked envs).
	clock time.Time
	// parts replaces the reference registry (withGenesis).
	parts shim.Chaincode
	// consent replaces the consent chaincode (withYesConsent).
	consent shim.Chaincode
}

// The chaincodes are built once per test binary: contractapi.NewChaincode
// compiles JSON schemas and costs far more than a whole test transaction.
// They find the test's peer and clock through current, the env made last:
// a test that makes a second env is done with the first.
var (
	current  *env
	buildCCs sync.Once
	ccs      struct {
		records, clocked, consent, parts shim.Chaincode
		kek                              []byte
	}
)

func chaincodes(t testing.TB) {
	buildCCs.Do(func() {
		kek, err := keywrap.NewEphemeral()
		require.NoError(t, err)
		ccs.kek = kek.Bytes()
		source := func() (string, []byte, error) { return current.Peer.MSPID(), ccs.kek, nil }
		ccs.records = mustChaincode(t, &Contract{KEK: source})
		ccs.clocked = mustChaincode(t, &Contract{KEK: source, Clock: func() time.Time { return current.clock }})
		ccs.consent = mustChaincode(t, &consent.Contract{})
		genesis, err := json.Marshal(pts.Genesis(partstest.Reference()))
		require.NoError(t, err)
		ccs.parts = mustChaincode(t, &parts.Contract{Genesis: genesis})
	})
}

func mustChaincode(t testing.TB, c contractapi.ContractInterface) shim.Chaincode {
	cc, err := contractapi.NewChaincode(c)
	require.NoError(t, err)
	return cc
}

// submit invokes fn with the anchor input, if any, as transient "anchor".
func (e *env) submit(id *memstub.Identity, minute int, anchor any, fn string, args ...string) memstub.Result {
	if anchor == nil {
		return e.Submit(id, minute, "", nil, fn, args...)
	}
	return e.Submit(id, minute, wire.TransientAnchor, anchor, fn, args...)
}

// chaincodePolicy is records' endorsement policy on care
// (network/topology.yaml).
const chaincodePolicy = "OutOf(2, 'ProviderMSP.peer', 'PayerMSP.peer', 'RegulatorMSP.peer')"

// collectionPolicy is recordDetails' endorsement policy, as collections.json defines it.
func collectionPolicy(t testing.TB) string {
	data, err := os.ReadFile("collections.json")
	require.NoError(t, err)
	var defs []struct {
		Name              string `json:"name"`
		EndorsementPolicy struct {
			SignaturePolicy string `json:"signaturePolicy"`
		} `json:"endorsementPolicy"`
	}
	require.NoError(t, json.Unmarshal(data, &defs))
	require.Len(t, defs, 1)
	require.Equal(t, Collection, defs[0].Name)
	return defs[0].EndorsementPolicy.SignaturePolicy
}

type envOption func(*env)

// yesConsent is a consent chaincode that permits every Check, as a broken
// consent once permitted an insurer's break-glass: what records refuses
// then, it refuses on its own.
var yesConsent = memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
	if fn, _ := stub.GetFunctionAndParameters(); fn == consentwire.FnPatientSubject {
		return shim.Success([]byte(`{"subject":"` + pt1 + `"}`)) // every patient is pt1
	}
	return shim.Success([]byte(`{"decision":"permit","basis":"break-glass","breakGlassId":"bg-yes"}`))
})

// withYesConsent installs yesConsent as the consent chaincode.
func withYesConsent() envOption { return func(e *env) { e.consent = yesConsent } }

// withGenesis installs the parts registry with another genesis.
func withGenesis(t testing.TB, g partswire.Genesis) envOption {
	data, err := json.Marshal(pts.Genesis(g))
	require.NoError(t, err)
	cc := mustChaincode(t, &parts.Contract{Genesis: data})
	return func(e *env) { e.parts = cc }
}

// withClock makes the records chaincode check transaction times against
// the given peer clock.
func withClock(clock time.Time) envOption { return func(e *env) { e.clock = clock } }

// newEnv is a ProviderMSP peer on channel care with the parts registry
// (reference genesis), consent and records, and ProviderMSP's KEK
// registered by its admin at minute 0.
func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	return newEnvWith(t, true, opts...)
}

// newEnvUnblinded is newEnv before carenet set the blinding secret (and
// so before any key registration).
func newEnvUnblinded(t *testing.T, opts ...envOption) *env {
	t.Helper()
	return newEnvWith(t, false, append(opts, func(e *env) { e.unblinded = true })...)
}

func newEnvWith(t testing.TB, registerKey bool, opts ...envOption) *env {
	t.Helper()
	chaincodes(t)
	e := &env{Harness: &cctest.Harness{T: t, Chaincode: "records", At: at}, doc: map[string][]byte{}, plain: map[string][]byte{}}
	for _, o := range opts {
		o(e)
	}
	current = e
	e.Peer = memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
	if e.parts == nil {
		e.parts = ccs.parts
	}
	e.Peer.Install(partswire.Chaincode, e.parts)
	if res := e.Peer.Invoke(partswire.Chaincode, memstub.NewIdentity("OrdererMSP", "bootstrap", nil), start.Add(-time.Hour), nil, partswire.FnBootstrap); !res.OK() {
		t.Fatalf("bootstrap the parts registry: %s", res.Message)
	}
	if e.consent == nil {
		e.consent = ccs.consent
	}
	e.Peer.Install("consent", e.consent, memstub.WithEndorsement(consenttest.Endorsement),
		memstub.WithCollections(memstub.Collection{Name: consent.Collection, Members: care, EndorsementPolicy: consenttest.Endorsement}))
	if e.consent == ccs.consent {
		pts.Attach(e.Peer) // consent's blinding secret, and every patient linked to their subject
	}
	records := ccs.records
	if !e.clock.IsZero() {
		records = ccs.clocked
	}
	e.Peer.Install("records", records, memstub.WithEndorsement(chaincodePolicy),
		memstub.WithCollections(memstub.Collection{Name: Collection, Members: care, EndorsementPolicy: collectionPolicy(t)}))
	e.Peer.Install(ClaimsChaincode, fakeClaims)
	if !e.unblinded {
		e.Must(e.setupBlinding(provAdmin, 0, Collection), nil)
	}
	if registerKey {
		e.Must(e.submit(provAdmin, 0, nil, "RegisterCustodianKey", b64(e.kekPublic())), nil)
	}
	return e
}

// testSecret is the collection's blinding secret in every env.
var testSecret = sha256.Sum256([]byte("records unit tests: blinding secret"))

// setupBlinding submits SetupBlinding with the test secret, as carenet does
// after deploying.
func (e *env) setupBlinding(id *memstub.Identity, minute int, collection string) memstub.Result {
	return e.Submit(id, minute, blind.TransientSecret, testSecret[:], "SetupBlinding", collection)
}

// errNoCommit ends a Run without committing it.
var errNoCommit = errors.New("read only")

// blinder is the collection's Blinder, as the chaincode makes it: tests
// build the chaincode's private keys with it. Reading it commits nothing.
func (e *env) blinder() *blind.Blinder {
	e.T.Helper()
	if e.bl != nil {
		return e.bl
	}
	res := e.Peer.Run("records", provAdmin, start, func(stub shim.ChaincodeStubInterface) error {
		b, err := blind.New(stub, Collection)
		if err != nil {
			return err
		}
		e.bl = b
		return errNoCommit
	})
	require.NotNil(e.T, e.bl, res.Message)
	return e.bl
}

// commitment is the plaintext commitment of a version the env anchored,
// as its key holders compute it.
func (e *env) commitment(idVersion string, plaintext []byte) string {
	sum := sha256.Sum256(plaintext)
	return wire.PlaintextCommitment(wire.PlaintextSalt(e.doc[idVersion]), sum[:])
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// document makes an anchor input for plaintext, as the client would: a
// fresh key, the ciphertext's and plaintext's hashes, the key wrapped to
// the custodian's KEK. It remembers the key to compare releases with.
func (e *env) document(id string, version int, plaintext []byte) wire.AnchorInput {
	e.T.Helper()
	docKey := make([]byte, 32)
	_, _ = rand.Read(docKey)
	kek, err := keywrap.ParsePublic(e.kekPublic())
	require.NoError(e.T, err)
	eph, _ := keywrap.NewEphemeral()
	wrapped, err := keywrap.Wrap(kek, eph, docKey, wire.WrapAAD(id, version))
	require.NoError(e.T, err)
	cipher := append(append([]byte("ciphertext-of:"), docKey...), plaintext...)
	e.doc[id+"/"+itoa(version)] = docKey
	e.plain[id+"/"+itoa(version)] = plaintext
	return wire.AnchorInput{ID: id, Subject: pt1, Type: "DiagnosticReport", Category: "labs", ContentType: "application/pdf",
		Size: int64(len(plaintext)), PlainCommitment: e.commitment(id+"/"+itoa(version), plaintext), CipherSHA256: hexSum(cipher),
		Location: "store://sha256/" + hexSum(cipher), WrappedKey: base64.StdEncoding.EncodeToString(wrapped)}
}

func (e *env) kekPublic() []byte {
	k, err := keywrapKey(ccs.kek)
	require.NoError(e.T, err)
	return k
}

// grant commits a consent of patient1's, signed.
func (e *env) grant(minute int, in consentwire.GrantInput) {
	e.T.Helper()
	pts.Grant(e.Harness, patient1, minute, in)
}

// revoke commits patient1's signed revocation of a consent.
func (e *env) revoke(minute int, id string) {
	e.T.Helper()
	pts.Revoke(e.Harness, patient1, minute, id)
}

// grantLabs makes patient1 permit ProviderMSP physicians to access labs for treatment.
func (e *env) grantLabs(minute int) {
	e.grant(minute, consentwire.GrantInput{ID: "c-labs", Subject: pt1, Decision: consentwire.Permit,
		Period: consentwire.Period{Start: at(0).Format(time.RFC3339)},
		Provision: consentwire.Provision{Actors: []consentwire.Actor{{Org: "ProviderMSP", Role: partswire.RolePhysician}},
			Actions: []string{"access"}, Purposes: []string{"treatment"}, DataClasses: []string{"labs"}}})
}

// grantEveryone makes patient1 permit every org of the channel to access
// labs for any purpose: consent then says yes to everyone, and only the
// records chaincode's own checks (part, role, purpose) stand.
func (e *env) grantEveryone(minute int) {
	actors := []consentwire.Actor{}
	for _, org := range append(care, roles.PatientMSP) {
		actors = append(actors, consentwire.Actor{Org: org})
	}
	e.grant(minute, consentwire.GrantInput{ID: "c-everyone", Subject: pt1, Decision: consentwire.Permit,
		Period:    consentwire.Period{Start: at(0).Format(time.RFC3339)},
		Provision: consentwire.Provision{Actors: actors, Actions: []string{"access"}, Purposes: Purposes, DataClasses: []string{"labs"}}})
}

// breakGlass has a clinician break the glass on patient1 (the consent
// chaincode decides whether it may).
func (e *env) breakGlass(id *memstub.Identity, minute int, minutes int64) memstub.Result {
	bg := consentwire.BreakGlassInput{Subject: pt1, Reason: "unconscious", Minutes: minutes,
		Purposes: []string{"emergency", "treatment"}, DataClasses: []string{"labs"}}
	return e.Peer.Invoke("consent", id, at(minute), map[string][]byte{consentwire.TransientBreakGlass: cctest.JSON(bg)}, "BreakGlass")
}

func oneTimeKey(t testing.TB) (*keywrapKeyPair, string) {
	k, err := keywrap.NewEphemeral()
	require.NoError(t, err)
	return &keywrapKeyPair{k}, b64(k.PublicKey().Bytes())
}

// request submits RequestAccess for the current version.
func (e *env) request(id *memstub.Identity, minute int, record, purpose string) memstub.Result {
	return e.submit(id, minute, nil, "RequestAccess", record, "0", purpose)
}

// releaseKey evaluates ReleaseKey at a time.
func (e *env) releaseKey(id *memstub.Identity, when time.Time, access, record, purpose, pub string) memstub.Result {
	return e.Peer.Query("records", id, when, "ReleaseKey", access, record, purpose, pub)
}

// release requests access and releases the key as id, returning the key.
func (e *env) release(id *memstub.Identity, minute int, record, purpose string) ([]byte, wire.Release) {
	e.T.Helper()
	var r wire.Receipt
	e.Must(e.request(id, minute, record, purpose), &r)
	oneTime, pub := oneTimeKey(e.T)
	var rel wire.Release
	e.Must(e.releaseKey(id, at(minute+1), r.AccessID, record, purpose, pub), &rel)
	return oneTime.open(e.T, rel), rel
}

// fakeClaims is a chaincode installed as "claims" that asks records'
// MatchSubject, as the claims chaincode does when a claim cites a record.
var fakeClaims = memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
	_, args := stub.GetFunctionAndParameters()
	res := stub.InvokeChaincode("records", [][]byte{[]byte("MatchSubject"), []byte(args[0]), []byte(args[1])}, "")
	if res.GetStatus() >= shim.ERRORTHRESHOLD {
		return shim.Error(res.GetMessage())
	}
	return shim.Success(res.GetPayload())
})

// matchViaClaims asks MatchSubject through the fake claims chaincode.
func (e *env) matchViaClaims(id *memstub.Identity, minute int, record, subject string) memstub.Result {
	return e.Peer.Query(ClaimsChaincode, id, at(minute), "Match", record, subject)
}

func itoa(n int) string { return strconv.Itoa(n) }
