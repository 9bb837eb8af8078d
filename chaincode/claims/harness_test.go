package claims

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/consent/consenttest"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records"
	"github.com/carechain/carechain/network/collections"
)

const (
	pt1 = "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3"
	pt2 = "pt-9b27d3f5a0c84e1d6f3b2a7c9e05d1f8"
	npi = "1234567893"
)

// careEndorsement is the claims chaincode's policy on channel care for
// genesis g, as network/topology.yaml writes it for the reference
// consortium: any two of the peer orgs.
func careEndorsement(g parts.Genesis) string {
	var peers []string
	for _, o := range g.Channels["care"].Orgs {
		if o.Peer {
			peers = append(peers, "'"+o.MSPID+".peer'")
		}
	}
	return "OutOf(2, " + strings.Join(peers, ", ") + ")"
}

var (
	billing     = memstub.NewIdentity("ProviderMSP", "billing1", map[string]string{"role": "billing"})
	adjudicator = memstub.NewIdentity("PayerMSP", "adjudicator1", map[string]string{"role": "adjudicator"})
	enrollment  = memstub.NewIdentity("PayerMSP", "enrollment1", map[string]string{"role": "enrollment"})
	intake      = memstub.NewIdentity("PayerMSP", "intake1", map[string]string{"role": "claims-intake"})
	auditor     = memstub.NewIdentity("RegulatorMSP", "auditor1", map[string]string{"role": "auditor"})
	regAdmin    = memstub.NewIdentity("RegulatorMSP", "admin", map[string]string{"hf.Type": "admin"})
	// Impostors: roles their org's part does not grant.
	hospitalAdjudicator = memstub.NewIdentity("ProviderMSP", "adjudicator9", map[string]string{"role": "adjudicator"})
	hospitalEnrollment  = memstub.NewIdentity("ProviderMSP", "enrollment9", map[string]string{"role": "enrollment"})
)

// The test clock: 2026-06-15 12:00 UTC plus minutes.
var start = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

type env struct {
	*cctest.Harness
	// patients is the patients' CA, whose patients sign consents.
	patients *consenttest.Patients
}

// The reference consortium's collections (chaincode/claims/collections.json).
var (
	pairColl  = wire.PairCollection("ProviderMSP", "PayerMSP")
	payerColl = wire.PayerCollection("PayerMSP")
)

// collectionsOf are the claims chaincode's collections for the care
// channel of genesis g, as carenet generates them (network/collections):
// members from the read policy, the endorsement policy.
func collectionsOf(g parts.Genesis) []memstub.Collection {
	var orgs []collections.Org
	for _, o := range g.Channels["care"].Orgs {
		orgs = append(orgs, collections.Org{MSPID: o.MSPID, Parts: o.Parts, Peer: o.Peer})
	}
	var out []memstub.Collection
	for _, d := range collections.Claims(orgs) {
		out = append(out, memstub.Collection{Name: d.Name, Members: d.Members(), MemberOnlyRead: d.MemberOnlyRead,
			MemberOnlyWrite: d.MemberOnlyWrite, EndorsementPolicy: d.EndorsementPolicy.SignaturePolicy})
	}
	return out
}

// secretOf is a collection's blinding secret in the tests.
func secretOf(coll string) []byte { return []byte("claims unit tests: the blinding secret of " + coll) }

// newEnvWith installs the parts registry with genesis g (and the test
// patients' CA as PatientsMSP's root), consent, records and claims (with
// its collections and endorsement policy) on a ProviderMSP peer of
// channel care, and sets the collection's blinding secret.
func newEnvWith(t testing.TB, g parts.Genesis, contract *Contract) *env {
	e := newEnvUnblinded(t, g, contract)
	for _, c := range collectionsOf(g) {
		e.setupBlinding(c)
	}
	return e
}

// setupBlinding sets a collection's secret as its first member's admin,
// endorsed by its members.
func (e *env) setupBlinding(c memstub.Collection) {
	admin := memstub.NewIdentity(c.Members[0], "admin", map[string]string{"hf.Type": "admin"})
	e.Must(e.Peer.Submit(memstub.Tx{Chaincode: "claims", Identity: admin, Time: at(-1), Endorsers: c.Members,
		Transient: map[string][]byte{blind.TransientSecret: secretOf(c.Name)},
		Args:      [][]byte{[]byte(wire.FnSetupBlinding), []byte(c.Name)}}), nil)
}

// newEnvUnblinded is newEnvWith before the collection's blinding secret
// is set, as a fresh deployment is until carenet sets it.
func newEnvUnblinded(t testing.TB, g parts.Genesis, contract *Contract) *env {
	e := &env{Harness: &cctest.Harness{T: t, Peer: memstub.NewPeer("care", memstub.WithMSP("ProviderMSP")), Chaincode: "claims", At: at}}
	e.patients = consenttest.New()
	partstest.Install(e.Peer, e.patients.Genesis(g), at(-1))
	e.patients.Install(e.Peer)
	rec, err := contractapi.NewChaincode(&records.Contract{})
	require.NoError(t, err)
	e.Peer.Install("records", rec, memstub.WithCollections(memstub.Collection{Name: records.Collection, Members: consenttest.Members}))
	chaincode, err := contractapi.NewChaincode(contract)
	require.NoError(t, err)
	e.Peer.Install("claims", chaincode, memstub.WithCollections(collectionsOf(g)...), memstub.WithEndorsement(careEndorsement(g)))
	return e
}

