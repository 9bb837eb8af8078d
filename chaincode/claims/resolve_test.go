package claims

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// flaggedPair is twoPayers with clm-a billed to PayerMSP and the same
// services, clm-b, to MutualMSP, both screened: each payer has a flag on
// each line of its claim.
func flaggedPair(t *testing.T) *env {
	e := twoPayers(t)
	e.submitClaim(1, office("clm-a"))
	e.Must(e.screenAs(intake, 2, "clm-a"), nil)
	e.submitClaim(3, toMutual(office("clm-b")))
	e.Must(e.screenAs(mutualIntake, 4, "clm-b"), nil)
	require.Len(t, e.flags(intake, 5), 2)
	return e
}

// sealedFlag is the flag on a line of a claim as its payer's staff who
// reads it on its own peer.
func (e *env) sealedFlag(who *memstub.Identity, minute int, id string, line int) wire.SealedFlag {
	e.T.Helper()
	var sf wire.SealedFlag
	e.Must(e.sealedFlagAs(who, minute, id, line), &sf)
	return sf
}

func (e *env) sealedFlagAs(who *memstub.Identity, minute int, id string, line int) memstub.Result {
	e.Peer.SetMSP(who.MSPID)
	defer e.Peer.SetMSP("ProviderMSP")
	return e.Query(who, minute, wire.FnSealedFlag, id, strconv.Itoa(line))
}

// resolve runs ResolveFlag as who on the provider's peer (no member of
// the payers' collection), endorsed by the provider's and the claim's
// payer's peers.
func (e *env) resolve(who *memstub.Identity, minute int, id string, line int, in wire.ResolutionInput) memstub.Result {
	return e.resolveRaw(who, minute, id, strconv.Itoa(line), cctest.JSON(in))
}

func (e *env) resolveRaw(who *memstub.Identity, minute int, id, line string, in []byte) memstub.Result {
	return e.Peer.Submit(memstub.Tx{Chaincode: "claims", Identity: who, Time: at(minute), Endorsers: []string{"ProviderMSP", "PayerMSP"},
		Transient: map[string][]byte{wire.TransientResolution: in}, Args: [][]byte{[]byte(wire.FnResolveFlag), []byte(id), []byte(line)}})
}

// payersCollection is everything the payers' collection holds, values,
// hashes and key-level policies.
func payersCollection(e *env) map[memstub.StateKey][]byte {
	snap := e.Peer.Snapshot()["care"]
	out := map[memstub.StateKey][]byte{}
	for kind, m := range map[string]map[memstub.StateKey][]byte{"value": snap.Values, "hash": snap.Hashes, "policy": snap.ValidationParameters} {
		for k, v := range m {
			if k.Namespace == "claims" && k.Collection == wire.PayersCollection {
				out[memstub.StateKey{Namespace: kind, Collection: k.Collection, Key: k.Key}] = v
			}
		}
	}
	return out
}

