package consent

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Every role of the consortium, minted in every org of the care channel
// and in one the registry does not list, plus each org's admin. Every
// identity carries a random-looking enrollment id and the old patient_id
// attribute pt1: neither makes anyone the patient; the matrix env links
// only the patients' org's patient to pt1.
var (
	matrixRoles = []string{parts.RolePatient, parts.RolePhysician, parts.RoleNurse, parts.RoleRecordsClerk, parts.RoleBilling,
		parts.RolePharmacist, parts.RolePrivacy, parts.RoleAdjudicator, parts.RoleEnrollment, parts.RoleClaimsIntake,
		parts.RoleQuality, parts.RoleLogistics, parts.RoleAuditor, parts.RoleRegistrar}
	matrixOrgs = []string{roles.PatientMSP, "PayerMSP", "ProviderMSP", roles.RegulatorMSP, "StrangerMSP"}
)

type minted struct {
	org, role string // role "admin" for the org's admin
	id        *memstub.Identity
}

func (m minted) name() string { return m.role + "@" + m.org }

func mintAll() []minted {
	var out []minted
	for _, org := range matrixOrgs {
		for _, role := range append(slices.Clone(matrixRoles), "admin") {
			attrs := map[string]string{"role": role, attrPatientID: pt1}
			if role == "admin" {
				attrs = map[string]string{"hf.Type": "admin", attrPatientID: pt1}
			}
			name := enrollment("m-" + role)
			var id *memstub.Identity
			if org == roles.PatientMSP {
				id = patientsCA.Issue(name, attrs) // signatures verify: only the registry's rules refuse
			} else {
				id = memstub.NewIdentity(org, name, attrs)
			}
			out = append(out, minted{org: org, role: role, id: id})
		}
	}
	return out
}

// who may do what, from the domain: the patient manages their consents
// and delegations; clinicians of a provider break the glass; the auditor
// of the regulator reads everything; a privacy officer reads what concerns
// their org; a grantee reads its own part; anyone whose role counts in
// their org's part checks and lists their own grants.
var (
	thePatient     = []string{"patient@" + roles.PatientMSP}
	theRegistrar   = []string{"registrar@" + roles.PatientMSP}
	patientAudit   = []string{"patient@" + roles.PatientMSP, "auditor@" + roles.RegulatorMSP}
	clinicians     = []string{"physician@ProviderMSP", "nurse@ProviderMSP"}
	rolesThatCount = []string{
		"patient@" + roles.PatientMSP, "registrar@" + roles.PatientMSP,
		"adjudicator@PayerMSP", "enrollment@PayerMSP", "claims-intake@PayerMSP", "privacy-officer@PayerMSP",
		"physician@ProviderMSP", "nurse@ProviderMSP", "records-clerk@ProviderMSP", "billing@ProviderMSP",
		"privacy-officer@ProviderMSP", "pharmacist@ProviderMSP", "logistics@ProviderMSP",
		"auditor@" + roles.RegulatorMSP, "registrar@" + roles.RegulatorMSP,
	}
)

type matrixOp struct {
	name    string
	allowed []string
	write   bool
	run     func(e *env, m minted) memstub.Result
}

