package provenance

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/policy"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// GTINs and SSCCs under the reference manufacturer's GS1 company prefix
// 0614141 (chaincode/parts/genesis.json).
const (
	gtin   = "10614141123459"
	gtin2  = "00614141123452"
	lot    = "LOT-A1"
	exp    = "2028-12-31"
	case1  = "106141411234567897"
	case2  = "106141411234567903"
	case3  = "106141411234567927"
	case4  = "106141411234567934"
	pallet = "106141411234567910"
)

// The supply channel's orgs (parts registry), plus one the registry does
// not list.
const (
	mfrMSP   = "ManufacturerMSP"
	distMSP  = "DistributorMSP"
	provMSP  = "ProviderMSP"
	regMSP   = "RegulatorMSP"
	rogueMSP = "RogueMSP"
)

var (
	quality     = memstub.NewIdentity(mfrMSP, "quality1", map[string]string{"role": "quality"})
	mfgLogistic = memstub.NewIdentity(mfrMSP, "logistics1", map[string]string{"role": "logistics"})
	distributor = memstub.NewIdentity(distMSP, "logistics1", map[string]string{"role": "logistics"})
	distQuality = memstub.NewIdentity(distMSP, "quality1", map[string]string{"role": "quality"})
	pharmacist  = memstub.NewIdentity(provMSP, "pharmacist1", map[string]string{"role": "pharmacist"})
	provLogist  = memstub.NewIdentity(provMSP, "logistics1", map[string]string{"role": "logistics"})
	registrar   = memstub.NewIdentity(regMSP, "registrar1", map[string]string{"role": "registrar"})
	auditor     = memstub.NewIdentity(regMSP, "auditor1", map[string]string{"role": "auditor"})
	rogue       = memstub.NewIdentity(rogueMSP, "logistics1", map[string]string{"role": "logistics"})
)

// chaincodePolicy is provenance's policy on the supply channel
// (network/topology.yaml): any two of the four peer orgs.
const chaincodePolicy = "OutOf(2, 'ManufacturerMSP.peer', 'DistributorMSP.peer', 'ProviderMSP.peer', 'RegulatorMSP.peer')"

var start = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

type env struct{ *cctest.Harness }

// newEnv registers the three partners (and RogueMSP, which is licensed but
// plays no part in the parts registry), a product and a lot.
func newEnv(t *testing.T) *env { return newEnvWith(t, &Contract{}, partstest.Reference()) }

// newEnvWith is newEnv with a contract (its Clock) and a parts genesis.
func newEnvWith(t testing.TB, c *Contract, genesis parts.Genesis) *env {
	return newEnvBlinding(t, c, genesis)
}

// newEnvBlinding is newEnvWith where every collection but the unblinded
// ones gets its blinding secret first, as carenet does after deploying.
func newEnvBlinding(t testing.TB, c *Contract, genesis parts.Genesis, unblinded ...string) *env {
	t.Helper()
	cc, err := contractapi.NewChaincode(c)
	require.NoError(t, err)
	p := memstub.NewPeer("supply", memstub.WithMSP(mfrMSP))
	partstest.Install(p, genesis, at(-10))
	p.Install("provenance", cc, memstub.WithCollections(collections(t)...), memstub.WithEndorsement(chaincodePolicy))
	e := &env{&cctest.Harness{T: t, Peer: p, Chaincode: "provenance", At: at}}
	for _, coll := range collections(t) {
		if !slices.Contains(unblinded, coll.Name) {
			e.Must(e.setupBlinding(coll.Members[0], -5, coll.Name), nil)
		}
	}
	for i, msp := range []string{mfrMSP, distMSP, provMSP, rogueMSP} {
		e.Must(e.Submit(registrar, -5, "", nil, "RegisterPartner", string(cctest.JSON(wire.Partner{MSPID: msp, Name: msp, License: fmt.Sprintf("LIC-%d", i),
			GLN: "0614141000012", ValidFrom: "2026-01-01", ValidTo: "2027-12-31"}))), nil)
	}
	e.Must(e.Submit(quality, -4, "", nil, "RegisterProduct", product(gtin)), nil)
	e.Must(e.Submit(quality, -3, "", nil, "CreateBatch", gtin, lot, exp), nil)
	return e
}

// collections are provenance's collections as collections.json defines
// them for the network: members from the distribution policy, the flags
// and the endorsement policy.
func collections(t testing.TB) []memstub.Collection {
	raw, err := os.ReadFile("collections.json")
	require.NoError(t, err)
	var defs []struct {
		Name              string `json:"name"`
		Policy            string `json:"policy"`
		MemberOnlyRead    bool   `json:"memberOnlyRead"`
		MemberOnlyWrite   bool   `json:"memberOnlyWrite"`
		EndorsementPolicy struct {
			SignaturePolicy string `json:"signaturePolicy"`
		} `json:"endorsementPolicy"`
	}
	require.NoError(t, json.Unmarshal(raw, &defs))
	out := make([]memstub.Collection, 0, len(defs))
	for _, d := range defs {
		c := memstub.Collection{Name: d.Name, MemberOnlyRead: d.MemberOnlyRead, MemberOnlyWrite: d.MemberOnlyWrite,
			EndorsementPolicy: d.EndorsementPolicy.SignaturePolicy}
		for _, m := range regexp.MustCompile(`'([A-Za-z0-9]+)\.member'`).FindAllStringSubmatch(d.Policy, -1) {
			c.Members = append(c.Members, m[1])
		}
		out = append(out, c)
	}
	return out
}

