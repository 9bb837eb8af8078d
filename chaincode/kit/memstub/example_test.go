package memstub_test

import (
	"fmt"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

func ExamplePeer_Invoke() {
	peer := memstub.NewPeer("care")
	peer.Install("kv", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		fn, args := stub.GetFunctionAndParameters()
		if fn != "put" || len(args) != 2 {
			return shim.Error("INVALID_ARGUMENT: usage: put key value")
		}
		if err := stub.PutState(args[0], []byte(args[1])); err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success(nil)
	}))
	alice := memstub.NewIdentity("Org1MSP", "alice", map[string]string{"role": "clerk"})
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

	ok := peer.Invoke("kv", alice, at, nil, "put", "k", "v")
	before := peer.Snapshot()
	bad := peer.Invoke("kv", alice, at.Add(time.Second), nil, "put", "k")
	v, _ := peer.State("kv", "k")

	fmt.Println(ok.Committed, string(v))
	fmt.Println(bad.Committed, bad.Status, bad.Message)
	fmt.Println(fmt.Sprint(before) == fmt.Sprint(peer.Snapshot()))
	// Output:
	// true v
	// false 500 INVALID_ARGUMENT: usage: put key value
	// true
}
