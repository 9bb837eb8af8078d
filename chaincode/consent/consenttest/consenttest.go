// Package consenttest sets up the consent chaincode on a memstub peer for
// unit tests — consent's own and those of the chaincodes that ask it
// (records, claims) — and signs what patients sign.
//
// Consent honours only what a patient signed with a key whose certificate
// chains to a PatientsMSP root certificate listed in the parts registry.
// So a test needs a patients' CA, the registry listing its root, and
// patient identities the CA issued:
//
//	peer := memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
//	pts := consenttest.Setup(peer, at(0))        // registry + consent, patients' CA
//	patient1 := pts.Patient("patient1", pt1)     // role patient, patient_id pt1
//	pts.Grant(h, patient1, 1, consent.GrantInput{...}) // signed, submitted, must succeed
//	pts.Revoke(h, patient1, 5, "c1")
//
// h is any cctest.Harness on the peer (its chaincode may be records or
// claims: consenttest always calls "consent"); only its peer, clock and T
// are used. A harness that installs the parts registry itself uses New,
// installs the registry with pts.Genesis(g), then calls pts.Install(peer).
// Break-glass needs no signature; BreakGlass is a shortcut.
package consenttest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent"
	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
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

// Patients is the patients' org of a test consortium: its CA, whose root
// certificate the registry lists for PatientsMSP.
type Patients struct {
	CA *memstub.CA
}

// New makes a patients' CA.
func New() *Patients { return &Patients{CA: memstub.NewCA(consent.PatientMSP)} }

// Setup makes a patients' CA and installs on the peer's channel the parts
// registry (the reference genesis with PatientsMSP's root certificate set
// to the CA's, bootstrapped at at) and the consent chaincode.
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
			if o.MSPID == consent.PatientMSP {
				o.RootCerts = []string{p.CA.CertPEM()}
				out = partstest.With(out, name, o)
			}
		}
	}
	return out
}

// Install installs the consent chaincode (no clock: no skew guard) with its
// collection on the peer's channel.
func (p *Patients) Install(peer *memstub.Peer) {
	cc, err := contractapi.NewChaincode(&consent.Contract{})
	if err != nil {
		panic(fmt.Sprintf("consenttest: %v", err))
	}
	peer.Install(Chaincode, cc, memstub.WithEndorsement(Endorsement),
		memstub.WithCollections(memstub.Collection{Name: consent.Collection, Members: Members, EndorsementPolicy: Endorsement}))
}

// Patient enrolls a patient at the patients' CA: role patient, patient_id.
func (p *Patients) Patient(enrollmentID, patientID string) *memstub.Identity {
	return p.CA.Issue(enrollmentID, map[string]string{"role": consent.RolePatient, consent.AttrPatientID: patientID})
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
func GrantTransient(channel string, signer *memstub.Identity, in consent.GrantInput) map[string][]byte {
	return Signed(signer, wire.ConsentStatement(channel, wire.GrantedConsent(in)), consent.TransientConsent, in)
}

// Grant signs and submits a Grant as patient (or a delegate) at minute,
// and requires it to commit.
func (p *Patients) Grant(h *cctest.Harness, patient *memstub.Identity, minute int, in consent.GrantInput) consent.Receipt {
	h.T.Helper()
	res := h.Peer.Invoke(Chaincode, patient, h.At(minute), GrantTransient(h.Peer.Channel(), patient, in), "Grant")
	return receipt(h, res)
}

// Get reads consent id as id at minute, and requires it to succeed.
func Get(h *cctest.Harness, id *memstub.Identity, minute int, consentID string) consent.View {
	h.T.Helper()
	res := h.Peer.Query(Chaincode, id, h.At(minute), "Get", consentID)
	require.True(h.T, res.OK(), "consent Get: %s", res.Message)
	var v consent.View
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

// Change signs and submits fn (Activate, Revoke, MarkEnteredInError,
// AttachForm with args) on consent consentID, whose next state is next.
func (p *Patients) Change(h *cctest.Harness, signer *memstub.Identity, minute int, fn, consentID string, next func(wire.Consent) wire.Consent, args ...string) memstub.Result {
	h.T.Helper()
	tm := ChangeTransient(h, signer, minute, consentID, next, "", nil)
	return h.Peer.Invoke(Chaincode, signer, h.At(minute), tm, fn, append([]string{consentID}, args...)...)
}

// Revoke signs and submits the revocation of consent id, and requires it to commit.
func (p *Patients) Revoke(h *cctest.Harness, signer *memstub.Identity, minute int, id string) consent.Receipt {
	h.T.Helper()
	return receipt(h, p.Change(h, signer, minute, "Revoke", id, wire.Revoked))
}

// Activate signs and submits the activation of draft id, and requires it to commit.
func (p *Patients) Activate(h *cctest.Harness, signer *memstub.Identity, minute int, id string) consent.Receipt {
	h.T.Helper()
	return receipt(h, p.Change(h, signer, minute, "Activate", id, wire.Activated))
}

// DelegateTransient is the transient map of a delegation change signed by
// signer: prev is the current delegation (nil when none), next its next
// version.
func DelegateTransient(channel string, signer *memstub.Identity, in consent.DelegateInput, next consent.Delegate) map[string][]byte {
	return Signed(signer, wire.DelegateStatement(channel, next), consent.TransientDelegate, in)
}

// RegisterDelegate signs and submits the patient's registration of a
// delegate (the first one, or following prev), and requires it to commit.
func (p *Patients) RegisterDelegate(h *cctest.Harness, patient *memstub.Identity, minute int, prev *consent.Delegate, in consent.DelegateInput) consent.Receipt {
	h.T.Helper()
	tm := DelegateTransient(h.Peer.Channel(), patient, in, wire.Registered(prev, in))
	return receipt(h, h.Peer.Invoke(Chaincode, patient, h.At(minute), tm, "RegisterDelegate"))
}

// BreakGlass submits a clinician's break-glass and requires it to commit.
func BreakGlass(h *cctest.Harness, clinician *memstub.Identity, minute int, in consent.BreakGlassInput) consent.Receipt {
	h.T.Helper()
	tm := map[string][]byte{consent.TransientBreakGlass: cctest.JSON(in)}
	return receipt(h, h.Peer.Invoke(Chaincode, clinician, h.At(minute), tm, "BreakGlass"))
}

func receipt(h *cctest.Harness, res memstub.Result) consent.Receipt {
	h.T.Helper()
	require.True(h.T, res.OK(), "consent: status %d: %s", res.Status, res.Message)
	var r consent.Receipt
	require.NoError(h.T, json.Unmarshal(res.Payload, &r))
	return r
}
