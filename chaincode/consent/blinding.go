package consent

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
)

// CollectionMembers are the orgs of the consent collection, as its member
// policy in collections.json names them: the care channel's peer orgs.
var CollectionMembers = []string{"ProviderMSP", "PayerMSP", roles.RegulatorMSP}

// collectionRef checks that collection is consent's own.
func collectionRef(collection string) error {
	if collection != Collection {
		return ccerr.Invalid("collection", "the consent chaincode has one collection, %s", Collection)
	}
	return nil
}

// SetupBlinding stores the collection's blinding secret from the transient
// map ("blinding-secret", at least 32 random bytes), once (package
// kit/blind). carenet calls it after deploying the chaincode, as the admin
// of a member org of the collection, endorsed by member peers only. Anyone
// else is FORBIDDEN; a second setup is a CONFLICT. The secret's key then
// needs every member's peer (blind.Guard): two colluding members cannot
// replace it past the contract, which the collection's 2-of-3 policy alone
// would let them do.
func (c *Contract) SetupBlinding(ctx contractapi.TransactionContextInterface, collection string) error {
	t, err := c.begin(ctx)
	if err != nil {
		return err
	}
	if t.Caller.Type != caller.TypeAdmin || !slices.Contains(CollectionMembers, t.Caller.MSPID) {
		return ccerr.Forbidden("only the admin of a member org of %s (%v) sets its blinding secret (caller %s, type %q)",
			Collection, CollectionMembers, t.Caller.Key(), t.Caller.Type)
	}
	if err := collectionRef(collection); err != nil {
		return err
	}
	if err := blind.Setup(t.Stub, collection); err != nil {
		return err
	}
	return blind.Guard(t.Stub, collection, CollectionMembers)
}

// BlindingReady reports whether the collection has its blinding secret,
// for any identity of a member org of the collection (evaluated).
func (c *Contract) BlindingReady(ctx contractapi.TransactionContextInterface, collection string) (bool, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return false, err
	}
	if !slices.Contains(CollectionMembers, t.Caller.MSPID) {
		return false, ccerr.Forbidden("only members of %s (%v) ask whether it has its blinding secret", Collection, CollectionMembers)
	}
	if err := collectionRef(collection); err != nil {
		return false, err
	}
	return blind.Ready(t.Stub, collection)
}

// blinder reads the collection's secret once per transaction. Before
// SetupBlinding every transaction that needs it is a FAILED_PRECONDITION:
// nothing is written under a key an outsider could compute.
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

// token is the blinded form of what identifies a private key: Token of
// the key's kind and its identifying parts (a patient, a grantee, a
// consent or break-glass id, an enrollment).
func (t *tx) token(kind string, parts ...string) (string, error) {
	b, err := t.blinder()
	if err != nil {
		return "", err
	}
	return b.Token(append([]string{kind}, parts...)...), nil
}

// blindKey is the private key of an object of type kind identified by
// parts: the composite key (kind, token).
func (t *tx) blindKey(kind string, parts ...string) (string, error) {
	tok, err := t.token(kind, parts...)
	if err != nil {
		return "", err
	}
	return state.Key(kind, tok)
}

// salt is the salt of the private value written under key now.
func (t *tx) salt(key string) (string, error) {
	b, err := t.blinder()
	if err != nil {
		return "", err
	}
	return b.Salt(key), nil
}
