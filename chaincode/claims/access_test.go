package claims

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// The orgs of channel care in the reference registry, and one the registry
// does not list.
var matrixOrgs = []string{"PatientsMSP", "PayerMSP", "ProviderMSP", "RegulatorMSP", "StrangerMSP"}

// matrixRoles is every role attribute there is, and "admin": the org's
// admin (hf.Type admin, no role).
var matrixRoles = []string{
	parts.RolePatient, parts.RolePhysician, parts.RoleNurse, parts.RoleRecordsClerk, parts.RoleBilling,
	parts.RolePharmacist, parts.RolePrivacy, parts.RoleAdjudicator, parts.RoleEnrollment, parts.RoleClaimsIntake,
	parts.RoleQuality, parts.RoleLogistics, parts.RoleAuditor, parts.RoleRegistrar, "admin",
}

var matrixIDs = map[string]*memstub.Identity{}

// identity is org's identity with role (minted once per test binary).
func identity(org, role string) *memstub.Identity {
	k := org + "/" + role
	if id, ok := matrixIDs[k]; ok {
		return id
	}
	attrs := map[string]string{"role": role, "patient_id": pt1, "npi": npi}
	if role == "admin" {
		attrs = map[string]string{"hf.Type": "admin"}
	}
	matrixIDs[k] = memstub.NewIdentity(org, role+"1", attrs)
	return matrixIDs[k]
}

// seeded: clm-1 adjudicated (partial: one non-covered line), clm-2 paid,
// clm-3 pended for prior authorization.
func seededClaims(t testing.TB) *env {
	e := newEnv(t)
	c1 := office("clm-1")
	c1.Items = append(c1.Items, wire.Item{Sequence: 3, Code: "J1100", Units: 1, UnitCents: 500, NetCents: 500, Date: "2026-06-10"})
	c1.TotalCents += 500
	e.submitClaim(1, c1)
	e.submitClaim(1, onDay(office("clm-2"), "2026-06-09"))
	var c wire.Claim
	e.Must(e.Query(billing, 1, "Get", "clm-2"), &c)
	e.Must(e.Submit(adjudicator, 2, wire.TransientPayment, wire.PaymentInput{Trace: "T", AmountCents: c.Adjudication.PaidCents}, "Pay", "clm-2"), nil)
	mri := onDay(office("clm-3"), "2026-06-08")
	mri.Items = []wire.Item{{Sequence: 1, Code: "70553", Units: 1, UnitCents: 100000, NetCents: 100000, Date: "2026-06-08"}}
	mri.TotalCents = 100000
	e.submitClaim(2, mri)
	return e
}

// matrixOp is a transaction and who may call it, written from the domain:
// "ORG/role" entries; "*" lets every identity of an org the registry
// lists.
type matrixOp struct {
	name    string
	allowed []string
	// allowedPrefix is what an allowed call answers when it is not OK
	// (SetSalt: the salt is already set); empty means it succeeds.
	allowedPrefix string
	write         bool
	run           func(e *env, id *memstub.Identity) memstub.Result
}

func (op matrixOp) allows(org, role string) bool {
	if slices.Contains(op.allowed, "*") {
		return org != "StrangerMSP"
	}
	return slices.Contains(op.allowed, org+"/"+role) || slices.Contains(op.allowed, org+"/*")
}

