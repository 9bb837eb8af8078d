package claims

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client"
)

// fakeParty answers the automation's calls from scripted errors, one per
// call of each function, then success.
type fakeParty struct {
	calls  []string
	errs   map[string][]error
	claim  cl.Claim
	status string
}

func (f *fakeParty) next(fn, id string) error {
	f.calls = append(f.calls, fn+" "+id)
	if q := f.errs[fn]; len(q) > 0 {
		f.errs[fn] = q[1:]
		return q[0]
	}
	return nil
}

func (f *fakeParty) Trace(_ context.Context, id string) (*cl.Trace, error) {
	return &cl.Trace{ID: id, Status: f.status}, f.next("Trace", id)
}

func (f *fakeParty) Get(_ context.Context, id string) (*cl.Claim, error) {
	c := f.claim
	c.Input.ID = id // a claim read by id carries it
	return &c, f.next("Get", id)
}

func (f *fakeParty) Screen(_ context.Context, id string) (*cl.Receipt, error) {
	return &cl.Receipt{ID: id}, f.next("Screen", id)
}

func (f *fakeParty) CrossoverOf(_ context.Context, c *cl.Claim) (*cl.Receipt, error) {
	return &cl.Receipt{ID: cl.CrossoverID(c.Input.ID)}, f.next("Crossover", c.Input.ID)
}

var quick = Automation{Screen: true, Forward: true, Patience: 5 * time.Second}

func crossing() cl.Claim {
	return cl.Claim{Input: cl.ClaimInput{Secondary: &cl.CoverageRef{Payer: "Payer2MSP", Coverage: "cov-2"}},
		Adjudication: &cl.Adjudication{Outcome: cl.OutcomePartial}}
}

// A payer screens each new claim it is billed, a provider forwards each
// adjudicated claim with a secondary; nothing else is done for an event.
func TestAutomationStepsByPartyAndStatus(t *testing.T) {
	for _, tc := range []struct {
		name  string
		event ClaimEvent
		want  []string
	}{
		{"new claim at the payer", ClaimEvent{Claim: "c1", Status: cl.StatusPended, Provider: "ProviderMSP", Payer: "PayerMSP"}, []string{"Screen c1"}},
		{"adjudicated at the payer", ClaimEvent{Claim: "c1", Status: cl.StatusAdjudicated, Provider: "ProviderMSP", Payer: "PayerMSP"}, []string{"Screen c1"}},
		{"paid at the payer", ClaimEvent{Claim: "c1", Status: cl.StatusPaid, Provider: "ProviderMSP", Payer: "PayerMSP"}, nil},
		{"adjudicated, the provider's", ClaimEvent{Claim: "c1", Status: cl.StatusAdjudicated, Provider: "PayerMSP", Payer: "OtherMSP"}, []string{"Get c1", "Crossover c1"}},
		{"another org's claim", ClaimEvent{Claim: "c1", Status: cl.StatusAdjudicated, Provider: "A", Payer: "B"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeParty{claim: crossing(), errs: map[string][]error{}}
			require.NoError(t, quick.run(context.Background(), f, "PayerMSP", tc.event))
			assert.Equal(t, tc.want, f.calls)
		})
	}
}

// A claim that names no secondary, was denied or is itself a crossover is
// not forwarded; a crossover made before (CONFLICT) is done.
func TestForwardOnlyWhatCrossesOver(t *testing.T) {
	ev := ClaimEvent{Claim: "c1", Status: cl.StatusAdjudicated, Provider: "ProviderMSP", Payer: "PayerMSP"}
	noSecondary, denied, crossover := crossing(), crossing(), crossing()
	noSecondary.Input.Secondary = nil
	denied.Adjudication.Outcome = cl.OutcomeDenied
	crossover.Primary = &cl.Prior{Claim: "c0"}
	for _, c := range []cl.Claim{noSecondary, denied, crossover} {
		f := &fakeParty{claim: c, errs: map[string][]error{}}
		require.NoError(t, quick.run(context.Background(), f, "ProviderMSP", ev))
		assert.Equal(t, []string{"Get c1"}, f.calls)
	}
	f := &fakeParty{claim: crossing(), errs: map[string][]error{"Crossover": {&client.Error{Code: client.CodeConflict}}}}
	require.NoError(t, quick.run(context.Background(), f, "ProviderMSP", ev))
	assert.Equal(t, []string{"Get c1", "Crossover c1"}, f.calls)
}

