package memstub_test

import (
	"crypto/sha256"
	"strconv"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

const (
	org1 = "Org1MSP"
	org2 = "Org2MSP"
	org3 = "Org3MSP"
)

// book is a chaincode whose functions each do one kind of read and write,
// to build transactions that conflict or need particular endorsements.
var book = memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
	fn, args := stub.GetFunctionAndParameters()
	op, ok := bookOps[fn]
	if !ok {
		return shim.Error("unknown function " + fn)
	}
	payload, err := op(stub, args)
	if err != nil {
		return shim.Error(err.Error())
	}
	return shim.Success(payload)
})

type bookOp func(stub shim.ChaincodeStubInterface, args []string) ([]byte, error)

var bookOps = map[string]bookOp{
	"put": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		return nil, stub.PutState(a[0], []byte(a[1]))
	},
	"get": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) { return stub.GetState(a[0]) },
	// inc k: read k, write k+1.
	"inc": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		v, err := stub.GetState(a[0])
		if err != nil {
			return nil, err
		}
		n, _ := strconv.Atoi(string(v))
		return nil, stub.PutState(a[0], []byte(strconv.Itoa(n+1)))
	},
	// guard k org...: the key-level policy of k needs a peer of each org.
	"guard": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		return nil, stub.SetStateValidationParameter(a[0], keyPolicy(a[1:]...))
	},
	// count start end out: write the number of keys in [start, end) to out.
	"count": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		it, err := stub.GetStateByRange(a[0], a[1])
		if err != nil {
			return nil, err
		}
		return nil, stub.PutState(a[2], []byte(strconv.Itoa(drain(it, -1))))
	},
	// first start end out: read the first key in [start, end), write it to out.
	"first": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		it, err := stub.GetStateByRange(a[0], a[1])
		if err != nil {
			return nil, err
		}
		drain(it, 1)
		return nil, stub.PutState(a[2], []byte("seen"))
	},
	// partial type out: count the composite keys of type, write it to out.
	"partial": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		it, err := stub.GetStateByPartialCompositeKey(a[0], nil)
		if err != nil {
			return nil, err
		}
		return nil, stub.PutState(a[1], []byte(strconv.Itoa(drain(it, -1))))
	},
	// composite type attr: put a composite key.
	"composite": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		k, err := stub.CreateCompositeKey(a[0], a[1:])
		if err != nil {
			return nil, err
		}
		return nil, stub.PutState(k, []byte("x"))
	},
	// multi out k...: read the keys at once, write out.
	"multi": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		if _, err := stub.GetMultipleStates(a[1:]...); err != nil {
			return nil, err
		}
		return nil, stub.PutState(a[0], []byte("read"))
	},
	// vpread k out: read the validation parameter of k, write out.
	"vpread": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		if _, err := stub.GetStateValidationParameter(a[0]); err != nil {
			return nil, err
		}
		return nil, stub.PutState(a[1], []byte("read"))
	},
	"pput": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		return nil, stub.PutPrivateData(a[0], a[1], []byte(a[2]))
	},
	// pinc coll k: read private k, write k+1.
	"pinc": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		v, err := stub.GetPrivateData(a[0], a[1])
		if err != nil {
			return nil, err
		}
		n, _ := strconv.Atoi(string(v))
		return nil, stub.PutPrivateData(a[0], a[1], []byte(strconv.Itoa(n+1)))
	},
	// phash coll k out: read the hash of private k, write out.
	"phash": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		if _, err := stub.GetPrivateDataHash(a[0], a[1]); err != nil {
			return nil, err
		}
		return nil, stub.PutState(a[2], []byte("read"))
	},
	// pguard coll k org...: the key-level policy of private k.
	"pguard": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		return nil, stub.SetPrivateDataValidationParameter(a[0], a[1], keyPolicy(a[2:]...))
	},
	// pvpread coll k out: read the validation parameter of private k, write out.
	"pvpread": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		if _, err := stub.GetPrivateDataValidationParameter(a[0], a[1]); err != nil {
			return nil, err
		}
		return nil, stub.PutState(a[2], []byte("read"))
	},
	// pscan coll: a private range query, read-only as the peer requires.
	"pscan": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		it, err := stub.GetPrivateDataByRange(a[0], "", "")
		if err != nil {
			return nil, err
		}
		return []byte(strconv.Itoa(drain(it, -1))), nil
	},
	// call cc fn args...: call another chaincode on the channel.
	"call": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		args := make([][]byte, 0, len(a)-1)
		for _, s := range a[1:] {
			args = append(args, []byte(s))
		}
		resp := stub.InvokeChaincode(a[0], args, "")
		if resp.GetStatus() >= shim.ERRORTHRESHOLD {
			return nil, assert.AnError
		}
		return resp.GetPayload(), nil
	},
	"event": func(stub shim.ChaincodeStubInterface, a []string) ([]byte, error) {
		if err := stub.SetEvent("wrote", nil); err != nil {
			return nil, err
		}
		return nil, stub.PutState(a[0], []byte(a[1]))
	},
}

