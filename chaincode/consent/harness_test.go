package consent

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Patient pseudonyms as the consortium issues them: 128 random bits.
const (
	pt1 = "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3"
	pt2 = "pt-9b27d3f5a0c84e1d6f3b2a7c9e05d1f8"
	pt3 = "pt-1d6f80c2b7e94a35c0d2f6a8b1e37c49"
)

// patientsCA is the patients' org's CA: the registry lists its root.
var patientsCA = memstub.NewCA(roles.PatientMSP)

// attrPatientID is the certificate attribute patients' certificates used
// to carry: it makes no one a patient any more.
const attrPatientID = "patient_id"

// enrollment is the enrollment id the test registry gives name: 128 bits
// that look random, as registration chooses them.
func enrollment(name string) string {
	sum := sha256.Sum256([]byte("consent-test/" + name))
	return "p" + hex.EncodeToString(sum[:16])
}

// patient enrolls a patient at the patients' CA: role patient, a random
// enrollment id, no pseudonym. It links nothing (e.patient does).
func patient(name string) *memstub.Identity {
	return patientsCA.Issue(enrollment(name), map[string]string{"role": parts.RolePatient})
}

// keyOf is id's identity as the chaincode names it (MSPID/enrollmentID).
func keyOf(id *memstub.Identity) string { return id.MSPID + "/" + id.Cert.Subject.CommonName }

// castLink is a patient of the cast, linked in every env.
type castLink struct {
	id      *memstub.Identity
	subject string
}

var cast []castLink

func castPatient(name, subject string) *memstub.Identity {
	id := patient(name)
	cast = append(cast, castLink{id: id, subject: subject})
	return id
}

// The cast: one identity per role that matters to consent.
var (
	patient1    = castPatient("patient1", pt1)
	patient2    = castPatient("patient2", pt2)
	guardian    = castPatient("guardian1", pt3)
	registrar   = patientsCA.Issue("registrar1", map[string]string{"role": parts.RoleRegistrar})
	physician   = memstub.NewIdentity("ProviderMSP", "physician1", map[string]string{"role": parts.RolePhysician, "npi": "1234567893"})
	physician2  = memstub.NewIdentity("ProviderMSP", "physician2", map[string]string{"role": parts.RolePhysician})
	nurse       = memstub.NewIdentity("ProviderMSP", "nurse1", map[string]string{"role": parts.RoleNurse})
	billing     = memstub.NewIdentity("ProviderMSP", "billing1", map[string]string{"role": "billing"})
	privacy     = memstub.NewIdentity("ProviderMSP", "privacy1", map[string]string{"role": parts.RolePrivacy})
	payerPriv   = memstub.NewIdentity("PayerMSP", "privacy1", map[string]string{"role": parts.RolePrivacy})
	orgAdmin    = memstub.NewIdentity("ProviderMSP", "admin", map[string]string{"hf.Type": "admin"})
	adjudicator = memstub.NewIdentity("PayerMSP", "adjudicator1", map[string]string{"role": "adjudicator"})
	auditor     = memstub.NewIdentity(roles.RegulatorMSP, "auditor1", map[string]string{"role": parts.RoleAuditor})
	// An identity of a hospital claiming to be a patient: not the patients' org.
	impostor = memstub.NewIdentity("ProviderMSP", enrollment("patient1"), map[string]string{"role": parts.RolePatient, attrPatientID: pt1})
)

var start = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

// at returns the test clock: start plus minutes.
func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

// endorsement is consent's policy on the care channel (network/topology.yaml
// and collections.json): two of the three peer orgs.
const endorsement = "OutOf(2, 'ProviderMSP.peer', 'PayerMSP.peer', 'RegulatorMSP.peer')"

type env struct{ *cctest.Harness }

// genesis is the reference registry with the patients' CA root listed.
func genesis() parts.Genesis {
	g := partstest.Reference()
	for _, o := range g.Channels["care"].Orgs {
		if o.MSPID == roles.PatientMSP {
			o.RootCerts = []string{patientsCA.CertPEM()}
			g = partstest.With(g, "care", o)
		}
	}
	return g
}

