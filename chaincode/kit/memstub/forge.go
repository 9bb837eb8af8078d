package memstub

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

// Forgery is a read-write set fabricated by colluding endorsers without
// running the chaincode, and sent for ordering with their endorsements.
type Forgery struct {
	// Channel defaults to the peer's default channel.
	Channel string
	// Chaincode is the invoked chaincode, whose namespace the writes are
	// in.
	Chaincode string
	// Endorsers are the MSP ids of the colluding organisations, as
	// Tx.Endorsers; nil passes endorsement validation.
	Endorsers []string
	Writes    []ForgedWrite
	// TxID defaults to a fresh transaction id; Time, the timestamp in the
	// key history, to the zero time.
	TxID string
	Time time.Time
}

// ForgedWrite is one write of a forged write set, of a world state key or,
// with Collection, a private key. Delete, or a nil or empty Value, deletes
// the key, unless the write has only a ValidationParameter: a non-nil
// ValidationParameter writes the key's key-level endorsement policy (an
// empty one removes it) and leaves its value as it is when Value is nil
// and Delete false.
type ForgedWrite struct {
	Collection          string
	Key                 string
	Value               []byte
	Delete              bool
	ValidationParameter []byte
}

// Forge orders a forged transaction in a block of its own; it is
// validated and committed exactly as a simulated one (see Commit), so a
// write that lacks the endorsements its policy needs is refused with
// EndorsementPolicyFailure and changes nothing. The result has status 200,
// as every endorsement agreed. Forge panics for a write without a key or
// to a collection the chaincode does not define, mistakes in the test.
func (p *Peer) Forge(f Forgery) Result {
	if f.Channel == "" {
		f.Channel = p.channel
	}
	ledger := p.ledgers[f.Channel]
	if ledger == nil {
		return Result{Status: shim.ERROR, Message: fmt.Sprintf("channel %s not found", f.Channel)}
	}
	if f.TxID == "" {
		sum := sha256.Sum256(p.nextNonce())
		f.TxID = hex.EncodeToString(sum[:])
	}
	pending := &Pending{
		peer: p, ledger: ledger, chaincode: f.Chaincode, txID: f.TxID, time: f.Time.UTC(),
		endorsers: slices.Clone(f.Endorsers), writes: p.forgedWrites(f), submit: true,
		res: Result{TxID: f.TxID, Status: shim.OK},
	}
	return p.Commit(pending)[0]
}

func (p *Peer) forgedWrites(f Forgery) *writeSet {
	ws := newWriteSet()
	for _, w := range f.Writes {
		if w.Key == "" {
			panic("memstub: forged write without a key")
		}
		if _, ok := p.collectionDef(f.Channel, f.Chaincode, w.Collection); w.Collection != "" && !ok {
			panic(fmt.Sprintf("memstub: forged write to collection %s, which chaincode %s does not define", w.Collection, f.Chaincode))
		}
		k := StateKey{Namespace: f.Chaincode, Collection: w.Collection, Key: w.Key}
		switch {
		case w.Delete:
			ws.put(k, nil)
		case w.Value != nil || w.ValidationParameter == nil:
			ws.put(k, w.Value)
		}
		if w.ValidationParameter != nil {
			ws.setParam(k, w.ValidationParameter)
		}
	}
	return ws
}
