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

// gatewayAPI is what a session asks of its gateway peer, one step at a
// time: build a proposal, have it endorsed, submit the endorsed transaction,
// ask the commit status of a transaction id. fabricGateway is the
// fabric-gateway implementation; the tests' fake injects faults at each step.
type gatewayAPI interface {
	propose(call Call) (proposal, error)
	evaluate(ctx context.Context, call Call) ([]byte, error)
	commitStatus(ctx context.Context, channel, txID string) (txStatus, error)
}

// proposal is a signed transaction proposal; it has its transaction id
// before it is endorsed.
type proposal interface {
	txID() string
	endorse(ctx context.Context) (transaction, error)
}

// transaction is an endorsed transaction. submit signs it once and sends
// it; a second submit sends the same signed envelope, with the same id, so
// that it can commit at most once.
type transaction interface {
	txID() string
	result() []byte
	submit(ctx context.Context) error
}

// txStatus is a committed transaction's validation code and block.
type txStatus struct {
	code  peer.TxValidationCode
	block uint64
}

// Bounds of the single gateway calls, within the caller's context.
const (
	evaluateTimeout = 30 * time.Second
	endorseTimeout  = 30 * time.Second
	submitTimeout   = 30 * time.Second
)

// fabricGateway is gatewayAPI on a fabric-gateway Gateway.
type fabricGateway struct{ gw *client.Gateway }

func (f fabricGateway) propose(call Call) (proposal, error) {
	contract := f.gw.GetNetwork(call.Channel).GetContract(call.Chaincode)
	p, err := contract.NewProposal(call.Function, proposalOptions(call)...)
	if err != nil {
		return nil, err
	}
	return fabricProposal{p}, nil
}

func (f fabricGateway) evaluate(ctx context.Context, call Call) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, evaluateTimeout)
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

type fabricProposal struct{ p *client.Proposal }

func (p fabricProposal) txID() string { return p.p.TransactionID() }

func (p fabricProposal) endorse(ctx context.Context) (transaction, error) {
	ctx, cancel := context.WithTimeout(ctx, endorseTimeout)
	defer cancel()
	tx, err := p.p.EndorseWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return fabricTransaction{tx}, nil
}

// fabricTransaction keeps the *client.Transaction: it signs its envelope
// on the first Submit and sends that same envelope on every later one.
type fabricTransaction struct{ tx *client.Transaction }

func (t fabricTransaction) txID() string   { return t.tx.TransactionID() }
func (t fabricTransaction) result() []byte { return t.tx.Result() }

func (t fabricTransaction) submit(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, submitTimeout)
	defer cancel()
	_, err := t.tx.SubmitWithContext(ctx)
	return err
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
