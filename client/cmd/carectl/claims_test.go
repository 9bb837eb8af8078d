package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client"
)

// fakeClaims is a claims client that records each call and answers from
// its fields; a method the commands under test do not call panics (the
// embedded interface is nil).
type fakeClaims struct {
	claimsAPI
	calls []string
	// err, when set, is every call's answer.
	err     error
	claim   *cl.Claim
	flags   cl.FlagPage
	traces  map[string][]cl.Trace
	intakes []cl.IntakeInput
	pages   []client.Page
}

func (f *fakeClaims) call(format string, args ...any) error {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
	return f.err
}

func (f *fakeClaims) receipt(id, status string) (*cl.Receipt, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &cl.Receipt{ID: id, Status: status, TxID: "tx-" + id}, nil
}

func (f *fakeClaims) SubmitIntake(_ context.Context, in cl.IntakeInput) (*cl.Receipt, error) {
	f.intakes = append(f.intakes, in)
	_ = f.call("SubmitIntake %s", in.Claim.ID)
	return f.receipt(in.Claim.ID, cl.StatusPended)
}

func (f *fakeClaims) Get(_ context.Context, id string) (*cl.Claim, error) {
	if err := f.call("Get %s", id); err != nil {
		return nil, err
	}
	return f.claim, nil
}

func (f *fakeClaims) Dispute(_ context.Context, id string) (*cl.Receipt, error) {
	_ = f.call("Dispute %s", id)
	return f.receipt(id, cl.StatusDisputed)
}

func (f *fakeClaims) Crossover(_ context.Context, id string) (*cl.Receipt, error) {
	_ = f.call("Crossover %s", id)
	return f.receipt(cl.CrossoverID(id), cl.StatusAdjudicated)
}

func (f *fakeClaims) Screen(_ context.Context, id string) (*cl.Receipt, error) {
	_ = f.call("Screen %s", id)
	return f.receipt(id, "screened")
}

func (f *fakeClaims) ResolveFlag(_ context.Context, id string, line int, outcome, reason string) (*cl.Receipt, error) {
	_ = f.call("ResolveFlag %s %d %s %q", id, line, outcome, reason)
	return f.receipt(id, cl.StatusAdjudicated)
}

func (f *fakeClaims) ListFlags(_ context.Context, p client.Page) (*cl.FlagPage, error) {
	f.pages = append(f.pages, p)
	if err := f.call("ListFlags"); err != nil {
		return nil, err
	}
	return &f.flags, nil
}

func (f *fakeClaims) ListByStatus(_ context.Context, status string, p client.Page) (*cl.TracePage, error) {
	if err := f.call("ListByStatus %s %d", status, p.Size); err != nil {
		return nil, err
	}
	return &cl.TracePage{Items: append([]cl.Trace{}, f.traces[status]...)}, nil
}

