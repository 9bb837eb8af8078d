package records

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// The role × org matrix: every role attribute minted in every org of the
// channel and in one org the registry does not list, plus each org's
// admin, calls every transaction. The table of who may is written from the
// domain (which part an org plays, what a role of that part does, whose
// record it is), not read off the implementation.

const outsider = "OutsiderMSP" // an org the parts registry does not list

var matrixOrgs = []string{"ProviderMSP", "PayerMSP", roles.RegulatorMSP, roles.PatientMSP, outsider}

var matrixRoles = []string{parts.RolePatient, parts.RolePhysician, parts.RoleNurse, parts.RoleRecordsClerk, parts.RoleBilling,
	parts.RolePharmacist, parts.RolePrivacy, parts.RoleAdjudicator, parts.RoleEnrollment, parts.RoleClaimsIntake,
	parts.RoleQuality, parts.RoleLogistics, parts.RoleAuditor, parts.RoleRegistrar}

// who names a caller: "ORG/ROLE", or "ORG/admin".
type who = string

var (
	castOnce sync.Once
	cast     map[who]*memstub.Identity
)

// matrixCast mints the identities. Every one but the patient registry's
// patient carries the old patient_id attribute pt1, which must count for
// nothing: the patient is the one the registry linked to pt1.
// PatientsMSP's come from the patients' CA.
func matrixCast() map[who]*memstub.Identity {
	castOnce.Do(func() {
		cast = map[who]*memstub.Identity{}
		for _, org := range matrixOrgs {
			for _, role := range matrixRoles {
				attrs := map[string]string{"role": role, "patient_id": pt1}
				switch {
				case org == roles.PatientMSP && role == parts.RolePatient:
					cast[org+"/"+role] = pts.Patient("matrix-patient", pt1)
				case org == roles.PatientMSP:
					cast[org+"/"+role] = pts.CA.Issue(role, attrs)
				default:
					cast[org+"/"+role] = memstub.NewIdentity(org, role, attrs)
				}
			}
			cast[org+"/admin"] = memstub.NewIdentity(org, "admin", map[string]string{"hf.Type": "admin"})
		}
	})
	return cast
}

// naturalPurpose is what a role would ask a record for.
var naturalPurpose = map[string]string{
	parts.RolePatient: "patient-request", parts.RolePhysician: "treatment", parts.RoleNurse: "treatment",
	parts.RoleRecordsClerk: "operations", parts.RoleBilling: "payment", parts.RolePharmacist: "treatment",
	parts.RolePrivacy: "operations", parts.RoleAdjudicator: "payment", parts.RoleEnrollment: "payment",
	parts.RoleClaimsIntake: "payment", parts.RoleQuality: "operations", parts.RoleLogistics: "operations",
	parts.RoleAuditor: "legal", parts.RoleRegistrar: "legal", "admin": "operations",
}

func purposeOf(w who) string { return naturalPurpose[w[strings.Index(w, "/")+1:]] }

// Who may, from the domain.
var (
	custodianStaff = []who{"ProviderMSP/physician", "ProviderMSP/nurse", "ProviderMSP/records-clerk"}
	// members: an org's admin, or a role that counts for a part it plays.
	members = []who{
		"ProviderMSP/physician", "ProviderMSP/nurse", "ProviderMSP/records-clerk", "ProviderMSP/billing",
		"ProviderMSP/privacy-officer", "ProviderMSP/pharmacist", "ProviderMSP/logistics", "ProviderMSP/admin",
		"PayerMSP/adjudicator", "PayerMSP/enrollment", "PayerMSP/claims-intake", "PayerMSP/privacy-officer", "PayerMSP/admin",
		"RegulatorMSP/auditor", "RegulatorMSP/registrar", "RegulatorMSP/admin",
		"PatientsMSP/patient", "PatientsMSP/registrar", "PatientsMSP/admin",
	}
	anchorReaders = []who{"ProviderMSP/physician", "ProviderMSP/nurse", "ProviderMSP/records-clerk",
		"ProviderMSP/privacy-officer", "PatientsMSP/patient", "RegulatorMSP/auditor"}
	// requesters: with a consent that permits every org, who may ask
	// rec-1 (ProviderMSP's, patient pt1's) for their role's purpose.
	requesters = []who{"ProviderMSP/physician", "ProviderMSP/nurse", "ProviderMSP/records-clerk", "ProviderMSP/billing",
		"ProviderMSP/privacy-officer", "ProviderMSP/pharmacist", "PayerMSP/adjudicator", "PayerMSP/claims-intake",
		"RegulatorMSP/auditor", "PatientsMSP/patient"}
	patientAndAuditor = []who{"PatientsMSP/patient", "RegulatorMSP/auditor"}
)

