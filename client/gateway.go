package client

import (
	"context"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// gatewayAPI is what a session asks of one gateway peer, one step at a
// time: build a proposal, have it endorsed, submit the endorsed
// transaction, take over a transaction another gateway endorsed, ask the
// commit status of a transaction id, stream events. fabricGateway is the
// fabric-gateway implementation; the tests' fake injects faults at each
// step.
type gatewayAPI interface {
	propose(call Call) (proposal, error)
	evaluate(ctx context.Context, call Call) ([]byte, error)
	// resume is tx, signed and sent at least once through another
	// gateway, to be sent again through this one: the same signed
	// envelope, with the same id.
	resume(tx transaction) (transaction, error)
	commitStatus(ctx context.Context, channel, txID string) (txStatus, error)
	// events streams from a position; the channel closes when the stream
	// ends, for whatever reason.
	events(ctx context.Context, channel, chaincode string, from Position) (<-chan Event, error)
}

// proposal is a signed transaction proposal; it has its transaction id
// before it is endorsed.
type proposal interface {
	txID() string
	endorse(ctx context.Context) (transaction, error)
}

// transaction is an endorsed transaction. submit signs it once and sends
// it; a second submit sends the same signed envelope, with the same id, so
// that it can commit at most once. signed is that envelope, serialized,
// once submit has signed it.
type transaction interface {
	txID() string
	result() []byte
	submit(ctx context.Context) error
	signed() ([]byte, error)
}

// txStatus is a committed transaction's validation code and block.
type txStatus struct {
	code  peer.TxValidationCode
	block uint64
}

// fabricGateway is gatewayAPI on a fabric-gateway Gateway.
type fabricGateway struct {
	gw       *client.Gateway
	timeouts timeouts
}

func (f fabricGateway) close() error { return f.gw.Close() }

func (f fabricGateway) propose(call Call) (proposal, error) {
	contract := f.gw.GetNetwork(call.Channel).GetContract(call.Chaincode)
	p, err := contract.NewProposal(call.Function, proposalOptions(call)...)
	if err != nil {
		return nil, err
	}
	return fabricProposal{p, f.timeouts}, nil
}

func (f fabricGateway) evaluate(ctx context.Context, call Call) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeouts.evaluate)
	defer cancel()
	contract := f.gw.GetNetwork(call.Channel).GetContract(call.Chaincode)
	return contract.EvaluateWithContext(ctx, call.Function, proposalOptions(call)...)
}

// commitStatus asks the gateway for the commit status of any transaction
// id, as fabric-gateway's Commit does for one it submitted: a
// CommitStatusRequest with the session's identity, signed by its signer.
// The gateway answers at once for a committed transaction and otherwise
// waits for the commit until ctx ends.
func (f fabricGateway) commitStatus(ctx context.Context, channel, txID string) (txStatus, error) {
	commit, err := f.newCommit(channel, txID)
	if err != nil {
		return txStatus{}, err
	}
	st, err := commit.StatusWithContext(ctx)
	if err != nil {
		return txStatus{}, err
	}
	return txStatus{code: st.Code, block: st.BlockNumber}, nil
}

func (f fabricGateway) newCommit(channel, txID string) (*client.Commit, error) {
	id := f.gw.Identity()
	creator, err := proto.Marshal(&msp.SerializedIdentity{Mspid: id.MspID(), IdBytes: id.Credentials()})
	if err != nil {
		return nil, fmt.Errorf("commit status of %s: %w", txID, err)
	}
	req, err := proto.Marshal(&gwproto.CommitStatusRequest{ChannelId: channel, TransactionId: txID, Identity: creator})
	if err != nil {
		return nil, fmt.Errorf("commit status of %s: %w", txID, err)
	}
	signed, err := proto.Marshal(&gwproto.SignedCommitStatusRequest{Request: req})
	if err != nil {
		return nil, fmt.Errorf("commit status of %s: %w", txID, err)
	}
	return f.gw.NewCommit(signed)
}

// resume rebuilds tx on this gateway from its signed envelope: fabric-gateway
// sends a transaction that already has a signature as it is.
func (f fabricGateway) resume(tx transaction) (transaction, error) {
	signed, err := tx.signed()
	if err != nil {
		return nil, err
	}
	t, err := f.gw.NewTransaction(signed)
	if err != nil {
		return nil, fmt.Errorf("transaction %s: %w", tx.txID(), err)
	}
	return fabricTransaction{t, f.timeouts.submit}, nil
}

// events streams a chaincode's events from a position, as Event values.
func (f fabricGateway) events(ctx context.Context, channel, chaincode string, from Position) (<-chan Event, error) {
	opts := []client.ChaincodeEventsOption{client.WithStartBlock(from.Block), client.WithCheckpoint(from)}
	src, err := f.gw.GetNetwork(channel).ChaincodeEvents(ctx, chaincode, opts...)
	if err != nil {
		return nil, err
	}
	out := make(chan Event)
	go func() {
		defer close(out)
		for ev := range src {
			select {
			case out <- Event{Block: ev.BlockNumber, TxID: ev.TransactionID, Chaincode: ev.ChaincodeName, Name: ev.EventName, Payload: ev.Payload}:
			case <-ctx.Done():
				for range src { // fabric-gateway's reader blocks until drained
				}
				return
			}
		}
	}()
	return out, nil
}

type fabricProposal struct {
	p        *client.Proposal
	timeouts timeouts
}

func (p fabricProposal) txID() string { return p.p.TransactionID() }

func (p fabricProposal) endorse(ctx context.Context) (transaction, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeouts.endorse)
	defer cancel()
	tx, err := p.p.EndorseWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return fabricTransaction{tx, p.timeouts.submit}, nil
}

// fabricTransaction keeps the *client.Transaction: it signs its envelope
// on the first Submit and sends that same envelope on every later one.
type fabricTransaction struct {
	tx      *client.Transaction
	timeout time.Duration
}

func (t fabricTransaction) txID() string   { return t.tx.TransactionID() }
func (t fabricTransaction) result() []byte { return t.tx.Result() }

func (t fabricTransaction) submit(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	_, err := t.tx.SubmitWithContext(ctx)
	return err
}

// signed is the serialized transaction with its signature; before the
// first submit it has none, and another gateway must not sign it anew.
func (t fabricTransaction) signed() ([]byte, error) {
	b, err := t.tx.Bytes()
	if err != nil {
		return nil, err
	}
	var prepared gwproto.PreparedTransaction
	if err := proto.Unmarshal(b, &prepared); err != nil {
		return nil, err
	}
	if len(prepared.GetEnvelope().GetSignature()) == 0 {
		return nil, fmt.Errorf("transaction %s is not signed yet", t.txID())
	}
	return b, nil
}

func proposalOptions(call Call) []client.ProposalOption {
	opts := []client.ProposalOption{client.WithArguments(call.Args...)}
	if len(call.Transient) > 0 {
		opts = append(opts, client.WithTransient(call.Transient))
	}
	if len(call.Endorsers) > 0 {
		opts = append(opts, client.WithEndorsingOrganizations(call.Endorsers...))
	}
	return opts
}