// runClaims runs carectl with the fake as every claims command's client,
// and returns its exit code, standard output and standard error.
func runClaims(f *fakeClaims, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	a := &app{out: &stdout, errOut: &stderr, newClaims: func(*app) claimsAPI { return f }}
	code := a.execute(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// jsonErrorOf is the error carectl -o json prints on standard error: one
// JSON document, {"error":{...}}.
func jsonErrorOf(t *testing.T, stderr string) jsonError {
	t.Helper()
	var out map[string]jsonError
	require.NoError(t, json.Unmarshal([]byte(stderr), &out), stderr)
	require.Len(t, out, 1, stderr)
	return out["error"]
}

// Bad arguments are refused before any call, naming what is wrong, with
// exit code 2 and one JSON error on standard error: the fake records no
// call.
func TestClaimsCommandsRefuseBadArgumentsBeforeAnyCall(t *testing.T) {
	for _, c := range []struct {
		args  []string
		code  string
		field string
		text  string
	}{
		{[]string{"claims", "intake"}, CodeUsage, "", "missing JSON"},
		{[]string{"claims", "intake", "{not json"}, "INVALID_ARGUMENT", "JSON", "is not JSON"},
		{[]string{"claims", "intake", `{"provider":"ProviderMSP","unknown":1}`}, "INVALID_ARGUMENT", "JSON", "unknown"},
		{[]string{"claims", "dispute"}, CodeUsage, "", "missing ID"},
		{[]string{"claims", "dispute", "a", "b"}, CodeUsage, "", `unexpected argument "b"`},
		{[]string{"claims", "crossover"}, CodeUsage, "", "missing ID"},
		{[]string{"claims", "screen"}, CodeUsage, "", "missing ID"},
		{[]string{"claims", "flags", "extra"}, CodeUsage, "", `unexpected argument "extra"`},
		{[]string{"claims", "flags", "--page-size", "many"}, CodeUsage, "", "invalid argument"},
		{[]string{"claims", "worklist", "--page-size", "-"}, CodeUsage, "", "invalid argument"},
		{[]string{"claims", "resolve", "clm-1"}, CodeUsage, "", "missing LINE"},
		{[]string{"claims", "resolv", "clm-1"}, CodeUsage, "", "did you mean resolve?"},
		{[]string{"claims", "resolve", "clm-1", "one", "--outcome", "cleared", "--reason", "r"}, "INVALID_ARGUMENT", "line", `"one"`},
		{[]string{"claims", "resolve", "clm-1", "0", "--outcome", "cleared", "--reason", "r"}, "INVALID_ARGUMENT", "line", `"0"`},
		{[]string{"claims", "resolve", "clm-1", "1", "--reason", "r"}, "INVALID_ARGUMENT", "outcome", "duplicate, cleared"},
		{[]string{"claims", "resolve", "clm-1", "1", "--outcome", "maybe", "--reason", "r"}, "INVALID_ARGUMENT", "outcome", `"maybe"`},
		{[]string{"claims", "resolve", "clm-1", "1", "--outcome", "duplicate"}, "INVALID_ARGUMENT", "reason", "required"},
		{[]string{"claims", "resolve", "clm-1", "1", "--outcome", "duplicate", "--reason", "  "}, "INVALID_ARGUMENT", "reason", "required"},
	} {
		name := strings.Join(c.args, " ")
		f := &fakeClaims{}
		code, stdout, stderr := runClaims(f, append(c.args, "-o", "json")...)
		assert.Equal(t, 2, code, name)
		assert.Empty(t, f.calls, "%s: a call was made", name)
		assert.Empty(t, stdout, name)
		e := jsonErrorOf(t, stderr)
		assert.Equal(t, c.code, e.Code, name)
		assert.Equal(t, c.field, e.Field, name)
		assert.Contains(t, e.Message, c.text, name)
	}
	f := &fakeClaims{}
	code, _, stderr := runClaims(f, "claims", "flags", "-o", "yaml")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--output must be text or json")
	assert.Empty(t, f.calls)
}

// intake: the IntakeInput as given, a new claim id when it has none, and
// a pended receipt with the reason read with Get, as JSON.
func TestClaimsIntakePrintsTheReceiptWithThePendReason(t *testing.T) {
	f := &fakeClaims{claim: &cl.Claim{PendReason: cl.PendCoverage}}
	code, stdout, stderr := runClaims(f, "claims", "intake", "-o", "json",
		`{"provider":"ProviderMSP","channel":"paper","received":"2026-06-12","claim":{"payer":"Payer2MSP"}}`)
	require.Zero(t, code, stderr)
	require.Len(t, f.intakes, 1)
	in := f.intakes[0]
	assert.Equal(t, cl.IntakeInput{Claim: cl.ClaimInput{ID: in.Claim.ID, Payer: "Payer2MSP"}, Provider: "ProviderMSP", Channel: "paper", Received: "2026-06-12"}, in)
	assert.Regexp(t, `^clm-[0-9a-f]{16}$`, in.Claim.ID)
	var got struct {
		ID, Status, TxID, PendReason string
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got), stdout)
	assert.Equal(t, in.Claim.ID, got.ID)
	assert.Equal(t, cl.StatusPended, got.Status)
	assert.Equal(t, cl.PendCoverage, got.PendReason)
	assert.Equal(t, []string{"SubmitIntake " + in.Claim.ID, "Get " + in.Claim.ID}, f.calls)
}

// dispute, crossover, screen and resolve: one call each with the
// arguments given, the receipt printed as JSON and as text.
func TestClaimsReceiptCommands(t *testing.T) {
	for _, c := range []struct {
		args       []string
		call       string
		id, status string
	}{
		{[]string{"dispute", "clm-1"}, "Dispute clm-1", "clm-1", cl.StatusDisputed},
		{[]string{"crossover", "clm-1"}, "Crossover clm-1", "clm-1.cob", cl.StatusAdjudicated},
		{[]string{"screen", "clm-1"}, "Screen clm-1", "clm-1", "screened"},
		{[]string{"resolve", "clm-1", "2", "--outcome", "duplicate", "--reason", "billed to the other insurer"},
			`ResolveFlag clm-1 2 duplicate "billed to the other insurer"`, "clm-1", cl.StatusAdjudicated},
	} {
		f := &fakeClaims{}
		code, stdout, stderr := runClaims(f, append(append([]string{"claims"}, c.args...), "-o", "json")...)
		require.Zero(t, code, stderr)
		assert.Equal(t, []string{c.call}, f.calls)
		var r cl.Receipt
		require.NoError(t, json.Unmarshal([]byte(stdout), &r), stdout)
		assert.Equal(t, cl.Receipt{ID: c.id, Status: c.status, TxID: "tx-" + c.id}, r)

		code, stdout, _ = runClaims(&fakeClaims{}, append([]string{"claims"}, c.args...)...)
		require.Zero(t, code)
		assert.Equal(t, fmt.Sprintf("%s %s (tx tx-%s)\n", c.id, c.status, c.id), stdout)
	}
}

// A refusal from the ledger is printed as a JSON error with its code and
// field, and the exit code is 1.
func TestClaimsRefusalIsPrintedAsJSON(t *testing.T) {
	f := &fakeClaims{err: &client.Error{Code: client.CodeForbidden, Message: "claim clm-1 is PayerMSP's as its payer, not Payer2MSP's"}}
	code, stdout, stderr := runClaims(f, "claims", "screen", "clm-1", "-o", "json")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	e := jsonErrorOf(t, stderr)
	assert.Equal(t, string(client.CodeForbidden), e.Code)
	assert.Contains(t, e.Message, "not Payer2MSP's")

	code, stdout, stderr = runClaims(f, "claims", "flags")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "not Payer2MSP's")
}

