package claims

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// expensive is the attack's $5,040 claim: an office visit billed at
// $4,990 and a panel at $50; the gold plan allows $120 + $45.
func expensive(id string) wire.ClaimInput {
	c := office(id)
	c.Items[0].UnitCents, c.Items[0].NetCents = 499_000, 499_000
	c.Items[1].UnitCents, c.Items[1].NetCents = 5_000, 5_000
	c.TotalCents = 504_000
	return c
}

// Attack 1: the hospital rewrites the insurer's fee schedule. A
// ProviderMSP certificate that says role=adjudicator (or enrollment) is not
// a payer's; another payer cannot touch PayerMSP's plans; coverage plans
// are the payer's.
func TestAttackHospitalRewritesFeeSchedule(t *testing.T) {
	g := withOrg(withOrg(partstest.Reference(),
		parts.Org{MSPID: "MutualMSP", Parts: []string{parts.PartPayer}, Peer: true, Plans: []string{"bronze"}}),
		parts.Org{MSPID: "OpenMSP", Parts: []string{parts.PartPayer}, Peer: true})
	e := newEnvWith(t, g, &Contract{})
	setupPayer(e)
	generous := wire.Rules{Plan: "gold", Allowed: map[string]int64{"99213": 5_000_000, "80053": 5_000_000}}
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(hospitalAdjudicator, 1, wire.TransientRules, generous, "SetRules"), "FORBIDDEN: ")
	e.Refused(before, e.Submit(hospitalEnrollment, 1, wire.TransientCoverage, wire.Coverage{ID: "cov-h", Member: pt2, Plan: "gold",
		Period: wire.Period{Start: "2026-01-01", End: "2026-12-31"}}, "RegisterCoverage"), "FORBIDDEN: ")
	e.Refused(before, e.Submit(hospitalEnrollment, 1, wire.TransientSalt, map[string]string{"salt": testSalt}, "SetSalt"), "FORBIDDEN: ")
	e.Refused(before, e.Query(hospitalAdjudicator, 1, "GetCoverage", "PayerMSP", "cov-1"), "FORBIDDEN: ")
	// Another payer: not its plan; and a payer listing no plans writes its own rules only.
	mutual := identity("MutualMSP", parts.RoleAdjudicator)
	e.Refused(before, e.Submit(mutual, 1, wire.TransientRules, generous, "SetRules"), `INVALID_ARGUMENT: field "plan"`)
	e.Refused(before, e.Submit(mutual, 1, wire.TransientRules, wire.Rules{Plan: "gold", Payer: "PayerMSP", Allowed: generous.Allowed}, "SetRules"), `INVALID_ARGUMENT: field "payer"`)
	e.Must(e.Submit(identity("OpenMSP", parts.RoleAdjudicator), 1, wire.TransientRules, generous, "SetRules"), nil)
	e.Must(e.Submit(mutual, 1, wire.TransientRules, wire.Rules{Plan: "bronze", Allowed: generous.Allowed}, "SetRules"), nil)
	// A coverage's plan is one of its payer's plans.
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(enrollment, 2, wire.TransientCoverage, wire.Coverage{ID: "cov-p", Member: pt2, Plan: "platinum",
		Period: wire.Period{Start: "2026-01-01", End: "2026-12-31"}}, "RegisterCoverage"), `INVALID_ARGUMENT: field "plan"`)
	e.Refused(before, e.Submit(identity("MutualMSP", parts.RoleEnrollment), 2, wire.TransientCoverage, wire.Coverage{ID: "cov-m", Member: pt2, Plan: "gold",
		Period: wire.Period{Start: "2026-01-01", End: "2026-12-31"}}, "RegisterCoverage"), `INVALID_ARGUMENT: field "plan"`)
	// Each payer has its own salt.
	e.Must(e.Submit(identity("MutualMSP", parts.RoleEnrollment), 2, wire.TransientSalt, map[string]string{"salt": testSalt}, "SetSalt"), nil)

	// The $5,040 claim pays by PayerMSP's own gold rules: 165.00 allowed,
	// less the 50.00 deductible and the 20.00 copay.
	r := e.submitClaim(3, expensive("clm-1"))
	assert.Equal(t, wire.StatusAdjudicated, r.Status)
	c := e.get(4, "clm-1")
	assert.Equal(t, int64(9500), c.Adjudication.PaidCents)
	assert.LessOrEqual(t, c.Adjudication.PaidCents, int64(16_500))
}

