package client

import (
	"context"
	"fmt"
	"sync"

	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// step is a gateway interaction the fake can fail.
type step string

const (
	stepEndorse step = "endorse"
	stepSubmit  step = "submit"
	stepStatus  step = "status"
)

// fault is what the fake does at one call of a step; the zero fault is
// the step working.
type fault int

const (
	pass fault = iota
	// down: the gateway cannot be reached; nothing reaches the orderer.
	down
	// lostReply (submit): the orderer gets the transaction, and the reply
	// is lost on the way back (UNAVAILABLE, as for a reset link).
	lostReply
	// dropped (submit): the gateway accepts the transaction, and the
	// ordering service loses it (a Raft leader change).
	dropped
	// duplicateReply (submit): the orderer gets the transaction and says it
	// already has it (BFT's "request already exists").
	duplicateReply
	// refused (submit): an orderer refuses the transaction (Aborted, 4xx).
	refused
	// mismatch (endorse): the endorsers' responses differ.
	mismatch
	// forbidden (endorse): the chaincode refuses the caller.
	forbidden
	// hang (status): the request waits until its context ends.
	hang
	// laterCopy (status): the answer is a later copy's DUPLICATE_TXID.
	laterCopy
)

// fakeGateway is a gateway peer, an ordering service and a ledger in one.
// A transaction the orderer gets commits at once: the first copy of an id
// is valid unless mvcc conflicts remain to be given; a later copy is
// marked a duplicate and has no effect. Faults are scripted per step and
// used in order, one per call.
type fakeGateway struct {
	mu     sync.Mutex
	script map[step][]fault
	calls  map[step]int
	mvcc   int // the next mvcc first copies commit as MVCC conflicts

	built     []string            // ids of the transactions built, in order
	submitted map[string]int      // sends per id, whatever their fate
	ledger    map[string]txStatus // each id's first copy
	copies    map[string]int      // copies of an id in blocks
	block     uint64
	statusFor map[string]chan struct{} // closed when an id commits
}

func newFake(script map[step][]fault, mvcc int) *fakeGateway {
	return &fakeGateway{
		script: script, calls: map[step]int{}, mvcc: mvcc,
		submitted: map[string]int{}, ledger: map[string]txStatus{},
		copies: map[string]int{}, statusFor: map[string]chan struct{}{},
	}
}

// next returns the fault for the next call of st.
func (f *fakeGateway) next(st step) fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.calls[st]
	f.calls[st]++
	if i < len(f.script[st]) {
		return f.script[st][i]
	}
	return pass
}

// valid counts the transactions that took effect.
func (f *fakeGateway) valid() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, st := range f.ledger {
		if st.code == peer.TxValidationCode_VALID {
			n++
		}
	}
	return n
}

func (f *fakeGateway) propose(Call) (proposal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("tx%d", len(f.built)+1)
	f.built = append(f.built, id)
	return fakeProposal{f, id}, nil
}

func (f *fakeGateway) evaluate(context.Context, Call) ([]byte, error) {
	if f.next(stepEndorse) == down {
		return nil, status.Error(codes.Unavailable, "connection refused")
	}
	return []byte("answer"), nil
}

// order is the ordering service and the committing peer.
func (f *fakeGateway) order(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.block++
	f.copies[id]++
	if _, ok := f.ledger[id]; ok {
		return // a later copy: DUPLICATE_TXID, no effect
	}
	code := peer.TxValidationCode_VALID
	if f.mvcc > 0 {
		f.mvcc--
		code = peer.TxValidationCode_MVCC_READ_CONFLICT
	}
	f.ledger[id] = txStatus{code: code, block: f.block}
	if ch, ok := f.statusFor[id]; ok {
		close(ch)
		delete(f.statusFor, id)
	}
}

func (f *fakeGateway) commitStatus(ctx context.Context, _, id string) (txStatus, error) {
	switch f.next(stepStatus) {
	case down:
		return txStatus{}, status.Error(codes.Unavailable, "connection reset by peer")
	case hang:
		<-ctx.Done()
		return txStatus{}, status.FromContextError(ctx.Err()).Err()
	case laterCopy:
		return txStatus{code: peer.TxValidationCode_DUPLICATE_TXID, block: 99}, nil
	}
	f.mu.Lock()
	st, ok := f.ledger[id]
	ch := f.statusFor[id]
	if !ok && ch == nil {
		ch = make(chan struct{})
		f.statusFor[id] = ch
	}
	f.mu.Unlock()
	if ok {
		return st, nil
	}
	select {
	case <-ch:
		return f.commitStatus(ctx, "", id)
	case <-ctx.Done():
		return txStatus{}, status.FromContextError(ctx.Err()).Err()
	}
}

type fakeProposal struct {
	f  *fakeGateway
	id string
}

func (p fakeProposal) txID() string { return p.id }

func (p fakeProposal) endorse(context.Context) (transaction, error) {
	switch p.f.next(stepEndorse) {
	case down:
		return nil, status.Error(codes.Unavailable, "connection error: connection refused")
	case mismatch:
		return nil, withDetails(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
			"ProposalResponsePayloads do not match")
	case forbidden:
		return nil, withDetails(codes.Aborted, "failed to endorse transaction, see attached details for more info",
			"chaincode response 500, FORBIDDEN: only a payer's adjudicator may adjudicate")
	}
	return fakeTransaction(p), nil
}

type fakeTransaction fakeProposal

func (t fakeTransaction) txID() string   { return t.id }
func (t fakeTransaction) result() []byte { return []byte("result of " + t.id) }

func (t fakeTransaction) submit(context.Context) error {
	f := t.f
	fl := f.next(stepSubmit)
	f.mu.Lock()
	f.submitted[t.id]++
	f.mu.Unlock()
	switch fl {
	case down:
		return status.Error(codes.Unavailable, "connection error: connection refused")
	case dropped:
		return nil
	case refused:
		return withDetails(codes.Aborted, "received unsuccessful response from orderer: status=BAD_REQUEST, info=message too large")
	}
	f.order(t.id)
	switch fl {
	case lostReply:
		return status.Error(codes.Unavailable, "error reading from server: read tcp: connection reset by peer")
	case duplicateReply:
		return withDetails(codes.Unavailable, "no orderers could successfully process transaction",
			"received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=failed to submit request: request already exists")
	}
	return nil
}

// withDetails is a gateway error: a gRPC status with one ErrorDetail per
// message, as the gateway attaches one per peer or orderer.
func withDetails(code codes.Code, msg string, details ...string) error {
	st := status.New(code, msg)
	for _, d := range details {
		var err error
		st, err = st.WithDetails(&gwproto.ErrorDetail{Address: "peer0.example:7051", MspId: "ExampleMSP", Message: d})
		if err != nil {
			panic(err)
		}
	}
	return st.Err()
}