func matrixOps() []matrixOp {
	newClaim := onDay(office("clm-new"), "2026-06-05")
	replacement := office("clm-1r")
	replacement.Diagnoses = []string{"E11.65"}
	billingOnly := []string{"ProviderMSP/billing"}
	adjudicatorOnly := []string{"PayerMSP/adjudicator"}
	claimReaders := []string{"ProviderMSP/billing", "PayerMSP/adjudicator", "PayerMSP/claims-intake"}
	submit := func(fn, key string, v any, args ...string) func(e *env, id *memstub.Identity) memstub.Result {
		return func(e *env, id *memstub.Identity) memstub.Result { return e.Submit(id, 10, key, v, fn, args...) }
	}
	query := func(fn string, args ...string) func(e *env, id *memstub.Identity) memstub.Result {
		return func(e *env, id *memstub.Identity) memstub.Result { return e.Query(id, 10, fn, args...) }
	}
	return []matrixOp{
		{name: "Submit", allowed: billingOnly, write: true, run: submit("Submit", wire.TransientClaim, newClaim)},
		{name: "Appeal", allowed: billingOnly, write: true, run: submit("Appeal", "", nil, "clm-1")},
		{name: "Void", allowed: billingOnly, write: true, run: submit("Void", "", nil, "clm-1")},
		{name: "Replace", allowed: billingOnly, write: true, run: submit("Replace", wire.TransientClaim, replacement, "clm-1")},
		{name: "Adjudicate", allowed: adjudicatorOnly, write: true, run: submit("Adjudicate", wire.TransientDecision, wire.Decision{ApprovePriorAuth: true}, "clm-3")},
		{name: "Pay", allowed: adjudicatorOnly, write: true, run: func(e *env, id *memstub.Identity) memstub.Result {
			var c wire.Claim
			e.Must(e.Query(billing, 10, "Get", "clm-1"), &c)
			return e.Submit(id, 10, wire.TransientPayment, wire.PaymentInput{Trace: "T9", AmountCents: c.Adjudication.PaidCents}, "Pay", "clm-1")
		}},
		{name: "ReversePayment", allowed: adjudicatorOnly, write: true, run: submit("ReversePayment", "", nil, "clm-2")},
		{name: "RegisterCoverage", allowed: []string{"PayerMSP/enrollment"}, write: true, run: submit("RegisterCoverage", wire.TransientCoverage,
			wire.Coverage{ID: "cov-9", Member: pt2, Plan: "gold", Period: wire.Period{Start: "2026-01-01", End: "2026-12-31"}})},
		{name: "SetRules", allowed: adjudicatorOnly, write: true, run: submit("SetRules", wire.TransientRules, wire.Rules{Plan: "silver", Allowed: map[string]int64{"99213": 9000}})},
		{name: "SetSalt", allowed: []string{"PayerMSP/enrollment"}, allowedPrefix: "CONFLICT: ", write: true,
			run: submit("SetSalt", wire.TransientSalt, map[string]string{"salt": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})},
		{name: "SetSettings", allowed: []string{"RegulatorMSP/admin"}, write: true, run: submit("SetSettings", "", nil, "false")},
		{name: "Get", allowed: claimReaders, run: query("Get", "clm-1")},
		{name: "Remittance", allowed: claimReaders, run: query("Remittance", "clm-2")},
		{name: "GetCoverage", allowed: []string{"ProviderMSP/billing", "PayerMSP/adjudicator", "PayerMSP/claims-intake", "PayerMSP/enrollment"},
			run: query("GetCoverage", "PayerMSP", "cov-1")},
		{name: "ListByStatus", allowed: append(claimReaders, "RegulatorMSP/auditor"), run: query("ListByStatus", wire.StatusPaid, "10", "")},
		{name: "ListByPatient", allowed: claimReaders, run: func(e *env, id *memstub.Identity) memstub.Result { return e.listPatient(id, 10, pt1, "10", "") }},
		{name: "GetTrace", allowed: []string{"*"}, run: query("GetTrace", "clm-1")},
		{name: "GetSettings", allowed: []string{"*"}, run: query("GetSettings")},
		// The collection's members: orgs playing the provider or the payer.
		{name: "SetupBlinding", allowed: []string{"ProviderMSP/admin", "PayerMSP/admin"}, allowedPrefix: "CONFLICT: ", write: true,
			run: submit("SetupBlinding", blind.TransientSecret, []byte("another secret of thirty-two bytes or more"), pairColl)},
		{name: "BlindingReady", allowed: []string{"ProviderMSP/*", "PayerMSP/*"}, run: query("BlindingReady", pairColl)},
		{name: "SubmitIntake", allowed: []string{"PayerMSP/claims-intake"}, write: true,
			run: submit("SubmitIntake", wire.TransientIntake, paperClaim(onDay(office("clm-paper"), "2026-06-04")))},
		// clm-1 is the provider's own claim: its billing staff may call, and are told to void it.
		{name: "Dispute", allowed: billingOnly, allowedPrefix: "FAILED_PRECONDITION: ", run: submit("Dispute", "", nil, "clm-1")},
		{name: "SealedRecord", allowed: claimReaders, run: query("SealedRecord", "clm-1")},
		{name: "ListFlags", allowed: []string{"PayerMSP/adjudicator", "PayerMSP/claims-intake"}, run: query("ListFlags", "10", "")},
		// Crossover and Screen run on other peers than this matrix's: their own tests check who may call them.
	}
}

// TestRoleOrgMatrix calls every transaction as every role minted in every
// org of the channel (and one the registry does not list), and each org's
// admin: allowed exactly where the org's part and ownership allow it,
// FORBIDDEN with nothing changed everywhere else.
func TestRoleOrgMatrix(t *testing.T) {
	for _, op := range matrixOps() {
		t.Run(op.name, func(t *testing.T) {
			e := seededClaims(t)
			for _, org := range matrixOrgs {
				for _, role := range matrixRoles {
					before := e.Peer.Snapshot()
					res := op.run(e, identity(org, role))
					who := fmt.Sprintf("%s as %s/%s", op.name, org, role)
					if !op.allows(org, role) {
						assert.True(t, strings.HasPrefix(res.Message, "FORBIDDEN: "), "%s: want FORBIDDEN, got %d %s", who, res.Status, res.Message)
						assert.False(t, res.Committed, who)
						assert.Equal(t, before, e.Peer.Snapshot(), who)
						continue
					}
					if op.allowedPrefix != "" {
						assert.True(t, strings.HasPrefix(res.Message, op.allowedPrefix), "%s: %s", who, res.Message)
					} else {
						require.True(t, res.OK(), "%s: %s", who, res.Message)
					}
					if op.write && res.Committed {
						e = seededClaims(t)
					}
				}
			}
		})
	}
}

