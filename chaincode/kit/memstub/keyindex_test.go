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
