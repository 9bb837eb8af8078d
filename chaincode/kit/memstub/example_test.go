package memstub_test

import (
	"fmt"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
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

// A forgery test: colluding endorsers fabricate a write set without running
// the chaincode, and validation refuses it because the key's own
// endorsement policy names an organisation that did not endorse.
func ExamplePeer_Forge() {
	peer := memstub.NewPeer("care")
	peer.Install("records", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		// Only the patient's organisation may change the record.
		ep, _ := statebased.NewStateEP(nil)
		_ = ep.AddOrgs(statebased.RoleTypePeer, "PatientMSP")
		policy, _ := ep.Policy()
		if err := stub.PutState("record1", []byte("allergy: none")); err != nil {
			return shim.Error(err.Error())
		}
		if err := stub.SetStateValidationParameter("record1", policy); err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success(nil)
	}), memstub.WithEndorsement("OR('ClinicMSP.peer', 'InsurerMSP.peer')"))
	nurse := memstub.NewIdentity("ClinicMSP", "nurse", nil)
	created := peer.Submit(memstub.Tx{Chaincode: "records", Identity: nurse, Time: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		Args: [][]byte{[]byte("create")}, Endorsers: []string{"ClinicMSP"}})
	before := peer.Snapshot()

	forged := peer.Forge(memstub.Forgery{
		Chaincode: "records",
		Endorsers: []string{"ClinicMSP", "InsurerMSP"},
		Writes:    []memstub.ForgedWrite{{Key: "record1", Value: []byte("allergy: penicillin")}},
	})
	v, _ := peer.State("records", "record1")

	fmt.Println(created.Validation)
	fmt.Println(forged.Committed, forged.Validation)
	fmt.Println(string(v), fmt.Sprint(before) == fmt.Sprint(peer.Snapshot()))
	// Output:
	// VALID
	// false ENDORSEMENT_POLICY_FAILURE
	// allergy: none true
}

// A concurrency test: two transactions read and increment the same key,
// simulated before either commits, and land in one block. The second read
// a version the first one changed.
func ExamplePeer_Commit() {
	peer := memstub.NewPeer("care")
	peer.Install("counter", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		v, err := stub.GetState("visits")
		if err != nil {
			return shim.Error(err.Error())
		}
		n, _ := strconv.Atoi(string(v))
		if err := stub.PutState("visits", []byte(strconv.Itoa(n+1))); err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success(nil)
	}))
	alice := memstub.NewIdentity("Org1MSP", "alice", nil)
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	increment := func(t time.Time) memstub.Tx {
		return memstub.Tx{Chaincode: "counter", Identity: alice, Time: t, Args: [][]byte{[]byte("inc")}}
	}

	first := peer.Simulate(increment(at))
	second := peer.Simulate(increment(at.Add(time.Second)))
	results := peer.Commit(first, second)
	v, _ := peer.State("counter", "visits")

	fmt.Println(results[0].Committed, results[0].Validation)
	fmt.Println(results[1].Committed, results[1].Validation)
	fmt.Println(string(v))
	// Output:
	// true VALID
	// false MVCC_READ_CONFLICT
	// 1
}
