package claims

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// flaggedEnv is twoPayers where the same services billed to both payers
// left two flags for PayerMSP (on clm-a) and two for MutualMSP, then
// PayerMSP's flags padded to total straight into the ledger (cctest.Pad:
// copies of its last flag, whose keys sort after it).
func flaggedEnv(tb testing.TB, total int) *env {
	e := twoPayers(tb)
	e.submitClaim(1, office("clm-a"))
	e.Must(e.screenAs(intake, 2, "clm-a"), nil)
	e.submitClaim(3, toMutual(office("clm-b")))
	e.Must(e.screenAs(mutualIntake, 4, "clm-b"), nil)
	prefix, err := flagPrefix("PayerMSP")
	require.NoError(tb, err)
	cctest.Pad(tb, e.Peer, "claims", wire.PayersCollection, prefix, total)
	return e
}

// flagPage is one page of ListFlags as who, on its org's peer.
func (e *env) flagPage(who *memstub.Identity, size, bookmark string) wire.FlagPage {
	e.T.Helper()
	e.Peer.SetMSP(who.MSPID)
	defer e.Peer.SetMSP("ProviderMSP")
	var page wire.FlagPage
	e.Must(e.Query(who, 5, "ListFlags", size, bookmark), &page)
	return page
}

// A payer with 2,500 flags (past the 1,000 keys a private scan from the
// start could read) pages through every one of them, 100 a page, from
// each bookmark; the other payer still sees only its own two.
func TestListFlagsPastOneThousand(t *testing.T) {
	const n = 2500
	e := flaggedEnv(t, n)
	got, bookmark, pages := 0, "", 0
	for {
		page := e.flagPage(intake, "100", bookmark)
		pages++
		for _, f := range page.Items {
			assert.Equal(t, "clm-a", f.Claim)
		}
		got += len(page.Items)
		if bookmark = page.Bookmark; bookmark == "" {
			break
		}
		require.Len(t, page.Items, 100)
	}
	assert.Equal(t, n, got)
	assert.Equal(t, n/100, pages)
	theirs := e.flagPage(mutualIntake, "100", "")
	assert.Len(t, theirs.Items, 2)
	assert.Empty(t, theirs.Bookmark)
	before := e.Peer.Snapshot()
	e.Peer.SetMSP(mutualMSP)
	e.Refused(before, e.Query(mutualIntake, 5, "ListFlags", "100", e.flagPage(intake, "1", "").Bookmark), `INVALID_ARGUMENT: field "bookmark"`)
	e.Peer.SetMSP("ProviderMSP")
}

// BenchmarkListFlagsFirstPage: the first page (100 flags) of a payer's
// flags for 10^3 to 10^5 flags (10^6 with CARECHAIN_SCALE=6).
func BenchmarkListFlagsFirstPage(b *testing.B) {
	for _, n := range cctest.ScaleSizes() {
		e := flaggedEnv(b, n)
		b.Run(fmt.Sprintf("flags=%d/first page", n), func(b *testing.B) {
			for range b.N {
				if page := e.flagPage(intake, "100", ""); len(page.Items) != 100 || page.Bookmark == "" {
					b.Fatalf("page of %d flags", len(page.Items))
				}
			}
		})
	}
}

// BenchmarkListByStatusFirstPage: the first page (100 claims) of a
// provider's adjudicated claims for 10^3 to 10^5 claims (10^6 with
// CARECHAIN_SCALE=6): 100 claims submitted through the chaincode, the
// status index then padded (entries that name no claim, which the list
// skips).
func BenchmarkListByStatusFirstPage(b *testing.B) {
	for _, n := range cctest.ScaleSizes() {
		e := newEnv(b)
		for i := range 100 {
			c := onDay(office(fmt.Sprintf("clm-%03d", i)), fmt.Sprintf("2026-%02d-%02d", 1+i/28, 1+i%28))
			e.submitClaim(1, c)
		}
		prefix, err := key(objByStatus, "ProviderMSP", wire.StatusAdjudicated)
		require.NoError(b, err)
		cctest.Pad(b, e.Peer, "claims", "", prefix, n)
		b.Run(fmt.Sprintf("claims=%d/first page", n), func(b *testing.B) {
			for range b.N {
				var page wire.TracePage
				e.Must(e.Query(billing, 5, "ListByStatus", wire.StatusAdjudicated, "100", ""), &page)
				if len(page.Items) != 100 || page.Bookmark == "" {
					b.Fatalf("page of %d claims", len(page.Items))
				}
			}
		})
	}
}
