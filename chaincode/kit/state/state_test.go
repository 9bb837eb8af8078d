package state_test

import (
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/state"
)

const ns = "records"

type consent struct {
	ID      string            `json:"id"`
	Patient string            `json:"patient"`
	Tags    map[string]string `json:"tags,omitempty"`
}

func at(n int) time.Time { return time.Date(2024, 5, 1, 12, 0, n, 0, time.UTC) }

type fixture struct {
	t    *testing.T
	peer *memstub.Peer
	id   *memstub.Identity
	n    int
}

func newFixture(t *testing.T) *fixture {
	p := memstub.NewPeer("care")
	p.DefineCollections(ns, memstub.Collection{Name: "pdc", Members: []string{memstub.DefaultMSP}})
	return &fixture{t: t, peer: p, id: memstub.NewIdentity(memstub.DefaultMSP, "alice", nil)}
}

// tx runs fn in a transaction and requires it to commit.
func (f *fixture) tx(fn func(stub shim.ChaincodeStubInterface) error) memstub.Result {
	f.t.Helper()
	f.n++
	res := f.peer.Run(ns, f.id, at(f.n), fn)
	require.True(f.t, res.Committed, "status %d: %s", res.Status, res.Message)
	return res
}

func requireCode(t *testing.T, err error, code ccerr.Code, field string) *ccerr.Error {
	t.Helper()
	var e *ccerr.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, code, e.Code)
	assert.Equal(t, field, e.Field)
	return e
}

func TestGetPutExistsDelete(t *testing.T) {
	f := newFixture(t)
	c := consent{ID: "c1", Patient: "p1", Tags: map[string]string{"z": "1", "a": "2"}}
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		_, err := state.Get[consent](stub, "consent-c1")
		e := requireCode(t, err, ccerr.CodeNotFound, "")
		assert.Equal(t, `"consent-c1" not found`, e.Message)
		_, found, err := state.GetOptional[consent](stub, "consent-c1")
		require.NoError(t, err)
		assert.False(t, found)
		ok, err := state.Exists(stub, "consent-c1")
		require.NoError(t, err)
		assert.False(t, ok)
		return state.Put(stub, "consent-c1", c)
	})
	raw, ok := f.peer.State(ns, "consent-c1")
	require.True(t, ok)
	assert.Equal(t, `{"id":"c1","patient":"p1","tags":{"a":"2","z":"1"}}`, string(raw), "deterministic JSON with sorted map keys")
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		got, err := state.Get[consent](stub, "consent-c1")
		require.NoError(t, err)
		assert.Equal(t, c, got)
		ptr, err := state.Get[*consent](stub, "consent-c1")
		require.NoError(t, err)
		assert.Equal(t, &c, ptr)
		ok, err := state.Exists(stub, "consent-c1")
		require.NoError(t, err)
		assert.True(t, ok)
		return state.Delete(stub, "consent-c1")
	})
	_, ok = f.peer.State(ns, "consent-c1")
	assert.False(t, ok)
}

func TestGetCorruptRecord(t *testing.T) {
	f := newFixture(t)
	f.tx(func(stub shim.ChaincodeStubInterface) error { return stub.PutState("bad", []byte("{not json")) })
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		_, err := state.Get[consent](stub, "bad")
		requireCode(t, err, ccerr.CodeInternal, "")
		return nil
	})
	res := f.peer.Run(ns, f.id, at(99), func(stub shim.ChaincodeStubInterface) error {
		return state.Put(stub, "k", func() {})
	})
	assert.False(t, res.Committed)
	assert.Equal(t, ccerr.CodeInternal, ccerr.CodeOf(res.Err()))
}

func TestKeys(t *testing.T) {
	tests := []struct {
		name    string
		typ     string
		attrs   []string
		want    string
		wantErr bool
	}{
		{"type only", "consent", nil, "\x00consent\x00", false},
		{"with attrs", "consent~patient", []string{"p1", "c1"}, "\x00consent~patient\x00p1\x00c1\x00", false},
		{"empty type", "", []string{"x"}, "", true},
		{"nul in attr", "consent", []string{"p\x00"}, "", true},
		{"max rune in attr", "consent", []string{"p\U0010FFFF"}, "", true},
		{"invalid utf8", "consent", []string{"\xff"}, "", true},
		{"nul in type", "con\x00sent", nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := state.Key(tt.typ, tt.attrs...)
			if tt.wantErr {
				e := requireCode(t, err, ccerr.CodeInvalidArgument, "key")
				for _, a := range tt.attrs {
					assert.NotContains(t, e.Message, a)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, key)
			typ, attrs, err := state.SplitKey(key)
			require.NoError(t, err)
			assert.Equal(t, tt.typ, typ)
			assert.Equal(t, len(tt.attrs), len(attrs))
		})
	}
	_, _, err := state.SplitKey("plain")
	requireCode(t, err, ccerr.CodeInvalidArgument, "key")
	assert.Equal(t, "consent~patient/p1/c1", state.DisplayKey("\x00consent~patient\x00p1\x00c1\x00"))
	assert.Equal(t, `"plain"`, state.DisplayKey("plain"))
}