// Attack 2: the same service billed again 1 cent higher, with its
// modifiers reordered, or under a billable period written differently, is
// a duplicate; another date of service or procedure is not.
func TestAttackDuplicateWithOneCentMore(t *testing.T) {
	e := newEnv(t)
	orig := office("clm-1")
	orig.Items[0].Modifiers = []string{"25", "59"}
	e.submitClaim(1, orig)

	cent := office("clm-2")
	cent.Items[0].Modifiers = []string{"25", "59"}
	cent.Items[1].UnitCents, cent.Items[1].NetCents, cent.TotalCents = 4001, 4001, 19001
	reordered := orig
	reordered.ID, reordered.Items = "clm-3", []wire.Item{orig.Items[0]}
	reordered.Items[0].Modifiers = []string{"59", "25"}
	reordered.TotalCents = orig.Items[0].NetCents
	period := orig
	period.ID, period.BillablePeriod = "clm-4", wire.Period{Start: "2026-06-01", End: "2026-06-14"}
	oneLine := onDay(office("clm-5"), "2026-06-11") // a new visit, and the old panel again
	oneLine.Items = append(oneLine.Items, wire.Item{Sequence: 3, Code: "80053", Units: 1, UnitCents: 3900, NetCents: 3900, Date: "2026-06-10"})
	oneLine.BillablePeriod.Start, oneLine.TotalCents = "2026-06-10", oneLine.TotalCents+3900
	before := e.Peer.Snapshot()
	for _, dup := range []wire.ClaimInput{cent, reordered, period, oneLine} {
		e.Refused(before, e.Submit(billing, 2, wire.TransientClaim, dup, "Submit"), "CONFLICT: duplicate of claim clm-1")
	}

	otherDay := onDay(orig, "2026-06-11")
	otherDay.ID = "clm-6"
	otherCode := orig
	otherCode.ID, otherCode.Items = "clm-7", []wire.Item{{Sequence: 1, Code: "99214", Modifiers: []string{"25", "59"}, Units: 1, UnitCents: 15000, NetCents: 15000, Date: "2026-06-10"}}
	otherCode.TotalCents = 15000
	e.submitClaim(3, otherDay)
	e.submitClaim(4, otherCode)
}

// Attack 3: every transaction checks the caller's org's part, not only
// the role attribute; a claim's payer must play the payer.
func TestAttackRolesWithoutTheirPart(t *testing.T) {
	g := withOrg(partstest.Reference(), parts.Org{MSPID: "OversightMSP", Parts: []string{parts.PartRegulator}, Peer: true})
	e := newEnvWith(t, g, &Contract{})
	setupPayer(e)
	e.submitClaim(1, office("clm-1"))
	before := e.Peer.Snapshot()
	for _, c := range []struct {
		id *memstub.Identity
		fn string
	}{
		{identity("StrangerMSP", parts.RoleBilling), "Submit"},
		{identity("RegulatorMSP", parts.RoleBilling), "Submit"},
		{identity("PatientsMSP", parts.RoleBilling), "Submit"},
		{identity("PayerMSP", parts.RoleBilling), "Submit"},
	} {
		e.Refused(before, e.Submit(c.id, 2, wire.TransientClaim, onDay(office("clm-2"), "2026-06-11"), c.fn), "FORBIDDEN: ")
	}
	e.Refused(before, e.Submit(hospitalAdjudicator, 2, wire.TransientPayment, wire.PaymentInput{Trace: "T", AmountCents: 9000}, "Pay", "clm-1"), "FORBIDDEN: ")
	e.Refused(before, e.Submit(identity("PayerMSP", parts.RoleBilling), 2, "", nil, "Void", "clm-1"), "FORBIDDEN: ")
	e.Refused(before, e.Submit(identity("ProviderMSP", "admin"), 2, "", nil, "SetSettings", "true"), "FORBIDDEN: ")
	e.Refused(before, e.Query(hospitalEnrollment, 2, "GetCoverage", "PayerMSP", "cov-1"), "FORBIDDEN: ")
	e.Refused(before, e.Query(identity("PayerMSP", parts.RolePhysician), 2, "Get", "clm-1"), "FORBIDDEN: ")
	// The payer named on a claim must play the payer.
	notPayer := onDay(office("clm-3"), "2026-06-11")
	notPayer.Payer = "OversightMSP"
	e.Refused(before, e.Submit(billing, 2, wire.TransientClaim, notPayer, "Submit"), `INVALID_ARGUMENT: field "payer"`)
	// The regulator is whoever plays it in the registry, not an MSP name.
	e.Must(e.Submit(identity("OversightMSP", "admin"), 3, "", nil, "SetSettings", "false"), nil)
}

