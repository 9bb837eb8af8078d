package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/commit"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// What a privacy officer decoding the blocks of supply sees, rebuilt from
// the memstub ledger: every public write (world state history), and for
// every private write the SHA-256 of its key and of its value (the
// private data history's hashes) — never a private key or value itself.
type blocks struct {
	public    [][]byte        // every world state value ever written
	keyHashes map[string]bool // hex SHA-256 of every private key written
	valHashes map[string]bool // hex SHA-256 of every private value written
	payloads  [][]byte        // responses and chaincode events of transactions
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// blocksOf reads what the blocks of the env's ledger show, with the
// payloads of the results a test collected.
func (e *env) blocksOf(results ...memstub.Result) blocks {
	b := blocks{keyHashes: map[string]bool{}, valHashes: map[string]bool{}}
	snap := e.Peer.Snapshot()["supply"]
	for k, hist := range snap.History {
		if k.Namespace != "provenance" {
			continue
		}
		for _, h := range hist {
			switch k.Collection {
			case "":
				b.public = append(b.public, h.Value)
			default:
				b.keyHashes[sum([]byte(k.Key))] = true
				if h.Hash != nil {
					b.valHashes[hex.EncodeToString(h.Hash)] = true
				}
			}
		}
	}
	for _, r := range results {
		b.payloads = append(b.payloads, r.Payload)
		if r.Event != nil {
			b.payloads = append(b.payloads, r.Event.Payload)
		}
	}
	return b
}

// mentions lists the public values and payloads that contain s.
func (b blocks) mentions(s string) []string {
	var out []string
	for _, v := range slices.Concat(b.public, b.payloads) {
		if strings.Contains(string(v), s) {
			out = append(out, string(v))
		}
	}
	return out
}

// A shipment's DSCSA documents are guessable JSON (an invoice number, a
// standard statement) under a key built from the public shipment id.
// From the blocks, an attacker tries: the SHA-256 of the private key built
// from the shipment id, the SHA-256 of the documents it guesses, and the
// public hash recomputed from the guess (bare, or with a guessable salt).
// None matches; the same computations on a deliberately unblinded write
// do, so the test sees what it looks for.
func TestDSCSAKeysValuesAndCommitmentRevealNothing(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 2)), nil)
	res := e.ship(mfgLogistic, 2, "SHP-1", distMSP, unit(0))
	e.Must(res, nil)
	guess := cctest.JSON(map[string]string{"transactionInformation": "invoice 42", "statement": "DSCSA TS"})
	plainKey := mustKey(objDSCSA, "SHP-1")
	var sh wire.Shipment
	e.Must(e.Query(auditor, 3, "GetShipment", "SHP-1"), &sh)

	seen := e.blocksOf(res)
	assert.False(t, seen.keyHashes[sum([]byte(plainKey))], "the DSCSA key is the shipment id")
	assert.False(t, seen.valHashes[sum(guess)], "the DSCSA value hash confirms the guessed documents")
	assert.NotEqual(t, sum(guess), sh.DocHash, "the public hash confirms the guessed documents")
	for _, salt := range []string{"", "SHP-1", res.TxID, mfrMSP + "/" + distMSP} {
		assert.NotEqual(t, commit.Sum(salt, guess), sh.DocHash, "commitment under a guessable salt %q", salt)
	}
	assert.Empty(t, seen.mentions("invoice 42"))

	// Positive control: the same computations find an unblinded write.
	planted := e.Peer.Run("provenance", mfgLogistic, at(4), func(stub shim.ChaincodeStubInterface) error {
		return stub.PutPrivateData(DSCSACollection(mfrMSP, distMSP), mustKey(objDSCSA, "SHP-PLANTED"), guess)
	})
	require.True(t, planted.OK(), planted.Message)
	seen = e.blocksOf()
	assert.True(t, seen.keyHashes[sum([]byte(mustKey(objDSCSA, "SHP-PLANTED")))])
	assert.True(t, seen.valHashes[sum(guess)])
}

