package claims

import (
	"context"
	"errors"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client"
)

// Why the screen and the crossover are steps of the parties' systems and
// not of Submit. Submit is endorsed by the claim's provider's and payer's
// peers, and every endorser must compute the same read-write set. The
// consortium fingerprint is keyed with the payers' secret, which the
// provider's peer does not hold (it is no member of the payers'
// collection), so the provider's peer cannot compute the screen; and no
// client may hand it the fingerprint, since a provider that learns one
// can follow the service's entry key hash through the blocks. Likewise a
// crossover is adjudicated under the secondary's coverage and rules, which
// the primary's peer cannot read. So each is a transaction of its own, made
// by the party that can: the payer's system screens each new claim of the
// payer as its event arrives (its peer alone endorses), and the provider's
// system forwards each claim the primary adjudicated (the provider's and
// the secondary's peers endorse). Automate is that system: driven by the
// checkpointed event stream, a claim is screened and forwarded once its
// transaction commits, whichever payer's screen comes second flags both
// claims, and a restarted system resumes at the first claim it had not
// finished.

// Automation is what a party's listener does on its claims' events (see
// Automate).
type Automation struct {
	// Screen: as a payer, screen each new claim of the payer (pended or
	// adjudicated on submission) across payers.
	Screen bool
	// Forward: as a provider, forward each claim the primary adjudicated
	// that names a secondary coverage (Crossover).
	Forward bool
	// Patience bounds how long one step is tried again while it fails
	// without effect (an MVCC conflict, a peer still lacking the payers'
	// secret after its org joined, a gateway away); zero: DefaultPatience.
	// After it, Automate returns the step's error and the event stays
	// unacknowledged in the checkpoint.
	Patience time.Duration
}

// DefaultPatience is how long an automated step is tried again.
const DefaultPatience = 3 * time.Minute

// automated are the calls the automation makes; *Client has them.
type automated interface {
	Trace(ctx context.Context, id string) (*cl.Trace, error)
	Get(ctx context.Context, id string) (*cl.Claim, error)
	Screen(ctx context.Context, id string) (*cl.Receipt, error)
	CrossoverOf(ctx context.Context, c *cl.Claim) (*cl.Receipt, error)
}

// Automate runs a's steps for org on its claims' events, from o's
// checkpoint; handle, when set, sees every event after them. A crossover
// or screen already done is not an error: Crossover's CONFLICT is the
// crossover made before, Screen changes nothing the second time. A step
// that failed certainly without effect (no transaction of it may have
// been ordered) is tried again, pausing longer each time, for a.Patience;
// a step whose outcome is unknown (COMMIT_UNKNOWN) or that is refused
// (FORBIDDEN, INVALID_ARGUMENT) ends Automate with its error.
func (k *Client) Automate(ctx context.Context, org string, a Automation, o client.ListenOptions, handle func(ClaimEvent) error) error {
	return k.Follow(ctx, org, o, func(e ClaimEvent) error {
		if err := a.run(ctx, k, org, e); err != nil {
			return err
		}
		if handle != nil {
			return handle(e)
		}
		return nil
	})
}

// run does a's steps for event e of org's claim.
func (a Automation) run(ctx context.Context, k automated, org string, e ClaimEvent) error {
	fresh := e.Status == cl.StatusPended || e.Status == cl.StatusAdjudicated
	if a.Screen && e.Payer == org && fresh {
		if err := a.patiently(ctx, func() error { return screen(ctx, k, e.Claim) }); err != nil {
			return err
		}
	}
	if a.Forward && e.Provider == org && (e.Status == cl.StatusAdjudicated || e.Status == cl.StatusPaid) {
		return a.patiently(ctx, func() error { return forward(ctx, k, e.Claim) })
	}
	return nil
}

// screen screens claim id; a claim voided, replaced or disputed before its
// screen came bills nothing, and is left alone.
func screen(ctx context.Context, k automated, id string) error {
	_, err := k.Screen(ctx, id)
	if errors.Is(err, client.ErrPrecondition) {
		if tr, terr := k.Trace(ctx, id); terr == nil && !billed(tr.Status) {
			return nil
		}
	}
	return err
}

func billed(status string) bool {
	return status != cl.StatusVoided && status != cl.StatusReplaced && status != cl.StatusDisputed
}

// forward makes claim id's crossover when the primary adjudicated it, not
// denied, and it names a secondary coverage; one made before is done.
func forward(ctx context.Context, k automated, id string) error {
	c, err := k.Get(ctx, id)
	if err != nil || c.Input.Secondary == nil || c.Primary != nil || c.Adjudication == nil || c.Adjudication.Outcome == cl.OutcomeDenied {
		return err
	}
	_, err = k.CrossoverOf(ctx, c)
	if errors.Is(err, client.ErrConflict) {
		return nil
	}
	return err
}

// patiently runs step until it succeeds, fails with an effect possible or
// a refusal, ctx ends or the patience is spent.
func (a Automation) patiently(ctx context.Context, step func() error) error {
	patience := a.Patience
	if patience <= 0 {
		patience = DefaultPatience
	}
	deadline := time.Now().Add(patience)
	pause := 250 * time.Millisecond
	for {
		err := step()
		if err == nil || !withoutEffect(err) || !time.Now().Add(pause).Before(deadline) {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// withoutEffect reports whether err is a failure of a call that certainly
// wrote nothing and may succeed later: no transaction of it may have been
// ordered (TxID empty), and it is not a refusal of the caller or its input.
// NOT_FOUND is tried again: the event says the claim committed, so an
// endorser that does not find it (the secondary's peer, asked to endorse
// a crossover) has not committed its block yet.
func withoutEffect(err error) bool {
	var e *client.Error
	if !errors.As(err, &e) || e.TxID != "" {
		return false
	}
	switch e.Code {
	case client.CodeInvalidArgument, client.CodeForbidden, client.CodeAccessDenied,
		client.CodeConflict, client.CodeCanceled, client.CodeCommitUnknown:
		return false
	}
	return true
}