// Attack 4: every public key of a claim carries the provider-and-payer
// policy.
func TestEveryPublicKeyOfAClaimNeedsBothParties(t *testing.T) {
	e := seededClaims(t)
	settings, _ := key(objSettings, "channel")
	n := 0
	for _, k := range e.Peer.Keys("claims") {
		if k == settings {
			continue
		}
		ep := e.Peer.Ledger("care").ValidationParameter("claims", k)
		require.NotEmpty(t, ep, "key %q has no key-level policy", k)
		assert.Contains(t, string(ep), "ProviderMSP", k)
		assert.Contains(t, string(ep), "PayerMSP", k)
		n++
	}
	// 3 claims: trace, 3 status entries and line fingerprints; the
	// patient-day entries are private.
	assert.Equal(t, 3*(1+3)+3+2+1, n)
}

// forgedTrace is clm-1's trace as colluding endorsers would rewrite it.
func forgedTrace(t *testing.T, e *env, id, status string) memstub.ForgedWrite {
	k, _ := key(objTrace, id)
	raw, ok := e.Peer.State("claims", k)
	var tr wire.Trace
	if ok {
		require.NoError(t, json.Unmarshal(raw, &tr))
	} else {
		tr = wire.Trace{ID: id, Provider: "ProviderMSP", Payer: "PayerMSP", DetailsHash: strings.Repeat("0", 64), Updated: at(5).Format("2006-01-02T15:04:05Z07:00")}
	}
	tr.Status = status
	raw, _ = json.Marshal(tr)
	return memstub.ForgedWrite{Key: k, Value: raw}
}

// Attack 4: a claim's keys changed with the endorsements of two orgs that
// are not both its provider and its payer fail validation; payer-owned
// private records need the payer's peer (the collection's policy).
func TestForgeriesWithoutBothPartiesFail(t *testing.T) {
	e := seededClaims(t)
	first := office("clm-1")
	fp := lineFingerprints(testSaltBytes[:], "ProviderMSP", &first)
	fk, _ := key(objFingerprint, fp[0])
	sk, _ := key(objByStatus, "PayerMSP", wire.StatusAdjudicated)
	var statusKey string
	for _, k := range e.Peer.Keys("claims") {
		if strings.HasPrefix(k, sk) {
			statusKey = k
		}
	}
	require.NotEmpty(t, statusKey)
	rules := e.blindKey(objRules, "PayerMSP", "gold")
	cov := e.blindKey(objCoverage, "PayerMSP", "cov-1")
	salt := e.blindKey(objSalt, "PayerMSP")
	acc := e.blindKey(objAccumulator, "PayerMSP", pt1, "2026")
	day := e.blindKey(objPatientDay, "PayerMSP", pt1, "2026-06-10")
	secretKey := blind.SecretKey()
	generous, _ := json.Marshal(wire.Rules{Plan: "gold", Payer: "PayerMSP", Allowed: map[string]int64{"99213": 5_000_000}})
	forgeries := map[string]memstub.ForgedWrite{
		"trace":        forgedTrace(t, e, "clm-1", wire.StatusPaid),
		"fingerprint":  {Key: fk, Delete: true},
		"status index": {Key: statusKey, Delete: true},
		"trace policy": {Key: forgedTrace(t, e, "clm-1", wire.StatusAdjudicated).Key, ValidationParameter: []byte{}},
		"rules":        {Collection: payerColl, Key: rules, Value: generous},
		"coverage":     {Collection: payerColl, Key: cov, Delete: true},
		"salt":         {Collection: payerColl, Key: salt, Value: []byte(`{"salt":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`)},
		"accumulator":  {Collection: payerColl, Key: acc, Delete: true},
		"patient-day":  {Collection: pairColl, Key: day, Delete: true},
		"secret":       {Collection: pairColl, Key: secretKey, Value: []byte(`{"secret":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`)},
		"payer secret": {Collection: payerColl, Key: secretKey, Value: []byte(`{"secret":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`)},
	}
	for name, w := range forgeries {
		for _, endorsers := range [][]string{{"ProviderMSP", "RegulatorMSP"}, {"PayerMSP", "RegulatorMSP"}} {
			if strings.Contains(name, "rules") || name == "coverage" || name == "salt" {
				if endorsers[0] == "PayerMSP" {
					continue // the payer may change its own records; its peer runs the chaincode's checks
				}
			}
			before := e.Peer.Snapshot()
			res := e.Peer.Forge(memstub.Forgery{Chaincode: "claims", Endorsers: endorsers, Writes: []memstub.ForgedWrite{w}})
			assert.Equal(t, memstub.EndorsementPolicyFailure, res.Validation, "%s forged by %v", name, endorsers)
			assert.False(t, res.Committed)
			assert.Equal(t, before, e.Peer.Snapshot(), name)
		}
	}
}

