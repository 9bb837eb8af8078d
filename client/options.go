package client

import (
	"fmt"
	"time"
)

// SessionOption tunes a session (Client.Session, Client.Identity). The
// With* functions make them; a SessionOptions value is one too.
type SessionOption interface {
	apply(*sessionConfig) error
}

// sessionOption is a SessionOption made by a With* function.
type sessionOption func(*sessionConfig) error

func (o sessionOption) apply(c *sessionConfig) error { return o(c) }

// sessionConfig is what the options set.
type sessionConfig struct {
	// gateways is the caller's list (WithGateways), or nil for the
	// profile's order; first (WithGateway) goes before either.
	gateways      []string
	first         string
	transientOrgs []string
	failback      time.Duration
	retry         RetryPolicy
	wallet        Wallet
	timeouts      timeouts
}

// timeouts bound the single gateway calls, within the caller's context.
type timeouts struct {
	evaluate, endorse, submit time.Duration
}

// Defaults of the session options.
const (
	// DefaultFailback is how long a session passes over a gateway peer it
	// lost before it tries that peer again.
	DefaultFailback = time.Second
	// DefaultCallTimeout bounds one evaluate, endorse or submit request.
	DefaultCallTimeout = 30 * time.Second
)

func newSessionConfig(opts []SessionOption) (*sessionConfig, error) {
	c := &sessionConfig{failback: DefaultFailback, retry: DefaultRetry,
		timeouts: timeouts{evaluate: DefaultCallTimeout, endorse: DefaultCallTimeout, submit: DefaultCallTimeout}}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.apply(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// WithGateways makes ids (peer ids of the profile) the session's gateway
// peers, in the order to try them, instead of the profile's order (the
// org's own gateways, then the peers of the other members of its
// channels). One id pins the session to that peer: no failover.
func WithGateways(ids ...string) SessionOption {
	return sessionOption(func(c *sessionConfig) error {
		if len(ids) == 0 {
			return fmt.Errorf("WithGateways: no peer id")
		}
		c.gateways = append([]string(nil), ids...)
		return nil
	})
}

// WithGateway puts peer id first, before the profile's order (or the
// list of WithGateways).
func WithGateway(id string) SessionOption {
	return sessionOption(func(c *sessionConfig) error {
		c.first = id
		return nil
	})
}

// WithTransientOrgs lets calls that carry transient data (private data,
// document keys, signed consents) fail over to the gateway peers of these
// orgs (MSP ids) too. Without it such a call only ever reaches the gateways
// of the session's org and of its first gateway's org; see the package
// documentation.
func WithTransientOrgs(mspIDs ...string) SessionOption {
	return sessionOption(func(c *sessionConfig) error {
		c.transientOrgs = append(c.transientOrgs, mspIDs...)
		return nil
	})
}

// WithFailback sets how long a gateway peer the session lost (unreachable,
// its connection broken, a request timed out) is passed over before calls
// go back to it; each further loss doubles it, up to 16 times. Default
// DefaultFailback.
func WithFailback(d time.Duration) SessionOption {
	return sessionOption(func(c *sessionConfig) error {
		if d <= 0 {
			return fmt.Errorf("WithFailback: %v is not positive", d)
		}
		c.failback = d
		return nil
	})
}

// WithRetry sets how safe retries are made (default DefaultRetry).
func WithRetry(p RetryPolicy) SessionOption {
	return sessionOption(func(c *sessionConfig) error {
		c.retry = p
		return nil
	})
}

// WithWallet sets the folder of identities enrolled by their holders
// (WALLET/ORG/USER/msp): a user the profile does not list is looked up
// there. Patients are only ever there.
func WithWallet(w Wallet) SessionOption {
	return sessionOption(func(c *sessionConfig) error {
		c.wallet = w
		return nil
	})
}

// WithEvaluateTimeout bounds one evaluate request to one gateway (default
// DefaultCallTimeout); on expiry the session counts the gateway as lost and
// retries on the next. Queries that take long need a longer one.
func WithEvaluateTimeout(d time.Duration) SessionOption {
	return timeoutOption("WithEvaluateTimeout", d, func(t *timeouts) { t.evaluate = d })
}

// WithEndorseTimeout bounds one endorse request (default
// DefaultCallTimeout); on expiry the session counts the gateway as lost and
// makes a new proposal on the next (nothing of the first can be ordered).
func WithEndorseTimeout(d time.Duration) SessionOption {
	return timeoutOption("WithEndorseTimeout", d, func(t *timeouts) { t.endorse = d })
}

// WithSubmitTimeout bounds one submit request (default DefaultCallTimeout);
// on expiry the session counts the gateway as lost and sends the same
// signed transaction through the next, after asking its commit status.
func WithSubmitTimeout(d time.Duration) SessionOption {
	return timeoutOption("WithSubmitTimeout", d, func(t *timeouts) { t.submit = d })
}

func timeoutOption(name string, d time.Duration, set func(*timeouts)) SessionOption {
	return sessionOption(func(c *sessionConfig) error {
		if d <= 0 {
			return fmt.Errorf("%s: %v is not positive", name, d)
		}
		set(&c.timeouts)
		return nil
	})
}

// SessionOptions is the options as a struct; its zero fields change nothing.
type SessionOptions struct {
	// Gateway is the peer id to try first (WithGateway).
	Gateway string
	// Retry is how safe retries are made (WithRetry).
	Retry *RetryPolicy
	// Wallet is a folder of identities enrolled by their holders (WithWallet).
	Wallet Wallet
}

func (o SessionOptions) apply(c *sessionConfig) error {
	if o.Gateway != "" {
		c.first = o.Gateway
	}
	if o.Retry != nil {
		c.retry = *o.Retry
	}
	if o.Wallet != "" {
		c.wallet = o.Wallet
	}
	return nil
}
