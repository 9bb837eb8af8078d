// Package consenttest sets up the consent chaincode on a memstub peer for
// unit tests — consent's own and those of the chaincodes that ask it
// (records, claims) — enrolls and links patients, and signs what patients
// sign.
//
// Consent honours only what a patient signed with a key whose certificate
// chains to a PatientsMSP root certificate listed in the parts registry,
// and a patient is the subject the patient registry linked their
// enrollment to (LinkPatient), not what their certificate says. So a test
// needs a patients' CA, the registry listing its root, the consent
// collection's blinding secret, and patient identities the CA issued and
// the registrar linked:
//
//	peer := memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
//	pts := consenttest.Setup(peer, at(0))        // registry + consent, patients' CA, blinding secret
//	patient1 := pts.Patient("patient1", pt1)     // role patient, random enrollment id, linked to pt1
//	pts.Grant(h, patient1, 1, consent.GrantInput{...}) // signed, submitted, must succeed
//	pts.Revoke(h, patient1, 5, "c1")
//
// h is any cctest.Harness on the peer (its chaincode may be records or
// claims: consenttest always calls "consent"); only its peer, clock and T
// are used. A harness that installs the parts registry itself uses New,
// installs the registry with pts.Genesis(g), then calls pts.Install(peer).
// A harness that installs the consent chaincode itself calls
// pts.Attach(peer) after it: Attach sets the collection's blinding secret
// and links every patient issued so far. Patients issued later (Patient)
// are linked on every attached peer at once, so package-level patients
// work too. Setup and links happen at SetupTime, before any test
// calendar, and consent installed here has no skew guard.
//
// Patient certificates carry role=patient and an enrollment id of 128
// bits that look random ("p" and 32 hex digits, Enrollment(name)), never a
// patient_id. A delegate is named by Key(identity) (PatientsMSP/enrollment
// id). Break-glass needs no signature; BreakGlass is a shortcut.
package consenttest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent"
	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Chaincode is the consent chaincode's name on the test peer.
const Chaincode = "consent"

// Endorsement is consent's chaincode and collection endorsement policy on
// the care channel (network/topology.yaml, collections.json).
const Endorsement = "OutOf(2, 'ProviderMSP.peer', 'PayerMSP.peer', 'RegulatorMSP.peer')"

// Members are the orgs of the consent collection (the care channel's peer orgs).
var Members = []string{"ProviderMSP", "PayerMSP", "RegulatorMSP"}

// SetupTime is when Attach sets the blinding secret and links patients:
// before any test calendar, so every test transaction comes after it.
var SetupTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Patients is the patients' org of a test consortium: its CA, whose root
// certificate the registry lists for PatientsMSP, its registrar, and the
// patients the CA issued with the subjects they are linked to.
type Patients struct {
	CA        *memstub.CA
	Registrar *memstub.Identity
	issued    []issue
	peers     []*memstub.Peer
}

type issue struct {
	id      *memstub.Identity
	subject string
}

// New makes a patients' CA and its registrar (role registrar, issued by
// the CA: consent verifies the registrar's signature of every link).
func New() *Patients {
	ca := memstub.NewCA(roles.PatientMSP)
	return &Patients{CA: ca, Registrar: ca.Issue("registrar1", map[string]string{"role": parts.RoleRegistrar})}
}

// Setup makes a patients' CA and installs on the peer's channel the parts
// registry (the reference genesis with PatientsMSP's root certificate set
// to the CA's, bootstrapped at at) and the consent chaincode, attached.
func Setup(peer *memstub.Peer, at time.Time) *Patients {
	p := New()
	partstest.Install(peer, p.Genesis(partstest.Reference()), at)
	p.Install(peer)
	return p
}

// Genesis returns g with the CA's root certificate as PatientsMSP's on
// every channel that lists PatientsMSP.
func (p *Patients) Genesis(g parts.Genesis) parts.Genesis {
	out := g
	for name, r := range g.Channels {
		for _, o := range r.Orgs {
			if o.MSPID == roles.PatientMSP {
				o.RootCerts = []string{p.CA.CertPEM()}
				out = partstest.With(out, name, o)
			}
		}
	}
	return out
}

