package claims

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// collectionParts are the parts whose orgs are members of the
// provider–payer collection (collections.json: the provider and the
// payer). The peer's memberOnlyRead and memberOnlyWrite refuse clients of
// any other org on top of this check.
var collectionParts = []string{parts.PartProvider, parts.PartPayer}

// SetupBlinding sets the blinding secret of the collection (transient
// "blinding-secret", at least 32 random bytes), once: by an admin of an
// org playing the provider or the payer, the collection's members.
// carenet calls it after deploying, endorsed by the members' peers only,
// so the secret never reaches another peer. Every private key and value
// depends on it; until it is set, every transaction that touches the
// collection is FAILED_PRECONDITION.
func (c *Contract) SetupBlinding(ctx contractapi.TransactionContextInterface, collection string) error {
	t, err := c.begin(ctx)
	if err != nil {
		return err
	}
	if t.Caller.Type != caller.TypeAdmin {
		return ccerr.Forbidden("%s is not an admin: only a collection member's admin sets the blinding secret", t.Caller.Key())
	}
	if _, err := registry.RequirePart(t.Stub, t.Caller.MSPID, collectionParts...); err != nil {
		return err
	}
	if err := knownCollection(collection); err != nil {
		return err
	}
	return blind.Setup(t.Stub, collection)
}

// BlindingReady reports whether the collection's blinding secret is set,
// for any identity of an org playing the provider or the payer. Evaluate
// it on a member's peer.
func (c *Contract) BlindingReady(ctx contractapi.TransactionContextInterface, collection string) (bool, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return false, err
	}
	if _, err := registry.RequirePart(t.Stub, t.Caller.MSPID, collectionParts...); err != nil {
		return false, err
	}
	if err := knownCollection(collection); err != nil {
		return false, err
	}
	ok, err := blind.Ready(t.Stub, collection)
	return ok, privateErr(t.Caller.MSPID, err)
}

// knownCollection refuses a collection the chaincode does not define.
func knownCollection(name string) error {
	if name != Collection {
		return ccerr.Invalid("collection", "%q is not a collection of the claims chaincode (it has %s)", name, Collection)
	}
	return nil
}
