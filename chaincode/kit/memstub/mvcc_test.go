package memstub_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// codes returns the validation codes of results.
func codes(results []memstub.Result) []string {
	out := make([]string, len(results))
	for i, r := range results {
		out[i] = r.Validation
		if r.Committed != (r.Validation == memstub.Valid) {
			panic("Committed disagrees with Validation")
		}
	}
	return out
}

// concurrently simulates a and b against the same state, then commits
// them in one block, a first.
func concurrently(p *memstub.Peer, a, b memstub.Tx) []string {
	return codes(p.Commit(p.Simulate(a), p.Simulate(b)))
}

func TestMVCCReadModifyWrite(t *testing.T) {
	p, id := bookPeer(t)
	valid(t, p, tx(id, 1, nil, "put", "k", "1"))
	a, b := p.Simulate(tx(id, 2, nil, "inc", "k")), p.Simulate(tx(id, 3, nil, "inc", "k"))
	assert.False(t, a.Result().Committed)
	assert.Empty(t, a.Result().Validation)
	v, _ := p.State(ns, "k")
	assert.Equal(t, []byte("1"), v, "simulation commits nothing")

	assert.Equal(t, []string{memstub.Valid, memstub.MVCCReadConflict}, codes(p.Commit(a, b)))
	v, _ = p.State(ns, "k")
	assert.Equal(t, []byte("2"), v)
	assert.Len(t, p.History(ns, "k"), 2)

	c, d := p.Simulate(tx(id, 4, nil, "inc", "k")), p.Simulate(tx(id, 5, nil, "inc", "k"))
	assert.Equal(t, memstub.Valid, p.Commit(c)[0].Validation)
	res := p.Commit(d)[0]
	assert.Equal(t, memstub.MVCCReadConflict, res.Validation, "an earlier block changed the key")
	assert.EqualError(t, res.Err(), "transaction "+res.TxID+" failed to commit with status code 11 (MVCC_READ_CONFLICT)")
	v, _ = p.State(ns, "k")
	assert.Equal(t, []byte("3"), v)
}

func TestMVCCKeys(t *testing.T) {
	tests := []struct {
		name string
		a, b []string // function and arguments
		want string   // validation code of b, committed after a
	}{
		{"independent keys", []string{"inc", "k1"}, []string{"inc", "k2"}, memstub.Valid},
		{"blind writes", []string{"put", "k", "a"}, []string{"put", "k", "b"}, memstub.Valid},
		{"key created", []string{"put", "new", "a"}, []string{"multi", "out", "new"}, memstub.MVCCReadConflict},
		{"key deleted", []string{"put", "k", ""}, []string{"inc", "k"}, memstub.MVCCReadConflict},
		{"one of several keys", []string{"put", "k2", "x"}, []string{"multi", "out", "k", "k2"}, memstub.MVCCReadConflict},
		{"validation parameter written", []string{"guard", "k", org1}, []string{"vpread", "k", "out"}, memstub.MVCCReadConflict},
		{"read-only transactions are checked too", []string{"put", "k", "x"}, []string{"get", "k"}, memstub.MVCCReadConflict},
		{"writing what another read", []string{"get", "k"}, []string{"put", "k", "x"}, memstub.Valid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, id := bookPeer(t)
			valid(t, p, tx(id, 1, nil, "put", "k", "1"))
			valid(t, p, tx(id, 2, nil, "put", "k2", "1"))
			got := concurrently(p, tx(id, 3, nil, tt.a[0], tt.a[1:]...), tx(id, 4, nil, tt.b[0], tt.b[1:]...))
			assert.Equal(t, []string{memstub.Valid, tt.want}, got)
		})
	}
}

func TestPhantomReads(t *testing.T) {
	tests := []struct {
		name string
		a    []string
		want string
	}{
		{"key inserted into the range", []string{"put", "m", "x"}, memstub.PhantomReadConflict},
		{"key in the range updated", []string{"put", "b", "y"}, memstub.PhantomReadConflict},
		{"key in the range deleted", []string{"put", "b", ""}, memstub.PhantomReadConflict},
		{"key inserted at the end key", []string{"put", "n", "x"}, memstub.Valid},
		{"key inserted before the range", []string{"put", "a", "x"}, memstub.Valid},
		{"composite key inserted", []string{"composite", "doc", "1"}, memstub.Valid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, id := bookPeer(t)
			for i, k := range []string{"b", "c", "x"} {
				valid(t, p, tx(id, i, nil, "put", k, "v"))
			}
			got := concurrently(p, tx(id, 10, nil, tt.a[0], tt.a[1:]...), tx(id, 11, nil, "count", "b", "n", "total"))
			assert.Equal(t, []string{memstub.Valid, tt.want}, got)
		})
	}
}

