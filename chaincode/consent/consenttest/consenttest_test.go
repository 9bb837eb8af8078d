package consenttest_test

import (
	"testing"
	"time"

	parts "github.com/carechain/carechain/chaincode/parts/wire"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/consenttest"
	consentwire "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/parts/partstest"
)

const (
	pt1 = "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3"
	pt2 = "pt-9b27d3f5a0c84e1d6f3b2a7c9e05d1f8"
)

var start = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

func TestSetupGrantCheckRevoke(t *testing.T) {
	peer := memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
	pts := consenttest.Setup(peer, at(0))
	h := &cctest.Harness{T: t, Peer: peer, Chaincode: consenttest.Chaincode, At: at}
	patient := pts.Patient("patient1", pt1)
	physician := memstub.NewIdentity("ProviderMSP", "physician1", map[string]string{"role": parts.RolePhysician})

	in := consentwire.GrantInput{ID: "c1", Subject: pt1, Decision: consentwire.Permit,
		Period: consentwire.Period{Start: at(0).Format(time.RFC3339)},
		Provision: consentwire.Provision{Actors: []consentwire.Actor{{Org: "ProviderMSP", Role: parts.RolePhysician}},
			Actions: []string{"access"}, Purposes: []string{"treatment"}, DataClasses: []string{"labs"}}}
	r := pts.Grant(h, patient, 1, in)
	assert.Equal(t, consentwire.StatusActive, r.Status)

	check := func(minute int) string {
		req := `{"subject":"` + pt1 + `","action":"access","purpose":"treatment","class":"labs"}`
		var d consentwire.Decision
		h.Must(h.Query(physician, minute, "Check", req), &d)
		return d.Decision
	}
	assert.Equal(t, consentwire.Permit, check(2))
	assert.Equal(t, consentwire.StatusInactive, pts.Revoke(h, patient, 3, "c1").Status)
	assert.Equal(t, consentwire.Deny, check(4))

	// A patient the CA did not issue cannot sign a consent.
	forger := memstub.NewIdentity(roles.PatientMSP, consenttest.Enrollment("patient1"), map[string]string{"role": parts.RolePatient})
	in.ID = "c2"
	res := peer.Invoke(consenttest.Chaincode, forger, at(5), consenttest.GrantTransient("care", forger, in), "Grant")
	require.False(t, res.OK())
	assert.Contains(t, res.Message, "FORBIDDEN")

	bg := consenttest.BreakGlass(h, physician, 6, consentwire.BreakGlassInput{Subject: pt1, Reason: "unconscious",
		Minutes: 30, Purposes: []string{"emergency", "treatment"}, DataClasses: []string{"labs"}})
	assert.NotEmpty(t, bg.ID)
	assert.Equal(t, consentwire.Permit, check(7))

	// The patient asks its own subject; a patient issued after setup is linked too.
	var sub struct{ Subject string }
	h.Must(h.Query(patient, 8, "PatientSubject"), &sub)
	assert.Equal(t, pt1, sub.Subject)
	late := pts.Patient("patient2", pt2)
	h.Must(h.Query(late, 8, "PatientSubject"), &sub)
	assert.Equal(t, pt2, sub.Subject)
	assert.Regexp(t, `^PatientsMSP/p[0-9a-f]{32}$`, consenttest.Key(late))
}

// A harness that installs consent itself attaches the peer; patients
// issued before are linked then.
func TestAttachLinksEarlierPatients(t *testing.T) {
	pts := consenttest.New()
	early := pts.Patient("early", pt1)
	peer := memstub.NewPeer("care", memstub.WithMSP("PayerMSP"))
	partstest.Install(peer, pts.Genesis(partstest.Reference()), at(0))
	pts.Install(peer)
	h := &cctest.Harness{T: t, Peer: peer, Chaincode: consenttest.Chaincode, At: at}
	var sub struct{ Subject string }
	h.Must(h.Query(early, 1, "PatientSubject"), &sub)
	assert.Equal(t, pt1, sub.Subject)
}