// Employees are persons: no public record, event or response names one
// (its enrollment id), only its org. The story below touches every write
// that records who acted: verifications, counterfeit signals of each kind,
// quarantine and clearance, a recall, dispensing, destruction.
func TestWhatIsPublicNamesNoEmployee(t *testing.T) {
	e := newEnv(t)
	var results []memstub.Result
	do := func(r memstub.Result) { e.T.Helper(); e.Must(r, nil); results = append(results, r) }
	do(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 6)))
	do(e.Submit(mfgLogistic, 2, "", nil, "Commission", gtin, lot, serials(0, 1)))
	do(e.pack(mfgLogistic, 3, case1, "case", units(0, 3)...))
	do(e.ship(mfgLogistic, 4, "SHP-1", provMSP, case1))
	do(e.Submit(mfgLogistic, 5, "", nil, "AddReading", "SHP-1", "logger-7", "80"))
	do(e.Submit(pharmacist, 6, "", nil, "Receive", "SHP-1"))
	do(e.ship(distributor, 7, "SHP-X", provMSP, unit(4)))
	do(e.Submit(pharmacist, 8, "", nil, "Verify", gtin, "SN00000", lot, exp))
	do(e.Submit(pharmacist, 9, "", nil, "Dispense", unit(0)))
	do(e.Submit(pharmacist, 10, "", nil, "Verify", gtin, "SN00000", lot, exp))
	do(e.Submit(pharmacist, 11, "", nil, "Verify", gtin, "SN99999", lot, exp))
	do(e.Submit(registrar, 12, "", nil, "Suspect", unit(5), "odd label"))
	do(e.Submit(quality, 13, "", nil, "Clear", unit(5), "legitimate"))
	do(e.Submit(quality, 14, "", nil, "Destroy", unit(5), "damaged"))
	do(e.Submit(pharmacist, 15, "", nil, "Verify", gtin, "SN00005", lot, exp))
	do(e.Submit(quality, 16, "", nil, "RecallLot", gtin, lot, "contamination"))
	seen := e.blocksOf(results...)
	for _, id := range []*memstub.Identity{quality, mfgLogistic, distributor, pharmacist, registrar} {
		assert.Empty(t, seen.mentions(id.Cert.Subject.CommonName), "public state names %s", id.Cert.Subject.CommonName)
	}
	var v wire.Verification
	require.NoError(t, json.Unmarshal(results[7].Payload, &v))
	assert.Equal(t, provMSP, v.Requester, "the org asked, not the pharmacist")

	// Positive control: a record naming the pharmacist is found.
	planted := e.Peer.Run("provenance", pharmacist, at(17), func(stub shim.ChaincodeStubInterface) error {
		return stub.PutState(mustKey(objVerification, unit(1), "planted"), cctest.JSON(wire.Verification{Requester: provMSP + "/" + pharmacist.Cert.Subject.CommonName}))
	})
	require.True(t, planted.OK(), planted.Message)
	assert.Len(t, e.blocksOf().mentions(pharmacist.Cert.Subject.CommonName), 1)
}

