// Package txn is the start of every carechain transaction: who calls
// (package caller), when (the transaction timestamp), the changes to publish
// as the transaction's one event, and strict decoding of transient inputs.
package txn

import (
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/events"
	"github.com/carechain/carechain/chaincode/kit/events/txevent"
	"github.com/carechain/carechain/chaincode/kit/txtime"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Tx is one transaction's context.
type Tx struct {
	Stub   shim.ChaincodeStubInterface
	Caller caller.Caller
	// Now is the transaction timestamp, in UTC: never a clock.
	Now time.Time
	// Events collects the changes Emit publishes.
	Events events.Collector
}

// Option configures Begin.
type Option func(*config)

type config struct {
	clock func() time.Time
	skew  txtime.Skew
}

// WithClock makes Begin refuse a transaction whose timestamp is further
// from clock (the endorsing peer's wall clock, time.Now in a chaincode's
// main) than skew allows (txtime.DefaultSkew when zero). The clock only
// ever refuses: what the transaction writes never depends on it. A nil
// clock checks nothing (unit tests that drive a test calendar).
func WithClock(clock func() time.Time, skew txtime.Skew) Option {
	return func(c *config) {
		c.clock, c.skew = clock, skew
		if skew == (txtime.Skew{}) {
			c.skew = txtime.DefaultSkew
		}
	}
}

// Begin reads the caller and the transaction time.
func Begin(stub shim.ChaincodeStubInterface, opts ...Option) (*Tx, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	now, err := txtime.Now(stub)
	if err != nil {
		return nil, err
	}
	if cfg.clock != nil {
		if err := cfg.skew.Check(now, cfg.clock()); err != nil {
			return nil, err
		}
	}
	c, err := caller.From(stub)
	if err != nil {
		return nil, err
	}
	return &Tx{Stub: stub, Caller: c, Now: now}, nil
}

// NotBefore refuses the transaction when its time is before last, the
// latest committed stamp of the object what (see txtime.NotBefore).
func (t *Tx) NotBefore(what, last string) error { return txtime.NotBefore(t.Now, what, last) }

// Stamp is the transaction time as RFC 3339 with nanoseconds.
func (t *Tx) Stamp() string { return t.Now.Format(time.RFC3339Nano) }

// SortStamp is the transaction time with a fixed width (nine fraction
// digits), for index keys that must sort in time order: Stamp drops trailing
// zeros, so its strings do not always sort like the times.
func (t *Tx) SortStamp() string { return t.Now.Format("2006-01-02T15:04:05.000000000Z07:00") }

// ID is the transaction id.
func (t *Tx) ID() string { return t.Stub.GetTxID() }

// Emit publishes the collected changes as the transaction's event.
func (t *Tx) Emit(name string) error { return txevent.Emit(t.Stub, name, &t.Events) }

// Transient decodes the required transient input key into v, strictly
// (unknown fields, trailing data and more than maxBytes are refused).
// Inputs that name patients or describe care travel this way: the
// transient map never reaches a block.
func (t *Tx) Transient(key string, v any, maxBytes int) error {
	m, err := t.Stub.GetTransient()
	if err != nil {
		return ccerr.Internal("transient map: %v", err)
	}
	data, ok := m[key]
	if !ok || len(data) == 0 {
		return ccerr.Invalid(key, "must be sent in the transient map (it must not reach the ledger)")
	}
	return validate.DecodeJSON(key, data, v, maxBytes)
}
