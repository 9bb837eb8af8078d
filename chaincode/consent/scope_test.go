package consent

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Check reads only the consents whose scope can apply (openScope). Its
// answers must stay those of Decide over every consent the patient holds:
// random consents — grantees of several orgs and roles, permits and
// denies, nested exceptions, periods that start late or end early, drafts
// — and random requests, at several times.
func TestCheckThroughTheScopeIndexDecidesAsEveryConsentWould(t *testing.T) {
	permits := 0
	for seed := uint64(7); seed < 10; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { permits += checkAsDecide(t, rand.New(rand.NewPCG(seed, 11))) })
	}
	assert.Greater(t, permits, 15, "the random consents permit some requests: the test compares both outcomes")
	assert.Less(t, permits, 250)
}

// checkAsDecide compares 90 random checks with Decide; it returns how many permitted.
func checkAsDecide(t *testing.T, rng *rand.Rand) int {
	e := newEnv(t)
	var ids []string
	for i := range 24 {
		in := randomGrant(rng, fmt.Sprintf("r%02d", i))
		e.grant(patient1, 1, in)
		ids = append(ids, in.ID)
	}
	requesters := []wire.Actor{
		{Org: "ProviderMSP", Role: parts.RolePhysician, ID: "physician1"},
		{Org: "ProviderMSP", Role: parts.RoleNurse, ID: "nurse1"},
	}
	permits := 0
	for n := range 90 {
		minute := []int{5, 45, 200}[n%3]
		req := wire.Request{Subject: pt1, Requester: requesters[rng.IntN(2)], Action: pick(rng, Actions),
			Purpose: pick(rng, []string{"treatment", "research", "payment"})}
		if rng.IntN(4) == 0 {
			req.Record = pick(rng, []string{"doc-1", "doc-2"})
		} else {
			req.DataClass = pick(rng, []string{"labs", "imaging", "psychiatry"})
		}
		var all []*wire.Consent
		for _, id := range ids {
			cs := e.stored(id)
			all = append(all, &cs)
		}
		want := Decide(all, req, at(minute))
		got := e.check(patient1, minute, string(mustJSON(req)))
		require.Equal(t, want.Decision, got.Decision, "request %d: %+v at minute %d", n, req, minute)
		assert.Equal(t, want.ConsentID, got.ConsentID, "request %d", n)
		assert.Equal(t, want.Basis, got.Basis, "request %d", n)
		if got.Decision == wire.Permit {
			permits++
		}
	}
	return permits
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// some is a random subset of list, empty (no restriction) a third of the time.
func some(rng *rand.Rand, list []string) []string {
	if rng.IntN(3) == 0 {
		return nil
	}
	var out []string
	for _, v := range list {
		if rng.IntN(2) == 0 {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		out = []string{list[0]}
	}
	return out
}

func randomGrant(rng *rand.Rand, id string) wire.GrantInput {
	actors := [][]wire.Actor{
		nil,
		{{Org: "ProviderMSP", Role: parts.RolePhysician}},
		{{Org: "ProviderMSP"}},
		{{Org: "PayerMSP"}},
		{{Org: "PayerMSP"}, {Org: "ProviderMSP", Role: parts.RoleNurse}},
		{{Org: "ProviderMSP", Role: parts.RolePhysician, ID: "physician2"}},
	}[rng.IntN(6)]
	p := wire.Provision{Actors: actors, Actions: some(rng, Actions), Purposes: some(rng, []string{"treatment", "research", "payment"}),
		DataClasses: some(rng, []string{"labs", "imaging", "psychiatry"})}
	if rng.IntN(4) == 0 {
		p.Records = []string{"doc-1"}
	}
	decision := []string{wire.Permit, wire.Permit, wire.Deny}[rng.IntN(3)]
	if decision == wire.Permit { // a permit names whom, what and what for (validatePermit)
		if len(p.Actors) == 0 {
			p.Actors = []wire.Actor{{Org: "ProviderMSP", Role: parts.RoleNurse}}
		}
		if len(p.Actions) == 0 {
			p.Actions = []string{"access"}
		}
		if len(p.Purposes) == 0 {
			p.Purposes = []string{"treatment"}
		}
		if len(p.DataClasses) == 0 && len(p.Records) == 0 {
			p.DataClasses = []string{"labs"}
		}
	}
	if p.Empty() {
		p.Actions = []string{"access"}
	}
	if rng.IntN(3) == 0 {
		p.Provisions = []wire.Provision{{DataClasses: []string{"psychiatry"}}}
	}
	start, end := at(0), at(24*60)
	switch rng.IntN(4) {
	case 0:
		start = at(30)
	case 1:
		end = at(100)
	}
	in := wire.GrantInput{ID: id, Subject: pt1, Decision: decision,
		Period: wire.Period{Start: start.Format(time.RFC3339), End: end.Format(time.RFC3339)}, Provision: p}
	if rng.IntN(8) == 0 {
		in.Status = wire.StatusDraft
	}
	return in
}

// A patient's consents for other orgs, classes and purposes cost a check
// nothing: it loads only what can apply. Entries written before the scope
// was kept (no scope) are still loaded and decide.
func TestCheckLoadsOnlyTheConsentsThatCanApply(t *testing.T) {
	e := newEnv(t)
	for i := range 30 {
		in := grantInput(fmt.Sprintf("payer%02d", i))
		in.Provision.Actors = []wire.Actor{{Org: "PayerMSP"}}
		e.grant(patient1, 1, in)
	}
	e.grant(patient1, 1, grantInput("mine"))
	set, ok, err := openSetOf(e, pt1)
	require.NoError(t, err)
	require.True(t, ok)
	req := wire.Request{Subject: pt1, Requester: physicianActor, Action: "access", Purpose: "treatment", DataClass: "labs"}
	assert.Equal(t, []string{"mine"}, entryIDs(set.applicable(req, at(5))))

	set.Consents[len(set.Consents)-1].Scope = nil
	assert.Equal(t, []string{"mine"}, entryIDs(set.applicable(req, at(5))), "an entry without a scope may apply")
	set.Consents[0].Scope = nil
	assert.Equal(t, []string{"payer00", "mine"}, entryIDs(set.applicable(req, at(5))))
	assert.Equal(t, wire.Permit, e.check(physician, 5, request(pt1, "labs", wire.Actor{})).Decision)
}

func entryIDs(entries []openEntry) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.ID)
	}
	return out
}