func newEnv(t testing.TB) *env { return newEnvWith(t, &Contract{}, genesis()) }

// newEnvWith installs the registry and consent, sets the collection's
// blinding secret and links the cast's patients, a few minutes before
// the contract's clock (or before the test calendar's start).
func newEnvWith(t testing.TB, c *Contract, g parts.Genesis) *env {
	t.Helper()
	e := bareEnv(t, c, g)
	when := at(-1)
	if c.Clock != nil {
		when = c.Clock().Add(-4 * time.Minute)
	}
	e.ready(when)
	return e
}

// ready sets the collection's blinding secret and links the cast.
func (e *env) ready(when time.Time) {
	e.T.Helper()
	e.Must(e.setupBlinding(orgAdmin, when), nil)
	for _, l := range cast {
		e.Must(e.linkAt(l.id, l.subject, when), nil)
	}
}

// bareEnv installs the registry and consent, nothing more: the collection
// has no blinding secret yet.
func bareEnv(t testing.TB, c *Contract, g parts.Genesis) *env {
	t.Helper()
	cc, err := contractapi.NewChaincode(c)
	require.NoError(t, err)
	return installEnv(t, cc, g)
}

// installEnv installs the registry with genesis g and cc as consent.
func installEnv(t testing.TB, cc shim.Chaincode, g parts.Genesis) *env {
	t.Helper()
	p := memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
	partstest.Install(p, g, at(-1))
	p.Install("consent", cc, memstub.WithEndorsement(endorsement), memstub.WithCollections(memstub.Collection{
		Name: Collection, Members: CollectionMembers, EndorsementPolicy: endorsement,
	}))
	return &env{&cctest.Harness{T: t, Peer: p, Chaincode: "consent", At: at}}
}

// setupBlinding submits SetupBlinding as id with 32 random bytes.
func (e *env) setupBlinding(id *memstub.Identity, when time.Time) memstub.Result {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return e.Peer.Invoke("consent", id, when, map[string][]byte{blind.TransientSecret: secret}, "SetupBlinding", Collection)
}

// linkAt links id's enrollment to subject, as the registrar, at when.
func (e *env) linkAt(id *memstub.Identity, subject string, when time.Time) memstub.Result {
	in := wire.LinkInput{EnrollmentID: id.Cert.Subject.CommonName, Subject: subject}
	return e.Peer.Invoke("consent", registrar, when, linkTransient(registrar, wire.Linked(roles.PatientMSP, in), in), "LinkPatient")
}

// linkTransient is the transient map of a link change: the input and
// signer's signature of the link it produces.
func linkTransient(signer *memstub.Identity, l wire.LinkRecord, in any) map[string][]byte {
	return signed(signer, wire.LinkStatement("care", l), wire.TransientLink, in)
}

// patient enrolls a new patient and links them to subject at minute -1.
func (e *env) patient(name, subject string) *memstub.Identity {
	e.T.Helper()
	id := patient(name)
	e.Must(e.linkAt(id, subject, at(-1)), nil)
	return id
}

var errComputed = errors.New("computed")

// keyOf computes a private key as the chaincode does (tokens need the
// collection's secret), in a transaction that is never committed.
func (e *env) keyOf(f func(t *tx) (string, error)) (string, error) {
	e.T.Helper()
	var key string
	res := e.Peer.Run("consent", orgAdmin, at(0), func(stub shim.ChaincodeStubInterface) error {
		base, err := txn.Begin(stub)
		if err != nil {
			return err
		}
		if key, err = f(&tx{Tx: base, orgs: map[string]parts.Org{}, links: map[string]linkRead{}}); err != nil {
			return err
		}
		return errComputed
	})
	require.Equal(e.T, errComputed.Error(), res.Message)
	return key, nil
}

func (e *env) consentKey(id string) (string, error) {
	return e.keyOf(func(t *tx) (string, error) { return t.consentKey(id) })
}

func (e *env) subjectOpenKey(subject string) (string, error) {
	return e.keyOf(func(t *tx) (string, error) { return t.subjectOpenKey(subject) })
}

func (e *env) delegateKey(subject, delegate string) (string, error) {
	return e.keyOf(func(t *tx) (string, error) { return t.delegateKey(subject, delegate) })
}

