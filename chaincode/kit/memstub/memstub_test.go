package memstub_test

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

const ns = "kv"

// at returns a distinct, deterministic transaction time.
func at(n int) time.Time { return time.Date(2024, 5, 1, 12, 0, n, 0, time.UTC) }

func newPeer(t *testing.T) (*memstub.Peer, *memstub.Identity) {
	t.Helper()
	return memstub.NewPeer("care"), memstub.NewIdentity("Org1MSP", "alice", map[string]string{"role": "clerk"})
}

// run executes fn and requires it to commit.
func run(t *testing.T, p *memstub.Peer, id *memstub.Identity, n int, fn func(shim.ChaincodeStubInterface) error) memstub.Result {
	t.Helper()
	res := p.Run(ns, id, at(n), fn)
	require.True(t, res.Committed, "status %d: %s", res.Status, res.Message)
	return res
}

func keysOf(t *testing.T, it shim.StateQueryIteratorInterface) []string {
	t.Helper()
	var keys []string
	for it.HasNext() {
		kv, err := it.Next()
		require.NoError(t, err)
		keys = append(keys, kv.GetKey())
	}
	require.NoError(t, it.Close())
	_, err := it.Next()
	require.Error(t, err, "Next past the end fails like the shim")
	return keys
}

func TestNoReadYourWrites(t *testing.T) {
	p, id := newPeer(t)
	run(t, p, id, 1, func(stub shim.ChaincodeStubInterface) error {
		require.NoError(t, stub.PutState("k", []byte("v1")))
		got, err := stub.GetState("k")
		require.NoError(t, err)
		assert.Nil(t, got, "uncommitted write is not visible")
		return nil
	})
	run(t, p, id, 2, func(stub shim.ChaincodeStubInterface) error {
		got, err := stub.GetState("k")
		require.NoError(t, err)
		assert.Equal(t, []byte("v1"), got)
		require.NoError(t, stub.PutState("k", []byte("v2")))
		got, err = stub.GetState("k")
		require.NoError(t, err)
		assert.Equal(t, []byte("v1"), got, "still the committed value")
		multi, err := stub.GetMultipleStates("k", "missing")
		require.NoError(t, err)
		assert.Equal(t, [][]byte{[]byte("v1"), nil}, multi)
		return nil
	})
	v, ok := p.State(ns, "k")
	require.True(t, ok)
	assert.Equal(t, []byte("v2"), v)
	assert.Equal(t, uint64(2), p.Ledger("care").Height())
}

func TestFailedTransactionChangesNothing(t *testing.T) {
	p, id := newPeer(t)
	p.DefineCollections(ns, memstub.Collection{Name: "pdc", Members: []string{"Org1MSP"}})
	run(t, p, id, 1, func(stub shim.ChaincodeStubInterface) error {
		require.NoError(t, stub.PutState("k", []byte("v1")))
		return stub.PutPrivateData("pdc", "p", []byte("secret"))
	})
	before := p.Snapshot()

	tests := []struct {
		name string
		run  func() memstub.Result
	}{
		{"error from Run", func() memstub.Result {
			return p.Run(ns, id, at(2), func(stub shim.ChaincodeStubInterface) error {
				require.NoError(t, stub.PutState("k", []byte("v2")))
				require.NoError(t, stub.DelState("other"))
				require.NoError(t, stub.PutPrivateData("pdc", "p", []byte("changed")))
				require.NoError(t, stub.PurgePrivateData("pdc", "p"))
				require.NoError(t, stub.SetStateValidationParameter("k", []byte("policy")))
				require.NoError(t, stub.SetEvent("kv", []byte("x")))
				return fmt.Errorf("INVALID_ARGUMENT: nope")
			})
		}},
		{"status 400", func() memstub.Result {
			p.Install("bad", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
				_ = stub.PutState("k", []byte("v3"))
				_ = stub.SetEvent("bad", nil)
				return &pb.Response{Status: 400, Message: "bad request"}
			}))
			return p.Invoke("bad", id, at(3), nil, "any")
		}},
		{"evaluate", func() memstub.Result {
			p.Install("writer", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
				_ = stub.PutState("k", []byte("v4"))
				return shim.Success([]byte("done"))
			}))
			res := p.Query("writer", id, at(4), "any")
			assert.Equal(t, []byte("done"), res.Payload)
			return res
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.run()
			assert.False(t, res.Committed)
			assert.Nil(t, res.Event)
			assert.Equal(t, before, p.Snapshot())
		})
	}
	res := p.Run(ns, id, at(5), func(shim.ChaincodeStubInterface) error { return fmt.Errorf("NOT_FOUND: x") })
	assert.Equal(t, int32(500), res.Status)
	assert.Equal(t, "NOT_FOUND: x", res.Message)
	assert.EqualError(t, res.Err(), "NOT_FOUND: x")
}

