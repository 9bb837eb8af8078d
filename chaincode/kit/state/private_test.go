package state_test

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/state"
)

func TestPrivateGetPutHash(t *testing.T) {
	f := newFixture(t)
	c := consent{ID: "c1", Patient: "p1"}
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		_, err := state.GetPrivate[consent](stub, "pdc", "c1")
		requireCode(t, err, ccerr.CodeNotFound, "")
		_, err = state.PrivateHash(stub, "pdc", "c1")
		requireCode(t, err, ccerr.CodeNotFound, "")
		return state.PutPrivate(stub, "pdc", "c1", c)
	})
	raw, ok := f.peer.PrivateState(ns, "pdc", "c1")
	require.True(t, ok)
	sum := sha256.Sum256(raw)
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		got, err := state.GetPrivate[consent](stub, "pdc", "c1")
		require.NoError(t, err)
		assert.Equal(t, c, got)
		hash, err := state.PrivateHash(stub, "pdc", "c1")
		require.NoError(t, err)
		assert.Equal(t, sum[:], hash)
		_, err = state.GetPrivate[consent](stub, "undefined", "c1")
		requireCode(t, err, ccerr.CodeInternal, "")
		return nil
	})
	f.peer.SetMSP("Org9MSP")
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		_, err := state.GetPrivate[consent](stub, "pdc", "c1")
		requireCode(t, err, ccerr.CodeInternal, "")
		hash, err := state.PrivateHash(stub, "pdc", "c1")
		require.NoError(t, err, "non-members still see hashes")
		assert.Equal(t, sum[:], hash)
		return nil
	})
	f.peer.SetMSP(memstub.DefaultMSP)
	f.tx(func(stub shim.ChaincodeStubInterface) error { return state.DeletePrivate(stub, "pdc", "c1") })
	assert.Len(t, f.peer.Ledger("care").PrivateHistory(ns, "pdc", "c1"), 2)
	f.tx(func(stub shim.ChaincodeStubInterface) error { return state.PurgePrivate(stub, "pdc", "c1") })
	assert.Empty(t, f.peer.Ledger("care").PrivateHistory(ns, "pdc", "c1"))
}

func seedPrivate(f *fixture, n int) {
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		for i := 0; i < n; i++ {
			key, err := state.Key("note", "p1", fmt.Sprintf("n%04d", i))
			require.NoError(f.t, err)
			require.NoError(f.t, state.PutPrivate(stub, "pdc", key, consent{ID: fmt.Sprintf("n%04d", i)}))
		}
		key, err := state.Key("note", "p2", "other")
		require.NoError(f.t, err)
		return state.PutPrivate(stub, "pdc", key, consent{ID: "other"})
	})
}

func TestScanPrivateByPartialKey(t *testing.T) {
	f := newFixture(t)
	seedPrivate(f, 5)
	var got []string
	bookmark := ""
	for calls := 0; ; calls++ {
		require.Less(t, calls, 10)
		f.tx(func(stub shim.ChaincodeStubInterface) error {
			page, err := state.ScanPrivateByPartialKey(stub, "pdc", "note", []string{"p1"}, 2, bookmark)
			require.NoError(t, err)
			for _, r := range page.Records {
				_, attrs, err := state.SplitKey(r.Key)
				require.NoError(t, err)
				got = append(got, attrs[1])
			}
			bookmark = page.Bookmark
			return nil
		})
		if bookmark == "" {
			break
		}
	}
	assert.Equal(t, []string{"n0000", "n0001", "n0002", "n0003", "n0004"}, got)

	f.tx(func(stub shim.ChaincodeStubInterface) error {
		page, err := state.ScanPrivateByPartialKey(stub, "pdc", "note", []string{"p1"}, 0, "")
		require.NoError(t, err)
		assert.Len(t, page.Records, 5)
		assert.Empty(t, page.Bookmark)
		other, err := state.ScanPrivateByPartialKey(stub, "pdc", "note", []string{"p2"}, 10, "")
		require.NoError(t, err)
		require.Len(t, other.Records, 1)
		_, err = state.ScanPrivateByPartialKey(stub, "pdc", "note", []string{"p2"}, 10, page.Bookmark+"x")
		requireCode(t, err, ccerr.CodeInvalidArgument, "bookmark")
		_, err = state.ScanPrivateByPartialKey(stub, "pdc", "note", nil, 1000, "")
		requireCode(t, err, ccerr.CodeInvalidArgument, "pageSize")
		return nil
	})
}

