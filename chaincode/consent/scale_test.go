package consent

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
)

// BenchmarkListBySubjectFirstPage: the first page (100 consents) of a
// patient's consents, for patients with 10^3 to 10^5 consents (10^6 with
// CARECHAIN_SCALE=6), on the in-memory peer, whose range queries seek and
// read on like LevelDB's. 100 consents are granted through the chaincode
// (as many as a patient holds open); the patient's index is then padded
// to the size straight into the ledger (cctest.Pad: copies of its last
// entry, which sort after the real ones).
func BenchmarkListBySubjectFirstPage(b *testing.B) {
	for _, n := range cctest.ScaleSizes() {
		e := newEnv(b)
		for i := range MaxOpenConsents {
			e.grant(patient1, 1, grantInput(fmt.Sprintf("c%03d", i)))
		}
		prefix, err := e.keyOf(func(t *tx) (string, error) { return t.indexPrefix(ixBySubject, pt1) })
		require.NoError(b, err)
		b.Logf("%s's consents padded to %d in %s", pt1, n, cctest.Pad(b, e.Peer, "consent", Collection, prefix, n))
		b.Run(fmt.Sprintf("consents=%d/first page", n), func(b *testing.B) {
			for range b.N {
				var page wire.ConsentPage
				e.Must(e.Query(patient1, 5, "ListBySubject", pt1, "100", ""), &page)
				if len(page.Items) != 100 || page.Bookmark == "" {
					b.Fatalf("page of %d consents", len(page.Items))
				}
			}
		})
	}
}