type matrixOp struct {
	name    string
	allowed []who
	// query: the transaction writes nothing even when allowed.
	query bool
	run   func(e *env, id *memstub.Identity, w who, access string) memstub.Result
}

func matrixOps(t *testing.T) []matrixOp {
	_, pub := oneTimeKey(t)
	return []matrixOp{
		{"Anchor", custodianStaff, false, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.submit(id, 10, e.document("rec-2", 1, []byte("new")), "Anchor")
		}},
		{"Amend", custodianStaff, false, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.submit(id, 10, e.document("rec-1", 2, []byte("v2")), "Amend", "rec-1")
		}},
		{"MarkEnteredInError", custodianStaff, false, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.submit(id, 10, nil, "MarkEnteredInError", "rec-1")
		}},
		{"Erase", []who{"ProviderMSP/records-clerk", "ProviderMSP/privacy-officer"}, false, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.submit(id, 10, nil, "Erase", "rec-1")
		}},
		{"RegisterCustodianKey", []who{"ProviderMSP/admin"}, false, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.submit(id, 10, nil, "RegisterCustodianKey", b64(e.kekPublic()))
		}},
		{"GetCustodianKey", members, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.Query(id, 10, "GetCustodianKey", "ProviderMSP")
		}},
		{"GetHead", members, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.Query(id, 10, "GetHead", "rec-1")
		}},
		{"Verify", members, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.Query(id, 10, "Verify", "rec-1", "0", hexSum([]byte("report")))
		}},
		{"MatchSubject (direct)", nil, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.Query(id, 10, "MatchSubject", "rec-1", pt1)
		}},
		{"MatchSubject (through claims)", []who{"ProviderMSP/billing", "PayerMSP/adjudicator"}, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.matchViaClaims(id, 10, "rec-1", pt1)
		}},
		{"Get", anchorReaders, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.Query(id, 10, "Get", "rec-1", "0")
		}},
		{"History", anchorReaders, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.Query(id, 10, "History", "rec-1", "0", "")
		}},
		{"ListBySubject", patientAndAuditor, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.Query(id, 10, "ListBySubject", pt1, "", "10", "")
		}},
		{"RequestAccess", requesters, false, func(e *env, id *memstub.Identity, w who, _ string) memstub.Result {
			return e.request(id, 10, "rec-1", purposeOf(w))
		}},
		{"ReleaseKey (ProviderMSP physician's request)", []who{"ProviderMSP/physician"}, true, func(e *env, id *memstub.Identity, _ who, access string) memstub.Result {
			return e.releaseKey(id, at(10), access, "rec-1", "treatment", pub)
		}},
		{"ReleaseKey (own request)", requesters, false, func(e *env, id *memstub.Identity, w who, _ string) memstub.Result {
			res := e.request(id, 10, "rec-1", purposeOf(w))
			if !res.OK() {
				return res
			}
			var r wire.Receipt
			e.Must(res, &r)
			return e.releaseKey(id, at(11), r.AccessID, "rec-1", purposeOf(w), pub)
		}},
		{"ListAccessLog", patientAndAuditor, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.Query(id, 10, "ListAccessLog", pt1, "", "10", "")
		}},
		{"ListAccessLogByCustodian", []who{"ProviderMSP/privacy-officer", "RegulatorMSP/auditor"}, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.Query(id, 10, "ListAccessLogByCustodian", "ProviderMSP", "", "10", "")
		}},
		{"BlindingReady", members, true, func(e *env, id *memstub.Identity, _ who, _ string) memstub.Result {
			return e.Query(id, 10, "BlindingReady", Collection)
		}},
	}
}

// blindingAdmins are the admins of the collection's member orgs (the care
// orgs that run peers): only they set its blinding secret.
var blindingAdmins = []who{"ProviderMSP/admin", "PayerMSP/admin", "RegulatorMSP/admin"}

