// Package client is carechain's Go client library on fabric-gateway. A
// Client reads the consortium's connection profile and keeps one gRPC
// connection per peer; a Session is one user of one org acting through that
// org's gateway peer. Transactions return typed results and typed errors
// (*Error with a Code). Retries never make a second transaction of one
// call once the first may have been ordered: Submit resends the same signed
// transaction and reports what the ledger says of it, or COMMIT_UNKNOWN
// with its id (see Session.Submit and Session.CommitStatus).
package client

import (
	"context"
	"fmt"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

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
	// Wallet is a folder of identities enrolled by their holders
	// (WALLET/ORG/USER/msp): a user the profile does not list is looked
	// up there. Patients are only ever there.
	Wallet Wallet
}

// Session is one user of one org, connected through a gateway peer.
type Session struct {
	Org      *profile.Org
	User     string
	Identity *Identity
	Peer     profile.Node
	gw       *client.Gateway
	api      gatewayAPI
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
	id, err := c.identity(po, user, o.Wallet)
	if err != nil {
		return nil, err
	}
	node, gw, err := c.connect(po, o.Gateway, id)
	if err != nil {
		return nil, err
	}
	retry := DefaultRetry
	if o.Retry != nil {
		retry = *o.Retry
	}
	return &Session{Org: po, User: user, Identity: id, Peer: *node, gw: gw, api: fabricGateway{gw}, retry: retry}, nil
}

// Identity loads org's user: a user the profile lists from the org's
// users folder, any other from the options' wallet.
func (c *Client) Identity(org, user string, opts ...SessionOptions) (*Identity, error) {
	po, err := c.Profile.Org(org)
	if err != nil {
		return nil, err
	}
	var wallet Wallet
	if len(opts) > 0 {
		wallet = opts[0].Wallet
	}
	return c.identity(po, user, wallet)
}

func (c *Client) identity(po *profile.Org, user string, wallet Wallet) (*Identity, error) {
	_, err := po.User(user)
	if err == nil {
		return LoadIdentity(po.MSPID, user, po.UserMSP(user))
	}
	if wallet.Has(po.Name, user) {
		return wallet.load(po, user)
	}
	if wallet != "" {
		return nil, fmt.Errorf("%w, nor in wallet %s (carectl enroll)", err, wallet)
	}
	return nil, err
}

// connect makes a gateway for id through peer gwID (default: the org's
// first gateway peer).
func (c *Client) connect(po *profile.Org, gwID string, id *Identity) (*profile.Node, *client.Gateway, error) {
	if gwID == "" {
		if len(po.Gateways) == 0 {
			return nil, nil, fmt.Errorf("org %s has no gateway peer", po.Name)
		}
		gwID = po.Gateways[0]
	}
	node, err := c.Profile.Peer(gwID)
	if err != nil {
		return nil, nil, err
	}
	conn, err := c.pool.Conn(*node)
	if err != nil {
		return nil, nil, err
	}
	gw, err := client.Connect(id.ID,
		client.WithSign(id.Sign),
		client.WithHash(hash.SHA256),
		client.WithClientConnection(conn),
		client.WithEvaluateTimeout(evaluateTimeout),
		client.WithEndorseTimeout(endorseTimeout),
		client.WithSubmitTimeout(submitTimeout),
		client.WithCommitStatusTimeout(DefaultCommitWait),
	)
	return node, gw, err
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
	// Attempts counts the transactions built (Submit) or the requests made
	// (Evaluate), retries included. A Submit that sends its one
	// transaction again still counts one.
	Attempts int `json:"attempts,omitempty"`
}

// Evaluate runs a query on the gateway's peers; nothing is written. An
// unreachable peer or a timeout is retried.
func (s *Session) Evaluate(ctx context.Context, call Call) (*Result, error) {
	return evaluate(ctx, s.api, s.retry, call)
}

func evaluate(ctx context.Context, api gatewayAPI, policy RetryPolicy, call Call) (*Result, error) {
	var res *Result
	err := policy.do(ctx, func(attempt int) (bool, *Error) {
		payload, err := api.evaluate(ctx, call)
		if err != nil {
			e := classify(err, "")
			return policy.evaluateRetryable(e.Code), e
		}
		res = &Result{Payload: payload, Attempts: attempt}
		return false, nil
	})
	return res, err
}

// Submit endorses, orders and waits for the commit of a transaction, and
// reports what happened to it. At most one transaction of the call can
// take effect: once the signed transaction has been handed to the gateway's
// Submit, retries send that same transaction (same id) and ask its commit
// status; a new transaction is built only after an endorsement failure
// (UNAVAILABLE, TIMEOUT, ENDORSEMENT_MISMATCH: nothing was ordered) or an
// MVCC conflict (committed as invalid, no effect). When the outcome cannot
// be learned within the policy's CommitWait the error is COMMIT_UNKNOWN with
// the transaction's id (see CommitStatus). Any other error means the call
// had no effect.
func (s *Session) Submit(ctx context.Context, call Call) (*Result, error) {
	return (&submission{api: s.api, call: call, policy: s.retry}).run(ctx)
}

// TxStatus is a transaction's commit status, as the ledger records it.
type TxStatus struct {
	TxID  string `json:"txId"`
	Block uint64 `json:"block"`
	// Validation is the validation code: VALID, MVCC_READ_CONFLICT, ...
	Validation string `json:"validation"`
}

// Valid reports whether the transaction committed as valid: it took effect.
func (t *TxStatus) Valid() bool { return t.Validation == peer.TxValidationCode_VALID.String() }

// CommitStatus tells whether transaction txID committed on channel, in
// which block and how it was validated: the way to settle a COMMIT_UNKNOWN
// error. The gateway waits for a commit that has not happened yet, until
// ctx ends or, when ctx has no deadline, the session's CommitWait; with no
// commit by then the error is COMMIT_UNKNOWN again. An unreachable gateway
// is retried.
func (s *Session) CommitStatus(ctx context.Context, channel, txID string) (*TxStatus, error) {
	return commitStatus(ctx, s.api, s.retry, channel, txID)
}

func commitStatus(ctx context.Context, api gatewayAPI, policy RetryPolicy, channel, txID string) (*TxStatus, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, policy.commitWait())
		defer cancel()
	}
	var out *TxStatus
	err := policy.do(ctx, func(int) (bool, *Error) {
		st, err := api.commitStatus(ctx, channel, txID)
		if err != nil {
			e := classify(err, txID)
			if e.Code == CodeTimeout {
				return false, commitUnknown(txID, e)
			}
			return e.Code == CodeUnavailable, e
		}
		out = &TxStatus{TxID: txID, Block: st.block, Validation: st.code.String()}
		return false, nil
	})
	return out, err
}
