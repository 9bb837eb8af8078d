package claims

import (
	"context"
	"slices"
	"strconv"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/events"
	"github.com/carechain/carechain/client"
)

// SubmitIntake submits a claim the caller's payer org received outside
// the ledger (its claims intake staff), for the provider it names.
func (k *Client) SubmitIntake(ctx context.Context, in cl.IntakeInput) (*cl.Receipt, error) {
	return k.receipt(ctx, cl.FnSubmitIntake, client.Input{TransientKey: cl.TransientIntake, Transient: in,
		Endorsers: endorsers(in.Provider, k.c.Session.Org.MSPID)})
}

// Dispute says the caller's provider org never billed a claim a payer
// submitted for it.
func (k *Client) Dispute(ctx context.Context, id string) (*cl.Receipt, error) {
	return k.onClaim(ctx, cl.FnDispute, id, client.Input{Args: []string{id}})
}

// Crossover forwards an adjudicated claim that names a secondary coverage
// to the secondary payer (coordination of benefits), as the provider's
// billing staff: it reads the claim and its sealed record, and has the
// provider's and the secondary's peers, the only ones that may hold the
// new claim, endorse.
func (k *Client) Crossover(ctx context.Context, id string) (*cl.Receipt, error) {
	c, err := k.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return k.CrossoverOf(ctx, c)
}

// CrossoverOf forwards claim c, already read, as Crossover does; it reads
// c's sealed record afresh.
func (k *Client) CrossoverOf(ctx context.Context, c *cl.Claim) (*cl.Receipt, error) {
	id := c.Input.ID
	if c.Input.Secondary == nil {
		return nil, &client.Error{Code: client.CodeInvalidArgument, Message: "claim " + id + " names no secondary coverage"}
	}
	sealed, err := k.SealedRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	return k.receipt(ctx, cl.FnCrossover, client.Input{Args: []string{id}, TransientKey: cl.TransientPrimary, Transient: sealed,
		Endorsers: []string{c.Provider, c.Input.Secondary.Payer}})
}

// SealedRecord reads a claim's private record as stored (base64), to
// forward it (Crossover).
func (k *Client) SealedRecord(ctx context.Context, id string) (string, error) {
	res, err := k.c.Session.Evaluate(ctx, client.Call{Channel: k.c.Channel, Chaincode: Chaincode, Function: cl.FnSealedRecord, Args: []string{id}})
	if err != nil {
		return "", err
	}
	return string(res.Payload), nil
}

// Screen runs the cross-payer duplicate screen on a claim of the caller's
// payer org, endorsed by its own peer (it writes the payers' collection
// only); screening again changes nothing.
func (k *Client) Screen(ctx context.Context, id string) (*cl.Receipt, error) {
	return k.receipt(ctx, cl.FnScreen, client.Input{Args: []string{id}, Endorsers: []string{k.c.Session.Org.MSPID}})
}

// ListFlags lists the caller's payer org's duplicate flags.
func (k *Client) ListFlags(ctx context.Context, p client.Page) (*cl.FlagPage, error) {
	var out cl.FlagPage
	return &out, k.c.Evaluate(ctx, cl.FnListFlags, client.Input{Args: p.Args()}, &out)
}

// SealedFlag reads the flag on a line (1-based) of a claim of the caller's
// payer org as the payers' collection stores it, to resolve it.
func (k *Client) SealedFlag(ctx context.Context, id string, line int) (*cl.SealedFlag, error) {
	var out cl.SealedFlag
	return &out, k.c.Evaluate(ctx, cl.FnSealedFlag, client.Input{Args: []string{id, strconv.Itoa(line)}}, &out)
}

// ResolveFlag resolves the flag on a line of a claim of the caller's payer
// org (its adjudicators): outcome cl.ResolutionDuplicate denies the line,
// cl.ResolutionCleared lets it stand, with the reason. It reads the flag
// as stored and the claim's parties, and has the provider's and the
// payer's peers, which hold the claim, endorse.
func (k *Client) ResolveFlag(ctx context.Context, id string, line int, outcome, reason string) (*cl.Receipt, error) {
	tr, err := k.Trace(ctx, id)
	if err != nil {
		return nil, err
	}
	sf, err := k.SealedFlag(ctx, id, line)
	if err != nil {
		return nil, err
	}
	in := cl.ResolutionInput{Outcome: outcome, Reason: reason, Flag: *sf}
	return k.receipt(ctx, cl.FnResolveFlag, client.Input{Args: []string{id, strconv.Itoa(line)}, TransientKey: cl.TransientResolution,
		Transient: in, Endorsers: []string{tr.Provider, tr.Payer}})
}

// ClaimEvent is one claim's change, from the claims chaincode's events.
type ClaimEvent struct {
	Block    uint64 `json:"block"`
	TxID     string `json:"txId"`
	Claim    string `json:"claim"`
	Status   string `json:"status"`
	Provider string `json:"provider"`
	Payer    string `json:"payer"`
}

// ClaimEvents are the claim changes an event carries, in order.
func ClaimEvents(ev client.Event) []ClaimEvent {
	env, err := events.Decode(ev.Payload)
	if err != nil {
		return nil
	}
	var out []ClaimEvent
	for _, ch := range env.Changes {
		status, ok := cutPrefix(ch.Type, "claim.")
		if !ok || !slices.Contains(cl.Statuses(), status) {
			continue
		}
		out = append(out, ClaimEvent{Block: ev.Block, TxID: ev.TxID, Claim: ch.ID, Status: status,
			Provider: ch.Attrs["provider"], Payer: ch.Attrs["payer"]})
	}
	return out
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}

// Follow delivers the changes of org's claims (as provider or payer), in
// ledger order, through the session's checkpointed listener
// (client.Session.Listen with o): a payer's system reconciles its claims
// from it, and resumes after a restart without a gap or a repeat.
func (k *Client) Follow(ctx context.Context, org string, o client.ListenOptions, handle func(ClaimEvent) error) error {
	return k.c.Session.Listen(ctx, k.c.Channel, Chaincode, o, func(ev client.Event) error {
		for _, c := range ClaimEvents(ev) {
			if c.Provider != org && c.Payer != org {
				continue
			}
			if err := handle(c); err != nil {
				return err
			}
		}
		return nil
	})
}