func TestEmptyValueDeletes(t *testing.T) {
	p, id := newPeer(t)
	run(t, p, id, 1, func(stub shim.ChaincodeStubInterface) error { return stub.PutState("k", []byte("v")) })
	run(t, p, id, 2, func(stub shim.ChaincodeStubInterface) error { return stub.PutState("k", []byte{}) })
	_, ok := p.State(ns, "k")
	assert.False(t, ok)
	h := p.History(ns, "k")
	require.Len(t, h, 2)
	assert.True(t, h[0].IsDelete)

	res := p.Run(ns, id, at(3), func(stub shim.ChaincodeStubInterface) error { return stub.PutState("", []byte("v")) })
	assert.Equal(t, "key must not be an empty string", res.Message)
}

func TestLastWriteInTransactionWins(t *testing.T) {
	p, id := newPeer(t)
	run(t, p, id, 1, func(stub shim.ChaincodeStubInterface) error {
		require.NoError(t, stub.PutState("a", []byte("1")))
		require.NoError(t, stub.DelState("a"))
		require.NoError(t, stub.DelState("b"))
		return stub.PutState("b", []byte("2"))
	})
	_, ok := p.State(ns, "a")
	assert.False(t, ok)
	v, _ := p.State(ns, "b")
	assert.Equal(t, []byte("2"), v)
	assert.Len(t, p.History(ns, "b"), 1, "one history entry per key and transaction")
}

func seedRange(t *testing.T, p *memstub.Peer, id *memstub.Identity) {
	run(t, p, id, 1, func(stub shim.ChaincodeStubInterface) error {
		for _, k := range []string{"b", "a", "c", "\x01edge"} {
			require.NoError(t, stub.PutState(k, []byte(k)))
		}
		for _, owner := range []string{"o1", "o2"} {
			for _, id := range []string{"r3", "r1", "r2"} {
				key, err := stub.CreateCompositeKey("rec", []string{owner, id})
				require.NoError(t, err)
				require.NoError(t, stub.PutState(key, []byte(owner+id)))
			}
		}
		other, err := stub.CreateCompositeKey("recx", []string{"o1"})
		require.NoError(t, err)
		return stub.PutState(other, []byte{1})
	})
}