// Attack 4: what two orgs can write under the chaincode-level policy (new
// public keys no claim owns yet) is ignored when read: a trace without the
// parties' private record, a status entry that does not match its claim,
// a fingerprint entry that no claim's line has.
func TestForgedNewKeysAreIgnored(t *testing.T) {
	e := seededClaims(t)
	colluders := []string{"ProviderMSP", "RegulatorMSP"}
	forge := func(w memstub.ForgedWrite) {
		t.Helper()
		res := e.Peer.Forge(memstub.Forgery{Chaincode: "claims", Endorsers: colluders, Writes: []memstub.ForgedWrite{w}})
		require.Equal(t, memstub.Valid, res.Validation, "the chaincode-level policy lets two orgs create keys")
	}
	forge(forgedTrace(t, e, "clm-fake", wire.StatusPaid))
	inv, _ := invertedStamp(at(5).Format("2006-01-02T15:04:05Z07:00"))
	for _, party := range []string{"ProviderMSP", allParties} {
		for _, id := range []string{"clm-fake", "clm-1"} {
			k, _ := key(objByStatus, party, wire.StatusPaid, inv, id)
			forge(memstub.ForgedWrite{Key: k, Value: []byte{0}})
		}
	}
	malformed, _ := key(objByStatus, "ProviderMSP", wire.StatusPaid, "x")
	forge(memstub.ForgedWrite{Key: malformed, Value: []byte{0}})
	next := onDay(office("clm-8"), "2026-06-12")
	fps := lineFingerprints(testSaltBytes[:], "ProviderMSP", &next)
	fk, _ := key(objFingerprint, fps[0])
	forge(memstub.ForgedWrite{Key: fk, Value: []byte(`{"claim":"clm-1","sequence":1}`)})
	garbage, _ := key(objFingerprint, fps[1])
	forge(memstub.ForgedWrite{Key: garbage, Value: []byte(`not json`)})

	// A copy of a real claim's trace under another id names the real
	// record's token and commitment: the record is keyed by its own id too.
	copied := forgedTrace(t, e, "clm-1", wire.StatusAdjudicated)
	copied.Key, _ = key(objTrace, "clm-copy")
	copied.Value = []byte(strings.Replace(string(copied.Value), `"id":"clm-1"`, `"id":"clm-copy"`, 1))
	forge(copied)
	for _, peer := range []string{"ProviderMSP", "RegulatorMSP"} { // a member's peer and one outside the collection
		e.Peer.SetMSP(peer)
		e.Refused(e.Peer.Snapshot(), e.Query(auditor, 10, "GetTrace", "clm-fake"), "NOT_FOUND: ")
		e.Refused(e.Peer.Snapshot(), e.Query(auditor, 10, "GetTrace", "clm-copy"), "NOT_FOUND: ")
		var tr wire.Trace
		e.Must(e.Query(auditor, 10, "GetTrace", "clm-1"), &tr)
	}
	e.Peer.SetMSP("ProviderMSP")
	for _, id := range []*memstub.Identity{billing, auditor} {
		var page wire.TracePage
		e.Must(e.Query(id, 10, "ListByStatus", wire.StatusPaid, "100", ""), &page)
		require.Len(t, page.Items, 1)
		assert.Equal(t, "clm-2", page.Items[0].ID, "only the claim really paid")
	}
	assert.Equal(t, wire.StatusAdjudicated, e.submitClaim(11, next).Status, "a forged fingerprint does not make a duplicate")
}

