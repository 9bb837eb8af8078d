package records

import (
	"fmt"
	"testing"
	"time"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// BenchmarkAccessLogFirstPage: the first page (100 entries) of an org's
// access log (ListAccessLogByCustodian), newest and oldest first, for
// logs of 10^3 to 10^5 entries (10^6 with CARECHAIN_SCALE=6), on the
// in-memory peer, whose range queries seek and read on like LevelDB's.
// 100 accesses are requested through the chaincode; both indexes of the
// custodian's log are then padded to the size straight into the ledger
// (cctest.Pad: copies of the last entry, which sort after the real ones
// and name a real access).
func BenchmarkAccessLogFirstPage(b *testing.B) {
	for _, n := range cctest.ScaleSizes() {
		e := newEnvWith(b, true)
		e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("labs")), "Anchor"), nil)
		e.grantLabs(2)
		for i := range 100 {
			e.Must(e.Peer.Invoke("records", physician, at(3).Add(time.Duration(i)*time.Second), nil, "RequestAccess", "rec-1", "0", "treatment"), nil)
		}
		attr := custodianAttr(e.blinder(), "ProviderMSP")
		for _, order := range []string{wire.Oldest, wire.Newest} {
			took := cctest.Pad(b, e.Peer, "records", Collection, indexPrefix(ixAccessByCustodian, order, attr), n)
			b.Logf("%s log padded to %d in %s", order, n, took)
		}
		for _, order := range []string{wire.Newest, wire.Oldest} {
			b.Run(fmt.Sprintf("entries=%d/%s/first page", n, order), func(b *testing.B) {
				for range b.N {
					var page wire.AccessPage
					e.Must(e.Peer.Query("records", privacy, at(10), "ListAccessLogByCustodian", "ProviderMSP", order, "100", ""), &page)
					if len(page.Items) != 100 || page.Bookmark == "" {
						b.Fatalf("page of %d entries, bookmark %q", len(page.Items), page.Bookmark)
					}
				}
			})
		}
	}
}