// A crossover refused because the primary's record changed since it was
// read (the primary paid, or the secondary's peer is behind) is made again
// from a new read: Crossover reads the record each time.
func TestForwardReadsAStaleRecordAgain(t *testing.T) {
	ev := ClaimEvent{Claim: "c1", Status: cl.StatusAdjudicated, Provider: "ProviderMSP", Payer: "PayerMSP"}
	stale := &client.Error{Code: client.CodeFailedPrecondition, Field: cl.TransientPrimary, Message: "its hash differs"}
	f := &fakeParty{claim: crossing(), errs: map[string][]error{"Crossover": {stale}}}
	require.NoError(t, quick.run(context.Background(), f, "ProviderMSP", ev))
	assert.Equal(t, []string{"Get c1", "Crossover c1", "Get c1", "Crossover c1"}, f.calls)
}

// A step that failed without effect (an MVCC conflict, a peer that has not
// yet received the payers' secret, a gateway away) is tried again until it
// works; one whose transaction may have been ordered, or a refusal, ends
// the automation with its error at once, without a second transaction.
func TestAutomationRetriesOnlyWhatHadNoEffect(t *testing.T) {
	ev := ClaimEvent{Claim: "c1", Status: cl.StatusPended, Provider: "ProviderMSP", Payer: "PayerMSP"}
	notYet := []error{
		&client.Error{Code: client.CodeMVCCConflict},
		&client.Error{Code: client.CodeUnknown, Message: "private data matching public hash version is not available"},
		&client.Error{Code: client.CodeUnavailable},
		&client.Error{Code: client.CodeNotFound, Message: "claim c1 not found"}, // an endorser behind
	}
	f := &fakeParty{errs: map[string][]error{"Screen": notYet}}
	require.NoError(t, quick.run(context.Background(), f, "PayerMSP", ev))
	assert.Equal(t, []string{"Screen c1", "Screen c1", "Screen c1", "Screen c1", "Screen c1"}, f.calls)

	for _, stop := range []error{
		&client.Error{Code: client.CodeCommitUnknown, TxID: "tx1"},
		&client.Error{Code: client.CodeMVCCConflict, TxID: "tx1"},
		&client.Error{Code: client.CodeForbidden},
		&client.Error{Code: client.CodeInvalidArgument, Field: "id"},
		fmt.Errorf("decode answer"),
	} {
		f := &fakeParty{errs: map[string][]error{"Screen": {stop}}}
		err := quick.run(context.Background(), f, "PayerMSP", ev)
		assert.Equal(t, stop, err)
		assert.Equal(t, []string{"Screen c1"}, f.calls, "%v", stop)
	}

	// Patience spent: the last error.
	f = &fakeParty{errs: map[string][]error{"Screen": {notYet[0], notYet[0], notYet[0], notYet[0], notYet[0]}}}
	short := Automation{Screen: true, Patience: 300 * time.Millisecond}
	assert.ErrorIs(t, short.run(context.Background(), f, "PayerMSP", ev), client.ErrMVCCConflict)
	assert.Less(t, len(f.calls), 5)
}

// A claim voided before its screen came is left alone; a precondition
// failure of a live claim is tried again.
func TestScreenOfAClaimNoLongerBilled(t *testing.T) {
	ev := ClaimEvent{Claim: "c1", Status: cl.StatusAdjudicated, Provider: "ProviderMSP", Payer: "PayerMSP"}
	f := &fakeParty{status: cl.StatusVoided, errs: map[string][]error{"Screen": {&client.Error{Code: client.CodeFailedPrecondition}}}}
	require.NoError(t, quick.run(context.Background(), f, "PayerMSP", ev))
	assert.Equal(t, []string{"Screen c1", "Trace c1"}, f.calls)

	f = &fakeParty{status: cl.StatusAdjudicated, errs: map[string][]error{"Screen": {&client.Error{Code: client.CodeFailedPrecondition}}}}
	require.NoError(t, quick.run(context.Background(), f, "PayerMSP", ev))
	assert.Equal(t, []string{"Screen c1", "Trace c1", "Screen c1"}, f.calls)
}

// A step waiting to be tried again ends with ctx.
func TestAutomationEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	busy := make([]error, 100)
	for i := range busy {
		busy[i] = &client.Error{Code: client.CodeUnavailable}
	}
	f := &fakeParty{errs: map[string][]error{"Screen": busy}}
	err := Automation{Screen: true, Patience: time.Minute}.run(ctx, f, "PayerMSP", ClaimEvent{Claim: "c1", Status: cl.StatusPended, Payer: "PayerMSP"})
	assert.ErrorIs(t, err, client.ErrUnavailable)
	assert.Less(t, len(f.calls), 5)
}
