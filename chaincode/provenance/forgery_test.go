package provenance

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// endorsed submits fn as id, endorsed by the peers of endorsers only.
func (e *env) endorsed(id *memstub.Identity, minute int, endorsers []string, transient map[string][]byte, fn string, args ...string) memstub.Result {
	raw := [][]byte{[]byte(fn)}
	for _, a := range args {
		raw = append(raw, []byte(a))
	}
	return e.Peer.Submit(memstub.Tx{Chaincode: "provenance", Identity: id, Time: at(minute), Transient: transient, Args: raw, Endorsers: endorsers})
}

// forge commits a fabricated write set endorsed by endorsers.
func (e *env) forge(endorsers []string, writes ...memstub.ForgedWrite) memstub.Result {
	return e.Peer.Forge(memstub.Forgery{Chaincode: "provenance", Endorsers: endorsers, Writes: writes})
}

// stolen is an item's committed record, rewritten as if it belonged to thief.
func (e *env) stolen(id, thief string) memstub.ForgedWrite {
	raw, ok := e.Peer.State("provenance", mustKey(objItem, id))
	require.True(e.T, ok, id)
	var it wire.Item
	require.NoError(e.T, json.Unmarshal(raw, &it))
	it.Owner, it.Custodian, it.Parent, it.Disposition, it.Shipment = thief, thief, "", wire.DispActive, ""
	return memstub.ForgedWrite{Key: mustKey(objItem, id), Value: cctest.JSON(it)}
}

func refusedForgery(t *testing.T, e *env, res memstub.Result, what string) {
	t.Helper()
	assert.Equal(t, memstub.EndorsementPolicyFailure, res.Validation, what)
	assert.False(t, res.Committed, what)
}

// Attack 5, forged: moving an item with endorsements from two orgs other
// than its owner is refused by the item's key-level policy, while the
// chaincode-level policy alone (any two orgs) would have let it through.
func TestForgedMoveOfAnItemIsRefused(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 4)), nil)
	colluders := []string{distMSP, regMSP}
	before := e.Peer.Snapshot()
	refusedForgery(t, e, e.forge(colluders, e.stolen(unit(0), distMSP)), "owner's item moved by two others")
	// Dropping or replacing the policy needs the owner as well.
	refusedForgery(t, e, e.forge(colluders, memstub.ForgedWrite{Key: mustKey(objItem, unit(0)), ValidationParameter: []byte{}}), "policy removed")
	assert.Equal(t, before, e.Peer.Snapshot())
	assert.Equal(t, mfrMSP, e.item(unit(0)).Owner)

	// The same two orgs satisfy the chaincode-level policy: a key without
	// a key-level policy is theirs to write.
	res := e.forge(colluders, memstub.ForgedWrite{Key: mustKey(objItem, "10614141123459.FAKE1"), Value: []byte(`{"id":"x"}`)})
	assert.Equal(t, memstub.Valid, res.Validation, "OutOf(2, …) alone lets two orgs write")
}