func TestScanPrivateIsBounded(t *testing.T) {
	f := newFixture(t)
	seedPrivate(f, state.MaxPrivateScan+10)
	var deep string
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		bookmark := ""
		for i := 0; i < state.MaxPrivateScan/100-1; i++ {
			page, err := state.ScanPrivateByPartialKey(stub, "pdc", "note", []string{"p1"}, 100, bookmark)
			require.NoError(t, err)
			bookmark = page.Bookmark
		}
		deep = bookmark
		_, err := state.ScanPrivateByPartialKey(stub, "pdc", "note", []string{"p1"}, 100, deep)
		requireCode(t, err, ccerr.CodeFailedPrecondition, "")
		return nil
	})
	require.NotEmpty(t, deep)
}

func TestScanPrivateInWritingTransaction(t *testing.T) {
	f := newFixture(t)
	seedPrivate(f, 1)
	res := f.peer.Run(ns, f.id, at(70), func(stub shim.ChaincodeStubInterface) error {
		if err := state.PutPrivate(stub, "pdc", "x", consent{}); err != nil {
			return err
		}
		_, err := state.ScanPrivateByPartialKey(stub, "pdc", "note", nil, 10, "")
		return err
	})
	assert.False(t, res.Committed)
	assert.Contains(t, res.Message, "Queries on pvt data is supported only in a read-only transaction")
}

// A private list of simple keys pages from its bookmark to any length:
// 2,500 entries (past MaxPrivateScan), 100 a page, every key once and in
// order, none of a neighbouring prefix; a bookmark of another list is
// refused, and so are a composite prefix and an empty one.
func TestPagePrivateByPrefix(t *testing.T) {
	f := newFixture(t)
	const n = 2500
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		for i := range n {
			require.NoError(t, state.PutPrivate(stub, "pdc", fmt.Sprintf("flag.A/%05d", i), consent{ID: fmt.Sprint(i)}))
		}
		require.NoError(t, state.PutPrivate(stub, "pdc", "flag.A0/x", consent{ID: "neighbour"}))
		return state.PutPrivate(stub, "pdc", "flag.B/x", consent{ID: "other"})
	})
	var got []string
	bookmark, pages := "", 0
	for ; ; pages++ {
		require.Less(t, pages, n/100+1)
		f.tx(func(stub shim.ChaincodeStubInterface) error {
			page, err := state.PagePrivateByPrefix(stub, "pdc", "flag.A/", 100, bookmark)
			require.NoError(t, err)
			for _, r := range page.Records {
				got = append(got, r.Key)
			}
			bookmark = page.Bookmark
			return nil
		})
		if bookmark == "" {
			break
		}
	}
	require.Len(t, got, n)
	for i, k := range got {
		require.Equal(t, fmt.Sprintf("flag.A/%05d", i), k)
	}
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		page, err := state.PagePrivateByPrefix(stub, "pdc", "flag.A/", 1, "")
		require.NoError(t, err)
		_, err = state.PagePrivateByPrefix(stub, "pdc", "flag.B/", 1, page.Bookmark)
		requireCode(t, err, ccerr.CodeInvalidArgument, "bookmark")
		_, err = state.PagePrivateByPrefix(stub, "pdc", "\x00note\x00", 1, "")
		requireCode(t, err, ccerr.CodeInternal, "")
		_, err = state.PagePrivateByPrefix(stub, "pdc", "", 1, "")
		requireCode(t, err, ccerr.CodeInternal, "")
		_, err = state.PagePrivateByPrefix(stub, "pdc", "flag.A/", 101, "")
		requireCode(t, err, ccerr.CodeInvalidArgument, "pageSize")
		return nil
	})
}
