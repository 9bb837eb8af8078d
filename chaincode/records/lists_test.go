package records

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// pageAll reads a list to its end, page by page, and returns every item.
func pageAll[T any](e *env, id *memstub.Identity, when time.Time, fn string, args []string, size string, items func(raw memstub.Result) ([]T, string)) ([]T, int) {
	e.T.Helper()
	var all []T
	bookmark, pages := "", 0
	for {
		res := e.Peer.Query("records", id, when, fn, append(append(append([]string{}, args...), size), bookmark)...)
		require.True(e.T, res.OK(), res.Message)
		got, next := items(res)
		all, pages = append(all, got...), pages+1
		if next == "" {
			return all, pages
		}
		bookmark = next
	}
}

func accessItems(e *env) func(memstub.Result) ([]wire.AccessEntry, string) {
	return func(res memstub.Result) ([]wire.AccessEntry, string) {
		var p wire.AccessPage
		e.Must(res, &p)
		return p.Items, p.Bookmark
	}
}

// Attack 5: private lists stopped at 1,000 entries, so an insider who made
// many requests buried every later access. With 2,500 of them, both lists
// page from any bookmark to the end, in both orders, and the latest access
// comes first newest-first.
func TestAttackAccessLogPastOneThousandEntries(t *testing.T) {
	if testing.Short() {
		t.Skip("2,500 requests")
	}
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("labs")), "Anchor"), nil)
	e.grantLabs(2)
	const n = 2500
	first := at(3)
	for i := 0; i < n; i++ {
		res := e.Peer.Invoke("records", physician2, first.Add(time.Duration(i)*time.Second), nil, "RequestAccess", "rec-1", "0", "treatment")
		require.True(t, res.OK(), "request %d: %s", i, res.Message)
	}
	last := first.Add(n * time.Second)
	var latest wire.Receipt
	e.Must(e.Peer.Invoke("records", physician, last, nil, "RequestAccess", "rec-1", "0", "treatment"), &latest)
	when := last.Add(time.Minute)

	// Newest first: the latest access leads, the insider's cannot bury it.
	var page wire.AccessPage
	e.Must(e.Peer.Query("records", patient1, when, "ListAccessLog", pt1, wire.Newest, "5", ""), &page)
	require.Len(t, page.Items, 5)
	assert.Equal(t, latest.AccessID, page.Items[0].ID)
	assert.Equal(t, "ProviderMSP/physician1", page.Items[0].Recipient)
	assert.NotEmpty(t, page.Bookmark)

	for _, order := range []string{wire.Oldest, wire.Newest} {
		all, pages := pageAll(e, patient1, when, "ListAccessLog", []string{pt1, order}, "100", accessItems(e))
		require.Len(t, all, n+1, order)
		assert.Equal(t, 26, pages, order)
		for i := 1; i < len(all); i++ {
			if order == wire.Oldest {
				assert.LessOrEqual(t, all[i-1].Date, all[i].Date)
			} else {
				assert.GreaterOrEqual(t, all[i-1].Date, all[i].Date)
			}
		}
		byCustodian, _ := pageAll(e, privacy, when, "ListAccessLogByCustodian", []string{"ProviderMSP", order}, "100", accessItems(e))
		assert.Equal(t, all, byCustodian, order)
	}
	// A bookmark from deep inside the list starts exactly there.
	var deep wire.AccessPage
	e.Must(e.Peer.Query("records", auditor, when, "ListAccessLog", pt1, wire.Oldest, "100", ""), &deep)
	for i := 0; i < 20; i++ {
		e.Must(e.Peer.Query("records", auditor, when, "ListAccessLog", pt1, wire.Oldest, "100", deep.Bookmark), &deep)
	}
	require.Len(t, deep.Items, 100)
	assert.Equal(t, first.Add(2000*time.Second).Format(time.RFC3339Nano), deep.Items[0].Date)
	// Another list's bookmark is refused.
	before := e.Peer.Snapshot()
	e.Refused(before, e.Peer.Query("records", patient1, when, "ListAccessLog", pt1, wire.Newest, "100", deep.Bookmark), `INVALID_ARGUMENT: field "bookmark"`)
	e.Refused(before, e.Peer.Query("records", privacy, when, "ListAccessLogByCustodian", "ProviderMSP", wire.Oldest, "100", deep.Bookmark), `INVALID_ARGUMENT: field "bookmark"`)
	e.Refused(before, e.Peer.Query("records", patient1, when, "ListAccessLog", pt1, wire.Oldest, "101", ""), `INVALID_ARGUMENT: field "pageSize"`)
}

// A patient's list of records pages past 1,000 as well.
func TestRecordsBySubjectPastOneThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("2,500 anchors")
	}
	e := newEnv(t)
	const n = 2500
	for i := 0; i < n; i++ {
		in := e.document("rec-"+itoa(i), 1, []byte("doc"))
		res := e.Peer.Invoke("records", clerk, at(1).Add(time.Duration(i)*time.Second), map[string][]byte{wire.TransientAnchor: mustJSON(in)}, "Anchor")
		require.True(t, res.OK(), "anchor %d: %s", i, res.Message)
	}
	when := at(1).Add(n * time.Second)
	all, _ := pageAll(e, patient1, when, "ListBySubject", []string{pt1, wire.Newest}, "100", func(res memstub.Result) ([]wire.Anchor, string) {
		var p wire.RecordPage
		e.Must(res, &p)
		return p.Items, p.Bookmark
	})
	require.Len(t, all, n)
	assert.Equal(t, "rec-"+itoa(n-1), all[0].ID)
	assert.Equal(t, "rec-0", all[n-1].ID)
}