// Attack 4: honest transactions name the endorsers the policies need.
func TestHonestTransactionsNeedBothParties(t *testing.T) {
	e := seededClaims(t)
	submit := func(id *memstub.Identity, endorsers []string, key string, v any, fn string, args ...string) memstub.Result {
		tm := map[string][]byte{}
		if key != "" {
			raw, _ := json.Marshal(v)
			tm[key] = raw
		}
		argv := [][]byte{[]byte(fn)}
		for _, a := range args {
			argv = append(argv, []byte(a))
		}
		return e.Peer.Submit(memstub.Tx{Chaincode: "claims", Identity: id, Time: at(10), Transient: tm, Args: argv, Endorsers: endorsers})
	}
	claim := onDay(office("clm-9"), "2026-06-12")
	assert.Equal(t, memstub.EndorsementPolicyFailure, submit(billing, []string{"ProviderMSP", "RegulatorMSP"}, wire.TransientClaim, claim, "Submit").Validation)
	assert.Equal(t, memstub.Valid, submit(billing, []string{"ProviderMSP", "PayerMSP"}, wire.TransientClaim, claim, "Submit").Validation)
	c := e.get(11, "clm-1")
	pay := wire.PaymentInput{Trace: "T1", AmountCents: c.Adjudication.PaidCents}
	assert.Equal(t, memstub.EndorsementPolicyFailure, submit(adjudicator, []string{"PayerMSP", "RegulatorMSP"}, wire.TransientPayment, pay, "Pay", "clm-1").Validation)
	assert.Equal(t, memstub.Valid, submit(adjudicator, []string{"PayerMSP", "ProviderMSP"}, wire.TransientPayment, pay, "Pay", "clm-1").Validation)
}

// Independent claims share no key: endorsed at once, both commit.
func TestConcurrentIndependentClaimsCommit(t *testing.T) {
	e := newEnv(t)
	e.Must(e.Submit(enrollment, 1, wire.TransientCoverage, wire.Coverage{ID: "cov-2", Member: pt2, Plan: "gold",
		Period: wire.Period{Start: "2026-01-01", End: "2026-12-31"}}, "RegisterCoverage"), nil)
	second := office("clm-2")
	second.Patient, second.Coverage = pt2, "cov-2"
	var pending []*memstub.Pending
	for i, c := range []wire.ClaimInput{office("clm-1"), second} {
		raw, _ := json.Marshal(c)
		pending = append(pending, e.Peer.Simulate(memstub.Tx{Chaincode: "claims", Identity: billing, Time: at(2 + i),
			Transient: map[string][]byte{wire.TransientClaim: raw}, Args: [][]byte{[]byte("Submit")}, Endorsers: []string{"ProviderMSP", "PayerMSP"}}))
	}
	for _, r := range e.Peer.Commit(pending...) {
		assert.Equal(t, memstub.Valid, r.Validation, r.Message)
	}
	// Two claims of one patient and day at once: they read the same
	// private patient-day record, so the second conflicts (and is counted
	// when submitted again).
	var sameDayPending []*memstub.Pending
	for i, c := range []wire.ClaimInput{sameDay("clm-3", 0), sameDay("clm-4", 1)} {
		raw, _ := json.Marshal(c)
		sameDayPending = append(sameDayPending, e.Peer.Simulate(memstub.Tx{Chaincode: "claims", Identity: billing, Time: at(2 + i),
			Transient: map[string][]byte{wire.TransientClaim: raw}, Args: [][]byte{[]byte("Submit")}, Endorsers: []string{"ProviderMSP", "PayerMSP"}}))
	}
	sameDayResults := e.Peer.Commit(sameDayPending...)
	assert.Equal(t, memstub.Valid, sameDayResults[0].Validation)
	assert.Equal(t, memstub.MVCCReadConflict, sameDayResults[1].Validation)
	// Paying one claim twice at once: the second payment conflicts.
	c := e.get(3, "clm-1")
	raw, _ := json.Marshal(wire.PaymentInput{Trace: "T", AmountCents: c.Adjudication.PaidCents})
	pay := memstub.Tx{Chaincode: "claims", Identity: adjudicator, Time: at(4), Transient: map[string][]byte{wire.TransientPayment: raw},
		Args: [][]byte{[]byte("Pay"), []byte("clm-1")}}
	results := e.Peer.Commit(e.Peer.Simulate(pay), e.Peer.Simulate(pay))
	assert.Equal(t, memstub.Valid, results[0].Validation)
	assert.Equal(t, memstub.MVCCReadConflict, results[1].Validation)
}

