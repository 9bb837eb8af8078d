package memstub

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Pending is a simulated transaction: its proposal response, read set and
// write set, waiting to be ordered and committed with Peer.Commit.
type Pending struct {
	peer      *Peer
	ledger    *Ledger
	chaincode string // the invoked chaincode's namespace
	txID      string
	time      time.Time
	endorsers []string
	writes    *writeSet
	reads     *readSet
	event     *Event
	res       Result
	// submit is false when a client would not send the transaction to
	// ordering: an evaluation, an error status or a proposal the peer
	// refused.
	submit bool
}

// Result returns the proposal response of the simulation: the chaincode's
// status, payload and message, with Committed false and no Validation.
// Peer.Commit returns what became of the transaction.
func (p *Pending) Result() Result { return p.res }

// Simulate runs a transaction proposal against the committed state, as
// the endorsing peers do, without committing it. The returned Pending
// holds the proposal response, and the read and write sets for
// Peer.Commit; simulating several transactions before committing any
// reproduces transactions endorsed concurrently. Like Submit, it panics if
// tx has no identity or time.
func (p *Peer) Simulate(tx Tx) *Pending {
	return p.simulate(tx, nil)
}

func (p *Peer) simulate(tx Tx, override shim.Chaincode) *Pending {
	if tx.Identity == nil {
		panic("memstub: transaction without identity")
	}
	if tx.Time.IsZero() {
		panic("memstub: transaction without time")
	}
	if tx.Channel == "" {
		tx.Channel = p.channel
	}
	pending := &Pending{peer: p, ledger: p.ledgers[tx.Channel], chaincode: tx.Chaincode, time: tx.Time.UTC(), endorsers: slices.Clone(tx.Endorsers)}
	cc := override
	if cc == nil {
		cc = p.chaincodes[tx.Channel][tx.Chaincode]
	}
	switch {
	case pending.ledger == nil:
		pending.res = Result{Status: shim.ERROR, Message: fmt.Sprintf("channel %s not found", tx.Channel)}
	case cc == nil:
		pending.res = Result{Status: shim.ERROR, Message: fmt.Sprintf("make sure the chaincode %s has been successfully defined on channel %s and try again: chaincode %s not found", tx.Chaincode, tx.Channel, tx.Chaincode)}
	default:
		p.endorse(pending, tx, cc)
	}
	return pending
}

// endorse runs the chaincode for the proposal tx and fills pending with
// the response and the read and write sets.
func (p *Peer) endorse(pending *Pending, tx Tx, cc shim.Chaincode) {
	nonce := p.nextNonce()
	creator := tx.Identity.Creator()
	if tx.TxID == "" {
		sum := sha256.Sum256(append(slices.Clone(nonce), creator...))
		tx.TxID = hex.EncodeToString(sum[:])
	}
	pending.txID = tx.TxID
	if pending.ledger.txIDs[tx.TxID] {
		pending.res = Result{TxID: tx.TxID, Status: shim.ERROR, Message: fmt.Sprintf("duplicate transaction found [%s]. Creator [%x]", tx.TxID, creator)}
		return
	}
	t := p.newTxContext(pending.ledger, tx, nonce, creator)
	s := t.newStub(tx.Chaincode, tx.Args, tx.Init)
	t.active[tx.Chaincode] = true
	var resp *pb.Response
	if tx.Init {
		resp = cc.Init(s)
	} else {
		resp = cc.Invoke(s)
	}
	if resp == nil {
		resp = &pb.Response{Status: shim.ERROR, Message: "chaincode returned a nil response"}
	}
	pending.res = Result{TxID: tx.TxID, Status: resp.Status, Payload: resp.Payload, Message: resp.Message}
	pending.writes, pending.reads = t.writes, t.reads
	pending.submit = resp.Status < shim.ERRORTHRESHOLD && !tx.Evaluate
	if s.event != nil {
		pending.event = &Event{Name: s.event.GetEventName(), Payload: s.event.GetPayload()}
	}
}

// nextNonce returns a fresh proposal nonce.
func (p *Peer) nextNonce() []byte {
	p.nonce++
	return binary.BigEndian.AppendUint64([]byte("memstub-nonce"), p.nonce)
}

func (p *Peer) newTxContext(ledger *Ledger, tx Tx, nonce, creator []byte) *txContext {
	signed, err := signedProposal(tx, nonce, creator)
	if err != nil {
		panic(fmt.Sprintf("memstub: build proposal: %v", err))
	}
	binding := sha256.Sum256(append(append(slices.Clone(nonce), creator...), make([]byte, 8)...))
	return &txContext{
		peer:       p,
		ledger:     ledger,
		channel:    tx.Channel,
		txID:       tx.TxID,
		timestamp:  timestamppb.New(tx.Time),
		creator:    creator,
		creatorMSP: tx.Identity.MSPID,
		signed:     signed,
		transient:  tx.Transient,
		binding:    binding[:],
		writes:     newWriteSet(),
		reads:      newReadSet(),
		active:     map[string]bool{},
	}
}

// Commit orders the pending transactions, in the given order, and
// validates and commits them as the peer commits a block: a transaction
// whose id is already on the ledger or earlier in the block is
// DuplicateTxID; one whose writes lack the endorsements their policies
// need is EndorsementPolicyFailure; one that read a key whose version has
// changed since its simulation, by an earlier block or an earlier
// transaction of this one, is MVCCReadConflict; one whose range or partial
// composite key query would now return other keys or versions is
// PhantomReadConflict. Only valid transactions commit. Pending
// transactions on different channels go in one block per channel. A
// pending transaction that a client would not submit (an evaluation or an
// error response) is returned as simulated; one committed before is a
// duplicate. Commit panics for a Pending of another Peer.
func (p *Peer) Commit(pending ...*Pending) []Result {
	blocks := map[*Ledger]*block{}
	out := make([]Result, len(pending))
	for i, pd := range pending {
		if pd.peer != p {
			panic("memstub: Commit of a transaction simulated on another peer")
		}
		if !pd.submit {
			out[i] = pd.res
			continue
		}
		b := blocks[pd.ledger]
		if b == nil {
			b = p.newBlock(pd.ledger)
			blocks[pd.ledger] = b
		}
		out[i] = b.add(pd)
	}
	for l, b := range blocks {
		l.blocks = b.number
	}
	return out
}