// flags: the page asked for, each flag with its resolution, as JSON and
// text.
func TestClaimsFlags(t *testing.T) {
	f := &fakeClaims{flags: cl.FlagPage{Items: []cl.Flag{
		{Claim: "clm-1", Line: 1, Match: "m1", Flagged: "2026-06-15T12:00:00Z",
			Resolution: &cl.FlagResolution{Line: 1, Match: "m1", Outcome: cl.ResolutionCleared, Reason: "a second visit", At: "2026-06-16T09:00:00Z"}},
		{Claim: "clm-1", Line: 2, Match: "m2", Flagged: "2026-06-15T12:00:00Z"},
	}, Bookmark: "next"}}
	code, stdout, stderr := runClaims(f, "claims", "flags", "--page-size", "5", "--bookmark", "b1", "-o", "json")
	require.Zero(t, code, stderr)
	assert.Equal(t, []client.Page{{Size: 5, Bookmark: "b1"}}, f.pages)
	var page cl.FlagPage
	require.NoError(t, json.Unmarshal([]byte(stdout), &page))
	assert.Equal(t, f.flags, page)

	code, stdout, _ = runClaims(f, "claims", "flags")
	require.Zero(t, code)
	assert.Equal(t, "clm-1 line 1: the same service is billed elsewhere (match m1, 2026-06-15T12:00:00Z); resolved cleared on 2026-06-16T09:00:00Z: a second visit\n"+
		"clm-1 line 2: the same service is billed elsewhere (match m2, 2026-06-15T12:00:00Z)\n"+
		"more: --bookmark next\n", stdout)
}

// worklist: pending, appealed and paid claims and the flags, a page each
// of the size asked for, with the bookmarks that continue them.
func TestClaimsWorklist(t *testing.T) {
	f := &fakeClaims{
		traces: map[string][]cl.Trace{
			cl.StatusPended: {{ID: "clm-p", Status: cl.StatusPended, Provider: "ProviderMSP", Payer: "Payer2MSP"}},
			cl.StatusPaid:   {{ID: "clm-x", Status: cl.StatusPaid, Outcome: cl.OutcomeApproved, Provider: "ProviderMSP", Payer: "Payer2MSP"}},
		},
		flags: cl.FlagPage{Items: []cl.Flag{{Claim: "clm-x", Line: 1, Match: "m"}}, Bookmark: "fb"},
	}
	code, stdout, stderr := runClaims(f, "claims", "worklist", "--page-size", "3", "-o", "json")
	require.Zero(t, code, stderr)
	assert.Equal(t, []string{"ListByStatus pended 3", "ListByStatus appealed 3", "ListByStatus paid 3", "ListFlags"}, f.calls)
	var wl worklist
	require.NoError(t, json.Unmarshal([]byte(stdout), &wl))
	assert.Equal(t, worklist{Pending: f.traces[cl.StatusPended], Appealed: []cl.Trace{}, Paid: f.traces[cl.StatusPaid], Flagged: f.flags.Items,
		Bookmarks: map[string]string{"flagged": "fb"}}, wl)

	code, stdout, _ = runClaims(f, "claims", "worklist", "--page-size", "3")
	require.Zero(t, code)
	assert.Equal(t, "pending (1):\n  clm-p  ProviderMSP→Payer2MSP \nappealed (0):\npaid (1):\n  clm-x approved ProviderMSP→Payer2MSP \n"+
		"flagged (1):\nclm-x line 1: the same service is billed elsewhere (match m, )\nmore flagged: --bookmark fb\n", stdout)
}