func TestRangeQueries(t *testing.T) {
	p, id := newPeer(t)
	seedRange(t, p, id)
	ck := func(attrs ...string) string {
		k, err := shim.CreateCompositeKey("rec", attrs)
		require.NoError(t, err)
		return k
	}
	tests := []struct {
		name  string
		query func(shim.ChaincodeStubInterface) (shim.StateQueryIteratorInterface, error)
		want  []string
	}{
		{"unbounded range excludes composite keys", func(s shim.ChaincodeStubInterface) (shim.StateQueryIteratorInterface, error) {
			return s.GetStateByRange("", "")
		}, []string{"\x01edge", "a", "b", "c"}},
		{"bounded range", func(s shim.ChaincodeStubInterface) (shim.StateQueryIteratorInterface, error) {
			return s.GetStateByRange("a", "c")
		}, []string{"a", "b"}},
		{"partial key by owner", func(s shim.ChaincodeStubInterface) (shim.StateQueryIteratorInterface, error) {
			return s.GetStateByPartialCompositeKey("rec", []string{"o1"})
		}, []string{ck("o1", "r1"), ck("o1", "r2"), ck("o1", "r3")}},
		{"partial key by type does not match longer type", func(s shim.ChaincodeStubInterface) (shim.StateQueryIteratorInterface, error) {
			return s.GetStateByPartialCompositeKey("rec", nil)
		}, []string{ck("o1", "r1"), ck("o1", "r2"), ck("o1", "r3"), ck("o2", "r1"), ck("o2", "r2"), ck("o2", "r3")}},
		{"no match", func(s shim.ChaincodeStubInterface) (shim.StateQueryIteratorInterface, error) {
			return s.GetStateByPartialCompositeKey("rec", []string{"o9"})
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, p, id, 2, func(stub shim.ChaincodeStubInterface) error {
				it, err := tt.query(stub)
				require.NoError(t, err)
				assert.Equal(t, tt.want, keysOf(t, it))
				return nil
			})
		})
	}
	run(t, p, id, 3, func(stub shim.ChaincodeStubInterface) error {
		_, err := stub.GetStateByRange(ck("o1"), "")
		assert.ErrorContains(t, err, "null character")
		_, err = stub.GetStateByPartialCompositeKey("rec", []string{"a\x00b"})
		assert.Error(t, err)
		it, err := stub.GetStateByRange("a", "")
		require.NoError(t, err)
		kv, err := it.Next()
		require.NoError(t, err)
		assert.Equal(t, ns, kv.GetNamespace())
		assert.Equal(t, []byte("a"), kv.GetValue())
		return nil
	})
}

func TestTotalQueryLimit(t *testing.T) {
	p := memstub.NewPeer("care", memstub.WithTotalQueryLimit(2))
	id := memstub.NewIdentity("Org1MSP", "alice", nil)
	seedRange(t, p, id)
	run(t, p, id, 2, func(stub shim.ChaincodeStubInterface) error {
		it, err := stub.GetStateByRange("", "")
		require.NoError(t, err)
		assert.Equal(t, []string{"\x01edge", "a"}, keysOf(t, it))
		return nil
	})
}