func matrixOps(bgID string) []matrixOp {
	c1ByPhysician := "c1" // grants ProviderMSP physicians (grantInput)
	return []matrixOp{
		{"Grant", thePatient, true, func(e *env, m minted) memstub.Result { return e.grantRes(m.id, 10, grantInput("c2")) }},
		{"Update", thePatient, true, func(e *env, m minted) memstub.Result {
			d := grantInput("d1")
			d.Status = wire.StatusDraft
			return e.update(m.id, 10, d)
		}},
		{"Activate", thePatient, true, func(e *env, m minted) memstub.Result { return e.activate(m.id, 10, "d1") }},
		{"Revoke", thePatient, true, func(e *env, m minted) memstub.Result { return e.revoke(m.id, 10, "c1") }},
		{"MarkEnteredInError", thePatient, true, func(e *env, m minted) memstub.Result {
			return e.change(m.id, 10, "MarkEnteredInError", "c1", wire.EnteredInError)
		}},
		{"AttachForm", thePatient, true, func(e *env, m minted) memstub.Result {
			h := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
			return e.attachForm(m.id, 10, "c1", h)
		}},
		{"RegisterDelegate", thePatient, true, func(e *env, m minted) memstub.Result {
			return e.registerDelegate(m.id, 10, wire.DelegateInput{Subject: pt1, Delegate: keyOf(patient2), Kind: wire.KindProxy, Period: wire.Period{Start: at(0).Format(time.RFC3339)}})
		}},
		{"RevokeDelegate", thePatient, true, func(e *env, m minted) memstub.Result {
			return e.revokeDelegate(m.id, 10, pt1, keyOf(guardian))
		}},
		{"BreakGlass", clinicians, true, func(e *env, m minted) memstub.Result { return e.breakGlass(m.id, 10, breakGlassInput(30)) }},
		{"GetDelegate", patientAudit, false, func(e *env, m minted) memstub.Result {
			return e.Query(m.id, 10, "GetDelegate", pt1, keyOf(guardian))
		}},
		{"Get", append(slices.Clone(patientAudit), "physician@ProviderMSP", "privacy-officer@ProviderMSP"), false, func(e *env, m minted) memstub.Result {
			return e.Query(m.id, 10, "Get", c1ByPhysician)
		}},
		{"History", patientAudit, false, func(e *env, m minted) memstub.Result { return e.Query(m.id, 10, "History", "c1", "10", "") }},
		{"ListBySubject", patientAudit, false, func(e *env, m minted) memstub.Result { return e.Query(m.id, 10, "ListBySubject", pt1, "10", "") }},
		{"ListDelegates", patientAudit, false, func(e *env, m minted) memstub.Result { return e.Query(m.id, 10, "ListDelegates", pt1, "10", "") }},
		{"ListBreakGlass", patientAudit, false, func(e *env, m minted) memstub.Result { return e.Query(m.id, 10, "ListBreakGlass", pt1, "10", "") }},
		{"ListBreakGlassByOrg", []string{"privacy-officer@ProviderMSP", "auditor@" + roles.RegulatorMSP}, false, func(e *env, m minted) memstub.Result {
			return e.Query(m.id, 10, "ListBreakGlassByOrg", "ProviderMSP", "10", "")
		}},
		{"ListBreakGlassUses", append(slices.Clone(patientAudit), "privacy-officer@ProviderMSP"), false, func(e *env, m minted) memstub.Result {
			return e.Query(m.id, 10, "ListBreakGlassUses", bgID, "10", "")
		}},
		{"ListGrants (own)", rolesThatCount, false, func(e *env, m minted) memstub.Result {
			return e.Query(m.id, 10, "ListGrants", m.org, roleOf(m), m.id.Cert.Subject.CommonName, "10", "")
		}},
		{"LinkPatient", theRegistrar, true, func(e *env, m minted) memstub.Result {
			return e.linkTx(m.id, 10, "LinkPatient", wire.LinkInput{EnrollmentID: enrollment("newcomer"), Subject: pt2})
		}},
		{"UnlinkPatient", theRegistrar, true, func(e *env, m minted) memstub.Result {
			return e.linkTx(m.id, 10, "UnlinkPatient", wire.LinkInput{EnrollmentID: enrollment("patient2"), Subject: pt2})
		}},
		{"PatientSubject", thePatient, false, func(e *env, m minted) memstub.Result { return e.Query(m.id, 10, "PatientSubject") }},
		{"BlindingReady", memberOrgsEveryone(), false, func(e *env, m minted) memstub.Result {
			return e.Query(m.id, 10, "BlindingReady", Collection)
		}},
		{"Check (own access)", rolesThatCount, false, func(e *env, m minted) memstub.Result {
			return e.Query(m.id, 10, "Check", request(pt1, "labs", wire.Actor{}))
		}},
		{"Check (physician1's access)", append(slices.Clone(patientAudit), "privacy-officer@ProviderMSP"), false, func(e *env, m minted) memstub.Result {
			return e.Query(m.id, 10, "Check", request(pt1, "labs", physicianActor))
		}},
	}
}

// memberOrgsEveryone is every minted identity of the collection's member orgs.
func memberOrgsEveryone() []string {
	var out []string
	for _, org := range CollectionMembers {
		for _, role := range append(slices.Clone(matrixRoles), "admin") {
			out = append(out, role+"@"+org)
		}
	}
	return out
}

func roleOf(m minted) string {
	if m.role == "admin" {
		return ""
	}
	return m.role
}

// TestRoleOrgMatrix runs every transaction as every minted identity:
// allowed exactly where the table says, FORBIDDEN with nothing changed
// everywhere else.
func TestRoleOrgMatrix(t *testing.T) {
	everyone := mintAll()
	require.Len(t, everyone, len(matrixOrgs)*(len(matrixRoles)+1))
	thePatient := everyone[slices.IndexFunc(everyone, func(m minted) bool { return m.name() == "patient@"+roles.PatientMSP })]
	seededMatrix := func(t *testing.T) *env {
		e := seeded(t)
		e.Must(e.linkAt(thePatient.id, pt1, at(3)), nil) // a second enrollment of pt1's
		return e
	}
	probe := seededMatrix(t)
	var bg wire.BreakGlassPage
	probe.Must(probe.Query(patient1, 3, "ListBreakGlass", pt1, "10", ""), &bg)
	require.Len(t, bg.Items, 1)
	for _, op := range matrixOps(bg.Items[0].ID) {
		t.Run(op.name, func(t *testing.T) {
			e := seededMatrix(t)
			var allowed []minted
			for _, m := range everyone {
				if slices.Contains(op.allowed, m.name()) {
					allowed = append(allowed, m)
					continue
				}
				before := e.Peer.Snapshot()
				res := op.run(e, m)
				require.False(t, res.OK(), "%s as %s: allowed, the table says no", op.name, m.name())
				assert.Contains(t, res.Message, "FORBIDDEN: ", "%s as %s", op.name, m.name())
				assert.Equal(t, before, e.Peer.Snapshot(), "%s as %s changed state", op.name, m.name())
			}
			require.Len(t, allowed, len(op.allowed), "every allowed identity exists")
			for _, m := range allowed {
				res := op.run(e, m)
				assert.True(t, res.OK(), "%s as %s: %s", op.name, m.name(), res.Message)
				if op.write {
					assert.True(t, res.Committed, fmt.Sprintf("%s as %s committed", op.name, m.name()))
				}
			}
		})
	}
}