// BenchmarkCheck: one check of a physician's access to pt1's labs when the
// patient holds 1, 100 or 1,000 consents: one permit for the physician's
// org, with 99 open consents for another org, or also 900 revoked ones
// for the physician's org; and 100 open permits all for the physician's
// org. Compare the ns/op and allocs/op of the cases: a check must not
// cost more as a patient's consents grow (it decodes only the open
// entries that can apply, and loads one permit).
func BenchmarkCheck(b *testing.B) {
	for _, bc := range []struct {
		name                  string
		others, revoked, mine int
	}{{"consents=1", 0, 0, 1}, {"consents=100 (99 for another org)", 99, 0, 1},
		{"consents=1000 (99 open for another org, 900 revoked)", 99, 900, 1}, {"consents=100 (100 permits for the grantee)", 0, 0, 100}} {
		b.Run(bc.name, func(b *testing.B) {
			e := newEnv(b)
			for i := range bc.revoked {
				e.grant(patient1, 1, grantInput(fmt.Sprintf("gone%03d", i)))
				e.Must(e.revoke(patient1, 1, fmt.Sprintf("gone%03d", i)), nil)
			}
			for i := range bc.others {
				in := grantInput(fmt.Sprintf("other%03d", i))
				in.Provision.Actors = []wire.Actor{{Org: "PayerMSP"}}
				e.grant(patient1, 1, in)
			}
			for i := range bc.mine {
				e.grant(patient1, 1, grantInput(fmt.Sprintf("mine%03d", i)))
			}
			req := request(pt1, "labs", wire.Actor{})
			b.ResetTimer()
			for range b.N {
				if d := e.check(physician, 5, req); d.Decision != wire.Permit {
					b.Fatal(d)
				}
			}
		})
	}
}

// applicableIn, which filters an encoded open set's lines before decoding
// them, returns exactly what applicable returns on the decoded set, for
// random sets and requests.
func TestApplicableInAgreesWithApplicable(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	pick := func(from ...string) []string {
		var out []string
		for _, v := range from {
			if rnd.IntN(3) == 0 {
				out = append(out, v)
			}
		}
		return out
	}
	for round := range 300 {
		set := openSet{Salt: "s"}
		for i := range rnd.IntN(12) {
			set.Consents = append(set.Consents, openEntry{ID: fmt.Sprintf("c%d", i), Decision: []string{wire.Permit, wire.Deny}[rnd.IntN(2)],
				Nested: rnd.IntN(4) == 0, End: []string{"", at(3).Format(time.RFC3339), at(30).Format(time.RFC3339)}[rnd.IntN(3)],
				Scope: &openScope{Orgs: pick("ProviderMSP", "PayerMSP"), Actions: pick("access", "disclose"), Purposes: pick("treatment", "payment"),
					Classes: pick("labs", "imaging"), Records: pick("rec-1")}})
		}
		req := wire.Request{Subject: pt1, Requester: wire.Actor{Org: []string{"ProviderMSP", "PayerMSP"}[rnd.IntN(2)]},
			Action: []string{"access", "disclose"}[rnd.IntN(2)], Purpose: []string{"treatment", "payment"}[rnd.IntN(2)],
			DataClass: []string{"labs", "imaging", ""}[rnd.IntN(3)], Record: []string{"rec-1", ""}[rnd.IntN(2)]}
		decoded, err := decodeOpenSet(encodeOpenSet(set))
		require.NoError(t, err)
		want := decoded.applicable(req, at(5))
		got, err := applicableIn(encodeOpenSet(set), req, at(5))
		require.NoError(t, err)
		require.Equal(t, entryIDs(want), entryIDs(got), "round %d", round)
		require.Equal(t, want, got, "round %d", round)
	}
	_, err := applicableIn([]byte(openSetHeader+"s\nc1\tpermit\n"), wire.Request{}, at(5))
	assert.Error(t, err, "a malformed line that the filter admits is refused")
}
