package client

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/carechain/carechain/client/profile"
)

// step is a gateway interaction the fake can fail.
type step string

const (
	stepEndorse step = "endorse"
	stepSubmit  step = "submit"
	stepStatus  step = "status"
	stepEvents  step = "events"
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

// fakeOrderer is an ordering service and the channel's ledger, shared by
// the fake gateways. A transaction it gets commits at once: the first copy
// of an id is valid unless mvcc conflicts remain to be given; a later copy
// is marked a duplicate and has no effect.
type fakeOrderer struct {
	lmu  sync.Mutex
	mvcc int // the next mvcc first copies commit as MVCC conflicts

	built     []string            // ids of the transactions built, in order
	submitted map[string]int      // sends per id, whatever their fate
	ledger    map[string]txStatus // each id's first copy
	copies    map[string]int      // copies of an id in blocks
	block     uint64
	statusFor map[string]chan struct{} // closed when an id commits
	// signatures are the signatures each id was sent with; signs counts
	// the signatures made (each is new, as ECDSA's are).
	signatures map[string]map[string]bool
	signs      int
	transient  map[string]bool // ids whose proposal carried transient data
}

func newOrderer(mvcc int) *fakeOrderer {
	return &fakeOrderer{mvcc: mvcc, submitted: map[string]int{}, ledger: map[string]txStatus{},
		copies: map[string]int{}, statusFor: map[string]chan struct{}{}, signatures: map[string]map[string]bool{},
		transient: map[string]bool{}}
}

// fakeGateway is one gateway peer in front of a fakeOrderer. Faults are
// scripted per step and used in order, one per call; a dead gateway
// refuses every request (connection refused) and nothing reaches the
// orderer. It records every request it got.
type fakeGateway struct {
	*fakeOrderer
	name, msp string
	stream    *fakeLedger // its event streams, if any

	mu       sync.Mutex
	script   map[step][]fault
	calls    map[step]int
	dead     bool
	cut      chan struct{} // closed when the gateway dies
	requests []fakeRequest
}

// fakeRequest is a request a gateway got: its step, the transaction id
// ("" for an evaluate) and whether the call carries transient data.
type fakeRequest struct {
	step      step
	txID      string
	transient bool
}

// newFake is one gateway in front of an orderer of its own.
func newFake(script map[step][]fault, mvcc int) *fakeGateway {
	return newOrderer(mvcc).gateway("peer0.provider", "ProviderMSP", script)
}

// gateway adds a gateway in front of the orderer.
func (o *fakeOrderer) gateway(name, msp string, script map[step][]fault) *fakeGateway {
	if script == nil {
		script = map[step][]fault{}
	}
	return &fakeGateway{fakeOrderer: o, name: name, msp: msp, script: script, calls: map[step]int{}}
}

// next records a request and returns the fault for it.
func (f *fakeGateway) next(st step, txID string, transient bool) fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, fakeRequest{st, txID, transient})
	if f.dead {
		return down
	}
	i := f.calls[st]
	f.calls[st]++
	if i < len(f.script[st]) {
		return f.script[st][i]
	}
	return pass
}

// setDead kills the gateway (its open event streams end) or revives it.
func (f *fakeGateway) setDead(dead bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case dead && !f.dead && f.cut != nil:
		close(f.cut)
		f.cut = nil
	}
	f.dead = dead
}

// cutter is closed when the gateway dies.
func (f *fakeGateway) cutter() chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cut == nil {
		f.cut = make(chan struct{})
	}
	return f.cut
}

// got lists the requests the gateway got.
func (f *fakeGateway) got() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.requests...)
}

// valid counts the transactions that took effect.
func (o *fakeOrderer) valid() int {
	o.lmu.Lock()
	defer o.lmu.Unlock()
	n := 0
	for _, st := range o.ledger {
		if st.code == peer.TxValidationCode_VALID {
			n++
		}
	}
	return n
}

func (f *fakeGateway) propose(call Call) (proposal, error) {
	f.lmu.Lock()
	defer f.lmu.Unlock()
	id := fmt.Sprintf("tx%d", len(f.built)+1)
	f.built = append(f.built, id)
	f.transient[id] = len(call.Transient) > 0
	return fakeProposal{f, id, len(call.Transient) > 0}, nil
}

func (f *fakeGateway) evaluate(_ context.Context, call Call) ([]byte, error) {
	if f.next(stepEndorse, "", len(call.Transient) > 0) == down {
		return nil, status.Error(codes.Unavailable, "connection refused")
	}
	if call.Function == "GetChainInfo" && f.stream != nil {
		h, err := f.stream.height(context.Background(), call.Channel)
		if err != nil {
			return nil, err
		}
		return proto.Marshal(&common.BlockchainInfo{Height: h})
	}
	return []byte("answer from " + f.name), nil
}

func (f *fakeGateway) resume(tx transaction) (transaction, error) {
	t, ok := tx.(*fakeTransaction)
	if !ok || t.sig == "" {
		return nil, fmt.Errorf("transaction %s is not signed yet", tx.txID())
	}
	moved := *t
	moved.f = f
	return &moved, nil
}

// order is the ordering service and the committing peers.
func (o *fakeOrderer) order(id string) {
	o.lmu.Lock()
	defer o.lmu.Unlock()
	o.block++
	o.copies[id]++
	if _, ok := o.ledger[id]; ok {
		return // a later copy: DUPLICATE_TXID, no effect
	}
	code := peer.TxValidationCode_VALID
	if o.mvcc > 0 {
		o.mvcc--
		code = peer.TxValidationCode_MVCC_READ_CONFLICT
	}
	o.ledger[id] = txStatus{code: code, block: o.block}
	if ch, ok := o.statusFor[id]; ok {
		close(ch)
		delete(o.statusFor, id)
	}
}

