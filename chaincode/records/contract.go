package records

import (
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/kit/txtime"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// Names the chaincode uses.
const (
	EventName  = "records"
	Collection = "recordDetails"
	// ConsentChaincode is asked before any key is released.
	ConsentChaincode = "consent"
	// ClaimsChaincode is the only chaincode MatchSubject answers.
	ClaimsChaincode = "claims"
)

// Object types (composite keys). Private, with a token in place of every
// identifying part (keys.go): anchor, recordKey, access, accessHead.
// Public: recordHead, recordVersion, custodianKey. The private list
// indexes are simple keys (index.go).
const (
	objAnchor       = "anchor"
	objKey          = "recordKey"
	objAccess       = "access"
	objAccessHead   = "accessHead"
	objHead         = "recordHead"
	objVersion      = "recordVersion"
	objCustodianKey = "custodianKey"
)

// KEKSource gives the chaincode the private key-encryption key of the org
// whose peer runs it (nil, nil when this peer has none).
type KEKSource func() (msp string, key []byte, err error)

// Contract is the records chaincode. Read functions (GetHead, Get,
// History, Verify, MatchSubject, List*, ReleaseKey) must be evaluated,
// never submitted.
type Contract struct {
	contractapi.Contract
	// KEK reads this peer's org key-encryption key; see EnvKEK.
	KEK KEKSource
	// Clock is the endorsing peer's wall clock (time.Now in cmd/main.go):
	// a transaction stamped further from it than txtime.DefaultSkew is
	// refused. Nil checks nothing (unit tests drive a test calendar).
	Clock func() time.Time
}

// VersionTrace is the public trace of one version: its status and the
// SHA-256 of its private anchor.
type VersionTrace struct {
	ID         string `json:"id"`
	Version    int    `json:"version"`
	Status     string `json:"status"`
	AnchorHash string `json:"anchorHash"`
}

// tx is one transaction's context (package txn) with the caller's entry in
// the parts registry and records' helpers.
type tx struct {
	*txn.Tx
	// org is the caller's org as the parts registry lists it.
	org parts.Org
	// policy caches the key-level endorsement policy of a custodian.
	policy map[string][]byte
	// bl is the collection's Blinder, read on first use (blinder).
	bl *blind.Blinder
}

// begin starts every transaction: the skew guard against this peer's
// clock, the caller, and the caller's org in the parts registry. An org
// the registry does not list plays no part: FORBIDDEN, before anything
// else is read.
func (c *Contract) begin(ctx contractapi.TransactionContextInterface) (*tx, error) {
	t, err := txn.Begin(ctx.GetStub(), txn.WithClock(c.Clock, txtime.Skew{}))
	if err != nil {
		return nil, err
	}
	o, err := registry.Org(t.Stub, t.Caller.MSPID)
	if err != nil {
		return nil, err
	}
	return &tx{Tx: t, org: o, policy: map[string][]byte{}}, nil
}

func (t *tx) finish() error                           { return t.Emit(EventName) }
func key(obj string, attrs ...string) (string, error) { return state.Key(obj, attrs...) }
func versionKey(obj, id string, v int) (string, error) {
	return key(obj, id, fmt.Sprintf("%06d", v))
}

// onlyTransient refuses transient inputs other than allowed, naming the
// first unexpected key in sorted order: which error comes back never
// depends on map iteration.
func (t *tx) onlyTransient(allowed ...string) error {
	m, err := t.Stub.GetTransient()
	if err != nil {
		return ccerr.Internal("transient map: %v", err)
	}
	var extra []string
	for k := range m {
		if !slices.Contains(allowed, k) {
			extra = append(extra, k)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	slices.Sort(extra)
	return ccerr.Invalid(extra[0], "is not an input of this transaction (expected only %v)", allowed)
}

func (t *tx) transientAnchor() (wire.AnchorInput, []byte, error) {
	var in wire.AnchorInput
	if err := t.onlyTransient(wire.TransientAnchor); err != nil {
		return in, nil, err
	}
	if err := t.Transient(wire.TransientAnchor, &in, maxInputBytes); err != nil {
		return in, nil, err
	}
	wrapped, err := validateAnchor(&in)
	return in, wrapped, err
}

// decodeAnchor decodes the transient anchor input strictly.
func decodeAnchor(data []byte, in *wire.AnchorInput) error {
	return validate.DecodeJSON(wire.TransientAnchor, data, in, maxInputBytes)
}

func (t *tx) head(id string) (*wire.Head, error) {
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	k, err := key(objHead, id)
	if err != nil {
		return nil, err
	}
	h, found, err := state.GetOptional[wire.Head](t.Stub, k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("record %s", id)
	}
	return &h, nil
}

func (t *tx) anchor(id string, version int) (*wire.Anchor, error) {
	k, err := t.anchorKey(id, version)
	if err != nil {
		return nil, err
	}
	a, found, err := state.GetPrivateOptional[wire.Anchor](t.Stub, Collection, k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("record %s version %d", id, version)
	}
	return &a, nil
}

// version resolves a requested version (0: the current one) of h.
func versionOf(h *wire.Head, v int) (int, error) {
	if v == 0 {
		return h.Version, nil
	}
	if v < 0 || v > h.Version {
		return 0, ccerr.Invalid("version", "record %s has versions 1..%d", h.ID, h.Version)
	}
	return v, nil
}
