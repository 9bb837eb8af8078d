package claims

import (
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/kit/txtime"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Names the chaincode uses.
const (
	EventName = "claims"

	RecordsChaincode = "records"
	ConsentChaincode = "consent"
)

// Object types and their key attributes. Private, each keyed [type, token
// of type and attributes] but the claim: in the provider–payer pair's
// collection claim (token, id: the id is public), claimsByPatientDay
// (payer, patient, service day) and claimsByPatient (keyed [type, token
// of the patient, inverted stamp, id]: patientindex.go); in the payer's collection coverage
// (payer, id), rules (payer, plan), salt (payer) and accumulator (payer,
// member, year); in the payers' collection (screen.go) serviceEntry and
// serviceFlag. Public: claimTrace (id), claimFingerprint (line
// fingerprint), claimByStatus (party, status, inverted stamp, id),
// settings.
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
	objByPatient   = "claimsByPatient"
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

// tx is one transaction's context. Reads never see the transaction's own
// writes, so the private records it changes and may read again (member
// accumulators, patient-day entries) are kept here too, by key: a
// replacement adjudicated after its predecessor was unwound must see the
// unwound figures.
type tx struct {
	*txn.Tx
	// org is the caller's registry entry, once an access check read it.
	org parts.Org
	// blinders are the collections' blinders, each read once.
	blinders     map[string]*blind.Blinder
	accumulators map[string]Accumulator
	days         map[string][]string
}

// begin starts a transaction: the skew guard against the peer's clock,
// then the caller and the time.
func (c *Contract) begin(ctx contractapi.TransactionContextInterface) (*tx, error) {
	t, err := txn.Begin(ctx.GetStub(), txn.WithClock(c.Clock, txtime.Skew{}))
	if err != nil {
		return nil, err
	}
	return &tx{Tx: t, blinders: map[string]*blind.Blinder{}, accumulators: map[string]Accumulator{}, days: map[string][]string{}}, nil
}

// accumulatorKey is the private key of a member's year accumulator with a
// payer, in the payer's collection.
func (t *tx) accumulatorKey(payer, member, year string) (string, error) {
	return t.blindKey(wire.PayerCollection(payer), objAccumulator, payer, member, year)
}

// accumulator is a member's year accumulator with a payer, as this
// transaction left it.
func (t *tx) accumulator(payer, member, year string) (Accumulator, error) {
	k, err := t.accumulatorKey(payer, member, year)
	if err != nil {
		return Accumulator{}, err
	}
	if a, ok := t.accumulators[k]; ok {
		return a, nil
	}
	var a Accumulator
	_, err = t.lookup(wire.PayerCollection(payer), k, "accumulator", &a)
	return a, err
}

func (t *tx) putAccumulator(payer, member, year string, a Accumulator) error {
	k, err := t.accumulatorKey(payer, member, year)
	if err != nil {
		return err
	}
	t.accumulators[k] = a
	_, err = t.putPrivate(wire.PayerCollection(payer), k, a)
	return err
}

func (t *tx) finish() error { return t.Emit(EventName) }

func key(obj string, attrs ...string) (string, error) { return state.Key(obj, attrs...) }

func (t *tx) settings() (wire.Settings, error) {
	k, err := key(objSettings, "channel")
	if err != nil {
		return wire.Settings{}, err
	}
	s, _, err := state.GetOptional[wire.Settings](t.Stub, k)
	return s, err
}
