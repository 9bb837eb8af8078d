package memstub_test

import (
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// counter is a callee: "put k v" writes, "get k" reads, "fail" writes and
// returns an error status. It always sets an event, which the peer drops.
var counter = memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
	_ = stub.SetEvent("callee", []byte("dropped"))
	fn, args := stub.GetFunctionAndParameters()
	switch fn {
	case "put":
		if err := stub.PutState(args[0], []byte(args[1])); err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success(nil)
	case "get":
		v, err := stub.GetState(args[0])
		if err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success(v)
	case "fail":
		_ = stub.PutState("from-failed-callee", []byte("x"))
		return shim.Error("callee failed")
	case "channel":
		return shim.Success([]byte(stub.GetChannelID()))
	}
	return shim.Error("unknown function " + fn)
})

func call(stub shim.ChaincodeStubInterface, cc, channel string, args ...string) *pb.Response {
	raw := make([][]byte, len(args))
	for i, a := range args {
		raw[i] = []byte(a)
	}
	return stub.InvokeChaincode(cc, raw, channel)
}

func TestInvokeChaincodeSameChannel(t *testing.T) {
	p, id := newPeer(t)
	p.Install("counter", counter)
	res := run(t, p, id, 1, func(stub shim.ChaincodeStubInterface) error {
		require.NoError(t, stub.PutState("mine", []byte("caller")))
		require.Equal(t, int32(200), call(stub, "counter", "", "put", "k", "v").GetStatus())
		got := call(stub, "counter", "", "get", "k")
		assert.Equal(t, int32(200), got.GetStatus())
		assert.Empty(t, got.GetPayload(), "the callee cannot read writes of this transaction")
		got = call(stub, "counter", "", "get", "mine")
		assert.Empty(t, got.GetPayload(), "the callee has its own namespace")
		failed := call(stub, "counter", "", "fail")
		assert.Equal(t, int32(500), failed.GetStatus())
		assert.Equal(t, "callee failed", failed.GetMessage())
		return stub.SetEvent("caller", []byte("kept"))
	})
	v, ok := p.State("counter", "k")
	require.True(t, ok)
	assert.Equal(t, []byte("v"), v)
	_, ok = p.State("counter", "from-failed-callee")
	assert.True(t, ok, "like the peer, a callee's writes stay in the transaction even when it returns an error")
	_, ok = p.State(ns, "k")
	assert.False(t, ok)
	assert.Equal(t, &memstub.Event{Name: "caller", Payload: []byte("kept")}, res.Event, "callee events are dropped")
	assert.Equal(t, res.TxID, p.History("counter", "k")[0].TxID, "callee writes commit with the caller's transaction")

	before := p.Snapshot()
	failed := p.Run(ns, id, at(2), func(stub shim.ChaincodeStubInterface) error {
		call(stub, "counter", "", "put", "k", "changed")
		return assert.AnError
	})
	assert.False(t, failed.Committed)
	assert.Equal(t, before, p.Snapshot(), "a failing caller discards the callee's writes")
}

func TestInvokeChaincodeErrors(t *testing.T) {
	p, id := newPeer(t)
	p.Install("loop", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		return stub.InvokeChaincode("loop", nil, "")
	}))
	res := p.Invoke("loop", id, at(1), nil, "go")
	assert.Equal(t, int32(500), res.Status)
	assert.Contains(t, string(res.Payload), "exists", "re-entrant calls fail like on the peer")

	run(t, p, id, 2, func(stub shim.ChaincodeStubInterface) error {
		resp := call(stub, "missing", "", "get", "k")
		assert.Equal(t, int32(500), resp.GetStatus())
		assert.Contains(t, string(resp.GetPayload()), "failed to get chaincode container info for missing")
		return nil
	})
}

func TestInvokeChaincodeOtherChannel(t *testing.T) {
	p, id := newPeer(t)
	p.Install("counter", counter, memstub.OnChannel("audit"))
	res := p.Invoke("counter", id, at(1), nil, "put", "k", "v")
	assert.Equal(t, int32(500), res.Status, "not installed on the default channel")
	res = p.Submit(memstub.Tx{Channel: "audit", Chaincode: "counter", Identity: id, Time: at(2), Args: [][]byte{[]byte("put"), []byte("k"), []byte("v")}})
	require.True(t, res.Committed)

	run(t, p, id, 3, func(stub shim.ChaincodeStubInterface) error {
		got := call(stub, "counter", "audit", "get", "k")
		assert.Equal(t, []byte("v"), got.GetPayload())
		assert.Equal(t, []byte("audit"), call(stub, "counter", "audit", "channel").GetPayload())
		assert.Equal(t, int32(200), call(stub, "counter", "audit", "put", "k", "changed").GetStatus())
		return nil
	})
	v, ok := p.Ledger("audit").State("counter", "k")
	require.True(t, ok)
	assert.Equal(t, []byte("v"), v, "writes on another channel are not applied")
	assert.Equal(t, uint64(1), p.Ledger("audit").Height())
	assert.Contains(t, p.Snapshot(), "audit")
}