func (e *env) breakGlassKey(id string) (string, error) {
	return e.keyOf(func(t *tx) (string, error) { return t.breakGlassKey(id) })
}

func (e *env) episodeKey(subject, requester string) (string, error) {
	return e.keyOf(func(t *tx) (string, error) { return t.episodeKey(subject, requester) })
}

// grantInput is a typical consent: patient pt1 lets ProviderMSP physicians
// access labs and imaging for treatment for a day.
func grantInput(id string) wire.GrantInput {
	return wire.GrantInput{ID: id, Subject: pt1, Decision: wire.Permit,
		Period: wire.Period{Start: at(0).Format(time.RFC3339), End: at(24 * 60).Format(time.RFC3339)},
		Provision: wire.Provision{Actors: []wire.Actor{{Org: "ProviderMSP", Role: parts.RolePhysician}},
			Actions: []string{"access"}, Purposes: []string{"treatment"}, DataClasses: []string{"labs", "imaging"}}}
}

// signed is a transient map: input under key (when set) and signer's
// signature of statement.
func signed(signer *memstub.Identity, statement []byte, key string, input any) map[string][]byte {
	m := map[string][]byte{wire.TransientSignature: signer.Sign(statement)}
	if key != "" {
		raw, ok := input.([]byte)
		if !ok {
			raw = cctest.JSON(input)
		}
		m[key] = raw
	}
	return m
}

// grantRes submits a Grant of in signed by id.
func (e *env) grantRes(id *memstub.Identity, minute int, in wire.GrantInput) memstub.Result {
	tm := signed(id, wire.ConsentStatement("care", wire.GrantedConsent(in)), wire.TransientConsent, in)
	return e.Peer.Invoke("consent", id, at(minute), tm, "Grant")
}

func (e *env) grant(id *memstub.Identity, minute int, in wire.GrantInput) wire.Receipt {
	e.T.Helper()
	var r wire.Receipt
	e.Must(e.grantRes(id, minute, in), &r)
	return r
}

// stored reads consent id as committed (no access control: the test's view).
func (e *env) stored(id string) wire.Consent {
	e.T.Helper()
	key, _ := e.consentKey(id)
	raw, ok := e.Peer.PrivateState("consent", Collection, key)
	require.True(e.T, ok, "consent %s", id)
	var cs wire.Consent
	require.NoError(e.T, json.Unmarshal(raw, &cs))
	return cs
}

// change submits fn on consent id as signer, signing next(current).
func (e *env) change(signer *memstub.Identity, minute int, fn, id string, next func(wire.Consent) wire.Consent, args ...string) memstub.Result {
	e.T.Helper()
	var statement []byte
	if key, _ := e.consentKey(id); e.hasPrivate(key) {
		statement = wire.ConsentStatement("care", next(e.stored(id)))
	} else {
		statement = []byte("nothing to sign")
	}
	return e.Peer.Invoke("consent", signer, at(minute), signed(signer, statement, "", nil), fn, append([]string{id}, args...)...)
}

// attachForm submits AttachForm of hash on consent id as signer, signed.
func (e *env) attachForm(signer *memstub.Identity, minute int, id, hash string) memstub.Result {
	e.T.Helper()
	statement := []byte("nothing to sign")
	if key, _ := e.consentKey(id); e.hasPrivate(key) {
		statement = wire.ConsentStatement("care", wire.FormAttached(e.stored(id), hash))
	}
	tm := signed(signer, statement, wire.TransientForm, wire.FormInput{SHA256: hash})
	return e.Peer.Invoke("consent", signer, at(minute), tm, "AttachForm", id)
}

func (e *env) hasPrivate(key string) bool {
	_, ok := e.Peer.PrivateState("consent", Collection, key)
	return ok
}

func (e *env) revoke(signer *memstub.Identity, minute int, id string) memstub.Result {
	return e.change(signer, minute, "Revoke", id, wire.Revoked)
}

func (e *env) activate(signer *memstub.Identity, minute int, id string) memstub.Result {
	return e.change(signer, minute, "Activate", id, wire.Activated)
}

