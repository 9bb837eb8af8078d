package claims

import (
	"slices"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// The chaincode's collections follow from the parts registry (network/
// collections generates their definitions from the topology by the same
// rule), each with its own blinding secret:
//
//	claims_P_Y     P and Y: P an org playing the provider, Y another
//	               playing the payer (wire.PairCollection)
//	claimsPayer_Y  Y and every org playing the provider but Y
//	               (wire.PayerCollection)
//	claimsPayers   every org playing the payer (wire.PayersCollection)
//
// Only orgs that run peers are members. The peer's memberOnlyRead and
// memberOnlyWrite refuse clients of any other org on top of the checks
// here.

// SetupBlinding sets the blinding secret of one of the collections
// (transient "blinding-secret", at least 32 random bytes), once: by an
// admin of a member org. carenet calls it after deploying, endorsed by
// the members' peers only, so the secret never reaches another peer.
// Every private key and value of the collection depends on it; until it
// is set, every transaction that touches the collection is
// FAILED_PRECONDITION. The payers' secret keys the cross-payer
// fingerprints, so its key gets a key-level policy: every payer's peer.
func (c *Contract) SetupBlinding(ctx contractapi.TransactionContextInterface, collection string) error {
	t, err := c.begin(ctx)
	if err != nil {
		return err
	}
	if t.Caller.Type != caller.TypeAdmin {
		return ccerr.Forbidden("%s is not an admin: only a collection member's admin sets the blinding secret", t.Caller.Key())
	}
	members, err := t.collectionMembers(collection)
	if err != nil {
		return err
	}
	if !slices.Contains(members, t.Caller.MSPID) {
		return ccerr.Forbidden("%s is not a member of collection %s (members %s)", t.Caller.MSPID, collection, strings.Join(members, ", "))
	}
	if err := blind.Setup(t.Stub, collection); err != nil {
		return err
	}
	if collection != wire.PayersCollection {
		return nil
	}
	// The payers' secret needs every payer's peer: no payer alone can
	// replace it.
	return blind.Guard(t.Stub, collection, members)
}

// BlindingReady reports whether a collection's blinding secret is set,
// for any identity of a member org. It reads the secret's hash, which
// every peer holds, so any peer answers.
func (c *Contract) BlindingReady(ctx contractapi.TransactionContextInterface, collection string) (bool, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return false, err
	}
	members, err := t.collectionMembers(collection)
	if err != nil {
		return false, err
	}
	if !slices.Contains(members, t.Caller.MSPID) {
		return false, ccerr.Forbidden("%s is not a member of collection %s", t.Caller.MSPID, collection)
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
	var providers, payers []string
	for _, o := range reg.Orgs {
		if o.Peer && o.Plays(parts.PartProvider) {
			providers = append(providers, o.MSPID)
		}
		if o.Peer && o.Plays(parts.PartPayer) {
			payers = append(payers, o.MSPID)
		}
	}
	slices.Sort(providers)
	slices.Sort(payers)
	if collection == wire.PayersCollection && len(payers) > 0 {
		return payers, nil
	}
	for _, y := range payers {
		others := slices.DeleteFunc(slices.Clone(providers), func(p string) bool { return p == y })
		if collection == wire.PayerCollection(y) {
			return append([]string{y}, others...), nil
		}
		for _, p := range others {
			if collection == wire.PairCollection(p, y) {
				return []string{p, y}, nil
			}
		}
	}
	return nil, ccerr.Invalid("collection", "%q is not a collection of the claims chaincode (claims_P_Y of a provider and a payer, claimsPayer_Y of a payer, claimsPayers)", collection)
}