// Install installs the consent chaincode (no clock: no skew guard) with its
// collection on the peer's channel, and attaches the peer.
func (p *Patients) Install(peer *memstub.Peer) {
	cc, err := contractapi.NewChaincode(&consent.Contract{})
	if err != nil {
		panic(fmt.Sprintf("consenttest: %v", err))
	}
	peer.Install(Chaincode, cc, memstub.WithEndorsement(Endorsement),
		memstub.WithCollections(memstub.Collection{Name: consent.Collection, Members: Members, EndorsementPolicy: Endorsement}))
	p.Attach(peer)
}

// admin is the member org's admin that sets the blinding secret.
var admin = memstub.NewIdentity("ProviderMSP", "admin", map[string]string{"hf.Type": "admin"})

// Attach readies the consent chaincode installed on the peer: it sets the
// collection's blinding secret (unless set) and links every patient issued
// so far; patients issued later are linked there too. It panics when the
// chaincode refuses, a mistake in the harness (consent and the registry
// must be installed first).
func (p *Patients) Attach(peer *memstub.Peer) {
	ready := peer.Query(Chaincode, admin, SetupTime, "BlindingReady", consent.Collection)
	if !ready.OK() {
		panic(fmt.Sprintf("consenttest: BlindingReady: %s", ready.Message))
	}
	if string(ready.Payload) != "true" {
		secret := make([]byte, blind.MinSecretBytes)
		_, _ = rand.Read(secret)
		res := peer.Invoke(Chaincode, admin, SetupTime, map[string][]byte{blind.TransientSecret: secret}, "SetupBlinding", consent.Collection)
		if !res.OK() {
			panic(fmt.Sprintf("consenttest: SetupBlinding: %s", res.Message))
		}
	}
	p.peers = append(p.peers, peer)
	for _, is := range p.issued {
		p.mustLink(peer, is)
	}
}

func (p *Patients) mustLink(peer *memstub.Peer, is issue) {
	if res := p.Link(peer, is.id, is.subject); !res.OK() {
		panic(fmt.Sprintf("consenttest: LinkPatient %s: %s", Key(is.id), res.Message))
	}
}

// Link links id's enrollment to subject on the peer, as the registrar
// (signing the link), at SetupTime: for identities a test enrolled itself.
func (p *Patients) Link(peer *memstub.Peer, id *memstub.Identity, subject string) memstub.Result {
	in := wire.LinkInput{EnrollmentID: id.Cert.Subject.CommonName, Subject: subject}
	tm := Signed(p.Registrar, wire.LinkStatement(peer.Channel(), wire.Linked(roles.PatientMSP, in)), wire.TransientLink, in)
	return peer.Invoke(Chaincode, p.Registrar, SetupTime, tm, "LinkPatient")
}

var enrollmentShape = regexp.MustCompile(`^p[0-9a-f]{32}$`)

// Enrollment is the enrollment id the test CA gives a patient called
// name: 128 bits that look random, the same for the same name. A name
// that already has that shape is kept.
func Enrollment(name string) string {
	if enrollmentShape.MatchString(name) {
		return name
	}
	sum := sha256.Sum256([]byte("consenttest/" + name))
	return "p" + hex.EncodeToString(sum[:16])
}

// Key is an identity as consent names it: MSPID/enrollmentID (a
// delegate, a grantor, a requester).
func Key(id *memstub.Identity) string { return id.MSPID + "/" + id.Cert.Subject.CommonName }

// Patient enrolls a patient at the patients' CA (role patient, enrollment
// id Enrollment(name), no patient_id) and links them to subject on every
// attached peer, now and on peers attached later.
func (p *Patients) Patient(name, subject string) *memstub.Identity {
	id := p.CA.Issue(Enrollment(name), map[string]string{"role": parts.RolePatient})
	is := issue{id: id, subject: subject}
	p.issued = append(p.issued, is)
	for _, peer := range p.peers {
		p.mustLink(peer, is)
	}
	return id
}

// Signed is the transient map of a change: input under key (none when key
// is empty) and signer's signature of statement.
func Signed(signer *memstub.Identity, statement []byte, key string, input any) map[string][]byte {
	m := map[string][]byte{wire.TransientSignature: signer.Sign(statement)}
	if key != "" {
		m[key] = cctest.JSON(input)
	}
	return m
}

// GrantTransient is the transient map of a Grant of in on channel, signed by signer.
func GrantTransient(channel string, signer *memstub.Identity, in wire.GrantInput) map[string][]byte {
	return Signed(signer, wire.ConsentStatement(channel, wire.GrantedConsent(in)), wire.TransientConsent, in)
}

