package cctest

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// ScaleSizes are the list lengths of the scale benchmarks: 10^3, 10^4 and
// 10^5 entries, and 10^6 with CARECHAIN_SCALE=6 (go test ./... stays
// fast).
func ScaleSizes() []int {
	sizes := []int{1_000, 10_000, 100_000}
	if n, _ := strconv.Atoi(os.Getenv("CARECHAIN_SCALE")); n >= 6 {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

// padChunk is how many keys one forged block of Pad writes.
const padChunk = 50_000

// Pad grows the list under prefix (of world state, or of collection coll)
// to total entries by writing copies of its last entry straight into the
// peer's ledger (memstub.Peer.Forge, padChunk keys a block), not through
// the chaincode: seeding 10^6 entries takes seconds instead of hours. Each
// copy's key is the last key with a numbered suffix, inside the last
// attribute of a composite key, so every copy sorts after the entries
// the chaincode wrote and a list's first page is the real one. It
// collects the seeding's garbage before it returns (a benchmark timed
// right after would otherwise pay for marking a heap of millions of
// keys, which the peer's LevelDB never puts on the chaincode's heap), and
// returns how long the seeding took.
func Pad(tb testing.TB, p *memstub.Peer, ns, coll, prefix string, total int) time.Duration {
	tb.Helper()
	t0 := time.Now()
	ledger := p.Ledger(p.Channel())
	var keys []string
	if coll == "" {
		keys = ledger.Keys(ns)
	} else {
		keys = ledger.PrivateKeys(ns, coll)
	}
	last, have := "", 0
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			last, have = k, have+1
		}
	}
	if have == 0 {
		tb.Fatalf("cctest.Pad: no entry under %q to copy", prefix)
	}
	value, _ := ledger.State(ns, last)
	if coll != "" {
		value, _ = ledger.PrivateState(ns, coll, last)
	}
	for from := have; from < total; from += padChunk {
		writes := make([]memstub.ForgedWrite, 0, padChunk)
		for i := from; i < min(from+padChunk, total); i++ {
			writes = append(writes, memstub.ForgedWrite{Collection: coll, Key: padKey(last, i), Value: value})
		}
		if err := p.Forge(memstub.Forgery{Chaincode: ns, Writes: writes}).Err(); err != nil {
			tb.Fatalf("cctest.Pad: %v", err)
		}
	}
	runtime.GC()
	return time.Since(t0)
}

// padKey is copy i of key: inside the last attribute of a composite key
// (which ends with its separator, U+0000), at the end of a simple one.
func padKey(key string, i int) string {
	suffix := fmt.Sprintf("~%08d", i)
	if strings.HasSuffix(key, "\x00") {
		return key[:len(key)-1] + suffix + "\x00"
	}
	return key + suffix
}
