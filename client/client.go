// Package client is carechain's Go client library on fabric-gateway. A
// Client reads the consortium's connection profile and keeps one gRPC
// connection per peer; a Session is one user of one org acting through an
// ordered list of gateway peers. Transactions return typed results and
// typed errors (*Error with a Code).
//
// # A call happens once
//
// Retries never make a second transaction of one call once the first may
// have been ordered: Submit resends the same signed transaction and
// reports what the ledger says of it, or COMMIT_UNKNOWN with its id (see
// Session.Submit and Session.CommitStatus).
//
// # Gateway failover
//
// A session's gateway peers are, unless WithGateways says otherwise, its
// org's own gateways and then the peers of the other members of its
// channels, in the profile's order (profile.Profile.Gateways); a call uses
// only those that serve its channel. Each request goes to the first one
// that may take it and that the session has not lost lately. A gateway is
// lost when a request to it fails on the way (connection refused or reset,
// a connection attempt over 2 s, no answer within the request's timeout:
// WithEvaluateTimeout, WithEndorseTimeout, WithSubmitTimeout), when gRPC is
// waiting out a failed connection to it, when an event stream from it
// ends, or when it says it knows no peers to endorse with. The next
// request, the retry of the same call included, goes to the next gateway
// at once; calls come back to the lost one after WithFailback's pause
// (DefaultFailback, doubled for each further loss). An outage the gateway
// relays from the peers or orderers behind it moves nothing.
//
// Failover keeps a call happening once: only a failure certainly before
// ordering (the endorsement) makes a new proposal, on the next gateway. A
// transaction that may have been ordered moves as it is: the same signed
// envelope, with the same id, is sent through the next gateway and its
// commit status asked there. A listener's stream that ends is opened again
// on the next gateway from the listener's position (Session.Listen). A
// query that failed over reads another peer, which may not have committed
// the caller's last transaction yet.
//
// # Transient data reaches only the orgs the caller trusts
//
// A proposal's transient map (private data, document keys, signed
// consents) is read by the gateway peer that receives it, which passes it
// on to the endorsers it picks (Call.Endorsers restricts them). So a call
// that carries transient data, Submit or Evaluate, goes only to gateways
// of the session's own org and of its first gateway's org (for an org
// without peers: the member it chose to act through), and never, not even
// for its submit or commit status, to another member's gateway unless the
// caller allowed that org with WithTransientOrgs. With none of those
// reachable the call fails: UNAVAILABLE before anything was sent to
// ordering (no effect), COMMIT_UNKNOWN after. Calls without transient
// data, Session.CommitStatus and event streams may use any member's
// gateway: a submit's arguments end up in every member's blocks, and by
// the same rule an evaluation's arguments must be fit for any member to
// read (what is private goes in the transient map).
package client