var providerAdmin = memstub.NewIdentity("ProviderMSP", "admin", map[string]string{"hf.Type": "admin"})

// testSaltBytes is PayerMSP's fingerprint salt in the tests.
var testSaltBytes = sha256.Sum256([]byte("PayerMSP's duplicate-fingerprint salt"))

var testSalt = base64.StdEncoding.EncodeToString(testSaltBytes[:])

var errPeek = errors.New("peeked")

// token is the reference pair's token of parts, as the chaincode makes it.
func (e *env) token(parts ...string) string { return e.tokenIn(pairColl, parts...) }

// tokenIn is a collection's token of parts, as the chaincode makes it
// (computed in a transaction that is then abandoned: nothing changes).
func (e *env) tokenIn(coll string, parts ...string) string {
	e.T.Helper()
	var tok string
	res := e.Peer.Run("claims", billing, at(0), func(stub shim.ChaincodeStubInterface) error {
		b, err := blind.New(stub, coll)
		if err != nil {
			return err
		}
		tok = b.Token(parts...)
		return errPeek
	})
	require.Contains(e.T, res.Message, errPeek.Error())
	return tok
}

// blindKey is the private key the chaincode uses for obj with attrs in
// the reference consortium: in the pair's collection for claims and
// patient-days, else in the payer's.
func (e *env) blindKey(obj string, attrs ...string) string {
	return e.blindKeyIn(refCollection(obj), obj, attrs...)
}

func refCollection(obj string) string {
	if obj == objPatientDay || obj == objClaim {
		return pairColl
	}
	return payerColl
}

// blindKeyIn is the private key the chaincode uses for obj with attrs in coll.
func (e *env) blindKeyIn(coll, obj string, attrs ...string) string {
	k, err := key(obj, e.tokenIn(coll, append([]string{obj}, attrs...)...))
	require.NoError(e.T, err)
	return k
}

// privateRecord reads and unseals the private record at k, in the
// reference pair's or payer's collection, into v, and returns its salt.
func (e *env) privateRecord(k string, v any) string {
	e.T.Helper()
	if _, ok := e.Peer.PrivateState("claims", pairColl, k); ok {
		return e.privateRecordIn(pairColl, k, v)
	}
	return e.privateRecordIn(payerColl, k, v)
}

// privateRecordIn reads and unseals the private record at k in coll into
// v, and returns its salt.
func (e *env) privateRecordIn(coll, k string, v any) string {
	e.T.Helper()
	raw, ok := e.Peer.PrivateState("claims", coll, k)
	require.True(e.T, ok, "no private record %q in %s", k, coll)
	salt, data, err := unseal(raw)
	require.NoError(e.T, err)
	require.NoError(e.T, json.Unmarshal(data, v))
	return salt
}

// newEnv installs everything on the reference consortium and sets up the
// payer: a salt, the "gold" plan's rules and coverage cov-1 of pt1 for 2026.
func newEnv(t testing.TB) *env {
	e := newEnvWith(t, partstest.Reference(), &Contract{})
	setupPayer(e)
	return e
}

func goldRules() wire.Rules {
	return wire.Rules{Plan: "gold", Allowed: map[string]int64{"99213": 12000, "80053": 4500, "70553": 90000},
		PriorAuth: []string{"70553"}, MaxClaimsPerPatientDay: 2}
}

// office is a typical claim: an office visit and a metabolic panel on 2026-06-10.
func office(id string) wire.ClaimInput {
	return wire.ClaimInput{ID: id, Patient: pt1, Coverage: "cov-1", Payer: "PayerMSP", RenderingNPI: npi,
		BillablePeriod: wire.Period{Start: "2026-06-10", End: "2026-06-10"}, PlaceOfService: "11",
		Diagnoses: []string{"E11.9", "I10"},
		Items: []wire.Item{
			{Sequence: 1, Code: "99213", Modifiers: []string{"25"}, Units: 1, UnitCents: 15000, NetCents: 15000, Date: "2026-06-10"},
			{Sequence: 2, Code: "80053", Units: 1, UnitCents: 4000, NetCents: 4000, Date: "2026-06-10"},
		},
		TotalCents: 19000}
}

// onDay moves a claim's services (and its billable period) to day.
func onDay(c wire.ClaimInput, day string) wire.ClaimInput {
	c.BillablePeriod = wire.Period{Start: day, End: day}
	c.Items = append([]wire.Item(nil), c.Items...)
	for i := range c.Items {
		c.Items[i].Date = day
	}
	return c
}

func (e *env) submitClaim(minute int, c wire.ClaimInput) wire.Receipt {
	e.T.Helper()
	var r wire.Receipt
	e.Must(e.Submit(billing, minute, wire.TransientClaim, c, "Submit"), &r)
	return r
}

func (e *env) get(minute int, id string) wire.Claim {
	e.T.Helper()
	var c wire.Claim
	e.Must(e.Query(billing, minute, "Get", id), &c)
	return c
}
