// Package client is carechain's Go client library on fabric-gateway. A
// Client reads the consortium's connection profile and keeps one gRPC
// connection per peer; a Session is one user of one org acting through that
// org's gateway peer. Transactions return typed results and typed errors
// (*Error with a Code), and what is safe to retry is retried.
package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"

	"github.com/carechain/carechain/client/profile"
)

// Client is the entry point: a consortium's profile and a connection pool.
type Client struct {
	Profile *profile.Profile
	pool    *Pool
}

// New makes a client for a consortium profile.
func New(p *profile.Profile) *Client { return &Client{Profile: p, pool: NewPool()} }

// Open loads the profile at path (a file or a state folder) and makes a client.
func Open(path string) (*Client, error) {
	p, err := profile.Load(path)
	if err != nil {
		return nil, err
	}
	return New(p), nil
}

// Close closes every connection.
func (c *Client) Close() error { return c.pool.Close() }

// SessionOptions tune a session.
type SessionOptions struct {
	// Gateway is the peer id to submit through; default the org's first gateway.
	Gateway string
	// Retry is how safe retries are made; zero value: DefaultRetry.
	Retry *RetryPolicy
}

// Session is one user of one org, connected through a gateway peer.
type Session struct {
	Org      *profile.Org
	User     string
	Identity *Identity
	Peer     profile.Node
	gw       *client.Gateway
	retry    RetryPolicy
}

// Session opens a session for org's user.
func (c *Client) Session(org, user string, opts ...SessionOptions) (*Session, error) {
	var o SessionOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	po, err := c.Profile.Org(org)
	if err != nil {
		return nil, err
	}
	if _, err := po.User(user); err != nil {
		return nil, err
	}
	id, err := LoadIdentity(po.MSPID, user, po.UserMSP(user))
	if err != nil {
		return nil, err
	}
	gwID := o.Gateway
	if gwID == "" {
		if len(po.Gateways) == 0 {
			return nil, fmt.Errorf("org %s has no gateway peer", po.Name)
		}
		gwID = po.Gateways[0]
	}
	node, err := c.Profile.Peer(gwID)
	if err != nil {
		return nil, err
	}
	conn, err := c.pool.Conn(*node)
	if err != nil {
		return nil, err
	}
	gw, err := client.Connect(id.ID,
		client.WithSign(id.Sign),
		client.WithHash(hash.SHA256),
		client.WithClientConnection(conn),
		client.WithEvaluateTimeout(30*time.Second),
		client.WithEndorseTimeout(30*time.Second),
		client.WithSubmitTimeout(30*time.Second),
		client.WithCommitStatusTimeout(60*time.Second),
	)
	if err != nil {
		return nil, err
	}
	retry := DefaultRetry
	if o.Retry != nil {
		retry = *o.Retry
	}
	return &Session{Org: po, User: user, Identity: id, Peer: *node, gw: gw, retry: retry}, nil
}

// Close releases the session's gateway (the connection stays in the pool).
func (s *Session) Close() error { return s.gw.Close() }

// Call is one transaction invocation.
type Call struct {
	Channel   string
	Chaincode string
	Function  string
	Args      []string
	// Transient data reaches the endorsing peers but never the ledger.
	Transient map[string][]byte
	// Endorsers restricts endorsement to these MSP ids (private data).
	Endorsers []string
}

// Result is a committed (or evaluated) transaction's outcome.
type Result struct {
	TxID    string `json:"txId,omitempty"`
	Block   uint64 `json:"block,omitempty"`
	Payload []byte `json:"-"`
	// Attempts counts submissions, retries included.
	Attempts int `json:"attempts,omitempty"`
}

func (s *Session) proposalOptions(call Call) []client.ProposalOption {
	opts := []client.ProposalOption{client.WithArguments(call.Args...)}
	if len(call.Transient) > 0 {
		opts = append(opts, client.WithTransient(call.Transient))
	}
	if len(call.Endorsers) > 0 {
		opts = append(opts, client.WithEndorsingOrganizations(call.Endorsers...))
	}
	return opts
}

// Evaluate runs a query on the gateway's peers; nothing is written.
func (s *Session) Evaluate(ctx context.Context, call Call) (*Result, error) {
	contract := s.gw.GetNetwork(call.Channel).GetContract(call.Chaincode)
	var res *Result
	err := s.retry.do(ctx, func(attempt int) (bool, error) {
		payload, err := contract.EvaluateWithContext(ctx, call.Function, s.proposalOptions(call)...)
		if err != nil {
			e := classify(err, "")
			return s.retry.evaluateRetryable(e.Code), e
		}
		res = &Result{Payload: payload, Attempts: attempt}
		return false, nil
	})
	return res, err
}

// Submit endorses, orders and waits for the commit of a transaction. An
// MVCC conflict (the transaction had no effect), an unreachable endorser and
// endorsers that disagree (nothing was ordered) are retried with a new
// transaction.
func (s *Session) Submit(ctx context.Context, call Call) (*Result, error) {
	contract := s.gw.GetNetwork(call.Channel).GetContract(call.Chaincode)
	var res *Result
	err := s.retry.do(ctx, func(attempt int) (bool, error) {
		r, err := s.submitOnce(ctx, contract, call)
		if err != nil {
			return s.retry.submitRetryable(err.Code), err
		}
		r.Attempts = attempt
		res = r
		return false, nil
	})
	return res, err
}

func (s *Session) submitOnce(ctx context.Context, contract *client.Contract, call Call) (*Result, *Error) {
	proposal, err := contract.NewProposal(call.Function, s.proposalOptions(call)...)
	if err != nil {
		return nil, classify(err, "")
	}
	txID := proposal.TransactionID()
	txn, err := proposal.EndorseWithContext(ctx)
	if err != nil {
		return nil, classify(err, txID)
	}
	commit, err := txn.SubmitWithContext(ctx)
	if err != nil {
		return nil, classify(err, txID)
	}
	st, err := commit.StatusWithContext(ctx)
	if err != nil {
		return nil, classify(err, txID)
	}
	if !st.Successful {
		return nil, classify(&client.CommitError{TransactionID: txID, Code: st.Code}, txID)
	}
	return &Result{TxID: txID, Block: st.BlockNumber, Payload: txn.Result()}, nil
}

// RetryPolicy says how often and how fast safe retries happen.
type RetryPolicy struct {
	Attempts int           // total attempts, 1 = no retry
	Backoff  time.Duration // first pause, doubled each time
}

// DefaultRetry makes up to 4 attempts, 100 ms apart and doubling.
var DefaultRetry = RetryPolicy{Attempts: 4, Backoff: 100 * time.Millisecond}

// NoRetry makes one attempt (benchmarks count every failure).
var NoRetry = RetryPolicy{Attempts: 1}

func (r RetryPolicy) evaluateRetryable(c Code) bool {
	return c == CodeUnavailable || c == CodeTimeout
}

func (r RetryPolicy) submitRetryable(c Code) bool {
	// A timeout is not retried: the transaction may still commit. An
	// endorsement mismatch ordered nothing: typically one endorser had not
	// yet committed the block a read depends on, and a retry sees it.
	return c == CodeMVCCConflict || c == CodeUnavailable || c == CodeEndorsementMismatch
}

func (r RetryPolicy) do(ctx context.Context, fn func(attempt int) (retry bool, err error)) error {
	attempts := max(r.Attempts, 1)
	pause := r.Backoff
	var err error
	for i := 1; i <= attempts; i++ {
		var retry bool
		retry, err = fn(i)
		if err == nil || !retry || i == attempts {
			break
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(pause):
		}
		pause *= 2
	}
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return e
		}
	}
	return err
}
