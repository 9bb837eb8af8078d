// Package txevent publishes the changes gathered in an events.Collector as
// the transaction's single chaincode event.
package txevent

import (
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/events"
	"github.com/carechain/carechain/chaincode/kit/txtime"
)

// Emit sets one chaincode event named name whose payload is the envelope of
// c's changes, stamped with the transaction id and timestamp. It does
// nothing when c is empty. Because Fabric keeps only the last event of a
// transaction, call Emit once, after the last change.
func Emit(stub shim.ChaincodeStubInterface, name string, c *events.Collector) error {
	if c.Len() == 0 {
		return nil
	}
	ts, err := txtime.Now(stub)
	if err != nil {
		return err
	}
	payload, err := events.Encode(c.Envelope(stub.GetTxID(), ts))
	if err != nil {
		return ccerr.Internal("%v", err)
	}
	if err := stub.SetEvent(name, payload); err != nil {
		return ccerr.Internal("set event: %v", err)
	}
	return nil
}