func TestPhantomPartialCompositeKey(t *testing.T) {
	p, id := bookPeer(t)
	valid(t, p, tx(id, 1, nil, "composite", "doc", "1"))
	got := concurrently(p, tx(id, 2, nil, "composite", "doc", "2"), tx(id, 3, nil, "partial", "doc", "total"))
	assert.Equal(t, []string{memstub.Valid, memstub.PhantomReadConflict}, got)
	got = concurrently(p, tx(id, 4, nil, "composite", "other", "1"), tx(id, 5, nil, "partial", "doc", "total"))
	assert.Equal(t, []string{memstub.Valid, memstub.Valid}, got)
	got = concurrently(p, tx(id, 6, nil, "put", "doc", "plain"), tx(id, 7, nil, "partial", "doc", "total"))
	assert.Equal(t, []string{memstub.Valid, memstub.Valid}, got, "plain keys are not in composite key ranges")
}

// The peer sends range query results in batches of 100; the read set
// covers the batches the chaincode read.
func TestPhantomReadCoversBatchesRead(t *testing.T) {
	p, id := bookPeer(t)
	for i := range 150 {
		valid(t, p, tx(id, i, nil, "put", fmt.Sprintf("k%03d", i*2), "v"))
	}
	got := concurrently(p, tx(id, 200, nil, "put", "k250", "x"), tx(id, 201, nil, "first", "k", "l", "out"))
	assert.Equal(t, []string{memstub.Valid, memstub.Valid}, got, "k250 is after the first batch, which ends at k198")
	got = concurrently(p, tx(id, 202, nil, "put", "k197", "x"), tx(id, 203, nil, "first", "k", "l", "out"))
	assert.Equal(t, []string{memstub.Valid, memstub.PhantomReadConflict}, got)
	got = concurrently(p, tx(id, 204, nil, "put", "k251", "x"), tx(id, 205, nil, "count", "k", "l", "out"))
	assert.Equal(t, []string{memstub.Valid, memstub.PhantomReadConflict}, got, "a full scan reads every batch")
}

func TestPhantomReadTotalQueryLimit(t *testing.T) {
	p := memstub.NewPeer("care", memstub.WithTotalQueryLimit(2))
	id := memstub.NewIdentity(org1, "alice", nil)
	p.Install(ns, book)
	for i, k := range []string{"a", "b", "c"} {
		valid(t, p, tx(id, i, nil, "put", k, "v"))
	}
	got := concurrently(p, tx(id, 10, nil, "put", "bb", "x"), tx(id, 11, nil, "count", "a", "z", "out"))
	assert.Equal(t, []string{memstub.Valid, memstub.Valid}, got, "the limit cut the query at b")
	got = concurrently(p, tx(id, 12, nil, "put", "ab", "x"), tx(id, 13, nil, "count", "a", "z", "out"))
	assert.Equal(t, []string{memstub.Valid, memstub.PhantomReadConflict}, got)
}

func TestMVCCPrivateData(t *testing.T) {
	p, id := bookPeer(t, memstub.WithCollections(memstub.Collection{Name: "pdc", Members: []string{org1}}))
	valid(t, p, tx(id, 1, nil, "pput", "pdc", "k", "1"))
	got := concurrently(p, tx(id, 2, nil, "pinc", "pdc", "k"), tx(id, 3, nil, "pinc", "pdc", "k"))
	assert.Equal(t, []string{memstub.Valid, memstub.MVCCReadConflict}, got)
	v, _ := p.PrivateState(ns, "pdc", "k")
	assert.Equal(t, []byte("2"), v)

	got = concurrently(p, tx(id, 4, nil, "pput", "pdc", "k", "9"), tx(id, 5, nil, "phash", "pdc", "k", "out"))
	assert.Equal(t, []string{memstub.Valid, memstub.MVCCReadConflict}, got, "the hash read is versioned too")
	got = concurrently(p, tx(id, 6, nil, "pguard", "pdc", "k", org1), tx(id, 7, nil, "pinc", "pdc", "k"))
	assert.Equal(t, []string{memstub.Valid, memstub.MVCCReadConflict}, got)
	got = concurrently(p, tx(id, 16, nil, "pguard", "pdc", "k", org2), tx(id, 17, nil, "pvpread", "pdc", "k", "out"))
	assert.Equal(t, []string{memstub.Valid, memstub.MVCCReadConflict}, got)
	got = concurrently(p, tx(id, 8, nil, "pput", "pdc", "other", "1"), tx(id, 9, nil, "pinc", "pdc", "k"))
	assert.Equal(t, []string{memstub.Valid, memstub.Valid}, got)

	got = concurrently(p, tx(id, 10, nil, "pput", "pdc", "new", "1"), tx(id, 11, nil, "pscan", "pdc"))
	assert.Equal(t, []string{memstub.Valid, memstub.PhantomReadConflict}, got)

	p.SetMSP(org2)
	got = concurrently(p, tx(id, 12, nil, "pput", "pdc", "more", "1"), tx(id, 13, nil, "phash", "pdc", "k", "out"))
	assert.Equal(t, []string{memstub.Valid, memstub.Valid}, got, "a non-member peer reads hashes")
	got = concurrently(p, tx(id, 14, nil, "pput", "pdc", "k", "1"), tx(id, 15, nil, "phash", "pdc", "k", "out"))
	assert.Equal(t, []string{memstub.Valid, memstub.MVCCReadConflict}, got)
}