// Attack 5: with the peer's clock wired, a transaction stamped a year
// ahead or 30 days behind it is refused.
func TestClockSkewIsRefused(t *testing.T) {
	e := newEnvWith(t, partstest.Reference(), &Contract{Clock: func() time.Time { return at(0) }})
	setupPayer(e)
	before := e.Peer.Snapshot()
	for _, minute := range []int{365 * 24 * 60, -30 * 24 * 60} {
		e.Refused(before, e.Submit(billing, minute, wire.TransientClaim, office("clm-1"), "Submit"), `INVALID_ARGUMENT: field "timestamp"`)
		e.Refused(before, e.Query(billing, minute, "ListByStatus", wire.StatusPaid, "10", ""), `INVALID_ARGUMENT: field "timestamp"`)
	}
	e.submitClaim(1, office("clm-1"))
}

const day = 24 * 60

// Attack 5: each claim keeps the stamp of its latest change, and a
// lifecycle transaction stamped before it is refused, so backdating cannot
// reopen the expired appeal window: the peer's clock refuses a stamp far
// from it, and even endorsers whose clocks are wound back (so the skew
// guard passes) cannot act on a claim before its latest change.
func TestBackdatingCannotReopenTheAppealWindow(t *testing.T) {
	clock := at(0) // set before the harness sets the blinding secret
	e := newEnvWith(t, partstest.Reference(), &Contract{Clock: func() time.Time { return clock }})
	setAt := func(minute int) { clock = at(minute) }
	setAt(0)
	setupPayer(e)
	c := office("clm-1")
	c.Items = append(c.Items, wire.Item{Sequence: 3, Code: "J1100", Units: 1, UnitCents: 500, NetCents: 500, Date: "2026-06-10"})
	c.TotalCents += 500
	assert.Equal(t, wire.OutcomePartial, e.submitClaim(1, c).Outcome)
	paid := e.get(2, "clm-1").Adjudication.PaidCents
	setAt(190 * day)
	e.Must(e.Submit(adjudicator, 190*day, wire.TransientPayment, wire.PaymentInput{Trace: "T1", AmountCents: paid}, "Pay", "clm-1"), nil)
	setAt(191 * day)
	e.Must(e.Submit(adjudicator, 191*day, "", nil, "ReversePayment", "clm-1"), nil)
	before := e.Peer.Snapshot()
	// The window closed 180 days after the adjudication.
	e.Refused(before, e.Submit(billing, 191*day+1, "", nil, "Appeal", "clm-1"), "FAILED_PRECONDITION: claim clm-1: the appeal window closed")
	// Stamped on day 100, inside the window: the peer's clock refuses it.
	e.Refused(before, e.Submit(billing, 100*day, "", nil, "Appeal", "clm-1"), `INVALID_ARGUMENT: field "timestamp"`)
	// Endorsers with clocks wound back to day 100: the claim's latest change refuses it.
	setAt(100 * day)
	e.Refused(before, e.Submit(billing, 100*day, "", nil, "Appeal", "clm-1"), "FAILED_PRECONDITION: transaction time")
	setAt(191*day - 1)
	e.Refused(before, e.Submit(adjudicator, 191*day-1, wire.TransientPayment, wire.PaymentInput{Trace: "T2", AmountCents: paid}, "Pay", "clm-1"), "FAILED_PRECONDITION: transaction time")

	// Rules and settings move forward in time too.
	setAt(10)
	e.Must(e.Submit(adjudicator, 10, wire.TransientRules, goldRules(), "SetRules"), nil)
	e.Must(e.Submit(regAdmin, 10, "", nil, "SetSettings", "true"), nil)
	setAt(5)
	e.Refused(e.Peer.Snapshot(), e.Submit(adjudicator, 5, wire.TransientRules, goldRules(), "SetRules"), "FAILED_PRECONDITION: transaction time")
	e.Refused(e.Peer.Snapshot(), e.Submit(regAdmin, 5, "", nil, "SetSettings", "false"), "FAILED_PRECONDITION: transaction time")
}

