package provenance

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// scaleSizes are the ledger sizes of the scale benchmarks: 10^3 to 10^5
// units, and 10^6 with CARECHAIN_SCALE=6 (the seeding then takes minutes).
func scaleSizes() []int {
	sizes := []int{1_000, 10_000, 100_000}
	if n, _ := strconv.Atoi(os.Getenv("CARECHAIN_SCALE")); n >= 6 {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

// commissionBulk commissions n units of the lot, wire.MaxCommission per
// transaction as the client splits a batch, serials SC0000000… in order.
func (e *env) commissionBulk(tb testing.TB, n int) {
	tb.Helper()
	for from := 0; from < n; from += wire.MaxCommission {
		batch := make([]string, 0, wire.MaxCommission)
		for i := from; i < min(from+wire.MaxCommission, n); i++ {
			batch = append(batch, fmt.Sprintf("SC%07d", i))
		}
		e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, string(cctest.JSON(batch))), nil)
	}
}

// BenchmarkRecallReportFirstPage: the first page (100 units) of a lot's
// recall report for lots of 10^3 to 10^5 units (10^6 with
// CARECHAIN_SCALE=6), the ledger holding the lot and nothing else, on the
// in-memory peer, whose range queries seek like LevelDB's (an ordered key
// index): a page must cost the same whatever the lot's size. Seeding a
// size once, outside the timed loop, commissions MaxCommission units per
// transaction.
func BenchmarkRecallReportFirstPage(b *testing.B) {
	for _, n := range scaleSizes() {
		e := newEnvWith(b, &Contract{}, partstest.Reference())
		t0 := time.Now()
		e.commissionBulk(b, n)
		b.Logf("%d units commissioned in %.1fs", n, time.Since(t0).Seconds())
		b.Run(fmt.Sprintf("units=%d/first page", n), func(b *testing.B) {
			for range b.N {
				var page wire.HoldingPage
				e.Must(e.Query(registrar, 2, "RecallReport", gtin, lot, "100", ""), &page)
				if len(page.Items) != min(100, n) {
					b.Fatalf("page of %d units", len(page.Items))
				}
			}
		})
	}
}