func (f *fakeGateway) commitStatus(ctx context.Context, _, id string) (txStatus, error) {
	switch f.next(stepStatus, id, f.isTransient(id)) {
	case down:
		return txStatus{}, status.Error(codes.Unavailable, "connection reset by peer")
	case hang:
		<-ctx.Done()
		return txStatus{}, status.FromContextError(ctx.Err()).Err()
	case laterCopy:
		return txStatus{code: peer.TxValidationCode_DUPLICATE_TXID, block: 99}, nil
	}
	return f.waitCommit(ctx, id)
}

// waitCommit answers an id's status once it committed, or ctx's end.
func (o *fakeOrderer) waitCommit(ctx context.Context, id string) (txStatus, error) {
	o.lmu.Lock()
	st, ok := o.ledger[id]
	ch := o.statusFor[id]
	if !ok && ch == nil {
		ch = make(chan struct{})
		o.statusFor[id] = ch
	}
	o.lmu.Unlock()
	if ok {
		return st, nil
	}
	select {
	case <-ch:
		return o.waitCommit(ctx, id)
	case <-ctx.Done():
		return txStatus{}, status.FromContextError(ctx.Err()).Err()
	}
}

// isTransient: the proposal of id carried transient data.
func (o *fakeOrderer) isTransient(id string) bool {
	o.lmu.Lock()
	defer o.lmu.Unlock()
	return o.transient[id]
}

// events streams the gateway's event ledger until the gateway dies; a
// dead gateway refuses.
func (f *fakeGateway) events(ctx context.Context, channel, chaincode string, from Position) (<-chan Event, error) {
	if f.next(stepEvents, "", false) == down {
		return nil, status.Error(codes.Unavailable, "connection refused")
	}
	cut := f.cutter()
	sctx, cancel := context.WithCancel(ctx)
	src, err := f.stream.events(sctx, channel, chaincode, from)
	if err != nil {
		cancel()
		return nil, err
	}
	out := make(chan Event)
	go func() {
		defer close(out)
		defer cancel()
		for {
			select {
			case ev, ok := <-src:
				if !ok {
					return
				}
				select {
				case out <- ev:
				case <-cut:
					return
				case <-ctx.Done():
					return
				}
			case <-cut:
				return
			}
		}
	}()
	return out, nil
}

type fakeProposal struct {
	f         *fakeGateway
	id        string
	transient bool
}

func (p fakeProposal) txID() string { return p.id }

func (p fakeProposal) endorse(context.Context) (transaction, error) {
	switch p.f.next(stepEndorse, p.id, p.transient) {
	case down:
		return nil, status.Error(codes.Unavailable, "connection error: connection refused")
	case mismatch:
		return nil, withDetails(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
			"ProposalResponsePayloads do not match")
	case forbidden:
		return nil, withDetails(codes.Aborted, "failed to endorse transaction, see attached details for more info",
			"chaincode response 500, FORBIDDEN: only a payer's adjudicator may adjudicate")
	}
	return &fakeTransaction{f: p.f, id: p.id, transient: p.transient}, nil
}

// fakeTransaction is an endorsed transaction; it is signed on its first
// submit, and every later send carries that signature.
type fakeTransaction struct {
	f         *fakeGateway
	id, sig   string
	transient bool
}

func (t *fakeTransaction) txID() string   { return t.id }
func (t *fakeTransaction) result() []byte { return []byte("result of " + t.id) }

func (t *fakeTransaction) signed() ([]byte, error) {
	if t.sig == "" {
		return nil, fmt.Errorf("transaction %s is not signed yet", t.id)
	}
	return []byte(t.id + "/" + t.sig), nil
}

func (t *fakeTransaction) sign() {
	t.f.lmu.Lock()
	defer t.f.lmu.Unlock()
	if t.sig == "" {
		t.f.signs++
		t.sig = fmt.Sprintf("sig%d", t.f.signs)
	}
	if t.f.signatures[t.id] == nil {
		t.f.signatures[t.id] = map[string]bool{}
	}
	t.f.signatures[t.id][t.sig] = true
	t.f.submitted[t.id]++
}

func (t *fakeTransaction) submit(context.Context) error {
	f := t.f
	fl := f.next(stepSubmit, t.id, t.transient)
	t.sign()
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

// fakeSession is a session of ProviderMSP on the fake gateways, in
// order, with the given options (failback 10 ms unless set).
func fakeSession(t *testing.T, policy RetryPolicy, gws []*fakeGateway, opts ...SessionOption) *Session {
	t.Helper()
	list := make([]*gateway, len(gws))
	for i, f := range gws {
		list[i] = &gateway{peer: profile.GatewayPeer{Node: profile.Node{ID: f.name}, MSPID: f.msp}, api: f}
	}
	return sessionOn(t, policy, list, opts...)
}

// sessionOn is a session of ProviderMSP on opened gateways.
func sessionOn(t *testing.T, policy RetryPolicy, list []*gateway, opts ...SessionOption) *Session {
	t.Helper()
	cfg, err := newSessionConfig(append([]SessionOption{WithFailback(10 * time.Millisecond)}, opts...))
	if err != nil {
		t.Fatal(err)
	}
	return &Session{Peer: list[0].peer.Node, retry: policy,
		gws: newGateways(list, append([]string{"ProviderMSP"}, cfg.transientOrgs...), cfg.failback)}
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