// A payer confirms that line 1 of its claim is the duplicate its screen
// flagged: the line is denied (CO-18), pays nothing, and what it paid and
// the deductible it met leave the member's accumulator; the other payer
// sees nothing of it; the resolution shows with the flag; line 2 is
// cleared and stands; each flag is resolved once; the rest is paid.
func TestAConfirmedDuplicateLineIsDenied(t *testing.T) {
	e := flaggedPair(t)
	payers := payersCollection(e)
	sf := e.sealedFlag(adjudicator, 6, "clm-a", 1)
	var r wire.Receipt
	e.Must(e.resolve(adjudicator, 6, "clm-a", 1, wire.ResolutionInput{Outcome: wire.ResolutionDuplicate,
		Reason: "the same visit was billed to the member's other insurer", Flag: sf}), &r)
	assert.Equal(t, wire.Receipt{ID: "clm-a", Status: wire.StatusAdjudicated, Outcome: wire.OutcomePartial, TxID: r.TxID}, r)

	c := e.get(7, "clm-a")
	// Gold: 99213 allowed 120.00 − deductible 50.00 − copay 20.00 paid 50.00; panel 40.00.
	assert.Equal(t, wire.LineResult{Sequence: 1, SubmittedCents: 15000, Outcome: wire.OutcomeDenied,
		Reasons: []wire.Reason{{Group: "CO", Code: "18", Amount: 15000}}}, c.Adjudication.Lines[0])
	assert.Equal(t, int64(4000), c.Adjudication.PaidCents)
	assert.Equal(t, int64(0), c.Adjudication.PatientCents)
	assert.Contains(t, c.Adjudication.Rules, RuleDuplicate)
	require.Len(t, c.Resolutions, 1)
	assert.Equal(t, wire.ResolutionDuplicate, c.Resolutions[0].Outcome)
	var acc Accumulator
	e.privateRecord(e.blindKey(objAccumulator, "PayerMSP", pt1, "2026"), &acc)
	assert.Equal(t, Accumulator{PaidCents: 4000}, acc, "the denied line's payment and deductible are taken back")

	// Nothing of it in the payers' collection, which the other payer holds.
	assert.Equal(t, payers, payersCollection(e))
	for _, f := range e.flags(mutualIntake, 8) {
		assert.Nil(t, f.Resolution, "MutualMSP sees no resolution of PayerMSP's")
	}
	shown := map[int]*wire.FlagResolution{}
	for _, f := range e.flags(adjudicator, 8) {
		shown[f.Line] = f.Resolution
	}
	require.NotNil(t, shown[1])
	assert.Equal(t, "the same visit was billed to the member's other insurer", shown[1].Reason)
	assert.Nil(t, shown[2])

	e.Must(e.resolve(adjudicator, 9, "clm-a", 2, wire.ResolutionInput{Outcome: wire.ResolutionCleared,
		Reason: "the panel was drawn twice that day", Flag: e.sealedFlag(intake, 9, "clm-a", 2)}), nil)
	assert.Equal(t, int64(4000), e.get(10, "clm-a").Adjudication.PaidCents, "a cleared line stands")
	before := e.Peer.Snapshot()
	for line := 1; line <= 2; line++ {
		e.Refused(before, e.resolve(adjudicator, 11, "clm-a", line, wire.ResolutionInput{Outcome: wire.ResolutionCleared,
			Reason: "again", Flag: e.sealedFlag(adjudicator, 11, "clm-a", line)}), "CONFLICT: ")
	}
	e.Must(e.Submit(adjudicator, 12, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-A", AmountCents: 4000}, "Pay", "clm-a"), nil)
}

// Every line of a claim denied as a duplicate: the claim is denied and
// there is nothing to pay.
func TestAClaimWhoseLinesAreAllDuplicatesIsDenied(t *testing.T) {
	e := flaggedPair(t)
	for line := 1; line <= 2; line++ {
		e.Must(e.resolve(adjudicator, 6+line, "clm-a", line, wire.ResolutionInput{Outcome: wire.ResolutionDuplicate,
			Reason: "billed to the other insurer", Flag: e.sealedFlag(adjudicator, 6+line, "clm-a", line)}), nil)
	}
	c := e.get(9, "clm-a")
	assert.Equal(t, wire.OutcomeDenied, c.Adjudication.Outcome)
	assert.Equal(t, int64(0), c.Adjudication.PaidCents)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(adjudicator, 10, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-A", AmountCents: 0}, "Pay", "clm-a"), "FAILED_PRECONDITION: ")
}

// A resolution names a line of the claim, a known outcome and a reason,
// and hands over the flag as stored on that line, for the claim's payer;
// a duplicate is denied on an adjudicated claim only. Anything else is
// refused by field and changes nothing.
func TestResolveFlagRefusesBadInput(t *testing.T) {
	e := flaggedPair(t)
	sf1, sf2 := e.sealedFlag(adjudicator, 6, "clm-a", 1), e.sealedFlag(adjudicator, 6, "clm-a", 2)
	theirs := e.sealedFlag(mutualAdjudicator, 6, "clm-b", 1)
	raw, err := base64.StdEncoding.DecodeString(sf1.Sealed)
	require.NoError(t, err)
	tampered := wire.SealedFlag{Key: sf1.Key, Sealed: base64.StdEncoding.EncodeToString(append(raw, ' '))}
	ok := wire.ResolutionInput{Outcome: wire.ResolutionCleared, Reason: "checked", Flag: sf1}
	with := func(f func(*wire.ResolutionInput)) wire.ResolutionInput { in := ok; f(&in); return in }
	before := e.Peer.Snapshot()
	for _, c := range []struct {
		line   int
		in     wire.ResolutionInput
		prefix string
	}{
		{0, ok, `INVALID_ARGUMENT: field "line"`},
		{3, ok, `INVALID_ARGUMENT: field "line"`},
		{1, with(func(in *wire.ResolutionInput) { in.Outcome = "maybe" }), `INVALID_ARGUMENT: field "outcome"`},
		{1, with(func(in *wire.ResolutionInput) { in.Reason = " " }), `INVALID_ARGUMENT: field "reason"`},
		{1, with(func(in *wire.ResolutionInput) { in.Reason = strings.Repeat("x", 501) }), `INVALID_ARGUMENT: field "reason"`},
		{1, with(func(in *wire.ResolutionInput) { in.Flag.Key = "not a key" }), `INVALID_ARGUMENT: field "flag.key"`},
		{1, with(func(in *wire.ResolutionInput) { in.Flag = theirs }), `INVALID_ARGUMENT: field "flag.key"`},
		{1, with(func(in *wire.ResolutionInput) { in.Flag.Sealed = "not base64!" }), `INVALID_ARGUMENT: field "flag.sealed"`},
		{1, with(func(in *wire.ResolutionInput) { in.Flag = tampered }), `INVALID_ARGUMENT: field "flag"`},
		{1, with(func(in *wire.ResolutionInput) { in.Flag = sf2 }), `INVALID_ARGUMENT: field "flag"`},
		{2, ok, `INVALID_ARGUMENT: field "flag"`},
	} {
		e.Refused(before, e.resolve(adjudicator, 7, "clm-a", c.line, c.in), c.prefix)
	}
	e.Refused(before, e.resolveRaw(adjudicator, 7, "clm-a", "1", []byte(`{"outcome":"cleared","reason":"x","flag":{},"extra":1}`)), "INVALID_ARGUMENT: ")
	e.Refused(before, e.resolveRaw(adjudicator, 7, "clm-a", "one", cctest.JSON(ok)), "")
	e.Refused(before, e.resolve(adjudicator, 7, "clm-nope", 1, ok), "NOT_FOUND: ")

	// No flag on a line that bills no other claim's service.
	e.submitClaim(8, onDay(office("clm-c"), "2026-06-09"))
	e.Must(e.screenAs(intake, 8, "clm-c"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.sealedFlagAs(adjudicator, 9, "clm-c", 1), "NOT_FOUND: ")
	e.Refused(before, e.sealedFlagAs(adjudicator, 9, "clm-a", 3), `INVALID_ARGUMENT: field "line"`)
	e.Refused(before, e.resolve(adjudicator, 9, "clm-c", 1, with(func(in *wire.ResolutionInput) {})), `INVALID_ARGUMENT: field "flag"`)

	// A duplicate is denied on an adjudicated claim: not a paid one.
	e.Must(e.Submit(adjudicator, 10, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-A", AmountCents: 9000}, "Pay", "clm-a"), nil)
	before = e.Peer.Snapshot()
	e.Refused(before, e.resolve(adjudicator, 11, "clm-a", 1, with(func(in *wire.ResolutionInput) { in.Outcome = wire.ResolutionDuplicate })), "FAILED_PRECONDITION: ")
	e.Must(e.resolve(adjudicator, 11, "clm-a", 1, ok), nil)
}

// A flag of one payer's, written by another payer's screen, has its
// payer's peer as key-level policy: the screening payer and a provider
// together cannot rewrite or delete it.
func TestAnotherPayerCannotRewriteAFlag(t *testing.T) {
	e := flaggedPair(t)
	sf := e.sealedFlag(adjudicator, 6, "clm-a", 1)
	for _, w := range []memstub.ForgedWrite{
		{Collection: wire.PayersCollection, Key: sf.Key, Delete: true},
		{Collection: wire.PayersCollection, Key: sf.Key, Value: []byte("{}")},
	} {
		forged := e.Peer.Forge(memstub.Forgery{Chaincode: "claims", Endorsers: []string{mutualMSP, "ProviderMSP"}, Writes: []memstub.ForgedWrite{w}})
		assert.Equal(t, memstub.EndorsementPolicyFailure, forged.Validation, "MutualMSP and the provider rewrote PayerMSP's flag")
	}
	assert.Equal(t, sf, e.sealedFlag(adjudicator, 7, "clm-a", 1))
}

// ResolveFlag and SealedFlag as every role minted in every org of the
// channel, the second payer's included, and one the registry does not
// list: only PayerMSP's adjudicators resolve the flag on PayerMSP's
// claim (its claims intake reads it too); everyone else is FORBIDDEN,
// with nothing changed.
func TestResolveFlagRoleOrgMatrix(t *testing.T) {
	e := flaggedPair(t)
	sf := e.sealedFlag(adjudicator, 6, "clm-a", 1)
	in := wire.ResolutionInput{Outcome: wire.ResolutionCleared, Reason: "the other claim is a different visit", Flag: sf}
	for _, org := range append(matrixOrgs, mutualMSP) {
		for _, role := range matrixRoles {
			id := identity(org, role)
			who := fmt.Sprintf("%s/%s", org, role)
			before := e.Peer.Snapshot()
			res := e.sealedFlagAs(id, 7, "clm-a", 1)
			if org == "PayerMSP" && (role == parts.RoleAdjudicator || role == parts.RoleClaimsIntake) {
				e.Must(res, nil)
			} else {
				e.Refused(before, res, "FORBIDDEN: ")
			}
			res = e.resolve(id, 7, "clm-a", 1, in)
			if org == "PayerMSP" && role == parts.RoleAdjudicator {
				require.True(t, res.OK(), "%s: %s", who, res.Message)
				e = flaggedPair(t)
				continue
			}
			require.True(t, strings.HasPrefix(res.Message, "FORBIDDEN: "), "%s: want FORBIDDEN, got %s", who, res.Message)
			assert.False(t, res.Committed, who)
			assert.Equal(t, before, e.Peer.Snapshot(), who)
		}
	}
	// MutualMSP's adjudicator on its own claim, its flag in hand, may.
	theirs := wire.ResolutionInput{Outcome: wire.ResolutionCleared, Reason: "a different visit", Flag: e.sealedFlag(mutualIntake, 8, "clm-b", 1)}
	res := e.Peer.Submit(memstub.Tx{Chaincode: "claims", Identity: mutualAdjudicator, Time: at(8), Endorsers: []string{"ProviderMSP", mutualMSP},
		Transient: map[string][]byte{wire.TransientResolution: cctest.JSON(theirs)}, Args: [][]byte{[]byte(wire.FnResolveFlag), []byte("clm-b"), []byte("1")}})
	e.Must(res, nil)
	before := e.Peer.Snapshot()
	e.Refused(before, e.resolve(adjudicator, 9, "clm-b", 1, theirs), "FORBIDDEN: ")
}
