package provenance

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// Blinding (package kit/blind). Every block carries the SHA-256 of each
// private key written and of each private value. A shipment's DSCSA
// documents are guessable JSON (an invoice number, a quantity, a standard
// statement) under a key built from the public shipment id, so both
// hashes would confirm a guess. The DSCSA key therefore carries a token
// of the shipment id under the pair's secret, the value a salt, and the
// shipment's public hash is a salted commitment (dscsa.go).
//
// Every provenance collection has its secret, set once by an admin of a
// member org (carenet, after deploying, endorsed by the members' peers;
// the collection-level endorsement policy — both partners of a dscsa
// collection, the manufacturer of a commission collection — governs the
// secret's key like every other key there, so nobody else can replace
// it). The members follow from the name and the parts registry:
//
//	dscsa_A_B       A and B, two distinct orgs playing a trading part
//	commission_X    X, an org playing the manufacturer part

// SetupBlinding sets the blinding secret of one of the chaincode's
// collections, once, from the transient "blinding-secret" (32 random bytes
// or more): by the admin of an org that is a member of the collection. A
// collection the chaincode does not have is INVALID_ARGUMENT; a second
// setup CONFLICT.
func (c *Contract) SetupBlinding(ctx contractapi.TransactionContextInterface, collection string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if t.Caller.Type != caller.TypeAdmin {
		return nil, ccerr.Forbidden("only an admin of a member org of the collection sets its blinding secret (%s is %q)", t.Caller.MSPID, t.Caller.Type)
	}
	members, err := t.collectionMembers(collection)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(members, t.Caller.MSPID) {
		return nil, ccerr.Forbidden("%s is not a member of collection %s (members %v)", t.Caller.MSPID, collection, members)
	}
	if err := blind.Setup(t.Stub, collection); err != nil {
		return nil, err
	}
	t.Events.Add("provenance.blinding-set", collection, nil)
	return &wire.Receipt{ID: collection, Status: "set", TxID: t.ID()}, t.finish()
}

// BlindingReady reports whether a collection's blinding secret is set, for
// any member of a supply part (an org's admin too). It reads the secret's
// hash, which every peer holds, so any peer answers.
func (c *Contract) BlindingReady(ctx contractapi.TransactionContextInterface, collection string) (bool, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return false, err
	}
	if err := t.requireMemberOrAdmin(); err != nil {
		return false, err
	}
	if _, err := t.collectionMembers(collection); err != nil {
		return false, err
	}
	return blind.ReadyByHash(t.Stub, collection)
}

// collectionMembers returns the members of one of the chaincode's
// collections, from its name and the parts registry: INVALID_ARGUMENT for
// any other name.
func (t *tx) collectionMembers(collection string) ([]string, error) {
	var reg parts.Registry
	if err := cccall.Call(t.Stub, parts.Chaincode, parts.FnList, &reg); err != nil {
		return nil, err
	}
	var traders []string
	for _, o := range reg.Orgs {
		if o.Plays(parts.PartManufacturer) && collection == CommissionCollection(o.MSPID) {
			return []string{o.MSPID}, nil
		}
		if slices.ContainsFunc(tradingParts(), o.Plays) {
			traders = append(traders, o.MSPID)
		}
	}
	slices.Sort(traders)
	for i, a := range traders {
		for _, b := range traders[i+1:] {
			if collection == DSCSACollection(a, b) {
				return []string{a, b}, nil
			}
		}
	}
	return nil, ccerr.Invalid("collection", "%q is not a collection of provenance (dscsa_A_B of two trading partners, commission_X of a manufacturer)", collection)
}

// blinder is the transaction's Blinder of a collection, read once: only
// after the access checks, and only on a member's peer (it reads the
// secret). Before SetupBlinding it is FAILED_PRECONDITION.
func (t *tx) blinder(collection string) (*blind.Blinder, error) {
	if b, ok := t.blinders[collection]; ok {
		return b, nil
	}
	b, err := blind.New(t.Stub, collection)
	if err != nil {
		return nil, err
	}
	if t.blinders == nil {
		t.blinders = map[string]*blind.Blinder{}
	}
	t.blinders[collection] = b
	return b, nil
}
