package claims

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/kit/txtime"
	"github.com/carechain/carechain/chaincode/parts/wire"
)

// Names the chaincode uses.
const (
	EventName  = "claims"
	Collection = "claimsProviderPayer"

	TransientClaim    = "claim"
	TransientCoverage = "coverage"
	TransientRules    = "rules"
	TransientSalt     = "salt"
	TransientDecision = "decision"
	TransientPayment  = "payment"

	RecordsChaincode = "records"
	ConsentChaincode = "consent"
)

// Object types and their key attributes. Private (collection
// claimsProviderPayer): claim (id), coverage (payer, id), rules (payer,
// plan), salt (payer), accumulator (payer, member, year). Public:
// claimTrace (id), claimFingerprint (line fingerprint), claimByStatus
// (party, status, inverted stamp, id), claimsByPatientDay (salted
// patient-day, id), settings.
const (
	objClaim       = "claim"
	objCoverage    = "coverage"
	objRules       = "rules"
	objSalt        = "salt"
	objAccumulator = "accumulator"
	objTrace       = "claimTrace"
	objFingerprint = "claimFingerprint"
	objByStatus    = "claimByStatus"
	objPatientDay  = "claimsByPatientDay"
	objSettings    = "settings"
)

// Contract is the claims chaincode. Get, GetCoverage, Remittance and the
// lists return private data: evaluate them, never submit them.
type Contract struct {
	contractapi.Contract
	// Clock is the endorsing peer's wall clock (time.Now in cmd/main.go):
	// a transaction whose timestamp is further from it than txtime's
	// default skew is refused. Nil checks nothing (unit tests).
	Clock func() time.Time
}

// Settings are the chaincode's channel-level settings.
type Settings struct {
	// PaymentConsentRequired makes Submit ask the consent chaincode
	// (default false: HIPAA permits disclosure for payment).
	PaymentConsentRequired bool   `json:"paymentConsentRequired"`
	Updated                string `json:"updated,omitempty" metadata:",optional"`
}

// tx is one transaction's context. Reads never see the transaction's own
// writes, so the member accumulators it changes are kept here too: a
// replacement adjudicated after its predecessor was unwound must see the
// unwound figures.
type tx struct {
	*txn.Tx
	// org is the caller's registry entry, once an access check read it.
	org          wire.Org
	accumulators map[string]Accumulator
}

// begin starts a transaction: the skew guard against the peer's clock,
// then the caller and the time.
func (c *Contract) begin(ctx contractapi.TransactionContextInterface) (*tx, error) {
	t, err := txn.Begin(ctx.GetStub(), txn.WithClock(c.Clock, txtime.Skew{}))
	if err != nil {
		return nil, err
	}
	return &tx{Tx: t, accumulators: map[string]Accumulator{}}, nil
}

// accumulator is a member's year accumulator with a payer, as this
// transaction left it.
func (t *tx) accumulator(payer, member, year string) (Accumulator, error) {
	if a, ok := t.accumulators[payer+"/"+member+"/"+year]; ok {
		return a, nil
	}
	var a Accumulator
	err := t.private(objAccumulator, "accumulator", &a, payer, member, year)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		err = nil
	}
	return a, err
}

func (t *tx) putAccumulator(payer, member, year string, a Accumulator) error {
	t.accumulators[payer+"/"+member+"/"+year] = a
	return t.putPrivate(objAccumulator, a, payer, member, year)
}

func (t *tx) finish() error { return t.Emit(EventName) }

func key(obj string, attrs ...string) (string, error) { return state.Key(obj, attrs...) }

// private reads a private record; NOT_FOUND names what and its key
// attributes.
func (t *tx) private(obj, what string, v any, attrs ...string) error {
	k, err := key(obj, attrs...)
	if err != nil {
		return err
	}
	got, found, err := state.GetPrivateOptional[json.RawMessage](t.Stub, Collection, k)
	if err != nil && strings.Contains(err.Error(), "does not have read access permission") {
		// The collection is member-only: the peer refuses other orgs' clients.
		return ccerr.Forbidden("%s is not a party to the provider–payer collection", t.Caller.MSPID)
	}
	if err != nil {
		return err
	}
	if !found {
		return ccerr.NotFound("%s %s", what, strings.Join(attrs, "/"))
	}
	if err := json.Unmarshal(got, v); err != nil {
		return ccerr.Internal("stored %s: %v", what, err)
	}
	return nil
}

func (t *tx) putPrivate(obj string, v any, attrs ...string) error {
	k, err := key(obj, attrs...)
	if err != nil {
		return err
	}
	return state.PutPrivate(t.Stub, Collection, k, v)
}

func (t *tx) settings() (Settings, error) {
	k, err := key(objSettings, "channel")
	if err != nil {
		return Settings{}, err
	}
	s, _, err := state.GetOptional[Settings](t.Stub, k)
	return s, err
}
