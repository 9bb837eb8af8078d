package provenance

import (
	"fmt"
	"testing"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

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
// CARECHAIN_SCALE=6), on the in-memory peer, whose range queries seek and
// read on like LevelDB's: a page must cost the same whatever the lot's
// size. The first 100 units are commissioned by the chaincode; the lot's
// index is then padded to the size straight into the ledger (cctest.Pad,
// entries that sort after them and name no unit, which the report skips
// if it ever reads them).
func BenchmarkRecallReportFirstPage(b *testing.B) {
	for _, n := range cctest.ScaleSizes() {
		e := newEnvWith(b, &Contract{}, partstest.Reference())
		e.commissionBulk(b, 100)
		prefix, err := key(objUnitsByLot, gtin, lot)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("lot padded to %d units in %s", n, cctest.Pad(b, e.Peer, "provenance", "", prefix, n))
		b.Run(fmt.Sprintf("units=%d/first page", n), func(b *testing.B) {
			for range b.N {
				var page wire.HoldingPage
				e.Must(e.Query(registrar, 2, "RecallReport", gtin, lot, "100", ""), &page)
				if len(page.Items) != 100 || page.Bookmark == "" {
					b.Fatalf("page of %d units, bookmark %q", len(page.Items), page.Bookmark)
				}
			}
		})
	}
}

// BenchmarkTraceFirstPage: the first page (100 events) of a unit's trace,
// oldest and newest first, for traces of 10^3 to 10^5 events (10^6 with
// CARECHAIN_SCALE=6). The unit's commissioning is its one event the
// chaincode writes; both event indexes are padded to the size
// (cctest.Pad), with entries that name no event: a page reads 100 index
// entries and their events whatever the trace's length.
func BenchmarkTraceFirstPage(b *testing.B) {
	unit := wire.SGTIN(gtin, "SC0000000")
	for _, n := range cctest.ScaleSizes() {
		e := newEnvWith(b, &Contract{}, partstest.Reference())
		e.commissionBulk(b, 1)
		for _, index := range []string{objEventByObj, objEventByObjDesc} {
			prefix, err := key(index, unit)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s of %s padded to %d in %s", index, unit, n, cctest.Pad(b, e.Peer, "provenance", "", prefix, n))
		}
		for _, order := range []string{"oldest", "newest"} {
			b.Run(fmt.Sprintf("events=%d/%s/first page", n, order), func(b *testing.B) {
				for range b.N {
					var page wire.EventPage
					e.Must(e.Query(registrar, 2, "Trace", unit, order, "100", ""), &page)
					if page.Bookmark == "" {
						b.Fatalf("trace of %d events ends at the first page", n)
					}
				}
			})
		}
	}
}
