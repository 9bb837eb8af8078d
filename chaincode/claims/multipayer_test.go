package claims

import (
	"encoding/base64"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// The second payer of the multi-payer tests and its staff.
const mutualMSP = "MutualMSP"

var (
	mutualAdjudicator = memstub.NewIdentity(mutualMSP, "adjudicator1", map[string]string{"role": "adjudicator"})
	mutualEnrollment  = memstub.NewIdentity(mutualMSP, "enrollment1", map[string]string{"role": "enrollment"})
	mutualIntake      = memstub.NewIdentity(mutualMSP, "intake1", map[string]string{"role": "claims-intake"})
	mutualSalt        = []byte("MutualMSP's duplicate-fingerprint salt, 32+ bytes")
)

// twoPayers is the reference consortium with a second payer, MutualMSP
// (plan bronze), set up like PayerMSP: its salt, bronze rules and cov-m1
// of pt1 for 2026 ($10 copay, $30 deductible, $45 annual limit).
func twoPayers(t testing.TB) *env {
	g := withOrg(partstest.Reference(), parts.Org{MSPID: mutualMSP, Parts: []string{parts.PartPayer}, Peer: true, Plans: []string{"bronze"}})
	e := newEnvWith(t, g, &Contract{})
	setupPayer(e)
	e.Must(e.Submit(mutualEnrollment, 0, wire.TransientSalt, map[string]string{"salt": b64(mutualSalt)}, "SetSalt"), nil)
	e.Must(e.Submit(mutualAdjudicator, 0, wire.TransientRules, wire.Rules{Plan: "bronze",
		Allowed: map[string]int64{"99213": 10000, "80053": 4000}}, "SetRules"), nil)
	e.Must(e.Submit(mutualEnrollment, 0, wire.TransientCoverage, wire.Coverage{ID: "cov-m1", Member: pt1, Plan: "bronze",
		Period: wire.Period{Start: "2026-01-01", End: "2026-12-31"}, CopayCents: 1000, DeductibleCents: 3000, AnnualLimitCents: 4500}, "RegisterCoverage"), nil)
	return e
}

// toMutual is a claim to MutualMSP under cov-m1.
func toMutual(c wire.ClaimInput) wire.ClaimInput {
	c.Payer, c.Coverage = mutualMSP, "cov-m1"
	return c
}

// A provider bills each of two payers: each payer reads only its own
// claims; each claim's details are in its own pair's collection and
// nowhere else; the other payer's collections hold none of them, and its
// peer cannot read them.
func TestTwoPayersSeeOnlyTheirOwnClaims(t *testing.T) {
	e := twoPayers(t)
	e.submitClaim(1, office("clm-a"))
	e.submitClaim(2, toMutual(onDay(office("clm-b"), "2026-06-11")))

	e.Must(e.Query(intake, 3, "Get", "clm-a"), nil)
	e.Must(e.Query(mutualIntake, 3, "Get", "clm-b"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Query(intake, 3, "Get", "clm-b"), "FORBIDDEN: ")
	e.Refused(before, e.Query(mutualIntake, 3, "Get", "clm-a"), "FORBIDDEN: ")
	e.Refused(before, e.Query(mutualIntake, 3, "Remittance", "clm-a"), "FORBIDDEN: ")
	e.Refused(before, e.Query(mutualEnrollment, 3, "GetCoverage", "PayerMSP", "cov-1"), "FORBIDDEN: ")
	var b wire.Claim
	e.Must(e.Query(billing, 3, "Get", "clm-b"), &b)
	// 100.00 allowed, less the $30 deductible and the $10 copay, up to the
	// $45 limit; the panel: over the limit.
	assert.Equal(t, int64(4500), b.Adjudication.PaidCents)

	ledger := e.Peer.Ledger("care")
	mutualPair := wire.PairCollection("ProviderMSP", mutualMSP)
	aKey := mustKey(t, objClaim, e.token(objClaim, "clm-a"), "clm-a")
	bKey := mustKey(t, objClaim, e.tokenIn(mutualPair, objClaim, "clm-b"), "clm-b")
	assert.Contains(t, ledger.PrivateKeys("claims", pairColl), aKey)
	assert.Contains(t, ledger.PrivateKeys("claims", mutualPair), bKey)
	for _, coll := range []string{mutualPair, wire.PayerCollection(mutualMSP), wire.PayersCollection} {
		assert.NotContains(t, ledger.PrivateKeys("claims", coll), aKey, coll)
		for _, k := range ledger.PrivateKeys("claims", coll) {
			raw, _ := ledger.PrivateState("claims", coll, k)
			for _, secret := range []string{"clm-a", "cov-1", "gold", "2026-06-10"} {
				assert.NotContains(t, string(raw), secret, "%s holds a detail of PayerMSP's claim", coll)
			}
		}
	}
	for _, coll := range []string{pairColl, payerColl} {
		for _, k := range ledger.PrivateKeys("claims", coll) {
			raw, _ := ledger.PrivateState("claims", coll, k)
			for _, secret := range []string{"clm-b", "cov-m1", "bronze", "2026-06-11"} {
				assert.NotContains(t, string(raw), secret, "%s holds a detail of MutualMSP's claim", coll)
			}
		}
	}
	// MutualMSP's peer is no member of PayerMSP's collections: it cannot
	// read clm-a's record, only its hash (which the trace checks).
	e.Peer.SetMSP(mutualMSP)
	defer e.Peer.SetMSP("ProviderMSP")
	res := e.Peer.Run("claims", mutualIntake, at(4), func(stub shim.ChaincodeStubInterface) error {
		if h, err := stub.GetPrivateDataHash(pairColl, aKey); err != nil || len(h) == 0 {
			return err
		}
		_, err := stub.GetPrivateData(pairColl, aKey)
		return err
	})
	assert.False(t, res.OK(), "MutualMSP's peer read PayerMSP's claim")
	var tr wire.Trace
	e.Must(e.Query(mutualIntake, 4, "GetTrace", "clm-a"), &tr)
	assert.Equal(t, "PayerMSP", tr.Payer)
}

// Each pair's and each payer's collection has its own secret: the same
// attributes make other tokens, and a pair's secret is set by its
// members' admins only.
func TestEveryCollectionHasItsOwnSecret(t *testing.T) {
	e := twoPayers(t)
	mutualPair := wire.PairCollection("ProviderMSP", mutualMSP)
	assert.NotEqual(t, e.tokenIn(pairColl, "x"), e.tokenIn(mutualPair, "x"))
	assert.NotEqual(t, e.tokenIn(payerColl, "x"), e.tokenIn(wire.PayerCollection(mutualMSP), "x"))
	payerAdmin := memstub.NewIdentity("PayerMSP", "admin", map[string]string{"hf.Type": "admin"})
	secret := map[string][]byte{blind.TransientSecret: secretOf("another")}
	before := e.Peer.Snapshot()
	e.Refused(before, e.Peer.Invoke("claims", payerAdmin, at(1), secret, "SetupBlinding", mutualPair), "FORBIDDEN: ")
	e.Refused(before, e.Peer.Invoke("claims", payerAdmin, at(1), secret, "SetupBlinding", wire.PairCollection(mutualMSP, "PayerMSP")), `INVALID_ARGUMENT: field "collection"`)
	e.Peer.SetMSP("PayerMSP") // a member's peer: the provider's cannot run it
	e.Refused(before, e.Peer.Invoke("claims", payerAdmin, at(1), secret, "SetupBlinding", wire.PayersCollection), "CONFLICT: ")
	e.Peer.SetMSP("ProviderMSP")
	// The payers' secret needs every payer's peer: one payer cannot replace it.
	forged := e.Peer.Forge(memstub.Forgery{Chaincode: "claims", Endorsers: []string{"PayerMSP"},
		Writes: []memstub.ForgedWrite{{Collection: wire.PayersCollection, Key: blind.SecretKey(), Value: []byte(`{"secret":"AAAA"}`)}}})
	assert.Equal(t, memstub.EndorsementPolicyFailure, forged.Validation)
	var ready bool
	e.Must(e.Query(mutualIntake, 1, "BlindingReady", wire.PayersCollection), &ready)
	assert.True(t, ready)
	e.Refused(before, e.Query(billing, 1, "BlindingReady", wire.PayersCollection), "FORBIDDEN: ")
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
