package memstub

import (
	"maps"
	"slices"

	"github.com/carechain/carechain/chaincode/kit/policy"
)

// Validation codes of Result.Validation, named as Fabric's
// peer.TxValidationCode.
const (
	Valid                    = "VALID"
	EndorsementPolicyFailure = "ENDORSEMENT_POLICY_FAILURE"
	MVCCReadConflict         = "MVCC_READ_CONFLICT"
	PhantomReadConflict      = "PHANTOM_READ_CONFLICT"
	DuplicateTxID            = "DUPLICATE_TXID"
)

// block validates and commits the transactions of one block of a ledger.
type block struct {
	peer   *Peer
	ledger *Ledger
	number uint64
	txNum  uint64
	// startParams holds the validation parameters, as of the start of the
	// block, of the keys committed transactions of the block wrote: the
	// peer validates a block against the state before it.
	startParams map[StateKey][]byte
	// paramWritten holds the keys whose validation parameter an earlier
	// transaction of the block, valid for endorsement, writes. A later
	// write of such a key fails, as the peer cannot know which parameter
	// to apply.
	paramWritten map[StateKey]bool
}

func (p *Peer) newBlock(l *Ledger) *block {
	return &block{
		peer: p, ledger: l, number: l.blocks + 1,
		startParams: map[StateKey][]byte{}, paramWritten: map[StateKey]bool{},
	}
}

// add validates pd as the next transaction of the block and commits it if
// it is valid.
func (b *block) add(pd *Pending) Result {
	res := pd.res
	ver := version{block: b.number, tx: b.txNum}
	b.txNum++
	res.Validation = b.validate(pd)
	if res.Validation != Valid {
		return res
	}
	for k := range pd.writes.writes {
		if _, ok := b.startParams[k]; !ok {
			b.startParams[k] = b.ledger.param(k)
		}
	}
	b.ledger.commit(pd.txID, pd.time, pd.writes, ver)
	res.Committed = true
	res.Event = pd.event
	return res
}

// validate returns the validation code of pd. Like the peer, it records
// the transaction id of an invalid transaction too.
func (b *block) validate(pd *Pending) string {
	if b.ledger.txIDs[pd.txID] {
		return DuplicateTxID
	}
	b.ledger.txIDs[pd.txID] = true
	if !b.endorsed(pd) {
		return EndorsementPolicyFailure
	}
	for k, w := range pd.writes.writes {
		if w.paramSet {
			b.paramWritten[k] = true
		}
	}
	if code := pd.reads.conflict(b.ledger); code != "" {
		return code
	}
	return Valid
}

// endorsed reports whether pd's endorsers satisfy the endorsement policies
// of its writes. Transactions without named endorsers pass. The peer
// validates each namespace written and the invoked chaincode's, so a
// submitted transaction that writes nothing must still satisfy the
// chaincode-level policy (Fabric fails it with ENDORSEMENT_POLICY_FAILURE).
func (b *block) endorsed(pd *Pending) bool {
	if pd.endorsers == nil {
		return true
	}
	byNS := map[string][]StateKey{pd.chaincode: nil}
	for k := range pd.writes.writes {
		byNS[k.Namespace] = append(byNS[k.Namespace], k)
	}
	for _, ns := range slices.Sorted(maps.Keys(byNS)) {
		if !b.namespaceEndorsed(ns, byNS[ns], pd.endorsers) {
			return false
		}
	}
	return true
}

// namespaceEndorsed checks the writes of keys in namespace ns: each must
// satisfy the key's policy. A namespace validated without writes, the
// invoked chaincode's, must satisfy the chaincode-level policy.
func (b *block) namespaceEndorsed(ns string, keys []StateKey, endorsers []string) bool {
	if len(keys) == 0 {
		pol, ok := b.peer.policies[b.ledger.channel][ns]
		return !ok || pol.SatisfiedBy(endorsers)
	}
	for _, k := range keys {
		if b.paramWritten[k] {
			return false
		}
		pol, ok, err := b.keyPolicy(k)
		if err != nil || ok && !pol.SatisfiedBy(endorsers) {
			return false
		}
	}
	return true
}

// keyPolicy returns the endorsement policy a write of k must satisfy, as
// the peer chooses it: the key's committed validation parameter if it has
// one, else for a private key the collection's endorsement policy if set,
// else the chaincode-level policy; false when there is none. A validation
// parameter that is not a signature policy is an error.
func (b *block) keyPolicy(k StateKey) (policy.Policy, bool, error) {
	vp, ok := b.startParams[k]
	if !ok {
		vp = b.ledger.param(k)
	}
	if len(vp) > 0 {
		pol, err := policy.FromEnvelope(vp)
		return pol, true, err
	}
	if c, ok := b.peer.collectionDef(b.ledger.channel, k.Namespace, k.Collection); ok && c.EndorsementPolicy != "" {
		return mustParsePolicy(c.EndorsementPolicy), true, nil
	}
	pol, ok := b.peer.policies[b.ledger.channel][k.Namespace]
	return pol, ok, nil
}

// collectionDef returns the definition of collection coll of namespace ns;
// false for the world state and undefined collections.
func (p *Peer) collectionDef(channel, ns, coll string) (Collection, bool) {
	if coll == "" {
		return Collection{}, false
	}
	for _, c := range p.colls[channel][ns] {
		if c.Name == coll {
			return c, true
		}
	}
	return Collection{}, false
}