func (e *env) update(signer *memstub.Identity, minute int, in wire.GrantInput) memstub.Result {
	e.T.Helper()
	next := func(c wire.Consent) wire.Consent { return wire.Drafted(c, in) }
	var statement []byte
	if key, _ := e.consentKey(in.ID); e.hasPrivate(key) {
		statement = wire.ConsentStatement("care", next(e.stored(in.ID)))
	}
	return e.Peer.Invoke("consent", signer, at(minute), signed(signer, statement, wire.TransientConsent, in), "Update", in.ID)
}

// storedDelegate reads a delegation as committed.
func (e *env) storedDelegate(subject, delegate string) *wire.Delegate {
	key, _ := e.delegateKey(subject, delegate)
	raw, ok := e.Peer.PrivateState("consent", Collection, key)
	if !ok {
		return nil
	}
	var d wire.Delegate
	require.NoError(e.T, json.Unmarshal(raw, &d))
	return &d
}

// registerDelegate submits the registration of in, signed by signer.
func (e *env) registerDelegate(signer *memstub.Identity, minute int, in wire.DelegateInput) memstub.Result {
	next := wire.Registered(e.storedDelegate(in.Subject, in.Delegate), in)
	return e.Peer.Invoke("consent", signer, at(minute), signed(signer, wire.DelegateStatement("care", next), wire.TransientDelegate, in), "RegisterDelegate")
}

// revokeDelegate submits the end of subject's delegation to delegate, signed by signer.
func (e *env) revokeDelegate(signer *memstub.Identity, minute int, subject, delegate string) memstub.Result {
	in := wire.DelegateInput{Subject: subject, Delegate: delegate}
	statement := []byte("no delegation")
	if d := e.storedDelegate(subject, delegate); d != nil {
		statement = wire.DelegateStatement("care", wire.Ended(*d))
	}
	return e.Peer.Invoke("consent", signer, at(minute), signed(signer, statement, wire.TransientDelegate, in), "RevokeDelegate")
}

func guardianInput() wire.DelegateInput {
	return wire.DelegateInput{Subject: pt1, Delegate: keyOf(guardian), Kind: wire.KindGuardian, Period: wire.Period{Start: at(0).Format(time.RFC3339)}}
}

// breakGlassInput is an emergency access to pt1's labs and psychiatry notes.
func breakGlassInput(minutes int64) wire.BreakGlassInput {
	return wire.BreakGlassInput{Subject: pt1, Reason: "unconscious in ER", Minutes: minutes,
		Purposes: []string{"emergency", "treatment"}, DataClasses: []string{"labs", "psychiatry"}}
}

func (e *env) breakGlass(id *memstub.Identity, minute int, in wire.BreakGlassInput) memstub.Result {
	return e.Submit(id, minute, wire.TransientBreakGlass, in, "BreakGlass")
}

func request(subject, class string, requester wire.Actor) string {
	return string(cctest.JSON(wire.Request{Subject: subject, Requester: requester, Action: "access", Purpose: "treatment", DataClass: class}))
}

var physicianActor = wire.Actor{Org: "ProviderMSP", Role: parts.RolePhysician, ID: "physician1"}

func (e *env) check(id *memstub.Identity, minute int, req string) wire.Decision {
	e.T.Helper()
	var d wire.Decision
	e.Must(e.Query(id, minute, "Check", req), &d)
	return d
}

// memstubTx is a signed Grant of in as patient1 at when.
func memstubTx(e *env, in wire.GrantInput, when time.Time) memstub.Tx {
	tm := signed(patient1, wire.ConsentStatement("care", wire.GrantedConsent(in)), wire.TransientConsent, in)
	return memstub.Tx{Chaincode: "consent", Identity: patient1, Time: when, Transient: tm, Args: [][]byte{[]byte("Grant")}}
}

func mustJSON(v any) []byte { return cctest.JSON(v) }

// openIDs are the ids and period ends of an open set's entries.
func openIDs(set openSet) []openEntry {
	out := make([]openEntry, 0, len(set.Consents))
	for _, e := range set.Consents {
		out = append(out, openEntry{ID: e.ID, End: e.End})
	}
	return out
}