func TestForgedCustodyChangesAreRefused(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 4)), nil)
	e.Must(e.pack(mfgLogistic, 2, case1, "case", unit(0), unit(1)), nil)
	e.Must(e.ship(mfgLogistic, 3, "SHP-1", distMSP, unit(2)), nil)
	e.Must(e.Submit(registrar, 4, "", nil, "RecallLot", gtin, lot, "contamination"), nil)
	before := e.Peer.Snapshot()
	for _, c := range []struct {
		what      string
		endorsers []string
		write     memstub.ForgedWrite
	}{
		// The owner with one accomplice cannot pull a unit out of its case:
		// units inside a container are sealed by the channel majority.
		{"a packed unit escapes", []string{mfrMSP, distMSP}, e.stolen(unit(0), mfrMSP)},
		{"a contents entry is dropped", []string{mfrMSP, regMSP}, memstub.ForgedWrite{Key: mustKey(objContains, case1, unit(0)), Delete: true}},
		// In transit, the sender and the receiver must both agree.
		{"the sender takes back a unit in transit", []string{mfrMSP, regMSP}, e.stolen(unit(2), mfrMSP)},
		{"the receiver takes a unit in transit", []string{distMSP, regMSP}, e.stolen(unit(2), distMSP)},
		{"the shipment is rewritten", []string{distMSP, provMSP}, memstub.ForgedWrite{Key: mustKey(objShipment, "SHP-1"), Value: []byte(`{"id":"SHP-1"}`)}},
		// Nobody, nor two, takes a recall back; the manufacturer alone does
		// not rewrite its lot or licence records for others.
		{"the recall is deleted", []string{mfrMSP, distMSP}, memstub.ForgedWrite{Key: mustKey(objRecall, gtin, lot), Delete: true}},
		{"the lot is rewritten", []string{distMSP, regMSP}, memstub.ForgedWrite{Key: mustKey(objBatch, gtin, lot), Value: []byte(`{"gtin":"x"}`)}},
		{"a licence is forged", []string{distMSP, provMSP}, memstub.ForgedWrite{Key: mustKey(objPartner, distMSP), Value: []byte(`{"mspId":"x"}`)}},
		{"the lot index is emptied", []string{mfrMSP, regMSP}, memstub.ForgedWrite{Key: mustKey(objUnitsByLot, gtin, lot, "SN00003"), Delete: true}},
	} {
		refusedForgery(t, e, e.forge(c.endorsers, c.write), c.what)
	}
	assert.Equal(t, before, e.Peer.Snapshot())
	// A majority of the peer orgs is the channel's governance: it could
	// also change the chaincode, and so it may unseal.
	res := e.forge([]string{mfrMSP, distMSP, provMSP}, e.stolen(unit(0), mfrMSP))
	assert.Equal(t, memstub.Valid, res.Validation)
}

// Honest transactions name the endorsers their keys need.
func TestEndorsersTheFlowsNeed(t *testing.T) {
	e := newEnv(t)
	dscsa := map[string][]byte{wire.TransientDSCSA: []byte(`{"ti":"invoice"}`)}
	e.Must(e.endorsed(quality, 1, []string{mfrMSP, regMSP}, nil, "Commission", gtin, lot, serials(0, 4)), nil)
	pack := string(cctest.JSON(wire.PackInput{SSCC: case1, Kind: "case", Children: units(0, 2)}))
	e.Must(e.endorsed(mfgLogistic, 2, []string{mfrMSP, regMSP}, nil, "Pack", pack), nil)
	ship := string(cctest.JSON(wire.ShipInput{ID: "SHP-1", To: distMSP, Items: []string{case1}}))
	e.Must(e.endorsed(mfgLogistic, 3, []string{mfrMSP, distMSP}, dscsa, "Ship", ship), nil)
	assert.Equal(t, memstub.Valid, e.endorsed(mfgLogistic, 3, []string{mfrMSP, distMSP}, nil, "AddReading", "SHP-1", "l1", "50").Validation)

	// Receiving needs the sender and the receiver: the items are in transit.
	res := e.endorsed(distributor, 4, []string{distMSP, regMSP}, nil, "Receive", "SHP-1")
	refusedForgery(t, e, res, "receipt without the sender")
	res = e.endorsed(distributor, 4, []string{distMSP, mfrMSP}, nil, "Receive", "SHP-1")
	assert.Equal(t, memstub.Valid, res.Validation)

	// Unpacking releases sealed units: the channel majority endorses.
	res = e.endorsed(distributor, 5, []string{distMSP, regMSP}, nil, "Unpack", case1)
	refusedForgery(t, e, res, "unpack by two")
	res = e.endorsed(distributor, 5, []string{distMSP, regMSP, provMSP}, nil, "Unpack", case1)
	assert.Equal(t, memstub.Valid, res.Validation)
	assert.Equal(t, distMSP, e.item(unit(0)).Owner)

	// At rest, the owner's peer (with any other for new keys) endorses.
	res = e.endorsed(distQuality, 6, []string{provMSP, regMSP}, nil, "Suspect", unit(0), "odd")
	refusedForgery(t, e, res, "suspect without the holder's peer")
	res = e.endorsed(registrar, 6, []string{regMSP, distMSP}, nil, "Suspect", unit(0), "odd")
	assert.Equal(t, memstub.Valid, res.Validation, "the registrar's quarantine, endorsed by the holder's peer")
}

