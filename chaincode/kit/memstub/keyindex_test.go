package memstub

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The ordered key index answers every range as a scan of the whole ledger
// would, through writes, deletes, purges and keys written again, in the
// world state and in a collection, with and without a limit.
func TestKeyIndexAnswersAsAFullScan(t *testing.T) {
	l := newLedger("ch")
	rnd := rand.New(rand.NewPCG(1, 2))
	brute := func(ns, coll, start, end string, limit int) []string {
		var out []string
		for k := range l.records {
			if k.Namespace == ns && k.Collection == coll && k.Key >= start && (end == "" || k.Key < end) {
				out = append(out, k.Key)
			}
		}
		sort.Strings(out)
		if limit >= 0 && len(out) > limit {
			out = out[:limit]
		}
		return out
	}
	for round := range 200 {
		ws := &writeSet{writes: map[StateKey]*write{}}
		for range rnd.IntN(20) {
			k := StateKey{Namespace: []string{"a", "b"}[rnd.IntN(2)], Collection: []string{"", "c"}[rnd.IntN(2)], Key: fmt.Sprintf("k%03d", rnd.IntN(300))}
			switch rnd.IntN(4) {
			case 0:
				ws.writes[k] = &write{valueSet: true} // delete
			case 1:
				ws.writes[k] = &write{purge: true}
			default:
				ws.writes[k] = &write{valueSet: true, value: []byte("v")}
			}
		}
		l.commit(fmt.Sprintf("tx%d", round), time.Unix(0, 0), ws, version{})
		for range 3 {
			ns, coll := []string{"a", "b"}[rnd.IntN(2)], []string{"", "c"}[rnd.IntN(2)]
			start, end := fmt.Sprintf("k%03d", rnd.IntN(300)), ""
			if rnd.IntN(2) == 0 {
				end = fmt.Sprintf("k%03d", rnd.IntN(300))
			}
			limit := []int{-1, 0, 1, 7}[rnd.IntN(4)]
			got := l.keysUpTo(ns, coll, start, end, limit)
			want := brute(ns, coll, start, end, limit)
			require.Equal(t, len(want), len(got), "round %d %s/%s [%s,%s) limit %d", round, ns, coll, start, end, limit)
			if len(want) > 0 {
				assert.Equal(t, want, got)
			}
		}
	}
}

// A range query loads the ledger's keys a chunk at a time as the chaincode
// reads on, as LevelDB's iterator does: reading the first result of a
// range of ten thousand keys loads one chunk, and reading on yields every
// key in order, cut at the total query limit.
func TestScanLoadsAsItIsRead(t *testing.T) {
	l := newLedger("ch")
	ws := &writeSet{writes: map[StateKey]*write{}}
	for i := range 10_000 {
		ws.writes[StateKey{Namespace: "a", Key: fmt.Sprintf("k%05d", i)}] = &write{valueSet: true, value: []byte("v")}
	}
	l.commit("tx", time.Unix(0, 0), ws, version{})
	scan := func(limit int) *stateIterator {
		return &stateIterator{src: &keySource{ledger: l, ns: "a", next: "k", end: "l", left: limit + 1}, batch: queryBatchSize, limit: limit}
	}
	it := scan(DefaultTotalQueryLimit)
	kv, err := it.Next()
	require.NoError(t, err)
	assert.Equal(t, "k00000", kv.GetKey())
	assert.LessOrEqual(t, len(it.results), loadChunk, "one result read, one chunk loaded")
	for _, limit := range []int{DefaultTotalQueryLimit, 10_000, 9_999, 300, 1} {
		it := scan(limit)
		var got []string
		for it.HasNext() {
			kv, err := it.Next()
			require.NoError(t, err)
			got = append(got, kv.GetKey())
		}
		assert.Equal(t, l.keysUpTo("a", "", "k", "l", limit), got, "limit %d", limit)
		assert.Equal(t, limit >= 10_000, it.complete(), "limit %d", limit)
	}
}