func TestPagination(t *testing.T) {
	p, id := newPeer(t)
	seedRange(t, p, id)
	ck := func(owner, rec string) string {
		k, err := shim.CreateCompositeKey("rec", []string{owner, rec})
		require.NoError(t, err)
		return k
	}
	type page struct {
		keys     []string
		bookmark string
	}
	pages := func(stub shim.ChaincodeStubInterface, size int32, fetch func(bookmark string) (shim.StateQueryIteratorInterface, *pb.QueryResponseMetadata, error)) []page {
		var out []page
		bookmark := ""
		for i := 0; i < 10; i++ {
			it, meta, err := fetch(bookmark)
			require.NoError(t, err)
			keys := keysOf(t, it)
			assert.Equal(t, int32(len(keys)), meta.GetFetchedRecordsCount())
			out = append(out, page{keys, meta.GetBookmark()})
			if meta.GetBookmark() == "" {
				return out
			}
			bookmark = meta.GetBookmark()
		}
		t.Fatal("pagination did not end")
		return nil
	}
	res := p.Query(ns, id, at(2), "x") // not installed
	assert.Equal(t, int32(500), res.Status)

	run(t, p, id, 2, func(stub shim.ChaincodeStubInterface) error {
		got := pages(stub, 2, func(b string) (shim.StateQueryIteratorInterface, *pb.QueryResponseMetadata, error) {
			return stub.GetStateByPartialCompositeKeyWithPagination("rec", []string{"o1"}, 2, b)
		})
		assert.Equal(t, []page{
			{[]string{ck("o1", "r1"), ck("o1", "r2")}, ck("o1", "r3")},
			{[]string{ck("o1", "r3")}, ""},
		}, got)

		got = pages(stub, 3, func(b string) (shim.StateQueryIteratorInterface, *pb.QueryResponseMetadata, error) {
			return stub.GetStateByPartialCompositeKeyWithPagination("rec", []string{"o1"}, 3, b)
		})
		assert.Equal(t, []page{{[]string{ck("o1", "r1"), ck("o1", "r2"), ck("o1", "r3")}, ""}}, got, "exact fit has no bookmark")

		got = pages(stub, 3, func(b string) (shim.StateQueryIteratorInterface, *pb.QueryResponseMetadata, error) {
			return stub.GetStateByRangeWithPagination("", "", 3, b)
		})
		assert.Equal(t, []page{{[]string{"\x01edge", "a", "b"}, "c"}, {[]string{"c"}, ""}}, got)

		it, meta, err := stub.GetAllStatesCompositeKeyWithPagination(100, "")
		require.NoError(t, err)
		assert.Len(t, keysOf(t, it), 7)
		assert.Equal(t, "", meta.GetBookmark())
		return nil
	})
	run(t, p, id, 3, func(stub shim.ChaincodeStubInterface) error {
		it, meta, err := stub.GetStateByPartialCompositeKeyWithPagination("rec", nil, 0, "")
		require.NoError(t, err)
		assert.Len(t, keysOf(t, it), 6, "no page size and no bookmark is an ordinary query")
		assert.Equal(t, int32(0), meta.GetFetchedRecordsCount())
		assert.Equal(t, "", meta.GetBookmark())
		return stub.PutState("allowed", []byte("after an unpaginated query"))
	})
}

func TestReadOnlyTransactionRules(t *testing.T) {
	p, id := newPeer(t)
	p.DefineCollections(ns, memstub.Collection{Name: "pdc", Members: []string{"Org1MSP"}})
	tests := []struct {
		name string
		fn   func(stub shim.ChaincodeStubInterface) error
		want string
	}{
		{"paginated query after write", func(stub shim.ChaincodeStubInterface) error {
			require.NoError(t, stub.PutState("k", []byte("v")))
			_, _, err := stub.GetStateByRangeWithPagination("", "", 10, "")
			return err
		}, "Paginated queries are supported only in a read-only transaction"},
		{"write after paginated query", func(stub shim.ChaincodeStubInterface) error {
			_, _, err := stub.GetStateByPartialCompositeKeyWithPagination("rec", nil, 10, "")
			require.NoError(t, err)
			return stub.PutState("k", []byte("v"))
		}, "Transaction has already performed a paginated query. Writes are not allowed"},
		{"private range after write", func(stub shim.ChaincodeStubInterface) error {
			require.NoError(t, stub.PutPrivateData("pdc", "k", []byte("v")))
			_, err := stub.GetPrivateDataByRange("pdc", "", "")
			return err
		}, "Queries on pvt data is supported only in a read-only transaction"},
		{"write after private partial key query", func(stub shim.ChaincodeStubInterface) error {
			_, err := stub.GetPrivateDataByPartialCompositeKey("pdc", "rec", nil)
			require.NoError(t, err)
			return stub.DelState("k")
		}, "Transaction has already performed queries on pvt data. Writes are not allowed"},
		{"rich query", func(stub shim.ChaincodeStubInterface) error {
			_, err := stub.GetQueryResult(`{"selector":{}}`)
			return err
		}, "ExecuteQuery not supported for leveldb"},
		{"paginated rich query", func(stub shim.ChaincodeStubInterface) error {
			_, _, err := stub.GetQueryResultWithPagination(`{"selector":{}}`, 10, "")
			return err
		}, "ExecuteQueryWithMetadata not supported for leveldb"},
		{"private rich query", func(stub shim.ChaincodeStubInterface) error {
			_, err := stub.GetPrivateDataQueryResult("pdc", `{"selector":{}}`)
			return err
		}, "ExecuteQuery not supported for leveldb"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := p.Run(ns, id, at(i), tt.fn)
			assert.False(t, res.Committed)
			assert.Contains(t, res.Message, tt.want)
			assert.Contains(t, res.Message, "transaction ID: "+res.TxID, "errors carry the peer handler's prefix")
		})
	}
	assert.Empty(t, p.Keys(ns))
}

