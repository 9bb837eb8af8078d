package claims

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// allParties is the party attribute of the status index entries every
// claim has, for the regulator's auditors.
const allParties = "*"

// partiesPolicy is the state-based endorsement policy of every public key
// of a claim: the provider's and the payer's peers, both.
func partiesPolicy(tr *wire.Trace) ([]byte, error) {
	ep, err := statebased.NewStateEP(nil)
	if err != nil {
		return nil, ccerr.Internal("endorsement policy: %v", err)
	}
	if err := ep.AddOrgs(statebased.RoleTypePeer, tr.Provider, tr.Payer); err != nil {
		return nil, ccerr.Internal("endorsement policy: %v", err)
	}
	policy, err := ep.Policy()
	if err != nil {
		return nil, ccerr.Internal("endorsement policy: %v", err)
	}
	return policy, nil
}

// putEndorsed writes a public key of a claim with the parties' policy.
func (t *tx) putEndorsed(k string, raw, policy []byte) error {
	if err := t.Stub.PutState(k, raw); err != nil {
		return ccerr.Internal("put %s: %v", state.DisplayKey(k), err)
	}
	if err := t.Stub.SetStateValidationParameter(k, policy); err != nil {
		return ccerr.Internal("endorsement policy of %s: %v", state.DisplayKey(k), err)
	}
	return nil
}

// putIndexEndorsed writes an index entry of a claim with the parties' policy.
func (t *tx) putIndexEndorsed(policy []byte, obj string, attrs ...string) error {
	k, err := key(obj, attrs...)
	if err != nil {
		return err
	}
	return t.putEndorsed(k, []byte{0}, policy)
}

// trace reads a claim's public trace and checks it against the hash of
// the claim's private record, which only the provider and the payer
// together can write: a trace without its record (written by anyone else)
// is not a claim. The record's key is the claim's public id and its hash
// is the trace's commitment, so every peer, member of the collection or
// not, can check.
func (t *tx) trace(id string) (*wire.Trace, error) {
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	k, err := key(objTrace, id)
	if err != nil {
		return nil, err
	}
	tr, found, err := state.GetOptional[wire.Trace](t.Stub, k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("claim %s", id)
	}
	ck, err := recordKey(tr.Record, id)
	if err != nil {
		return nil, ccerr.NotFound("claim %s (its public trace names no record)", id)
	}
	sum, err := t.Stub.GetPrivateDataHash(wire.PairCollection(tr.Provider, tr.Payer), ck)
	if err != nil {
		// A trace that names no pair of the chaincode was not written by it.
		return nil, ccerr.NotFound("claim %s (its trace names no provider–payer collection: %v)", id, err)
	}
	if hex.EncodeToString(sum) != tr.DetailsHash {
		return nil, ccerr.NotFound("claim %s (its public trace matches no record of the provider and the payer)", id)
	}
	return &tr, nil
}

func (t *tx) claim(id string) (*wire.Claim, *wire.Trace, error) {
	tr, err := t.trace(id)
	if err != nil {
		return nil, nil, err
	}
	c, err := t.record(tr)
	if err != nil {
		return nil, nil, err
	}
	return c, tr, nil
}

// record reads the private record of a claim whose trace was read.
func (t *tx) record(tr *wire.Trace) (*wire.Claim, error) {
	k, err := recordKey(tr.Record, tr.ID)
	if err != nil {
		return nil, err
	}
	var c wire.Claim
	if err := t.private(wire.PairCollection(tr.Provider, tr.Payer), k, "claim "+tr.ID, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// invertedStamp makes index keys sort newest first.
func invertedStamp(stamp string) (string, error) {
	ts, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		return "", ccerr.Internal("stamp %q: %v", stamp, err)
	}
	return fmt.Sprintf("%019d", math.MaxInt64-ts.UnixNano()), nil
}

// statusParties are the party attributes of a claim's status index entries.
func statusParties(tr *wire.Trace) []string { return []string{tr.Provider, tr.Payer, allParties} }

// save writes a claim's private record and public trace (tr as it was
// read; empty for a new claim) and moves its status index entries, every
// public key with the provider-and-payer endorsement policy. The trace's
// detailsHash is the commitment to the record, under the salt sealed in
// it.
func (t *tx) save(c *wire.Claim, tr *wire.Trace) error {
	oldStatus, oldUpdated := tr.Status, tr.Updated
	c.Updated = t.Stamp()
	c.History = append(c.History, wire.Change{Status: c.Status, At: c.Updated, By: t.Caller.Key(), TxID: t.ID()})
	if err := t.putRecord(c, tr); err != nil {
		return err
	}
	tr.Status, tr.Updated, tr.Outcome = c.Status, c.Updated, ""
	if c.Adjudication != nil {
		tr.Outcome = c.Adjudication.Outcome
	}
	policy, err := partiesPolicy(tr)
	if err != nil {
		return err
	}
	if err := t.putTrace(tr, policy); err != nil {
		return err
	}
	if err := t.moveStatus(tr, oldStatus, oldUpdated, policy); err != nil {
		return err
	}
	t.Events.Add("claim."+c.Status, tr.ID, map[string]string{"provider": tr.Provider, "payer": tr.Payer})
	return nil
}

// putRecord writes a claim's private record, under the token the trace
// names (a new one for a new claim), and sets the trace's commitment.
func (t *tx) putRecord(c *wire.Claim, tr *wire.Trace) error {
	coll := wire.PairCollection(tr.Provider, tr.Payer)
	if tr.Record == "" {
		token, err := t.recordToken(coll, c.Input.ID)
		if err != nil {
			return err
		}
		tr.Record = token
	}
	k, err := recordKey(tr.Record, c.Input.ID)
	if err != nil {
		return err
	}
	tr.DetailsHash, err = t.putPrivate(coll, k, c)
	return err
}

func (t *tx) putTrace(tr *wire.Trace, policy []byte) error {
	k, err := key(objTrace, tr.ID)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(tr)
	if err != nil {
		return ccerr.Internal("encode trace: %v", err)
	}
	return t.putEndorsed(k, raw, policy)
}

// moveStatus replaces the claim's status index entries (party, status,
// inverted stamp of the latest change, id) by ones for its new status and
// stamp, so every list is newest first.
func (t *tx) moveStatus(tr *wire.Trace, oldStatus, oldUpdated string, policy []byte) error {
	if oldStatus != "" {
		inv, err := invertedStamp(oldUpdated)
		if err != nil {
			return err
		}
		for _, p := range statusParties(tr) {
			if err := state.DeleteIndex(t.Stub, objByStatus, p, oldStatus, inv, tr.ID); err != nil {
				return err
			}
		}
	}
	inv, err := invertedStamp(tr.Updated)
	if err != nil {
		return err
	}
	for _, p := range statusParties(tr) {
		if err := t.putIndexEndorsed(policy, objByStatus, p, tr.Status, inv, tr.ID); err != nil {
			return err
		}
	}
	return nil
}