// Concurrent transactions on one item: the second to commit read what the
// first changed and is refused; independent items do not conflict.
func TestConcurrentShipmentsOfOneItem(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 4)), nil)
	tm := map[string][]byte{wire.TransientDSCSA: []byte(`{"ti":"x"}`)}
	tx := func(id, to string, items ...string) memstub.Tx {
		return memstub.Tx{Chaincode: "provenance", Identity: mfgLogistic, Time: at(2), Transient: tm,
			Args: [][]byte{[]byte("Ship"), cctest.JSON(wire.ShipInput{ID: id, To: to, Items: items})}}
	}
	a := e.Peer.Simulate(tx("SHP-A", distMSP, unit(0)))
	b := e.Peer.Simulate(tx("SHP-B", provMSP, unit(0)))
	c := e.Peer.Simulate(tx("SHP-C", provMSP, unit(1)))
	d := e.Peer.Simulate(tx("SHP-D", distMSP, unit(2)))
	res := e.Peer.Commit(a, b, c, d)
	assert.Equal(t, memstub.Valid, res[0].Validation)
	assert.Equal(t, memstub.MVCCReadConflict, res[1].Validation, "the same unit shipped twice")
	assert.Equal(t, memstub.Valid, res[2].Validation, "no hot key between independent units")
	assert.Equal(t, memstub.Valid, res[3].Validation)
	assert.Equal(t, "SHP-A", e.item(unit(0)).Shipment)
}

// A collection's blinding secret is governed by the collection's
// endorsement policy like every key there: set by the members' peers
// (carenet endorses SetupBlinding with them only), and neither replaced
// nor planted by others — a replaced secret would hide every blinded key.
// The same holds for the DSCSA documents of a pair.
func TestBlindingSecretsNeedTheMembersPeers(t *testing.T) {
	e := newEnvBlinding(t, &Contract{}, partstest.Reference(), unblinded)
	secret := map[string][]byte{blind.TransientSecret: testSecret[:]}
	restore := e.onPeer(distMSP)
	res := e.endorsed(admin(distMSP), 1, []string{distMSP, regMSP}, secret, "SetupBlinding", unblinded)
	restore()
	refusedForgery(t, e, res, "a pair's secret without the other partner")
	assert.False(t, e.ready(regMSP, unblinded))
	e.Peer.SetMSP(distMSP)
	res = e.endorsed(admin(distMSP), 1, []string{distMSP, provMSP}, secret, "SetupBlinding", unblinded)
	assert.Equal(t, memstub.Valid, res.Validation, res.Message)
	e.Peer.SetMSP(mfrMSP)

	secretKey := blind.SecretKey()
	replaced := []byte(`{"secret":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`)
	before := e.Peer.Snapshot()
	for _, c := range []struct {
		what      string
		endorsers []string
		write     memstub.ForgedWrite
	}{
		{"a pair's secret replaced by one partner and a third org", []string{mfrMSP, regMSP},
			memstub.ForgedWrite{Collection: DSCSACollection(mfrMSP, distMSP), Key: secretKey, Value: replaced}},
		{"a manufacturer's secret replaced by others", []string{distMSP, provMSP},
			memstub.ForgedWrite{Collection: CommissionCollection(mfrMSP), Key: secretKey, Value: replaced}},
		{"a pair's documents forged without the other partner", []string{distMSP, regMSP},
			memstub.ForgedWrite{Collection: DSCSACollection(mfrMSP, distMSP), Key: mustKey(objDSCSA, "token"), Value: []byte(`{"salt":"s","documents":"{}"}`)}},
	} {
		refusedForgery(t, e, e.forge(c.endorsers, c.write), c.what)
	}
	assert.Equal(t, before, e.Peer.Snapshot())
}
