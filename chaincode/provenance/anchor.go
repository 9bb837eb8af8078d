package provenance

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// Commissioning anchors. A key that does not exist yet has no key-level
// policy, so its creation is validated against the chaincode-level policy
// alone — any two of the supply orgs. Two colluding orgs could therefore
// create a unit record for a serial its manufacturer never commissioned,
// and no key-level policy of the manufacturer's could have preceded it.
// (Raising the chaincode-level policy to a majority is not an option:
// Ship's transient DSCSA documents would reach a third endorser.)
//
// A collection-level endorsement policy does govern the creation of keys:
// Fabric validates every write to a private collection, new keys
// included, against the collection's policy unless the key has a policy
// of its own (which nobody can set without satisfying the collection's
// first). So every manufacturer has a commissioning collection,
// commission_<MSP> (collections.json), whose members are the manufacturer
// alone and whose endorsement policy is its peer. Commission writes there,
// in the same transaction as the unit, the unit's anchor: key the unit's
// id, value the commitment to its GTIN, serial, lot and expiry.
//
// Every read that gives a unit meaning (item, hence Verify, Dispense,
// Pack, Ship, Receive, GetItem, Trace, RecallReport, ...) compares the
// hash of that commitment with the anchor's hash on the ledger —
// GetPrivateDataHash, which every peer can answer, member or not, and
// which Fabric does not count as a private read (the gateway still lets
// non-members endorse). A unit without a matching anchor is treated as if
// its key did not exist. The collection is the one of the product's
// manufacturer, and only if the parts registry confirms that the org is a
// manufacturer whose company prefixes own the GTIN: a forged product
// record naming another manufacturer points nowhere.
//
// The cost is one private hash read per unit read, plus, once per GTIN and
// transaction, the product record and one registry call (cached in tx).

// CommissionCollection is a manufacturer's commissioning collection.
func CommissionCollection(msp string) string { return "commission_" + msp }

// commitment is what a unit's anchor commits to.
type commitment struct {
	GTIN   string `json:"gtin"`
	Serial string `json:"serial"`
	Lot    string `json:"lot"`
	Expiry string `json:"expiry"`
}

// anchorValue is the canonical bytes of a unit's commitment (a struct's
// fields marshal in a fixed order).
func anchorValue(it *wire.Item) []byte {
	data, err := json.Marshal(commitment{GTIN: it.GTIN, Serial: it.Serial, Lot: it.Lot, Expiry: it.Expiry})
	if err != nil {
		panic(err) // strings only: cannot fail
	}
	return data
}

// anchor records in the caller's commissioning collection that it
// commissioned the unit.
func (t *tx) anchor(it *wire.Item) error {
	if err := t.Stub.PutPrivateData(CommissionCollection(t.Caller.MSPID), it.ID, anchorValue(it)); err != nil {
		return ccerr.Internal("commissioning anchor of %s (is collection %s in the chaincode definition?): %v",
			it.ID, CommissionCollection(t.Caller.MSPID), err)
	}
	return nil
}

// genuine reports whether the record stored under id may be given meaning:
// a container (an SSCC key) that says it is one, or a unit (a GTIN.serial
// key) that says so, matches its key and is anchored by its manufacturer.
func (t *tx) genuine(id string, it *wire.Item) (bool, error) {
	if it.ID != id {
		return false, nil
	}
	if !strings.Contains(id, ".") {
		return it.Kind == "case" || it.Kind == "pallet", nil
	}
	if it.Kind != "unit" || id != wire.SGTIN(it.GTIN, it.Serial) {
		return false, nil
	}
	return t.anchored(it)
}

// anchored reports whether a unit's anchor matches its record.
func (t *tx) anchored(it *wire.Item) (bool, error) {
	maker, err := t.makerOf(it.GTIN)
	if err != nil || maker == "" {
		return false, err
	}
	h, err := t.Stub.GetPrivateDataHash(CommissionCollection(maker), it.ID)
	if err != nil {
		return false, ccerr.Internal("commissioning anchor of %s: %v", it.ID, err)
	}
	sum := sha256.Sum256(anchorValue(it))
	return bytes.Equal(h, sum[:]), nil
}