func TestHistory(t *testing.T) {
	p, id := newPeer(t)
	r1 := run(t, p, id, 1, func(stub shim.ChaincodeStubInterface) error { return stub.PutState("k", []byte("v1")) })
	r2 := run(t, p, id, 2, func(stub shim.ChaincodeStubInterface) error { return stub.PutState("k", []byte("v2")) })
	r3 := run(t, p, id, 3, func(stub shim.ChaincodeStubInterface) error { return stub.DelState("k") })
	want := []memstub.HistoryEntry{
		{TxID: r3.TxID, Timestamp: at(3), IsDelete: true},
		{TxID: r2.TxID, Timestamp: at(2), Value: []byte("v2")},
		{TxID: r1.TxID, Timestamp: at(1), Value: []byte("v1")},
	}
	assert.Equal(t, want, p.History(ns, "k"))
	run(t, p, id, 4, func(stub shim.ChaincodeStubInterface) error {
		it, err := stub.GetHistoryForKey("k")
		require.NoError(t, err)
		var got []memstub.HistoryEntry
		for it.HasNext() {
			m, err := it.Next()
			require.NoError(t, err)
			got = append(got, memstub.HistoryEntry{TxID: m.GetTxId(), Timestamp: m.GetTimestamp().AsTime(), IsDelete: m.GetIsDelete(), Value: m.GetValue()})
		}
		require.NoError(t, it.Close())
		assert.Equal(t, want, got)
		return nil
	})
	assert.NotEqual(t, r1.TxID, r2.TxID)
}

