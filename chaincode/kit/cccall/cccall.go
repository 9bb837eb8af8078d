// Package cccall calls another chaincode on the same channel, within the
// transaction and as its caller, and decodes the JSON answer. A refusal
// keeps its code (the callee's ccerr wire form); anything else unexpected
// is INTERNAL.
package cccall

import (
	"encoding/json"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// Call invokes fn of chaincode with string arguments and decodes its
// answer into out (when not nil).
func Call(stub shim.ChaincodeStubInterface, chaincode, fn string, out any, args ...string) error {
	raw := make([][]byte, 0, len(args)+1)
	raw = append(raw, []byte(fn))
	for _, a := range args {
		raw = append(raw, []byte(a))
	}
	res := stub.InvokeChaincode(chaincode, raw, "")
	if res.GetStatus() >= shim.ERRORTHRESHOLD {
		// The shim puts the callee's error in the message, the peer's in the payload.
		msg := res.GetMessage()
		if msg == "" {
			msg = string(res.GetPayload())
		}
		if e, ok := ccerr.Parse(msg); ok {
			return e
		}
		return ccerr.Internal("%s %s: %s", chaincode, fn, msg)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(res.GetPayload(), out); err != nil {
		return ccerr.Internal("%s %s answer: %v", chaincode, fn, err)
	}
	return nil
}