// SetupBlinding, for every caller of the matrix, on a channel where the
// secret is not set yet: the member orgs' admins set it (once), everyone
// else is FORBIDDEN and changes nothing.
func TestSetupBlindingForEveryRoleInEveryOrg(t *testing.T) {
	ids := matrixCast()
	names := make([]who, 0, len(ids))
	for w := range ids {
		names = append(names, w)
	}
	slices.Sort(names)
	shared := newEnvUnblinded(t)
	for _, w := range names {
		if slices.Contains(blindingAdmins, w) {
			e := newEnvUnblinded(t)
			var ready bool
			e.Must(e.Query(ids[w], 1, "BlindingReady", Collection), &ready)
			require.False(t, ready)
			e.Must(e.setupBlinding(ids[w], 1, Collection), nil)
			e.Must(e.Query(ids[w], 2, "BlindingReady", Collection), &ready)
			assert.True(t, ready, w)
			e.Refused(e.Peer.Snapshot(), e.setupBlinding(ids[w], 2, Collection), "CONFLICT: ")
			continue
		}
		before := shared.Peer.Snapshot()
		shared.Refused(before, shared.setupBlinding(ids[w], 1, Collection), "FORBIDDEN: ")
	}
}

// matrixSeed: rec-1 anchored by the provider's clerk for pt1 (labs); pt1's
// consent permits every org of the channel; ProviderMSP's physician asked
// for rec-1 (the access id is returned).
func matrixSeed(t *testing.T) (*env, string) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("report")), "Anchor"), nil)
	e.grantEveryone(2)
	var r wire.Receipt
	e.Must(e.request(matrixCast()["ProviderMSP/physician"], 3, "rec-1", "treatment"), &r)
	return e, r.AccessID
}

func TestEveryTransactionForEveryRoleInEveryOrg(t *testing.T) {
	ids := matrixCast()
	names := make([]who, 0, len(ids))
	for w := range ids {
		names = append(names, w)
	}
	slices.Sort(names)
	for _, op := range matrixOps(t) {
		for _, a := range op.allowed {
			require.Contains(t, ids, a, "%s: the table names an unknown caller", op.name)
		}
		t.Run(op.name, func(t *testing.T) {
			shared, access := matrixSeed(t)
			for _, w := range names {
				allowed := slices.Contains(op.allowed, w)
				e, acc := shared, access
				if allowed && !op.query {
					e, acc = matrixSeed(t) // a write changes the state the others see
				}
				before := e.Peer.Snapshot()
				res := op.run(e, ids[w], w, acc)
				if allowed {
					assert.True(t, res.OK(), "%s as %s: %s", op.name, w, res.Message)
					continue
				}
				assert.False(t, res.OK(), "%s as %s should be refused", op.name, w)
				assert.True(t, strings.HasPrefix(res.Message, "FORBIDDEN: "), "%s as %s: %s", op.name, w, res.Message)
				assert.False(t, res.Committed, "%s as %s", op.name, w)
				assert.Equal(t, before, e.Peer.Snapshot(), "%s as %s changed state", op.name, w)
			}
		})
	}
}

// requestPurposes is, from the domain, what each caller may request a
// record of the provider's for (the subject patient: anything).
var requestPurposes = map[who][]string{
	"ProviderMSP/physician":       {"treatment", "emergency", "research", "public-health"},
	"ProviderMSP/nurse":           {"treatment", "emergency"},
	"ProviderMSP/records-clerk":   {"operations", "legal", "patient-request"},
	"ProviderMSP/billing":         {"payment", "operations"},
	"ProviderMSP/privacy-officer": {"operations", "legal"},
	"ProviderMSP/pharmacist":      {"treatment"},
	"PayerMSP/adjudicator":        {"payment"},
	"PayerMSP/claims-intake":      {"payment"},
	"RegulatorMSP/auditor":        {"legal", "public-health"},
	"PatientsMSP/patient":         Purposes,
}

// With a consent chaincode that permits everything, every caller asks for
// rec-1 for every purpose: only the records chaincode's own table stands.
func TestRequestersWhateverConsentSays(t *testing.T) {
	e := newEnv(t, withYesConsent())
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("report")), "Anchor"), nil)
	ids := matrixCast()
	names := make([]who, 0, len(ids))
	for w := range ids {
		names = append(names, w)
	}
	slices.Sort(names)
	_, pub := oneTimeKey(t)
	for _, w := range names {
		for _, purpose := range Purposes {
			before := e.Peer.Snapshot()
			res := e.request(ids[w], 10, "rec-1", purpose)
			if slices.Contains(requestPurposes[w], purpose) {
				var r wire.Receipt
				e.Must(res, &r)
				e.Must(e.releaseKey(ids[w], at(11), r.AccessID, "rec-1", purpose, pub), nil)
				continue
			}
			assert.True(t, strings.HasPrefix(res.Message, "FORBIDDEN: "), "%s for %s: %s", w, purpose, res.Message)
			assert.Equal(t, before, e.Peer.Snapshot(), "%s for %s changed state", w, purpose)
		}
	}
}