// Every collection gets its secret once, from its member's admin: an
// unknown collection, a short secret, a non-member admin, an admin of an
// org outside the registry and a second setup are refused and change
// nothing. Before the setup, a Ship between the pair is a precondition;
// BlindingReady answers on every peer, member of the collection or not.
func TestSetupBlindingOnceByAMemberAdmin(t *testing.T) {
	e := newEnvBlinding(t, &Contract{}, partstest.Reference(), unblinded)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 2)), nil)
	e.Must(e.ship(mfgLogistic, 2, "SHP-1", distMSP, unit(0)), nil)
	e.Must(e.Submit(distributor, 3, "", nil, "Receive", "SHP-1"), nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.ship(distributor, 4, "SHP-2", provMSP, unit(0)), "FAILED_PRECONDITION: ")
	assert.False(t, e.ready(regMSP, unblinded))

	for _, c := range []struct{ who, collection, secret, want string }{
		{distMSP, "dscsa_DistributorMSP_RogueMSP", "", `INVALID_ARGUMENT: field "collection"`},
		{distMSP, "dscsa_ProviderMSP_DistributorMSP", "", `INVALID_ARGUMENT: field "collection"`},
		{distMSP, CommissionCollection(distMSP), "", `INVALID_ARGUMENT: field "collection"`},
		{distMSP, "records", "", `INVALID_ARGUMENT: field "collection"`},
		{mfrMSP, unblinded, "", "FORBIDDEN: "},
		{regMSP, unblinded, "", "FORBIDDEN: "},
		{rogueMSP, unblinded, "", "FORBIDDEN: "},
		{distMSP, unblinded, "short", `INVALID_ARGUMENT: field "blinding-secret"`},
		{distMSP, DSCSACollection(mfrMSP, distMSP), "", "CONFLICT: "},
	} {
		secret := testSecret[:]
		if c.secret != "" {
			secret = []byte(c.secret)
		}
		restore := e.onPeer(c.who)
		res := e.Submit(admin(c.who), 5, blind.TransientSecret, secret, "SetupBlinding", c.collection)
		restore()
		e.Refused(before, res, c.want)
	}
	// The staff of a member is not its admin.
	e.Refused(before, e.Submit(distributor, 5, blind.TransientSecret, testSecret[:], "SetupBlinding", unblinded), "FORBIDDEN: ")

	e.Must(e.setupBlinding(provMSP, 6, unblinded), nil)
	assert.True(t, e.ready(regMSP, unblinded), "answered on a peer outside the collection")
	assert.True(t, e.ready(provMSP, CommissionCollection(mfrMSP)))
	hash, ok := e.Peer.PrivateHash("provenance", unblinded, blind.SecretKey())
	assert.True(t, ok && len(hash) > 0, "blind.SecretKey is where kit/blind keeps the secret")
	e.Must(e.ship(distributor, 7, "SHP-2", provMSP, unit(0)), nil)
}

// ready evaluates BlindingReady as msp's admin on msp's peer.
func (e *env) ready(msp, collection string) bool {
	e.T.Helper()
	prev := e.Peer.MSPID()
	e.Peer.SetMSP(msp)
	defer e.Peer.SetMSP(prev)
	var ok bool
	e.Must(e.Query(admin(msp), 99, "BlindingReady", collection), &ok)
	return ok
}

// A shipment shipped before blinding keeps its documents under the plain
// key with the bare SHA-256 as its public hash: its partners still read
// them, with no salt, and they match.
func TestDSCSAShippedBeforeBlindingStillReads(t *testing.T) {
	e := newEnv(t)
	doc := `{"ti":"invoice 7"}`
	sh := wire.Shipment{ID: "OLD-1", From: mfrMSP, To: distMSP, Items: []string{unit(0)}, Status: "received", DocHash: hexSum(doc), Shipped: at(1).Format(time.RFC3339)}
	res := e.Peer.Run("provenance", mfgLogistic, at(1), func(stub shim.ChaincodeStubInterface) error {
		if err := stub.PutState(mustKey(objShipment, "OLD-1"), cctest.JSON(sh)); err != nil {
			return err
		}
		return stub.PutPrivateData(DSCSACollection(mfrMSP, distMSP), mustKey(objDSCSA, "OLD-1"), []byte(doc))
	})
	require.True(t, res.OK(), res.Message)
	var d wire.DSCSA
	e.Must(e.Query(mfgLogistic, 2, "GetDSCSA", "OLD-1"), &d)
	assert.Equal(t, wire.DSCSA{Shipment: "OLD-1", Documents: doc}, d)
	assert.True(t, d.Matches(&sh))
	d.Documents = `{"ti":"invoice 8"}`
	assert.False(t, d.Matches(&sh))
}

// Signals recorded before they named the org alone are listed with the
// org only.
func TestSignalsRecordedBeforeNameOnlyTheOrg(t *testing.T) {
	e := newEnv(t)
	old := wire.Signal{ID: "tx0/" + unit(0), Code: wire.SignalNotHolder, Object: unit(0), By: distMSP + "/logistics1", Reason: "r", At: at(1).Format(time.RFC3339)}
	res := e.Peer.Run("provenance", distributor, at(1), func(stub shim.ChaincodeStubInterface) error {
		return stub.PutState(mustKey(objSignal, unit(0), "20260601T080100", "tx0"), cctest.JSON(old))
	})
	require.True(t, res.OK(), res.Message)
	var page wire.SignalPage
	e.Must(e.Query(auditor, 2, "ListSignals", unit(0), wire.OldestFirst, "10", ""), &page)
	require.Len(t, page.Items, 1)
	assert.Equal(t, distMSP, page.Items[0].By)
}

