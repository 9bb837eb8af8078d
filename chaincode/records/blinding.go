package records

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// Blinding (package kit/blind). Every block carries the SHA-256 of each
// private key written and of each private value, so a private key built
// from a record id, a pseudonym, a requester or a custodian would be
// confirmed by anyone who guesses it. Every such key carries a token
// instead (keys.go), every private value whose hash reaches a block a salt,
// and every public hash of private data is a salted commitment.

// CollectionMembers are the orgs whose peers hold recordDetails, as
// collections.json's member policy names them (a test checks they agree).
// Only their admins set the collection's blinding secret.
var CollectionMembers = []string{"ProviderMSP", "PayerMSP", roles.RegulatorMSP}

// SetupBlinding sets the blinding secret of one of the chaincode's
// collections, once, from the transient "blinding-secret" (32 random bytes
// or more). Only the admin of an org that is a member of the collection
// sets it; carenet does after deploying, endorsed by the members' peers.
func (c *Contract) SetupBlinding(ctx contractapi.TransactionContextInterface, collection string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if !t.isAdmin() {
		return nil, ccerr.Forbidden("only an admin of a member org of the collection sets its blinding secret (caller %s is %q)", t.Caller.Key(), t.Caller.Type)
	}
	if err := knownCollection(collection); err != nil {
		return nil, err
	}
	if !slices.Contains(CollectionMembers, t.Caller.MSPID) {
		return nil, ccerr.Forbidden("%s is not a member of collection %s (members %v)", t.Caller.MSPID, collection, CollectionMembers)
	}
	if err := t.onlyTransient(blind.TransientSecret); err != nil {
		return nil, err
	}
	if err := blind.Setup(t.Stub, collection); err != nil {
		return nil, err
	}
	if err := blind.Guard(t.Stub, collection, CollectionMembers); err != nil {
		return nil, err
	}
	t.Events.Add("records.blinding-set", collection, nil)
	return &wire.Receipt{ID: collection, TxID: t.ID()}, t.finish()
}

// BlindingReady reports whether a collection's blinding secret is set, for
// any member of an org in the parts registry.
func (c *Contract) BlindingReady(ctx contractapi.TransactionContextInterface, collection string) (bool, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return false, err
	}
	if err := t.requireMember(); err != nil {
		return false, err
	}
	if err := knownCollection(collection); err != nil {
		return false, err
	}
	return blind.Ready(t.Stub, collection)
}

func knownCollection(collection string) error {
	if collection != Collection {
		return ccerr.Invalid("collection", "records has only the collection %s", Collection)
	}
	return nil
}

// blinder is the transaction's Blinder of the collection, read once: only
// after the access checks, since it reads private state.
func (t *tx) blinder() (*blind.Blinder, error) {
	if t.bl != nil {
		return t.bl, nil
	}
	b, err := blind.New(t.Stub, Collection)
	if err != nil {
		return nil, err
	}
	t.bl = b
	return b, nil
}