// makerOf returns the org whose commissioning collection anchors a GTIN's
// units: the product's manufacturer, if the parts registry confirms that
// it is a manufacturer owning the GTIN; "" when there is none.
func (t *tx) makerOf(gtin string) (string, error) {
	if m, ok := t.makers[gtin]; ok {
		return m, nil
	}
	var p wire.Product
	found, err := t.get(objProduct, &p, gtin)
	if err != nil {
		return "", err
	}
	maker := ""
	if found && p.Manufacturer != "" {
		o, err := registry.Org(t.Stub, p.Manufacturer)
		switch code := ccerr.CodeOf(err); {
		case code == ccerr.CodeForbidden || code == ccerr.CodeInvalidArgument || code == ccerr.CodeNotFound:
		case err != nil:
			return "", err
		case o.OwnsGTIN(gtin):
			maker = o.MSPID
		}
	}
	if t.makers == nil {
		t.makers = map[string]string{}
	}
	t.makers[gtin] = maker
	return maker, nil
}

// AnchorUnits anchors units of a lot that were commissioned before
// commissioning anchors existed (serials: a JSON array, at most
// MaxCommission), by the quality staff of the manufacturer that owns the
// GTIN and made the lot. Until then such units are unknown to every read,
// as forged ones are — the chaincode cannot tell them apart, so the
// manufacturer lists only serials its own records show it commissioned. A
// unit already anchored is skipped; a serial without a unit record of the
// lot refuses the whole list. Only the manufacturer's peer endorses (the
// collection's policy): nobody else can anchor a unit.
func (c *Contract) AnchorUnits(ctx contractapi.TransactionContextInterface, gtin, lot, serials string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	o, err := t.requireMaker(parts.RoleQuality)
	if err != nil {
		return nil, err
	}
	if err := wire.CheckGTIN("gtin", gtin); err != nil {
		return nil, err
	}
	if err := ownsGTIN(o, gtin); err != nil {
		return nil, err
	}
	list, err := decodeSerials(serials)
	if err != nil {
		return nil, err
	}
	b, err := t.ownLot(gtin, lot)
	if err != nil {
		return nil, err
	}
	n := 0
	for i, s := range list {
		fresh, err := t.anchorStored(fmt.Sprintf("serials[%d]", i), b, s)
		if err != nil {
			return nil, err
		}
		if fresh {
			n++
		}
	}
	t.Events.Add("units.anchored", gtin+"/"+lot, map[string]string{"count": strconv.Itoa(n)})
	return &wire.Receipt{ID: gtin + "/" + lot, Status: "anchored", Count: n, TxID: t.ID()}, t.finish()
}

// ownLot returns a lot the caller's org made.
func (t *tx) ownLot(gtin, lot string) (*wire.Batch, error) {
	if err := wire.CheckLot("lot", lot); err != nil {
		return nil, err
	}
	b, err := t.batch(gtin, lot)
	if err != nil {
		return nil, err
	}
	if b.Manufacturer != t.Caller.MSPID {
		return nil, ccerr.Forbidden("only %s anchors units of lot %s", b.Manufacturer, lot)
	}
	return b, nil
}

// anchorStored anchors the stored unit of a serial of lot b, unless it is
// anchored already (false).
func (t *tx) anchorStored(field string, b *wire.Batch, serial string) (bool, error) {
	id := wire.SGTIN(b.GTIN, serial)
	it, found, err := t.stored(id)
	if err != nil {
		return false, err
	}
	if !found || it.ID != id || it.Kind != "unit" || it.GTIN != b.GTIN || it.Serial != serial || it.Lot != b.Lot || it.Expiry != b.Expiry {
		return false, ccerr.Invalid(field, "%s is not a unit of lot %s", id, b.Lot)
	}
	if anchored, err := t.anchored(it); err != nil || anchored {
		return false, err
	}
	return true, t.anchor(it)
}
