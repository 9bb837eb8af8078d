package consent

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Attack 5: Grant with supersedes updated the patient's open set twice in
// one transaction; the second write started from committed state and put
// the superseded id back, so after 99 re-grants the patient could grant
// nothing. Now one read and one write carry both changes.
func TestAttackLockedOutAfter99Regrants(t *testing.T) {
	e := newEnv(t)
	e.grant(patient1, 0, grantInput("c0"))
	for i := 1; i <= 150; i++ {
		in := grantInput(fmt.Sprintf("c%d", i))
		in.Supersedes = fmt.Sprintf("c%d", i-1)
		e.grant(patient1, i, in)
	}
	set, _, _ := openSetOf(e, pt1)
	assert.Equal(t, []openEntry{{ID: "c150", End: at(24 * 60).Format(time.RFC3339Nano)}}, openIDs(set))
	e.grant(patient1, 151, grantInput("another"))
	assert.Equal(t, wire.Permit, e.check(physician, 152, request(pt1, "labs", wire.Actor{})).Decision)
}

func openSetOf(e *env, subject string) (openSet, bool, error) {
	key, _ := e.subjectOpenKey(subject)
	raw, ok := e.Peer.PrivateState("consent", Collection, key)
	if ok {
		set, err := decodeOpenSet(raw)
		return set, true, err
	}
	return openSet{}, false, nil
}

// page is any list's answer, with its items' ids.
type page struct {
	Items    []map[string]any `json:"items"`
	Bookmark string           `json:"bookmark"`
}

// pageAll reads a list to its end, pageSize at a time, and returns the
// first page's ids and every id in order.
func pageAll(e *env, id *memstub.Identity, minute int, idField, fn string, args ...string) (first, all []string) {
	e.T.Helper()
	bookmark := ""
	for pages := 0; ; pages++ {
		require.Less(e.T, pages, 10000, "paging must end")
		var p page
		e.Must(e.Query(id, minute, fn, append(args, "100", bookmark)...), &p)
		ids := []string{}
		for _, it := range p.Items {
			ids = append(ids, fmt.Sprint(it[idField]))
		}
		if pages == 0 {
			first = ids
		}
		all = append(all, ids...)
		if p.Bookmark == "" {
			return first, all
		}
		bookmark = p.Bookmark
	}
}

// assertEveryOnceNewestFirst checks a listing: the newest entry is first on
// the first page, and the pages hold every entry exactly once, newest first.
func assertEveryOnceNewestFirst(t *testing.T, name string, first, all, want []string) {
	t.Helper()
	require.NotEmpty(t, first, name)
	assert.Equal(t, want[len(want)-1], first[0], "%s: the newest entry is on the first page", name)
	require.Len(t, all, len(want), name)
	for i := range want {
		if want[len(want)-1-i] != all[i] {
			t.Fatalf("%s: entry %d is %s, want %s (newest first, each once)", name, i, all[i], want[len(want)-1-i])
		}
	}
}

// Attack 6: private lists scanned from their prefix and failed past 1,000
// keys, oldest first, so newer entries never showed: an insider could bury
// later accesses. Every list now pages from its bookmark, newest first.
func TestAttackPrivateListsStopAt1000(t *testing.T) {
	if testing.Short() {
		t.Skip("2,500 entries per list")
	}
	const n = 2500
	e := newEnv(t)
	e.Peer.Install("records", releaser)
	var consents, grants, breaks, delegates, uses []string
	open := func(id string) wire.GrantInput { in := grantInput(id); in.Period.End = ""; return in }
	e.grant(patient1, 0, open("c0000"))
	consents = append(consents, "c0000")
	for i := 1; i < n; i++ {
		in := open(fmt.Sprintf("c%04d", i))
		in.Supersedes = consents[i-1]
		e.grant(patient1, i, in)
		consents = append(consents, in.ID)
	}
	for i := 0; i < n; i++ {
		pt := fmt.Sprintf("pt-%032x", i+1)
		in := open(fmt.Sprintf("g%04d", i))
		in.Subject = pt
		e.grant(e.patient(fmt.Sprintf("p%04d", i), pt), n+i, in)
		grants = append(grants, in.ID)
	}
	for i := 0; i < n; i++ {
		nurse := memstub.NewIdentity("ProviderMSP", fmt.Sprintf("nurse%04d", i), map[string]string{"role": parts.RoleNurse})
		var r wire.Receipt
		e.Must(e.breakGlass(nurse, 2*n+i, breakGlassInput(24*60)), &r)
		breaks = append(breaks, r.ID)
	}
	var bg wire.Receipt
	e.Must(e.breakGlass(physician, 3*n, breakGlassInput(24*60)), &bg)
	breaks = append(breaks, bg.ID)
	req := string(cctest.JSON(wire.Request{Subject: pt1, Action: "access", Purpose: "emergency", DataClass: "labs"}))
	for i := 0; i < n; i++ {
		res := e.Peer.Invoke("records", physician, at(3*n).Add(time.Duration(i+1)*time.Second), nil, "Release", req)
		e.Must(res, nil)
		uses = append(uses, res.TxID)
	}
	for i := 0; i < n; i++ {
		in := wire.DelegateInput{Subject: pt1, Delegate: fmt.Sprintf("%s/p%032x", roles.PatientMSP, i), Kind: wire.KindProxy, Period: wire.Period{Start: at(0).Format(time.RFC3339)}}
		e.Must(e.registerDelegate(patient1, 3*n+1+i, in), nil)
		delegates = append(delegates, in.Delegate)
	}
	now := 4*n + 10
	first, all := pageAll(e, patient1, now, "id", "ListBySubject", pt1)
	assertEveryOnceNewestFirst(t, "ListBySubject", first, all, consents)
	first, all = pageAll(e, auditor, 4*n, "id", "ListGrants", "ProviderMSP", "", "")
	assertEveryOnceNewestFirst(t, "ListGrants", first, all, append([]string{consents[n-1]}, grants...))
	first, all = pageAll(e, patient1, now, "id", "ListBreakGlass", pt1)
	assertEveryOnceNewestFirst(t, "ListBreakGlass", first, all, breaks)
	first, all = pageAll(e, privacy, now, "id", "ListBreakGlassByOrg", "ProviderMSP")
	assertEveryOnceNewestFirst(t, "ListBreakGlassByOrg", first, all, breaks)
	first, all = pageAll(e, patient1, now, "txId", "ListBreakGlassUses", bg.ID)
	assertEveryOnceNewestFirst(t, "ListBreakGlassUses", first, all, uses)
	first, all = pageAll(e, patient1, now, "delegate", "ListDelegates", pt1)
	assertEveryOnceNewestFirst(t, "ListDelegates", first, all, delegates)
}
