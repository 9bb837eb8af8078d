package consent

import (
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// Patient pseudonyms as the consortium issues them: 128 random bits.
const (
	pt1 = "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3"
	pt2 = "pt-9b27d3f5a0c84e1d6f3b2a7c9e05d1f8"
	pt3 = "pt-1d6f80c2b7e94a35c0d2f6a8b1e37c49"
)

// The cast: one identity per role that matters to consent.
var (
	patient1    = memstub.NewIdentity(PatientMSP, "patient1", map[string]string{"role": RolePatient, AttrPatientID: pt1})
	patient2    = memstub.NewIdentity(PatientMSP, "patient2", map[string]string{"role": RolePatient, AttrPatientID: pt2})
	guardian    = memstub.NewIdentity(PatientMSP, "guardian1", map[string]string{"role": RolePatient, AttrPatientID: pt3})
	physician   = memstub.NewIdentity("ProviderMSP", "physician1", map[string]string{"role": RolePhysician, "npi": "1234567893"})
	physician2  = memstub.NewIdentity("ProviderMSP", "physician2", map[string]string{"role": RolePhysician})
	nurse       = memstub.NewIdentity("ProviderMSP", "nurse1", map[string]string{"role": RoleNurse})
	billing     = memstub.NewIdentity("ProviderMSP", "billing1", map[string]string{"role": "billing"})
	privacy     = memstub.NewIdentity("ProviderMSP", "privacy1", map[string]string{"role": RolePrivacy})
	payerPriv   = memstub.NewIdentity("PayerMSP", "privacy1", map[string]string{"role": RolePrivacy})
	orgAdmin    = memstub.NewIdentity("ProviderMSP", "admin", map[string]string{"hf.Type": "admin"})
	adjudicator = memstub.NewIdentity("PayerMSP", "adjudicator1", map[string]string{"role": "adjudicator"})
	auditor     = memstub.NewIdentity(RegulatorMSP, "auditor1", map[string]string{"role": RoleAuditor})
	// An identity of a hospital claiming to be a patient: not the patients' org.
	impostor = memstub.NewIdentity("ProviderMSP", "mallory", map[string]string{"role": RolePatient, AttrPatientID: pt1})
)

var start = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

// at returns the test clock: start plus minutes.
func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

type env struct{ *cctest.Harness }

func newEnv(t *testing.T) *env {
	t.Helper()
	cc, err := contractapi.NewChaincode(&Contract{})
	require.NoError(t, err)
	p := memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
	p.Install("consent", cc, memstub.WithCollections(memstub.Collection{
		Name: Collection, Members: []string{"ProviderMSP", "PayerMSP", RegulatorMSP},
	}))
	return &env{&cctest.Harness{T: t, Peer: p, Chaincode: "consent", At: at}}
}

// grantInput is a typical consent: patient pt1 lets ProviderMSP physicians
// access labs and imaging for treatment for a day.
func grantInput(id string) GrantInput {
	return GrantInput{ID: id, Subject: pt1, Decision: Permit,
		Period: Period{Start: at(0).Format(time.RFC3339), End: at(24 * 60).Format(time.RFC3339)},
		Provision: Provision{Actors: []Actor{{Org: "ProviderMSP", Role: RolePhysician}},
			Actions: []string{"access"}, Purposes: []string{"treatment"}, DataClasses: []string{"labs", "imaging"}}}
}

func (e *env) grant(id *memstub.Identity, minute int, in GrantInput) Receipt {
	e.T.Helper()
	var r Receipt
	e.Must(e.Submit(id, minute, TransientConsent, in, "Grant"), &r)
	return r
}

func request(subject, class string, requester Actor) string {
	return string(cctest.JSON(Request{Subject: subject, Requester: requester, Action: "access", Purpose: "treatment", DataClass: class}))
}

var physicianActor = Actor{Org: "ProviderMSP", Role: RolePhysician, ID: "physician1"}

func (e *env) check(id *memstub.Identity, minute int, req string) Decision {
	e.T.Helper()
	var d Decision
	e.Must(e.Query(id, minute, "Check", req), &d)
	return d
}
