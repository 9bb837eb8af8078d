package consent

import (
	"encoding/json"
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

type env struct {
	t    *testing.T
	peer *memstub.Peer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	cc, err := contractapi.NewChaincode(&Contract{})
	require.NoError(t, err)
	p := memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
	p.Install("consent", cc, memstub.WithCollections(memstub.Collection{
		Name: Collection, Members: []string{"ProviderMSP", "PayerMSP", RegulatorMSP},
	}))
	return &env{t: t, peer: p}
}

func js(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}

// submit runs a transaction with a transient input.
func (e *env) submit(id *memstub.Identity, minute int, transientKey string, transient any, fn string, args ...string) memstub.Result {
	var tm map[string][]byte
	if transientKey != "" {
		raw, ok := transient.([]byte)
		if !ok {
			raw = js(transient)
		}
		tm = map[string][]byte{transientKey: raw}
	}
	return e.peer.Invoke("consent", id, at(minute), tm, fn, args...)
}

func (e *env) query(id *memstub.Identity, minute int, fn string, args ...string) memstub.Result {
	return e.peer.Query("consent", id, at(minute), fn, args...)
}

// must asserts a result committed and decodes its payload into v.
func (e *env) must(res memstub.Result, v any) {
	e.t.Helper()
	require.True(e.t, res.OK(), "status %d: %s", res.Status, res.Message)
	if v != nil {
		require.NoError(e.t, json.Unmarshal(res.Payload, v), string(res.Payload))
	}
}

// refused asserts a result failed with the wire error prefix (code and,
// optionally, field) and changed nothing.
func (e *env) refused(before memstub.Snapshot, res memstub.Result, prefix string) {
	e.t.Helper()
	require.False(e.t, res.OK(), "expected refusal %q, got status %d: %s", prefix, res.Status, res.Payload)
	require.Contains(e.t, res.Message, prefix)
	require.False(e.t, res.Committed)
	require.Equal(e.t, before, e.peer.Snapshot(), "a refused transaction changed state")
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
	e.t.Helper()
	var r Receipt
	e.must(e.submit(id, minute, TransientConsent, in, "Grant"), &r)
	return r
}

func request(subject, class string, requester Actor) string {
	return string(js(Request{Subject: subject, Requester: requester, Action: "access", Purpose: "treatment", DataClass: class}))
}

var physicianActor = Actor{Org: "ProviderMSP", Role: RolePhysician, ID: "physician1"}

func (e *env) check(id *memstub.Identity, minute int, req string) Decision {
	e.t.Helper()
	var d Decision
	e.must(e.query(id, minute, "Check", req), &d)
	return d
}