func TestPageSize(t *testing.T) {
	tests := []struct {
		in   int32
		want int32
		ok   bool
	}{
		{0, state.DefaultPageSize, true},
		{1, 1, true},
		{100, 100, true},
		{101, 0, false},
		{-1, 0, false},
	}
	for _, tt := range tests {
		got, err := state.PageSize(tt.in)
		if !tt.ok {
			e := requireCode(t, err, ccerr.CodeInvalidArgument, "pageSize")
			assert.Equal(t, "must be between 1 and 100", e.Message)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
}

// seedConsents stores n consents of patient p1 and one of p2, each with an
// index entry consent~patient/<patient>/<id>.
func seedConsents(f *fixture, n int) {
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		add := func(patient, id string) {
			key, err := state.Key("consent", id)
			require.NoError(f.t, err)
			require.NoError(f.t, state.Put(stub, key, consent{ID: id, Patient: patient}))
			require.NoError(f.t, state.PutIndex(stub, "consent~patient", patient, id))
		}
		for i := 0; i < n; i++ {
			add("p1", string(rune('a'+i)))
		}
		add("p2", "zz")
		return nil
	})
}

func recordKey(attrs []string) (string, error) { return state.Key("consent", attrs[1]) }

func TestIndexEntries(t *testing.T) {
	f := newFixture(t)
	seedConsents(f, 1)
	key, err := state.Key("consent~patient", "p1", "a")
	require.NoError(t, err)
	v, ok := f.peer.State(ns, key)
	require.True(t, ok)
	assert.Equal(t, []byte{0}, v)
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		return state.DeleteIndex(stub, "consent~patient", "p1", "a")
	})
	_, ok = f.peer.State(ns, key)
	assert.False(t, ok)
	res := f.peer.Run(ns, f.id, at(50), func(stub shim.ChaincodeStubInterface) error {
		return state.PutIndex(stub, "consent~patient", "p\x00", "a")
	})
	assert.Equal(t, ccerr.CodeInvalidArgument, ccerr.CodeOf(res.Err()))
}

func TestListByIndexPages(t *testing.T) {
	f := newFixture(t)
	seedConsents(f, 5)
	var ids []string
	bookmark := ""
	pages := 0
	for {
		f.tx(func(stub shim.ChaincodeStubInterface) error {
			list, err := state.ListByIndex[consent](stub, "consent~patient", []string{"p1"}, 2, bookmark, recordKey)
			require.NoError(t, err)
			assert.LessOrEqual(t, len(list.Items), 2)
			for _, c := range list.Items {
				assert.Equal(t, "p1", c.Patient)
				ids = append(ids, c.ID)
			}
			bookmark = list.Bookmark
			return nil
		})
		pages++
		if bookmark == "" {
			break
		}
		require.Less(t, pages, 10)
	}
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, ids)
	assert.Equal(t, 3, pages)

	f.tx(func(stub shim.ChaincodeStubInterface) error {
		list, err := state.ListByIndex[consent](stub, "consent~patient", []string{"nobody"}, 0, "", recordKey)
		require.NoError(t, err)
		assert.NotNil(t, list.Items)
		assert.Empty(t, list.Items)
		assert.Empty(t, list.Bookmark)
		return nil
	})
}

func TestListByPartialKey(t *testing.T) {
	f := newFixture(t)
	seedConsents(f, 3)
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		list, err := state.ListByPartialKey[consent](stub, "consent", nil, 3, "")
		require.NoError(t, err)
		require.Len(t, list.Items, 3)
		assert.Equal(t, "a", list.Items[0].ID)
		require.NotEmpty(t, list.Bookmark)
		next, err := state.ListByPartialKey[consent](stub, "consent", nil, 3, list.Bookmark)
		require.NoError(t, err)
		require.Len(t, next.Items, 1)
		assert.Equal(t, "zz", next.Items[0].ID)
		assert.Empty(t, next.Bookmark)
		return nil
	})
}