func TestDuplicateTxID(t *testing.T) {
	p, id := bookPeer(t)
	a, b := tx(id, 1, nil, "put", "a", "1"), tx(id, 2, nil, "put", "b", "1")
	a.TxID, b.TxID = "same", "same"
	pa, pb := p.Simulate(a), p.Simulate(b)
	assert.Equal(t, []string{memstub.Valid, memstub.DuplicateTxID}, codes(p.Commit(pa, pb)))
	_, ok := p.State(ns, "b")
	assert.False(t, ok)
	assert.Equal(t, memstub.DuplicateTxID, p.Commit(pa)[0].Validation, "a transaction commits once")
	again := p.Simulate(a).Result()
	assert.Equal(t, int32(500), again.Status, "the endorser refuses a known transaction id")
	assert.Contains(t, again.Message, "duplicate transaction found [same]")

	c, d := tx(id, 3, nil, "inc", "a"), tx(id, 4, nil, "put", "c", "1")
	c.TxID, d.TxID = "invalid", "invalid"
	assert.Equal(t, []string{memstub.Valid, memstub.MVCCReadConflict}, concurrently(p, tx(id, 5, nil, "put", "a", "2"), c))
	assert.Contains(t, p.Simulate(d).Result().Message, "duplicate transaction found [invalid]",
		"an invalid transaction's id is on the ledger too")
}

func TestCommitWithoutSubmission(t *testing.T) {
	p, id := bookPeer(t)
	eval := tx(id, 1, nil, "put", "k", "v")
	eval.Evaluate = true
	failed := tx(id, 2, nil, "nope")
	pe, pf := p.Simulate(eval), p.Simulate(failed)
	missing := p.Simulate(memstub.Tx{Chaincode: "missing", Identity: id, Time: at(3)})
	before := p.Snapshot()
	results := p.Commit(pe, pf, missing)
	assert.Equal(t, []memstub.Result{pe.Result(), pf.Result(), missing.Result()}, results)
	assert.Equal(t, []string{"", "", ""}, codes(results))
	assert.Equal(t, before, p.Snapshot())
	assert.Empty(t, p.Commit())

	other, _ := bookPeer(t)
	assert.Panics(t, func() { other.Commit(p.Simulate(tx(id, 4, nil, "get", "k"))) })
}

func TestEndorsementCheckedBeforeMVCC(t *testing.T) {
	p, id := bookPeer(t, memstub.WithEndorsement("OR('Org1MSP.peer')"))
	got := concurrently(p, tx(id, 1, nil, "inc", "k"), tx(id, 2, []string{org2}, "inc", "k"))
	assert.Equal(t, []string{memstub.Valid, memstub.EndorsementPolicyFailure}, got)
}

// A key whose validation parameter an earlier transaction of the block
// writes cannot be written later in the block: the peer validates a block
// against the parameters before it.
func TestValidationParameterWrittenEarlierInBlock(t *testing.T) {
	p, id := bookPeer(t)
	valid(t, p, tx(id, 1, nil, "put", "k", "v"))
	valid(t, p, tx(id, 2, nil, "guard", "k", org1))

	got := concurrently(p, tx(id, 3, []string{org1}, "guard", "k", org2), tx(id, 4, []string{org2}, "put", "k", "x"))
	assert.Equal(t, []string{memstub.Valid, memstub.EndorsementPolicyFailure}, got)
	valid(t, p, tx(id, 5, []string{org2}, "put", "k", "x"))

	got = concurrently(p, tx(id, 6, []string{org2}, "guard", "k", org1), tx(id, 7, []string{org2}, "put", "k", "y"))
	assert.Equal(t, []string{memstub.Valid, memstub.EndorsementPolicyFailure}, got)
	got = concurrently(p, tx(id, 8, []string{org1}, "put", "k", "z"), tx(id, 9, []string{org1}, "put", "k", "w"))
	assert.Equal(t, []string{memstub.Valid, memstub.Valid}, got, "value writes are no such dependency")
}

func TestCommitAcrossChannels(t *testing.T) {
	p, id := bookPeer(t)
	p.Install(ns, book, memstub.OnChannel("audit"))
	a := tx(id, 1, nil, "inc", "k")
	b := a
	b.Channel, b.Time = "audit", at(2)
	c := tx(id, 3, nil, "inc", "k")
	require.Equal(t, []string{memstub.Valid, memstub.Valid, memstub.MVCCReadConflict},
		codes(p.Commit(p.Simulate(a), p.Simulate(b), p.Simulate(c))))
	v, _ := p.Ledger("audit").State(ns, "k")
	assert.Equal(t, []byte("1"), v)
}
