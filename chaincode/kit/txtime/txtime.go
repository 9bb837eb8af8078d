// Package txtime gives chaincode the transaction timestamp, the only notion
// of "now" that is the same on every endorsing peer.
package txtime

import (
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// Now returns the timestamp the client put in the transaction header, in
// UTC. It fails with INTERNAL when the stub has no valid timestamp.
func Now(stub shim.ChaincodeStubInterface) (time.Time, error) {
	ts, err := stub.GetTxTimestamp()
	if err != nil {
		return time.Time{}, ccerr.Internal("read transaction timestamp: %v", err)
	}
	if ts == nil {
		return time.Time{}, ccerr.Internal("read transaction timestamp: none set")
	}
	if err := ts.CheckValid(); err != nil {
		return time.Time{}, ccerr.Internal("read transaction timestamp: %v", err)
	}
	return ts.AsTime().UTC(), nil
}

// Skew bounds how far a transaction's timestamp may be from the endorsing
// peer's clock.
type Skew struct {
	// Ahead is how far the timestamp may be later than the peer's clock.
	Ahead time.Duration
	// Behind is how far it may be earlier.
	Behind time.Duration
}

// DefaultSkew allows for unsynchronised clocks and slow clients, and no
// more: five minutes either way.
var DefaultSkew = Skew{Ahead: 5 * time.Minute, Behind: 5 * time.Minute}

// Check refuses now (the transaction timestamp) when it is further from
// clock (the endorsing peer's) than s allows, with INVALID_ARGUMENT naming
// the field "timestamp". The answer only ever refuses: nothing a
// transaction writes depends on the clock, so endorsers whose clocks agree
// within the bounds produce the same result.
func (s Skew) Check(now, clock time.Time) error {
	switch {
	case now.After(clock.Add(s.Ahead)):
		return ccerr.Invalid("timestamp", "%s is %s ahead of the endorsing peer's clock (at most %s)",
			now.Format(time.RFC3339), now.Sub(clock).Round(time.Second), s.Ahead)
	case now.Before(clock.Add(-s.Behind)):
		return ccerr.Invalid("timestamp", "%s is %s behind the endorsing peer's clock (at most %s)",
			now.Format(time.RFC3339), clock.Sub(now).Round(time.Second), s.Behind)
	}
	return nil
}

// NotBefore refuses now when it is earlier than last, the latest committed
// stamp of the object what (RFC 3339; empty when the object is new): time
// only moves forward for each object, so an expired window cannot be
// reopened by backdating a transaction. It fails with FAILED_PRECONDITION;
// a malformed stamp is INTERNAL.
func NotBefore(now time.Time, what, last string) error {
	if last == "" {
		return nil
	}
	l, err := time.Parse(time.RFC3339Nano, last)
	if err != nil {
		return ccerr.Internal("stored stamp of %s: %v", what, err)
	}
	if now.Before(l) {
		return ccerr.Precondition("transaction time %s is before the latest change of %s (%s): time only moves forward",
			now.Format(time.RFC3339Nano), what, last)
	}
	return nil
}
