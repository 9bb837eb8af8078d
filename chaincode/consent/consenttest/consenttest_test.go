package consenttest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent"
	"github.com/carechain/carechain/chaincode/consent/consenttest"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

const pt1 = "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3"

var start = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

func TestSetupGrantCheckRevoke(t *testing.T) {
	peer := memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
	pts := consenttest.Setup(peer, at(0))
	h := &cctest.Harness{T: t, Peer: peer, Chaincode: consenttest.Chaincode, At: at}
	patient := pts.Patient("patient1", pt1)
	physician := memstub.NewIdentity("ProviderMSP", "physician1", map[string]string{"role": consent.RolePhysician})

	in := consent.GrantInput{ID: "c1", Subject: pt1, Decision: consent.Permit,
		Period: consent.Period{Start: at(0).Format(time.RFC3339)},
		Provision: consent.Provision{Actors: []consent.Actor{{Org: "ProviderMSP", Role: consent.RolePhysician}},
			Actions: []string{"access"}, Purposes: []string{"treatment"}, DataClasses: []string{"labs"}}}
	r := pts.Grant(h, patient, 1, in)
	assert.Equal(t, consent.StatusActive, r.Status)

	check := func(minute int) string {
		req := `{"subject":"` + pt1 + `","action":"access","purpose":"treatment","class":"labs"}`
		var d consent.Decision
		h.Must(h.Query(physician, minute, "Check", req), &d)
		return d.Decision
	}
	assert.Equal(t, consent.Permit, check(2))
	assert.Equal(t, consent.StatusInactive, pts.Revoke(h, patient, 3, "c1").Status)
	assert.Equal(t, consent.Deny, check(4))

	// A patient the CA did not issue cannot sign a consent.
	forger := memstub.NewIdentity(consent.PatientMSP, "patient1", map[string]string{"role": consent.RolePatient, consent.AttrPatientID: pt1})
	in.ID = "c2"
	res := peer.Invoke(consenttest.Chaincode, forger, at(5), consenttest.GrantTransient("care", forger, in), "Grant")
	require.False(t, res.OK())
	assert.Contains(t, res.Message, "FORBIDDEN")

	bg := consenttest.BreakGlass(h, physician, 6, consent.BreakGlassInput{Subject: pt1, Reason: "unconscious",
		Minutes: 30, Purposes: []string{"emergency", "treatment"}, DataClasses: []string{"labs"}})
	assert.NotEmpty(t, bg.ID)
	assert.Equal(t, consent.Permit, check(7))
}