// drain reads up to n results of it (all for n < 0) and returns how many.
func drain(it shim.StateQueryIteratorInterface, n int) int {
	defer it.Close()
	count := 0
	for (n < 0 || count < n) && it.HasNext() {
		if _, err := it.Next(); err != nil {
			panic(err)
		}
		count++
	}
	return count
}

// keyPolicy is a state-based endorsement policy needing a peer of each org.
func keyPolicy(orgs ...string) []byte {
	ep, err := statebased.NewStateEP(nil)
	if err != nil {
		panic(err)
	}
	if err := ep.AddOrgs(statebased.RoleTypePeer, orgs...); err != nil {
		panic(err)
	}
	b, err := ep.Policy()
	if err != nil {
		panic(err)
	}
	return b
}

// bookPeer returns a peer with book installed under ns with opts.
func bookPeer(t *testing.T, opts ...memstub.InstallOption) (*memstub.Peer, *memstub.Identity) {
	t.Helper()
	p, id := newPeer(t)
	p.Install(ns, book, opts...)
	return p, id
}

// tx is a proposal calling book's fn at time n, endorsed by endorsers
// (nil: whatever the policies need).
func tx(id *memstub.Identity, n int, endorsers []string, fn string, args ...string) memstub.Tx {
	raw := [][]byte{[]byte(fn)}
	for _, a := range args {
		raw = append(raw, []byte(a))
	}
	return memstub.Tx{Chaincode: ns, Identity: id, Time: at(n), Args: raw, Endorsers: endorsers}
}

func orgs(ids ...string) []string { return ids }

// valid submits a transaction that must commit.
func valid(t *testing.T, p *memstub.Peer, x memstub.Tx) memstub.Result {
	t.Helper()
	res := p.Submit(x)
	require.Equal(t, memstub.Valid, res.Validation, "status %d: %s", res.Status, res.Message)
	require.True(t, res.Committed)
	require.NoError(t, res.Err())
	return res
}

// refused submits a transaction that must fail validation with code and
// change nothing.
func refused(t *testing.T, p *memstub.Peer, x memstub.Tx, code string) memstub.Result {
	t.Helper()
	before := p.Snapshot()
	res := p.Submit(x)
	require.True(t, res.OK(), "status %d: %s", res.Status, res.Message)
	assert.Equal(t, code, res.Validation)
	assert.False(t, res.Committed)
	assert.Nil(t, res.Event)
	assert.EqualError(t, res.Err(), "transaction "+res.TxID+" failed to commit with status code "+
		strconv.Itoa(int(pb.TxValidationCode_value[code]))+" ("+code+")")
	assert.Equal(t, before, p.Snapshot(), "an invalid transaction changes nothing")
	return res
}

func TestValidationCodesAreFabricNames(t *testing.T) {
	for _, code := range []string{memstub.Valid, memstub.EndorsementPolicyFailure, memstub.MVCCReadConflict, memstub.PhantomReadConflict, memstub.DuplicateTxID} {
		_, ok := pb.TxValidationCode_value[code]
		assert.True(t, ok, code)
	}
}

