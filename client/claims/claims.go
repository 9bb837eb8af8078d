// Package claims is the typed client of the claims chaincode: providers
// submit, void, replace and appeal claims; payers register coverage, set
// plan rules, adjudicate and pay. Claim details, coverage and rules travel
// in the transient map only.
package claims

import (
	"context"
	"crypto/rand"
	"encoding/base64"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/client"
)

// Chaincode is the claims chaincode's name in the topology.
const Chaincode = cl.Chaincode

// Client calls the claims chaincode as one session.
type Client struct{ c client.Contract }

// New returns a claims client on a channel (care).
func New(s *client.Session, channel string) *Client {
	return &Client{c: client.Contract{Session: s, Channel: channel, Chaincode: Chaincode}}
}

func (k *Client) receipt(ctx context.Context, fn string, in client.Input) (*cl.Receipt, error) {
	var r cl.Receipt
	if _, err := k.c.Submit(ctx, fn, in, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Every transaction names its endorsers: the orgs whose collections it
// writes, as the chaincode's policies need them. The gateway would
// otherwise plan them from what the transaction read, and a claims
// transaction reads its collection (two members) and, through the parts
// registry, asks for the registry's policy too: in a consortium whose
// registry needs three of its orgs (a majority of four), no endorsers
// both hold the collection and satisfy it, though the transaction, which
// writes nothing in the registry, validates with the collection's two.

// onClaim submits fn on claim id, endorsed by its provider's and its
// payer's peers (from its public trace).
func (k *Client) onClaim(ctx context.Context, fn, id string, in client.Input) (*cl.Receipt, error) {
	tr, err := k.Trace(ctx, id)
	if err != nil {
		return nil, err
	}
	in.Endorsers = []string{tr.Provider, tr.Payer}
	return k.receipt(ctx, fn, in)
}

// endorsers are the orgs named, or none (the gateway plans them) when
// one is missing: the chaincode then refuses the input by its field.
func endorsers(mspIDs ...string) []string {
	for _, m := range mspIDs {
		if m == "" {
			return nil
		}
	}
	return mspIDs
}

// payerCall submits fn of the caller's payer org on its own collection,
// endorsed by its peer and a provider's (the first the parts registry
// lists with a peer), as the collection's policy needs.
func (k *Client) payerCall(ctx context.Context, fn string, in client.Input) (*cl.Receipt, error) {
	var reg parts.Registry
	if err := (client.Contract{Session: k.c.Session, Channel: k.c.Channel, Chaincode: parts.Chaincode}).Evaluate(ctx, parts.FnList, client.Input{}, &reg); err != nil {
		return nil, err
	}
	self := k.c.Session.Org.MSPID
	for _, o := range reg.Orgs {
		if o.Peer && o.Plays(parts.PartProvider) && o.MSPID != self {
			in.Endorsers = []string{self, o.MSPID}
			return k.receipt(ctx, fn, in)
		}
	}
	return k.receipt(ctx, fn, in)
}

// Submit submits a claim; it comes back adjudicated or pended.
func (k *Client) Submit(ctx context.Context, c cl.ClaimInput) (*cl.Receipt, error) {
	return k.receipt(ctx, cl.FnSubmit, client.Input{TransientKey: cl.TransientClaim, Transient: c,
		Endorsers: endorsers(k.c.Session.Org.MSPID, c.Payer)})
}

// Replace replaces claim id with a corrected claim.
func (k *Client) Replace(ctx context.Context, id string, c cl.ClaimInput) (*cl.Receipt, error) {
	return k.onClaim(ctx, cl.FnReplace, id, client.Input{Args: []string{id}, TransientKey: cl.TransientClaim, Transient: c})
}

// Void withdraws a claim before payment.
func (k *Client) Void(ctx context.Context, id string) (*cl.Receipt, error) {
	return k.onClaim(ctx, cl.FnVoid, id, client.Input{Args: []string{id}})
}

// Appeal contests an adjudication.
func (k *Client) Appeal(ctx context.Context, id string) (*cl.Receipt, error) {
	return k.onClaim(ctx, cl.FnAppeal, id, client.Input{Args: []string{id}})
}

// Adjudicate decides a pended or appealed claim.
func (k *Client) Adjudicate(ctx context.Context, id string, d cl.Decision) (*cl.Receipt, error) {
	in := client.Input{Args: []string{id}}
	if d != (cl.Decision{}) {
		in.TransientKey, in.Transient = cl.TransientDecision, d
	}
	return k.onClaim(ctx, cl.FnAdjudicate, id, in)
}

// Pay records a payment of the adjudicated amount.
func (k *Client) Pay(ctx context.Context, id string, p cl.PaymentInput) (*cl.Receipt, error) {
	return k.onClaim(ctx, cl.FnPay, id, client.Input{Args: []string{id}, TransientKey: cl.TransientPayment, Transient: p})
}

// ReversePayment reverses a payment.
func (k *Client) ReversePayment(ctx context.Context, id string) (*cl.Receipt, error) {
	return k.onClaim(ctx, cl.FnReversePayment, id, client.Input{Args: []string{id}})
}

// RegisterCoverage records a member's coverage (payer enrollment staff).
func (k *Client) RegisterCoverage(ctx context.Context, c cl.Coverage) (*cl.Receipt, error) {
	return k.payerCall(ctx, cl.FnRegisterCoverage, client.Input{TransientKey: cl.TransientCoverage, Transient: c})
}

// SetRules sets a plan's adjudication rules (payer adjudicator).
func (k *Client) SetRules(ctx context.Context, r cl.Rules) (*cl.Receipt, error) {
	return k.payerCall(ctx, cl.FnSetRules, client.Input{TransientKey: cl.TransientRules, Transient: r})
}

// SetSalt sets the caller's payer org's duplicate-fingerprint salt to 32
// fresh random bytes, once.
func (k *Client) SetSalt(ctx context.Context) (*cl.Receipt, error) {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	return k.payerCall(ctx, cl.FnSetSalt, client.Input{TransientKey: cl.TransientSalt,
		Transient: cl.SaltInput{Salt: base64.StdEncoding.EncodeToString(salt)}})
}

// SetSettings changes the channel-level settings (regulator admin).
func (k *Client) SetSettings(ctx context.Context, paymentConsentRequired bool) (*cl.Settings, error) {
	var s cl.Settings
	_, err := k.c.Submit(ctx, cl.FnSetSettings, client.Input{Args: []string{boolArg(paymentConsentRequired)}}, &s)
	return &s, err
}

func boolArg(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Get reads a claim.
func (k *Client) Get(ctx context.Context, id string) (*cl.Claim, error) {
	var c cl.Claim
	return &c, k.c.Evaluate(ctx, cl.FnGet, client.Input{Args: []string{id}}, &c)
}

// Trace reads a claim's public trace.
func (k *Client) Trace(ctx context.Context, id string) (*cl.Trace, error) {
	var t cl.Trace
	return &t, k.c.Evaluate(ctx, cl.FnGetTrace, client.Input{Args: []string{id}}, &t)
}

// Coverage reads payer's coverage id (coverage ids are the payer's own).
func (k *Client) Coverage(ctx context.Context, payer, id string) (*cl.Coverage, error) {
	var c cl.Coverage
	return &c, k.c.Evaluate(ctx, cl.FnGetCoverage, client.Input{Args: []string{payer, id}}, &c)
}

// Remittance reads a claim's remittance advice.
func (k *Client) Remittance(ctx context.Context, id string) (*cl.Remittance, error) {
	var r cl.Remittance
	return &r, k.c.Evaluate(ctx, cl.FnRemittance, client.Input{Args: []string{id}}, &r)
}

// ListByPatient lists the claims of a patient that the caller's org is a
// party to (as provider, with every payer; as payer, from every
// provider), newest first within each pair; the patient goes as
// transient data, never as an argument.
func (k *Client) ListByPatient(ctx context.Context, patient string, p client.Page) (*cl.ClaimPage, error) {
	var out cl.ClaimPage
	in := client.Input{Args: p.Args(), TransientKey: cl.TransientPatient, Transient: cl.PatientQuery{Patient: patient}}
	return &out, k.c.Evaluate(ctx, cl.FnListByPatient, in, &out)
}

// ListByStatus lists the traces of the caller's org's claims in a status
// (every claim, for a regulator's auditor), newest change first.
func (k *Client) ListByStatus(ctx context.Context, status string, p client.Page) (*cl.TracePage, error) {
	var out cl.TracePage
	return &out, k.c.Evaluate(ctx, cl.FnListByStatus, client.Input{Args: p.Args(status)}, &out)
}
