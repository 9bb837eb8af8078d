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