func TestEndorsementChaincodePolicy(t *testing.T) {
	p, id := bookPeer(t, memstub.WithEndorsement("AND('Org1MSP.peer', 'Org2MSP.peer')"))
	refused(t, p, tx(id, 1, orgs(org1), "event", "k", "v"), memstub.EndorsementPolicyFailure)
	refused(t, p, tx(id, 2, []string{}, "put", "k", "v"), memstub.EndorsementPolicyFailure)
	refused(t, p, tx(id, 3, orgs(org1, org3), "put", "k", "v"), memstub.EndorsementPolicyFailure)
	res := valid(t, p, tx(id, 4, orgs(org2, org1), "event", "k", "v"))
	assert.Equal(t, &memstub.Event{Name: "wrote"}, res.Event)
	valid(t, p, tx(id, 5, nil, "put", "k", "v2"))
	// A submitted transaction that writes nothing is validated against the
	// chaincode's policy all the same (Fabric's key-level validator checks
	// the chaincode policy when it checked no key's).
	refused(t, p, tx(id, 6, orgs(org3), "get", "k"), memstub.EndorsementPolicyFailure)
	valid(t, p, tx(id, 7, orgs(org1, org2), "get", "k"))
	assert.Equal(t, uint64(3), p.Ledger("care").Height())

	q := p.Query(ns, id, at(8), "get", "k")
	assert.Empty(t, q.Validation, "evaluations are not validated")
	failed := p.Invoke(ns, id, at(9), nil, "nope")
	assert.Empty(t, failed.Validation, "error responses are not submitted")
	assert.False(t, failed.Committed)
}

func TestEndorsementPolicyMustParse(t *testing.T) {
	p, _ := newPeer(t)
	assert.PanicsWithValue(t, `memstub: policy: parse "AND(" at offset 4: unexpected end of the policy`, func() {
		p.Install(ns, book, memstub.WithEndorsement("AND("))
	})
	assert.Panics(t, func() {
		p.DefineCollections(ns, memstub.Collection{Name: "c", EndorsementPolicy: "OR('x')"})
	})
}

func TestEndorsementKeyLevel(t *testing.T) {
	p, id := bookPeer(t, memstub.WithEndorsement("AND('Org1MSP.peer', 'Org2MSP.peer')"))
	valid(t, p, tx(id, 1, nil, "put", "k", "v"))
	valid(t, p, tx(id, 2, orgs(org1, org2), "guard", "k", org3))
	assert.Equal(t, keyPolicy(org3), p.Ledger("care").ValidationParameter(ns, "k"))

	refused(t, p, tx(id, 3, orgs(org1, org2), "put", "k", "forged"), memstub.EndorsementPolicyFailure)
	refused(t, p, tx(id, 4, orgs(org1, org2), "guard", "k", org1), memstub.EndorsementPolicyFailure)
	refused(t, p, tx(id, 5, orgs(org3), "put", "other", "v"), memstub.EndorsementPolicyFailure)
	valid(t, p, tx(id, 6, orgs(org3), "put", "k", "by org3"))
	valid(t, p, tx(id, 7, orgs(org3), "guard", "k", org1, org2))
	valid(t, p, tx(id, 8, orgs(org1, org2), "put", "k", "back"))
	refused(t, p, tx(id, 9, orgs(org1), "put", "k", "v"), memstub.EndorsementPolicyFailure)

	p.Install("bad", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		err := stub.PutState("k", []byte("v"))
		if fn, _ := stub.GetFunctionAndParameters(); fn == "vp" {
			err = stub.SetStateValidationParameter("k", []byte("not a policy"))
		}
		if err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success(nil)
	}))
	bad := func(n int, fn string, endorsers []string) memstub.Tx {
		return memstub.Tx{Chaincode: "bad", Identity: id, Time: at(n), Args: [][]byte{[]byte(fn)}, Endorsers: endorsers}
	}
	valid(t, p, bad(10, "put", nil))
	valid(t, p, bad(11, "vp", orgs(org1)))
	assert.Equal(t, []byte("not a policy"), p.Ledger("care").ValidationParameter("bad", "k"))
	valid(t, p, bad(12, "put", nil))
	refused(t, p, bad(13, "put", orgs(org1, org2, org3)), memstub.EndorsementPolicyFailure)
}