// Grant signs and submits a Grant as patient (or a delegate) at minute,
// and requires it to commit.
func (p *Patients) Grant(h *cctest.Harness, patient *memstub.Identity, minute int, in wire.GrantInput) wire.Receipt {
	h.T.Helper()
	res := h.Peer.Invoke(Chaincode, patient, h.At(minute), GrantTransient(h.Peer.Channel(), patient, in), "Grant")
	return receipt(h, res)
}

// Get reads consent id as id at minute, and requires it to succeed.
func Get(h *cctest.Harness, id *memstub.Identity, minute int, consentID string) wire.View {
	h.T.Helper()
	res := h.Peer.Query(Chaincode, id, h.At(minute), "Get", consentID)
	require.True(h.T, res.OK(), "consent Get: %s", res.Message)
	var v wire.View
	require.NoError(h.T, json.Unmarshal(res.Payload, &v))
	return v
}

// ChangeTransient reads consent consentID as signer and returns the
// transient map of the change to next(current), signed by signer, with
// input under key when key is set.
func ChangeTransient(h *cctest.Harness, signer *memstub.Identity, minute int, consentID string, next func(wire.Consent) wire.Consent, key string, input any) map[string][]byte {
	h.T.Helper()
	v := Get(h, signer, minute, consentID)
	return Signed(signer, wire.ConsentStatement(h.Peer.Channel(), next(v.Consent)), key, input)
}

// Change signs and submits fn (Activate, Revoke, MarkEnteredInError) on
// consent consentID, whose next state is next. AttachForm takes its hash
// in the transient map: ChangeTransient with key consent.TransientForm.
func (p *Patients) Change(h *cctest.Harness, signer *memstub.Identity, minute int, fn, consentID string, next func(wire.Consent) wire.Consent, args ...string) memstub.Result {
	h.T.Helper()
	tm := ChangeTransient(h, signer, minute, consentID, next, "", nil)
	return h.Peer.Invoke(Chaincode, signer, h.At(minute), tm, fn, append([]string{consentID}, args...)...)
}

// Revoke signs and submits the revocation of consent id, and requires it to commit.
func (p *Patients) Revoke(h *cctest.Harness, signer *memstub.Identity, minute int, id string) wire.Receipt {
	h.T.Helper()
	return receipt(h, p.Change(h, signer, minute, "Revoke", id, wire.Revoked))
}

// Activate signs and submits the activation of draft id, and requires it to commit.
func (p *Patients) Activate(h *cctest.Harness, signer *memstub.Identity, minute int, id string) wire.Receipt {
	h.T.Helper()
	return receipt(h, p.Change(h, signer, minute, "Activate", id, wire.Activated))
}

// DelegateTransient is the transient map of a delegation change signed by
// signer: prev is the current delegation (nil when none), next its next
// version.
func DelegateTransient(channel string, signer *memstub.Identity, in wire.DelegateInput, next wire.Delegate) map[string][]byte {
	return Signed(signer, wire.DelegateStatement(channel, next), wire.TransientDelegate, in)
}

// RegisterDelegate signs and submits the patient's registration of a
// delegate (the first one, or following prev), and requires it to commit.
func (p *Patients) RegisterDelegate(h *cctest.Harness, patient *memstub.Identity, minute int, prev *wire.Delegate, in wire.DelegateInput) wire.Receipt {
	h.T.Helper()
	tm := DelegateTransient(h.Peer.Channel(), patient, in, wire.Registered(prev, in))
	return receipt(h, h.Peer.Invoke(Chaincode, patient, h.At(minute), tm, "RegisterDelegate"))
}

// BreakGlass submits a clinician's break-glass and requires it to commit.
func BreakGlass(h *cctest.Harness, clinician *memstub.Identity, minute int, in wire.BreakGlassInput) wire.Receipt {
	h.T.Helper()
	tm := map[string][]byte{wire.TransientBreakGlass: cctest.JSON(in)}
	return receipt(h, h.Peer.Invoke(Chaincode, clinician, h.At(minute), tm, "BreakGlass"))
}

func receipt(h *cctest.Harness, res memstub.Result) wire.Receipt {
	h.T.Helper()
	require.True(h.T, res.OK(), "consent: status %d: %s", res.Status, res.Message)
	var r wire.Receipt
	require.NoError(h.T, json.Unmarshal(res.Payload, &r))
	return r
}