import (
	"context"
	"fmt"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/connectivity"

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

// Session is one user of one org, acting through an ordered list of
// gateway peers (see the package documentation on failover).
type Session struct {
	Org      *profile.Org
	User     string
	Identity *Identity
	// Peer is the session's first gateway peer.
	Peer  profile.Node
	gws   *gateways
	retry RetryPolicy
}

// Session opens a session for org's user. Its gateway peers are, unless an
// option says otherwise, the org's own gateways and then the peers of the
// other members of its channels, in the order of the profile
// (profile.Profile.Gateways); the first one is connected at once, the
// others when a call first needs them.
func (c *Client) Session(org, user string, opts ...SessionOption) (*Session, error) {
	cfg, err := newSessionConfig(opts)
	if err != nil {
		return nil, err
	}
	po, err := c.Profile.Org(org)
	if err != nil {
		return nil, err
	}
	id, err := c.identity(po, user, cfg.wallet)
	if err != nil {
		return nil, err
	}
	gws, err := c.gateways(po, id, cfg)
	if err != nil {
		return nil, err
	}
	return &Session{Org: po, User: user, Identity: id, Peer: gws.list[0].peer.Node, gws: gws, retry: cfg.retry}, nil
}

// Identity loads org's user: a user the profile lists from the org's
// users folder, any other from the options' wallet.
func (c *Client) Identity(org, user string, opts ...SessionOption) (*Identity, error) {
	cfg, err := newSessionConfig(opts)
	if err != nil {
		return nil, err
	}
	po, err := c.Profile.Org(org)
	if err != nil {
		return nil, err
	}
	return c.identity(po, user, cfg.wallet)
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

// gateways makes the session's gateway list for id and opens the first.
func (c *Client) gateways(po *profile.Org, id *Identity, cfg *sessionConfig) (*gateways, error) {
	peers, err := gatewayOrder(c.Profile, po.Name, cfg)
	if err != nil {
		return nil, err
	}
	list := make([]*gateway, len(peers))
	for i, p := range peers {
		list[i] = &gateway{peer: p, open: func() (gatewayAPI, func() connectivity.State, error) {
			return c.connect(p.Node, id, cfg.timeouts)
		}}
	}
	api, state, err := list[0].open()
	if err != nil {
		return nil, err
	}
	list[0].api, list[0].state = api, state
	return newGateways(list, append([]string{po.MSPID}, cfg.transientOrgs...), cfg.failback), nil
}

// connect makes a fabric-gateway Gateway for id through a peer.
func (c *Client) connect(node profile.Node, id *Identity, t timeouts) (gatewayAPI, func() connectivity.State, error) {
	conn, err := c.pool.Conn(node)
	if err != nil {
		return nil, nil, err
	}
	gw, err := client.Connect(id.ID,
		client.WithSign(id.Sign),
		client.WithHash(hash.SHA256),
		client.WithClientConnection(conn),
		client.WithEvaluateTimeout(t.evaluate),
		client.WithEndorseTimeout(t.endorse),
		client.WithSubmitTimeout(t.submit),
		client.WithCommitStatusTimeout(DefaultCommitWait),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("gateway %s: %w", node.ID, err)
	}
	return fabricGateway{gw: gw, timeouts: t}, conn.GetState, nil
}

// Gateways lists the session's gateway peers, in the order it tries them.
func (s *Session) Gateways() []string { return s.gws.ids() }

// Close releases the session's gateways (the connections stay in the pool).
func (s *Session) Close() error { return s.gws.close() }

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
	return evaluate(ctx, s.gws, s.retry, call)
}

func evaluate(ctx context.Context, gws *gateways, policy RetryPolicy, call Call) (*Result, error) {
	var res *Result
	err := policy.do(ctx, func(attempt int) (bool, *Error) {
		g, err := gws.pick(call)
		if err != nil {
			return false, classify(err, "")
		}
		payload, err := g.api.evaluate(ctx, call)
		e := classify(err, "")
		gws.observe(ctx, g, e)
		if e != nil {
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
	return (&submission{gws: s.gws, call: call, policy: s.retry}).run(ctx)
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
	return commitStatus(ctx, s.gws, s.retry, channel, txID)
}

func commitStatus(ctx context.Context, gws *gateways, policy RetryPolicy, channel, txID string) (*TxStatus, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, policy.commitWait())
		defer cancel()
	}
	var out *TxStatus
	err := policy.do(ctx, func(int) (bool, *Error) {
		g, err := gws.pick(Call{Channel: channel})
		if err != nil {
			return false, classify(err, txID)
		}
		st, err := g.api.commitStatus(ctx, channel, txID)
		if err != nil {
			e := classify(err, txID)
			if e.Code == CodeTimeout {
				return false, commitUnknown(txID, e)
			}
			gws.observe(ctx, g, e)
			return e.Code == CodeUnavailable, e
		}
		gws.observe(ctx, g, nil)
		out = &TxStatus{TxID: txID, Block: st.block, Validation: st.code.String()}
		return false, nil
	})
	return out, err
}