func TestEndorsementCollectionPolicy(t *testing.T) {
	p, id := bookPeer(t,
		memstub.WithEndorsement("AND('Org1MSP.peer', 'Org2MSP.peer')"),
		memstub.WithCollections(
			memstub.Collection{Name: "own", Members: []string{org1, org2}, EndorsementPolicy: "OR('Org2MSP.peer')"},
			memstub.Collection{Name: "shared", Members: []string{org1, org2}},
		))
	valid(t, p, tx(id, 1, orgs(org2), "pput", "own", "k", "v"))
	refused(t, p, tx(id, 2, orgs(org2), "pput", "shared", "k", "v"), memstub.EndorsementPolicyFailure)
	valid(t, p, tx(id, 3, orgs(org1, org2), "pput", "shared", "k", "v"))
	refused(t, p, tx(id, 4, orgs(org1), "pput", "own", "k", "v2"), memstub.EndorsementPolicyFailure)

	valid(t, p, tx(id, 5, orgs(org2), "pguard", "own", "k", org1))
	assert.Equal(t, keyPolicy(org1), p.Ledger("care").PrivateValidationParameter(ns, "own", "k"))
	refused(t, p, tx(id, 6, orgs(org2), "pput", "own", "k", "v3"), memstub.EndorsementPolicyFailure)
	valid(t, p, tx(id, 7, orgs(org1), "pput", "own", "k", "v3"))
	v, _ := p.PrivateState(ns, "own", "k")
	assert.Equal(t, []byte("v3"), v)
}

func TestEndorsementChaincodeToChaincode(t *testing.T) {
	p, id := bookPeer(t, memstub.WithEndorsement("OR('Org1MSP.peer')"))
	p.Install("ledger", book, memstub.WithEndorsement("OR('Org2MSP.peer')"))
	call := func(n int, endorsers []string) memstub.Tx {
		return tx(id, n, endorsers, "call", "ledger", "put", "k", "v")
	}
	refused(t, p, call(1, orgs(org1)), memstub.EndorsementPolicyFailure)
	refused(t, p, call(2, orgs(org2)), memstub.EndorsementPolicyFailure)
	valid(t, p, call(3, orgs(org1, org2)))
	_, ok := p.State("ledger", "k")
	assert.True(t, ok)
	refused(t, p, tx(id, 4, orgs(org3), "call", "ledger", "get", "k"), memstub.EndorsementPolicyFailure)
	valid(t, p, tx(id, 5, orgs(org1), "call", "ledger", "get", "k"))
}

// forgePeer has a chaincode needing Org1 and Org2 with a private
// collection, and key k guarded by a key-level policy naming Org3,
// written by a forgery that satisfied the chaincode policy.
func forgePeer(t *testing.T) (*memstub.Peer, memstub.Result) {
	t.Helper()
	p, _ := bookPeer(t,
		memstub.WithEndorsement("AND('Org1MSP.peer', 'Org2MSP.peer')"),
		memstub.WithCollections(memstub.Collection{Name: "pdc", Members: []string{org1}}))
	res := p.Forge(memstub.Forgery{Chaincode: ns, Endorsers: orgs(org1, org2), Time: at(1), Writes: []memstub.ForgedWrite{
		{Key: "k", Value: []byte("forged"), ValidationParameter: keyPolicy(org3)},
		{Collection: "pdc", Key: "p", Value: []byte("secret")},
	}})
	return p, res
}