func TestPrivateData(t *testing.T) {
	p, id := newPeer(t)
	p.DefineCollections(ns,
		memstub.Collection{Name: "org1", Members: []string{"Org1MSP"}},
		memstub.Collection{Name: "strict", Members: []string{"Org1MSP"}, MemberOnlyRead: true, MemberOnlyWrite: true},
	)
	org2 := memstub.NewIdentity("Org2MSP", "bob", nil)
	r1 := run(t, p, id, 1, func(stub shim.ChaincodeStubInterface) error {
		require.NoError(t, stub.PutPrivateData("org1", "a", []byte("alpha")))
		require.NoError(t, stub.PutPrivateData("org1", "b", []byte("beta")))
		got, err := stub.GetPrivateData("org1", "a")
		require.NoError(t, err)
		assert.Nil(t, got, "no read-your-writes for private data either")
		return nil
	})
	sum := sha256.Sum256([]byte("alpha"))
	v, ok := p.PrivateState(ns, "org1", "a")
	require.True(t, ok)
	assert.Equal(t, []byte("alpha"), v)
	h, ok := p.PrivateHash(ns, "org1", "a")
	require.True(t, ok)
	assert.Equal(t, sum[:], h)
	_, ok = p.State(ns, "a")
	assert.False(t, ok, "private data is not in the world state")

	run(t, p, id, 2, func(stub shim.ChaincodeStubInterface) error {
		got, err := stub.GetPrivateData("org1", "a")
		require.NoError(t, err)
		assert.Equal(t, []byte("alpha"), got)
		multi, err := stub.GetMultiplePrivateData("org1", "a", "zz")
		require.NoError(t, err)
		assert.Equal(t, [][]byte{[]byte("alpha"), nil}, multi)
		hash, err := stub.GetPrivateDataHash("org1", "a")
		require.NoError(t, err)
		assert.Equal(t, sum[:], hash)
		it, err := stub.GetPrivateDataByRange("org1", "", "")
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "b"}, keysOf(t, it))
		return nil
	})

	t.Run("peer of a non-member org", func(t *testing.T) {
		p.SetMSP("Org2MSP")
		defer p.SetMSP("Org1MSP")
		run(t, p, org2, 3, func(stub shim.ChaincodeStubInterface) error {
			_, err := stub.GetPrivateData("org1", "a")
			assert.ErrorContains(t, err, "private data matching public hash version is not available")
			got, err := stub.GetPrivateData("org1", "missing")
			require.NoError(t, err)
			assert.Nil(t, got)
			hash, err := stub.GetPrivateDataHash("org1", "a")
			require.NoError(t, err)
			assert.Equal(t, sum[:], hash, "hashes are on every peer")
			it, err := stub.GetPrivateDataByRange("org1", "", "")
			require.NoError(t, err)
			assert.Empty(t, keysOf(t, it))
			return nil
		})
		run(t, p, org2, 4, func(stub shim.ChaincodeStubInterface) error {
			return stub.PutPrivateData("org1", "c", []byte("written by a non-member peer"))
		})
	})

	tests := []struct {
		name string
		fn   func(stub shim.ChaincodeStubInterface) error
		want string
	}{
		{"member-only read", func(stub shim.ChaincodeStubInterface) error {
			_, err := stub.GetPrivateData("strict", "a")
			return err
		}, "tx creator does not have read access permission on privatedata in chaincodeName:kv collectionName: strict"},
		{"member-only write", func(stub shim.ChaincodeStubInterface) error {
			return stub.PutPrivateData("strict", "a", []byte("x"))
		}, "tx creator does not have write access permission"},
		{"unknown collection", func(stub shim.ChaincodeStubInterface) error {
			_, err := stub.GetPrivateData("nope", "a")
			return err
		}, "collection [nope] not defined in the collection config for chaincode [kv]"},
		{"empty collection", func(stub shim.ChaincodeStubInterface) error {
			return stub.PutPrivateData("", "a", []byte("x"))
		}, "collection must not be an empty string"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := p.Run(ns, org2, at(10+i), tt.fn)
			assert.False(t, res.Committed)
			assert.Contains(t, res.Message, tt.want)
		})
	}
	res := p.Run("other", id, at(20), func(stub shim.ChaincodeStubInterface) error {
		_, err := stub.GetPrivateData("org1", "a")
		return err
	})
	assert.Contains(t, res.Message, "collection config not defined for chaincode [other]")

	t.Run("delete keeps history, purge erases it", func(t *testing.T) {
		r := run(t, p, id, 30, func(stub shim.ChaincodeStubInterface) error {
			require.NoError(t, stub.DelPrivateData("org1", "a"))
			return stub.PurgePrivateData("org1", "b")
		})
		_, ok := p.PrivateState(ns, "org1", "a")
		assert.False(t, ok)
		_, ok = p.PrivateHash(ns, "org1", "a")
		assert.False(t, ok)
		hist := p.Ledger("care").PrivateHistory(ns, "org1", "a")
		require.Len(t, hist, 2)
		assert.Equal(t, memstub.HistoryEntry{TxID: r.TxID, Timestamp: at(30), IsDelete: true}, hist[0])
		assert.Equal(t, r1.TxID, hist[1].TxID)
		assert.Equal(t, sum[:], hist[1].Hash)

		for _, get := range []func() bool{
			func() bool { _, ok := p.PrivateState(ns, "org1", "b"); return ok },
			func() bool { _, ok := p.PrivateHash(ns, "org1", "b"); return ok },
		} {
			assert.False(t, get())
		}
		assert.Empty(t, p.Ledger("care").PrivateHistory(ns, "org1", "b"))
		assert.Equal(t, []string{"c"}, p.Ledger("care").PrivateKeys(ns, "org1"))
	})
}

