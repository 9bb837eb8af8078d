package consent

import (
	"encoding/json"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// releaser stands for a chaincode (records, claims) that asks consent's
// Check before it releases anything, as the same transaction's caller.
var releaser = memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
	_, args := stub.GetFunctionAndParameters()
	res := stub.InvokeChaincode("consent", [][]byte{[]byte("Check"), []byte(args[0])}, "")
	if res.Status != shim.OK {
		return shim.Error(res.Message)
	}
	var d wire.Decision
	if err := json.Unmarshal(res.Payload, &d); err != nil {
		return shim.Error(err.Error())
	}
	if !d.Permitted() {
		return shim.Error("FORBIDDEN: no consent")
	}
	if err := stub.PutState("released", []byte(d.ConsentID)); err != nil {
		return shim.Error(err.Error())
	}
	return shim.Success(nil)
})

func TestOtherChaincodesAskCheckAsTheCaller(t *testing.T) {
	e := newEnv(t)
	e.Peer.Install("records", releaser)
	e.grant(patient1, 0, grantInput("c1"))

	// The physician's own request: Check sees the physician as the caller.
	res := e.Peer.Invoke("records", physician, at(1), nil, "Release", request(pt1, "labs", wire.Actor{}))
	require.True(t, res.OK(), res.Message)
	v, ok := e.Peer.State("records", "released")
	require.True(t, ok)
	assert.Equal(t, "c1", string(v))

	// A billing clerk cannot ride on a physician's consent, nor ask for one.
	before := e.Peer.Snapshot()
	res = e.Peer.Invoke("records", billing, at(2), nil, "Release", request(pt1, "labs", wire.Actor{}))
	e.Refused(before, res, "FORBIDDEN: no consent")
	res = e.Peer.Invoke("records", billing, at(2), nil, "Release", request(pt1, "labs", physicianActor))
	e.Refused(before, res, "FORBIDDEN: caller ProviderMSP/billing1 (role \"billing\") may check only its own access")
}