// withMaker adds a manufacturer's commissioning collection to the
// chaincode definition, as collections.json would for a new manufacturer.
func (e *env) withMaker(msp string) {
	e.Peer.DefineCollections("provenance", append(collections(e.T), memstub.Collection{Name: CommissionCollection(msp),
		Members: []string{msp}, MemberOnlyRead: true, MemberOnlyWrite: true, EndorsementPolicy: "AND('" + msp + ".peer')"})...)
}

func product(g string) string {
	return string(cctest.JSON(wire.Product{GTIN: g, Name: "Amoxicillin", Strength: "500 mg",
		DosageForm: "capsule", NDC: "0093-3109", MinTenthC: 20, MaxTenthC: 250}))
}

func serials(from, n int) string {
	var s []string
	for i := from; i < from+n; i++ {
		s = append(s, fmt.Sprintf("SN%05d", i))
	}
	return string(cctest.JSON(s))
}

func unit(i int) string { return wire.SGTIN(gtin, fmt.Sprintf("SN%05d", i)) }

func units(from, n int) []string {
	var out []string
	for i := from; i < from+n; i++ {
		out = append(out, unit(i))
	}
	return out
}

// testSecret is every collection's blinding secret in the tests.
var testSecret = sha256.Sum256([]byte("provenance unit tests: blinding secret"))

// admin is an org's admin, who sets its collections' blinding secrets.
func admin(msp string) *memstub.Identity {
	return memstub.NewIdentity(msp, "admin", map[string]string{"hf.Type": "admin"})
}

// setupBlinding submits SetupBlinding as msp's admin on msp's peer, with
// the test secret.
func (e *env) setupBlinding(msp string, minute int, collection string) memstub.Result {
	defer e.onPeer(msp)()
	return e.Submit(admin(msp), minute, blind.TransientSecret, testSecret[:], "SetupBlinding", collection)
}

// onPeer endorses on msp's peer until the returned func restores the
// previous one (the gateway sends a transaction that reads a collection
// to its members' peers).
func (e *env) onPeer(msp string) func() {
	prev := e.Peer.MSPID()
	if slices.Contains([]string{mfrMSP, distMSP, provMSP}, msp) {
		e.Peer.SetMSP(msp)
	}
	return func() { e.Peer.SetMSP(prev) }
}

// ship submits Ship on the sender's peer, a member of the pair's
// collection.
func (e *env) ship(id *memstub.Identity, minute int, shipment, to string, items ...string) memstub.Result {
	defer e.onPeer(id.MSPID)()
	return e.Submit(id, minute, wire.TransientDSCSA, map[string]string{"transactionInformation": "invoice 42", "statement": "DSCSA TS"},
		"Ship", string(cctest.JSON(wire.ShipInput{ID: shipment, To: to, Items: items})))
}

func (e *env) pack(id *memstub.Identity, minute int, sscc, kind string, children ...string) memstub.Result {
	return e.Submit(id, minute, "", nil, "Pack", string(cctest.JSON(wire.PackInput{SSCC: sscc, Kind: kind, Children: children})))
}

func (e *env) verify(minute, serial int) string {
	var v wire.Verification
	e.Must(e.Submit(pharmacist, minute, "", nil, "Verify", gtin, fmt.Sprintf("SN%05d", serial), lot, exp), &v)
	return v.Result
}

func (e *env) item(id string) wire.Item {
	var it wire.Item
	e.Must(e.Query(auditor, 99999, "GetItem", id), &it)
	return it
}

// policyOf reads the committed key-level endorsement policy of a key, in
// the peer CLI's syntax ("" when the key has none).
func (e *env) policyOf(obj string, attrs ...string) string {
	k := mustKey(obj, attrs...)
	var out string
	res := e.Peer.Run("provenance", auditor, at(99999), func(stub shim.ChaincodeStubInterface) error {
		ep, err := stub.GetStateValidationParameter(k)
		if err != nil || len(ep) == 0 {
			return err
		}
		p, err := policy.FromEnvelope(ep)
		out = p.String()
		return err
	})
	require.True(e.T, res.OK(), res.Message)
	return out
}

// roleOf mints a member of an org with a role.
func roleOf(msp, role string) *memstub.Identity {
	return memstub.NewIdentity(msp, role+"-x", map[string]string{"role": role})
}

func mustKey(obj string, attrs ...string) string {
	k, err := key(obj, attrs...)
	if err != nil {
		panic(err)
	}
	return k
}