func TestValidationParameters(t *testing.T) {
	p, id := newPeer(t)
	run(t, p, id, 1, func(stub shim.ChaincodeStubInterface) error {
		require.NoError(t, stub.PutState("k", []byte("v")))
		require.NoError(t, stub.SetStateValidationParameter("k", []byte("ep1")))
		return stub.SetStateValidationParameter("ghost", []byte("ep"))
	})
	l := p.Ledger("care")
	assert.Equal(t, []byte("ep1"), l.ValidationParameter(ns, "k"))
	assert.Nil(t, l.ValidationParameter(ns, "ghost"), "a parameter for a missing key is ignored")
	_, ok := p.State(ns, "ghost")
	assert.False(t, ok)

	run(t, p, id, 2, func(stub shim.ChaincodeStubInterface) error {
		ep, err := stub.GetStateValidationParameter("k")
		require.NoError(t, err)
		assert.Equal(t, []byte("ep1"), ep)
		return stub.PutState("k", []byte("v2"))
	})
	assert.Equal(t, []byte("ep1"), l.ValidationParameter(ns, "k"), "a value update keeps the parameter")
	run(t, p, id, 3, func(stub shim.ChaincodeStubInterface) error {
		return stub.SetStateValidationParameter("k", []byte("ep2"))
	})
	assert.Equal(t, []byte("ep2"), l.ValidationParameter(ns, "k"))
	assert.Len(t, p.History(ns, "k"), 2, "parameter writes are not history")
	run(t, p, id, 4, func(stub shim.ChaincodeStubInterface) error { return stub.DelState("k") })
	assert.Nil(t, l.ValidationParameter(ns, "k"), "a delete removes the parameter")

	p.DefineCollections(ns, memstub.Collection{Name: "pdc", Members: []string{"Org1MSP"}})
	run(t, p, id, 5, func(stub shim.ChaincodeStubInterface) error {
		require.NoError(t, stub.PutPrivateData("pdc", "k", []byte("v")))
		return stub.SetPrivateDataValidationParameter("pdc", "k", []byte("pep"))
	})
	run(t, p, id, 6, func(stub shim.ChaincodeStubInterface) error {
		ep, err := stub.GetPrivateDataValidationParameter("pdc", "k")
		require.NoError(t, err)
		assert.Equal(t, []byte("pep"), ep)
		return nil
	})
	assert.Equal(t, []byte("pep"), l.PrivateValidationParameter(ns, "pdc", "k"))
}