// Attack 6: the first validation error never depends on map iteration
// order.
func TestValidationErrorsAreDeterministic(t *testing.T) {
	bad := wire.Rules{Plan: "gold", Allowed: map[string]int64{}}
	for _, code := range []string{"zz", "99213x", "b", "a1", "7", "J1100", "q9", "x-1", "80053", "m", "y", "00000"} {
		bad.Allowed[code] = 1
	}
	bad.Allowed["99214"] = -1
	want := validateRules(&bad).Error()
	assert.Contains(t, want, `field "allowed[\"7\"]"`, "the first code in sorted order")
	for range 300 {
		require.Equal(t, want, validateRules(&bad).Error())
	}
	cov := wire.Coverage{ID: "", Member: "", Plan: "", CopayCents: -1, DeductibleCents: -1, AnnualLimitCents: -1}
	first := validateCoverage(&cov).Error()
	assert.Contains(t, first, `field "id"`)
	cov.ID, cov.Member, cov.Plan, cov.Period = "c", "m", "p", wire.Period{Start: "2026-01-01", End: "2026-12-31"}
	amounts := validateCoverage(&cov).Error()
	assert.Contains(t, amounts, `field "annualLimit"`)
	for range 300 {
		cov.ID = ""
		require.Equal(t, first, validateCoverage(&cov).Error())
		cov.ID = "c"
		require.Equal(t, amounts, validateCoverage(&cov).Error())
	}
	e := newEnv(t)
	before := e.Peer.Snapshot()
	for range 20 {
		e.Refused(before, e.Submit(adjudicator, 1, wire.TransientRules, bad, "SetRules"), `INVALID_ARGUMENT: field "allowed[\"7\"]"`)
	}
}

// Attack 7: lists page from their bookmark to any length, newest change
// first: 1,050 claims in 11 pages of 100, and a claim that changes status
// is at the top of its new list.
func TestListsPageNewestFirstPastAThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("1,050 claims")
	}
	e := newEnv(t)
	const n = 1050
	for i := range n {
		c := office(fmt.Sprintf("clm-%04d", i))
		c.Patient = fmt.Sprintf("pt-list-%04d", i) // no coverage: pended
		e.submitClaim(1+i, c)
	}
	for _, id := range []*memstub.Identity{billing, intake, auditor} {
		var all []wire.Trace
		bookmark, pages := "", 0
		for {
			var page wire.TracePage
			e.Must(e.Query(id, 2*n, "ListByStatus", wire.StatusPended, "100", bookmark), &page)
			all, bookmark, pages = append(all, page.Items...), page.Bookmark, pages+1
			if bookmark == "" {
				break
			}
		}
		require.Len(t, all, n)
		assert.Equal(t, 11, pages)
		for i, tr := range all {
			require.Equal(t, fmt.Sprintf("clm-%04d", n-1-i), tr.ID, "newest first")
		}
	}
	e.Must(e.Submit(billing, 2*n, "", nil, "Void", "clm-0007"), nil)
	var page wire.TracePage
	e.Must(e.Query(billing, 2*n+1, "ListByStatus", wire.StatusPended, "1", ""), &page)
	assert.Equal(t, "clm-1049", page.Items[0].ID)
	e.Must(e.Query(billing, 2*n+1, "ListByStatus", wire.StatusVoided, "1", ""), &page)
	assert.Equal(t, "clm-0007", page.Items[0].ID)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Query(billing, 2*n+1, "ListByStatus", wire.StatusPended, "1", "bm90IGEgYm9va21hcms"), `INVALID_ARGUMENT: field "bookmark"`)
}
