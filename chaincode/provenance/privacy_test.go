package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
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
			switch {
			case k.Collection == "":
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
	var sh Shipment
	e.Must(e.Query(auditor, 3, "GetShipment", "SHP-1"), &sh)

	seen := e.blocksOf(res)
	assert.False(t, seen.keyHashes[sum([]byte(plainKey))], "the DSCSA key is the shipment id")
	assert.False(t, seen.valHashes[sum(guess)], "the DSCSA value hash confirms the guessed documents")
	assert.NotEqual(t, sum(guess), sh.DocHash, "the public hash confirms the guessed documents")
	for _, salt := range []string{"", "SHP-1", res.TxID, mfrMSP + "/" + distMSP} {
		assert.NotEqual(t, blind.Commit(salt, guess), sh.DocHash, "commitment under a guessable salt %q", salt)
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
	var v Verification
	require.NoError(t, json.Unmarshal(results[7].Payload, &v))
	assert.Equal(t, provMSP, v.Requester, "the org asked, not the pharmacist")

	// Positive control: a record naming the pharmacist is found.
	planted := e.Peer.Run("provenance", pharmacist, at(17), func(stub shim.ChaincodeStubInterface) error {
		return stub.PutState(mustKey(objVerification, unit(1), "planted"), cctest.JSON(Verification{Requester: provMSP + "/" + pharmacist.Cert.Subject.CommonName}))
	})
	require.True(t, planted.OK(), planted.Message)
	assert.Len(t, e.blocksOf().mentions(pharmacist.Cert.Subject.CommonName), 1)
}