func TestForgeCommits(t *testing.T) {
	p, res := forgePeer(t)
	require.Equal(t, memstub.Valid, res.Validation)
	assert.True(t, res.Committed)
	assert.True(t, res.OK())
	v, _ := p.State(ns, "k")
	assert.Equal(t, []byte("forged"), v)
	assert.Equal(t, keyPolicy(org3), p.Ledger("care").ValidationParameter(ns, "k"))
	sum := sha256.Sum256([]byte("secret"))
	h, _ := p.PrivateHash(ns, "pdc", "p")
	assert.Equal(t, sum[:], h)
	assert.Equal(t, []memstub.HistoryEntry{{TxID: res.TxID, Timestamp: at(1), Value: []byte("forged")}}, p.History(ns, "k"))
	assert.Equal(t, uint64(1), p.Ledger("care").Height())

	res = p.Forge(memstub.Forgery{Chaincode: ns, Endorsers: orgs(org3), Writes: []memstub.ForgedWrite{{Key: "k", Delete: true}}})
	assert.True(t, res.Committed, "the key-level policy alone decides")
	_, ok := p.State(ns, "k")
	assert.False(t, ok)

	dup := p.Forge(memstub.Forgery{Chaincode: ns, TxID: res.TxID})
	assert.Equal(t, memstub.DuplicateTxID, dup.Validation)
	assert.Equal(t, int32(500), p.Forge(memstub.Forgery{Channel: "nowhere", Chaincode: ns}).Status)
	assert.Panics(t, func() {
		p.Forge(memstub.Forgery{Chaincode: ns, Writes: []memstub.ForgedWrite{{Collection: "nope", Key: "k"}}})
	})
	assert.Panics(t, func() { p.Forge(memstub.Forgery{Chaincode: ns, Writes: []memstub.ForgedWrite{{Value: []byte("v")}}}) })
}

func TestForgeRefused(t *testing.T) {
	p, _ := forgePeer(t)
	before := p.Snapshot()
	for i, f := range []memstub.Forgery{
		{Chaincode: ns, Endorsers: orgs(org1, org2), Writes: []memstub.ForgedWrite{{Key: "k", Value: []byte("stolen")}}},
		{Chaincode: ns, Endorsers: orgs(org1, org2), Writes: []memstub.ForgedWrite{{Key: "k", Delete: true}}},
		{Chaincode: ns, Endorsers: orgs(org1, org2), Writes: []memstub.ForgedWrite{{Key: "k", ValidationParameter: keyPolicy(org1)}}},
		{Chaincode: ns, Endorsers: orgs(org1, org2), Writes: []memstub.ForgedWrite{{Key: "k", ValidationParameter: []byte{}}}},
		{Chaincode: ns, Endorsers: orgs(org1, org2), Writes: []memstub.ForgedWrite{{Key: "free", Value: []byte("ok")}, {Key: "k"}}},
		{Chaincode: ns, Endorsers: orgs(org3), Writes: []memstub.ForgedWrite{{Collection: "pdc", Key: "p", Value: []byte("x")}}},
	} {
		res := p.Forge(f)
		assert.Equal(t, memstub.EndorsementPolicyFailure, res.Validation, "forgery %d", i)
		assert.False(t, res.Committed)
		assert.Equal(t, before, p.Snapshot(), "forgery %d changed the ledger", i)
	}
}

func TestForgeValidationParameterOnly(t *testing.T) {
	p, _ := bookPeer(t)
	p.Forge(memstub.Forgery{Chaincode: ns, Writes: []memstub.ForgedWrite{{Key: "k", Value: []byte("v")}}})
	res := p.Forge(memstub.Forgery{Chaincode: ns, Endorsers: orgs(org1), Writes: []memstub.ForgedWrite{{Key: "k", ValidationParameter: keyPolicy(org2)}}})
	require.True(t, res.Committed)
	v, _ := p.State(ns, "k")
	assert.Equal(t, []byte("v"), v, "a parameter-only write keeps the value")
	assert.Equal(t, keyPolicy(org2), p.Ledger("care").ValidationParameter(ns, "k"))
	res = p.Forge(memstub.Forgery{Chaincode: ns, Endorsers: orgs(org2), Writes: []memstub.ForgedWrite{{Key: "k", ValidationParameter: []byte{}}}})
	require.True(t, res.Committed)
	assert.Nil(t, p.Ledger("care").ValidationParameter(ns, "k"), "an empty parameter removes it")
}