func TestProposalData(t *testing.T) {
	p, id := newPeer(t)
	transient := map[string][]byte{"secret": []byte("s3cr3t")}
	var seen struct {
		txID      string
		channel   string
		creator   []byte
		transient map[string][]byte
		binding   []byte
		fn        string
		params    []string
		argsSlice []byte
		signed    *pb.SignedProposal
		ts        time.Time
	}
	p.Install("probe", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		seen.txID = stub.GetTxID()
		seen.channel = stub.GetChannelID()
		seen.creator, _ = stub.GetCreator()
		seen.transient, _ = stub.GetTransient()
		seen.binding, _ = stub.GetBinding()
		seen.fn, seen.params = stub.GetFunctionAndParameters()
		seen.argsSlice, _ = stub.GetArgsSlice()
		seen.signed, _ = stub.GetSignedProposal()
		ts, err := stub.GetTxTimestamp()
		require.NoError(t, err)
		seen.ts = ts.AsTime()
		return shim.Success(nil)
	}))
	res := p.Invoke("probe", id, at(7), transient, "fn", "a", "b")
	require.True(t, res.Committed)
	assert.Equal(t, res.TxID, seen.txID)
	assert.Len(t, seen.txID, 64)
	assert.Equal(t, "care", seen.channel)
	assert.Equal(t, transient, seen.transient)
	assert.Len(t, seen.binding, 32)
	assert.Equal(t, "fn", seen.fn)
	assert.Equal(t, []string{"a", "b"}, seen.params)
	assert.Equal(t, []byte("fnab"), seen.argsSlice)
	assert.Equal(t, at(7), seen.ts)

	var sid msp.SerializedIdentity
	require.NoError(t, proto.Unmarshal(seen.creator, &sid))
	assert.Equal(t, "Org1MSP", sid.GetMspid())
	assert.Equal(t, id.CertPEM, sid.GetIdBytes())

	var prop pb.Proposal
	require.NoError(t, proto.Unmarshal(seen.signed.GetProposalBytes(), &prop))
	var hdr common.Header
	require.NoError(t, proto.Unmarshal(prop.GetHeader(), &hdr))
	var chdr common.ChannelHeader
	require.NoError(t, proto.Unmarshal(hdr.GetChannelHeader(), &chdr))
	assert.Equal(t, res.TxID, chdr.GetTxId())
	assert.Equal(t, "care", chdr.GetChannelId())
	assert.Equal(t, at(7), chdr.GetTimestamp().AsTime())
	var payload pb.ChaincodeProposalPayload
	require.NoError(t, proto.Unmarshal(prop.GetPayload(), &payload))
	assert.Equal(t, transient, payload.GetTransientMap())

	again := p.Invoke("probe", id, at(8), nil, "fn")
	assert.NotEqual(t, res.TxID, again.TxID, "every transaction gets a new id")

	dup := p.Submit(memstub.Tx{Chaincode: "probe", Identity: id, Time: at(9), Args: [][]byte{[]byte("fn")}, TxID: res.TxID})
	assert.False(t, dup.Committed)
	assert.Contains(t, dup.Message, "duplicate transaction found")

	missing := p.Invoke("nope", id, at(9), nil, "fn")
	assert.Equal(t, int32(500), missing.Status)
	assert.Contains(t, missing.Message, "chaincode nope not found")
}

func TestEvents(t *testing.T) {
	p, id := newPeer(t)
	p.Install("ev", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		require.Error(t, stub.SetEvent("", []byte("x")))
		require.NoError(t, stub.SetEvent("first", []byte("1")))
		require.NoError(t, stub.SetEvent("second", []byte("2")))
		return shim.Success(nil)
	}))
	res := p.Invoke("ev", id, at(1), nil, "go")
	require.True(t, res.Committed)
	assert.Equal(t, &memstub.Event{Name: "second", Payload: []byte("2")}, res.Event, "the last event wins")

	quiet := p.Run(ns, id, at(2), func(shim.ChaincodeStubInterface) error { return nil })
	assert.Nil(t, quiet.Event)
}

func TestInitRefusesPrivateData(t *testing.T) {
	p, id := newPeer(t)
	cc := memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		if err := stub.PutPrivateData("pdc", "k", []byte("v")); err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success(nil)
	})
	p.Install("init", cc, memstub.WithCollections(memstub.Collection{Name: "pdc", Members: []string{"Org1MSP"}}))
	res := p.Submit(memstub.Tx{Chaincode: "init", Identity: id, Time: at(1), Args: [][]byte{[]byte("Init")}, Init: true})
	assert.Contains(t, res.Message, "private data APIs are not allowed in chaincode Init()")
	assert.True(t, p.Invoke("init", id, at(2), nil, "Invoke").Committed)
}

func TestCompositeKeys(t *testing.T) {
	p, id := newPeer(t)
	run(t, p, id, 1, func(stub shim.ChaincodeStubInterface) error {
		key, err := stub.CreateCompositeKey("consent", []string{"p1", "c1"})
		require.NoError(t, err)
		assert.Equal(t, "\x00consent\x00p1\x00c1\x00", key)
		typ, attrs, err := stub.SplitCompositeKey(key)
		require.NoError(t, err)
		assert.Equal(t, "consent", typ)
		assert.Equal(t, []string{"p1", "c1"}, attrs)
		_, _, err = stub.SplitCompositeKey("plain")
		assert.Error(t, err)
		_, err = stub.CreateCompositeKey("consent", []string{"bad\U0010FFFF"})
		assert.Error(t, err)
		return nil
	})
}