// A commissioning anchor is the manufacturer's endorsed commitment to a
// unit's public facts, and every peer must be able to check a unit record
// against it (GetPrivateDataHash): its key and value are therefore
// recomputable from the public unit record — which is the only thing
// they reveal. The test fails if an anchor ever holds anything the
// public record does not (or the collection anything but anchors and its
// secret), e.g. after a dispense.
func TestAnchorsCommitOnlyToPublicFacts(t *testing.T) {
	e := atPharmacy(t)
	e.Must(e.Submit(pharmacist, 5, "", nil, "Dispense", unit(0)), nil)
	coll := CommissionCollection(mfrMSP)
	keys := e.Peer.Ledger("supply").PrivateKeys("provenance", coll)
	require.Len(t, keys, 11, "ten anchors and the secret")
	for _, k := range keys {
		if k == blind.SecretKey() {
			continue
		}
		raw, ok := e.Peer.State("provenance", mustKey(objItem, k))
		require.True(t, ok, "an anchor of a public unit record: %s", k)
		var it wire.Item
		require.NoError(t, json.Unmarshal(raw, &it))
		hash, _ := e.Peer.PrivateHash("provenance", coll, k)
		assert.Equal(t, sum(anchorValue(&it)), hex.EncodeToString(hash), "%s: recomputable from the public record alone", k)
		value, _ := e.Peer.PrivateState("provenance", coll, k)
		var fields map[string]string
		require.NoError(t, json.Unmarshal(value, &fields))
		assert.Equal(t, map[string]string{"gtin": it.GTIN, "serial": it.Serial, "lot": it.Lot, "expiry": it.Expiry}, fields)
	}
}

// Dispensing takes the unit id only — no patient, no prescription — and
// writes only public supply facts: the unit's record, its event and event
// indexes, its container's lot counts; no private write at all. A
// dispense that names anything more is refused and changes nothing.
func TestDispenseWritesNoPatientOrPrescription(t *testing.T) {
	e := atPharmacy(t)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(pharmacist, 5, "", nil, "Dispense", unit(0), "patient-123"), `INVALID_ARGUMENT: field "args"`)
	e.Refused(before, e.Submit(pharmacist, 5, "", nil, "Dispense", unit(0), "patient-123", "RX-42"), `INVALID_ARGUMENT: field "args"`)
	res := e.Submit(pharmacist, 5, "", nil, "Dispense", unit(0))
	e.Must(res, nil)
	after := e.Peer.Snapshot()["supply"]
	var changed []string
	for k, v := range after.Values {
		if k.Namespace != "provenance" || slices.Equal(before["supply"].Values[k], v) {
			continue
		}
		require.Empty(t, k.Collection, "a private write: %v", k)
		obj, _, err := state.SplitKey(k.Key)
		require.NoError(t, err)
		changed = append(changed, obj)
	}
	for k := range before["supply"].Values {
		if _, ok := after.Values[k]; !ok && k.Namespace == "provenance" {
			obj, _, _ := state.SplitKey(k.Key)
			changed = append(changed, obj+" (deleted)")
		}
	}
	slices.Sort(changed)
	assert.Equal(t, []string{objContains + " (deleted)", objEvent, objEventByObj, objEventByObjDesc, objItem, objItem}, changed)
	assert.NotContains(t, string(res.Payload)+string(res.Event.Payload), "patient")
}

// No transaction takes more arguments than it declares (contractapi
// would ignore them, the block would keep them): each is refused before
// anything else, whoever calls.
func TestExtraArgumentsAreRefused(t *testing.T) {
	e := newEnv(t)
	before := e.Peer.Snapshot()
	c := reflect.TypeFor[*Contract]()
	n := 0
	for i := range c.NumMethod() {
		m := c.Method(i)
		if m.Type.NumIn() < 2 || m.Type.In(1) != ctxType {
			continue
		}
		args := slices.Repeat([]string{"x"}, m.Type.NumIn()-1)
		e.Refused(before, e.Submit(pharmacist, 1, "", nil, m.Name, args...), `INVALID_ARGUMENT: field "args"`)
		n++
	}
	assert.Greater(t, n, 25)
}