// TestOwnershipAcrossOrgs: a second provider and a second payer, both in
// the registry with the right parts and roles, cannot act on or read a
// claim they are not party to, nor each other's coverage.
func TestOwnershipAcrossOrgs(t *testing.T) {
	g := withOrg(withOrg(partstest.Reference(), parts.Org{MSPID: "ClinicMSP", Parts: []string{parts.PartProvider}, Peer: true}),
		parts.Org{MSPID: "MutualMSP", Parts: []string{parts.PartPayer}, Peer: true, Plans: []string{"bronze"}})
	e := newEnvWith(t, g, &Contract{})
	setupPayer(e)
	e.submitClaim(1, office("clm-1"))
	clinic := identity("ClinicMSP", parts.RoleBilling)
	mutual := identity("MutualMSP", parts.RoleAdjudicator)
	mutualIntake := identity("MutualMSP", parts.RoleClaimsIntake)
	before := e.Peer.Snapshot()
	for _, res := range []memstub.Result{
		e.Submit(clinic, 2, "", nil, "Void", "clm-1"),
		e.Submit(clinic, 2, "", nil, "Appeal", "clm-1"),
		e.Submit(clinic, 2, wire.TransientClaim, office("clm-1r"), "Replace", "clm-1"),
		e.Submit(mutual, 2, wire.TransientPayment, wire.PaymentInput{Trace: "T", AmountCents: 9000}, "Pay", "clm-1"),
		e.Submit(mutual, 2, "", nil, "Adjudicate", "clm-1"),
		e.Query(clinic, 2, "Get", "clm-1"),
		e.Query(mutualIntake, 2, "Remittance", "clm-1"),
		e.Query(mutualIntake, 2, "GetCoverage", "PayerMSP", "cov-1"),
	} {
		e.Refused(before, res, "FORBIDDEN: ")
	}
	var page wire.TracePage
	e.Must(e.Query(mutualIntake, 2, "ListByStatus", wire.StatusAdjudicated, "10", ""), &page)
	assert.Empty(t, page.Items, "a payer lists only its own claims")
	e.Must(e.Query(intake, 2, "ListByStatus", wire.StatusAdjudicated, "10", ""), &page)
	assert.Len(t, page.Items, 1)
}

func withOrg(g parts.Genesis, o parts.Org) parts.Genesis { return partstest.With(g, "care", o) }

// setupPayer sets PayerMSP's salt, the gold rules and cov-1.
func setupPayer(e *env) {
	e.Must(e.Submit(enrollment, 0, wire.TransientSalt, map[string]string{"salt": testSalt}, "SetSalt"), nil)
	e.Must(e.Submit(adjudicator, 0, wire.TransientRules, goldRules(), "SetRules"), nil)
	e.Must(e.Submit(enrollment, 0, wire.TransientCoverage, wire.Coverage{ID: "cov-1", Member: pt1, Plan: "gold",
		Period: wire.Period{Start: "2026-01-01", End: "2026-12-31"}, CopayCents: 2000, DeductibleCents: 5000, AnnualLimitCents: 1_000_000}, "RegisterCoverage"), nil)
}

func FuzzClaimInput(f *testing.F) {
	f.Add(cctest.JSON(office("clm-1")))
	f.Add([]byte(`{"item":[{"sequence":1,"quantity":9223372036854775807,"unitPrice":9223372036854775807}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in wire.ClaimInput
		if err := decodeClaim(data, &in); err != nil {
			return
		}
		if err := validateClaim(&in, start); err != nil {
			return
		}
		var sum int64
		for _, it := range in.Items {
			if it.NetCents <= 0 || it.NetCents != it.Units*it.UnitCents {
				t.Fatalf("accepted line %+v", it)
			}
			sum += it.NetCents
		}
		if sum != in.TotalCents || sum <= 0 {
			t.Fatalf("accepted total %d for lines summing to %d", in.TotalCents, sum)
		}
		Adjudicate(&in, &wire.Coverage{CopayCents: 100, DeductibleCents: 100, AnnualLimitCents: 1000}, gold, Accumulator{}, wire.Decision{ApprovePriorAuth: true})
	})
}