func TestPageRejectsForeignBookmarks(t *testing.T) {
	f := newFixture(t)
	seedConsents(f, 3)
	var p2Bookmark string
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		page, err := state.PageByPartialKey(stub, "consent~patient", []string{"p1"}, 1, "")
		require.NoError(t, err)
		require.Len(t, page.Records, 1)
		p2Bookmark = page.Bookmark
		return nil
	})
	tests := []struct {
		name     string
		attrs    []string
		bookmark string
	}{
		{"not base64", []string{"p1"}, "!!"},
		{"raw key", []string{"p1"}, "\x00consent~patient\x00p1\x00b\x00"},
		{"bookmark of another partial key", []string{"p2"}, p2Bookmark},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.tx(func(stub shim.ChaincodeStubInterface) error {
				_, err := state.PageByPartialKey(stub, "consent~patient", tt.attrs, 10, tt.bookmark)
				requireCode(t, err, ccerr.CodeInvalidArgument, "bookmark")
				return nil
			})
		})
	}
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		_, err := state.PageByPartialKey(stub, "consent~patient", []string{"p1"}, 101, "")
		requireCode(t, err, ccerr.CodeInvalidArgument, "pageSize")
		_, err = state.PageByPartialKey(stub, "consent~patient", []string{"p\x00"}, 1, "")
		requireCode(t, err, ccerr.CodeInvalidArgument, "key")
		return nil
	})
}

func TestPaginatedQueryInWritingTransaction(t *testing.T) {
	f := newFixture(t)
	seedConsents(f, 2)
	before := f.peer.Snapshot()
	res := f.peer.Run(ns, f.id, at(60), func(stub shim.ChaincodeStubInterface) error {
		if err := state.Put(stub, "k", consent{ID: "k"}); err != nil {
			return err
		}
		_, err := state.PageByPartialKey(stub, "consent", nil, 10, "")
		return err
	})
	assert.Equal(t, ccerr.CodeInternal, ccerr.CodeOf(res.Err()))
	assert.Contains(t, res.Message, "read-only transaction")
	assert.Equal(t, before, f.peer.Snapshot())
}

func TestListByIndexMissingRecord(t *testing.T) {
	f := newFixture(t)
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		return state.PutIndex(stub, "consent~patient", "p1", "ghost")
	})
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		_, err := state.ListByIndex[consent](stub, "consent~patient", []string{"p1"}, 10, "", recordKey)
		e := requireCode(t, err, ccerr.CodeInternal, "")
		assert.Contains(t, e.Message, "missing record consent/ghost")
		_, err = state.ListByIndex[consent](stub, "consent~patient", []string{"p1"}, 10, "", func([]string) (string, error) {
			return "", ccerr.Invalid("id", "bad")
		})
		requireCode(t, err, ccerr.CodeInvalidArgument, "id")
		return nil
	})
}

func TestHistory(t *testing.T) {
	f := newFixture(t)
	var txs []string
	for i := 0; i < 3; i++ {
		res := f.tx(func(stub shim.ChaincodeStubInterface) error {
			return state.Put(stub, "k", consent{ID: string(rune('a' + i))})
		})
		txs = append(txs, res.TxID)
	}
	del := f.tx(func(stub shim.ChaincodeStubInterface) error { return state.Delete(stub, "k") })
	f.tx(func(stub shim.ChaincodeStubInterface) error {
		h, err := state.History(stub, "k", 2)
		require.NoError(t, err)
		require.Len(t, h, 2)
		assert.Equal(t, state.HistoryEntry{TxID: del.TxID, Timestamp: at(4), IsDelete: true}, h[0])
		assert.Equal(t, txs[2], h[1].TxID)
		assert.Equal(t, at(3), h[1].Timestamp)
		assert.JSONEq(t, `{"id":"c","patient":""}`, string(h[1].Value))

		all, err := state.History(stub, "k", 0)
		require.NoError(t, err)
		assert.Len(t, all, 4)
		none, err := state.History(stub, "never", 0)
		require.NoError(t, err)
		assert.NotNil(t, none)
		assert.Empty(t, none)
		for _, bad := range []int{-1, 101} {
			_, err = state.History(stub, "k", bad)
			requireCode(t, err, ccerr.CodeInvalidArgument, "limit")
		}
		return nil
	})
}
