package claims

import (
	"encoding/base64"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/records"
)

const (
	pt1 = "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3"
	pt2 = "pt-9b27d3f5a0c84e1d6f3b2a7c9e05d1f8"
	npi = "1234567893"
)

var (
	billing     = memstub.NewIdentity("ProviderMSP", "billing1", map[string]string{"role": "billing"})
	physician   = memstub.NewIdentity("ProviderMSP", "physician1", map[string]string{"role": "physician", "npi": npi})
	provPrivacy = memstub.NewIdentity("ProviderMSP", "privacy1", map[string]string{"role": "privacy-officer"})
	adjudicator = memstub.NewIdentity("PayerMSP", "adjudicator1", map[string]string{"role": "adjudicator"})
	enrollment  = memstub.NewIdentity("PayerMSP", "enrollment1", map[string]string{"role": "enrollment"})
	payerAdmin  = memstub.NewIdentity("PayerMSP", "admin", map[string]string{"hf.Type": "admin"})
	auditor     = memstub.NewIdentity("RegulatorMSP", "auditor1", map[string]string{"role": "auditor"})
	regAdmin    = memstub.NewIdentity("RegulatorMSP", "admin", map[string]string{"hf.Type": "admin"})
	patient1    = memstub.NewIdentity("PatientsMSP", "patient1", map[string]string{"role": "patient", "patient_id": pt1})
	clerk       = memstub.NewIdentity("ProviderMSP", "clerk1", map[string]string{"role": "records-clerk"})
)

// The test clock: 2026-06-15 12:00 UTC plus minutes.
var start = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

type env struct{ *cctest.Harness }

// newEnv installs consent, records and claims, and sets up the payer: a
// salt, the "gold" plan's rules and coverage cov-1 of pt1 for 2026.
func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{&cctest.Harness{T: t, Peer: memstub.NewPeer("care", memstub.WithMSP("ProviderMSP")), Chaincode: "claims", At: at}}
	care := []string{"ProviderMSP", "PayerMSP", "RegulatorMSP"}
	for name, cc := range map[string]contractapi.ContractInterface{"consent": &consent.Contract{}, "records": &records.Contract{}, "claims": &Contract{}} {
		chaincode, err := contractapi.NewChaincode(cc)
		require.NoError(t, err)
		coll := map[string]memstub.Collection{
			"consent": {Name: consent.Collection, Members: care},
			"records": {Name: records.Collection, Members: care},
			"claims":  {Name: Collection, Members: []string{"ProviderMSP", "PayerMSP"}, MemberOnlyRead: true, MemberOnlyWrite: true},
		}[name]
		e.Peer.Install(name, chaincode, memstub.WithCollections(coll))
	}
	e.Must(e.Submit(enrollment, 0, TransientSalt, map[string]string{"salt": base64.StdEncoding.EncodeToString(make([]byte, 32))}, "SetSalt"), nil)
	e.Must(e.Submit(adjudicator, 0, TransientRules, Rules{Plan: "gold", Allowed: map[string]int64{"99213": 12000, "80053": 4500, "70553": 90000},
		PriorAuth: []string{"70553"}, MaxClaimsPerPatientDay: 2}, "SetRules"), nil)
	e.Must(e.Submit(enrollment, 0, TransientCoverage, Coverage{ID: "cov-1", Member: pt1, Plan: "gold",
		Period: Period{Start: "2026-01-01", End: "2026-12-31"}, CopayCents: 2000, DeductibleCents: 5000, AnnualLimitCents: 1_000_000}, "RegisterCoverage"), nil)
	return e
}

// office is a typical claim: an office visit and a metabolic panel on 2026-06-10.
func office(id string) ClaimInput {
	return ClaimInput{ID: id, Patient: pt1, Coverage: "cov-1", Payer: "PayerMSP", RenderingNPI: npi,
		BillablePeriod: Period{Start: "2026-06-10", End: "2026-06-10"}, PlaceOfService: "11",
		Diagnoses: []string{"E11.9", "I10"},
		Items: []Item{
			{Sequence: 1, Code: "99213", Modifiers: []string{"25"}, Units: 1, UnitCents: 15000, NetCents: 15000, Date: "2026-06-10"},
			{Sequence: 2, Code: "80053", Units: 1, UnitCents: 4000, NetCents: 4000, Date: "2026-06-10"},
		},
		TotalCents: 19000}
}

func (e *env) submitClaim(minute int, c ClaimInput) Receipt {
	e.T.Helper()
	var r Receipt
	e.Must(e.Submit(billing, minute, TransientClaim, c, "Submit"), &r)
	return r
}

func (e *env) get(minute int, id string) Claim {
	e.T.Helper()
	var c Claim
	e.Must(e.Query(billing, minute, "Get", id), &c)
	return c
}
