// Package consent is the typed client of the consent chaincode: patients
// and their delegates grant and revoke, clinicians break the glass, anyone
// entitled checks. Every input that names a patient or describes a consent
// travels in the transient map, never in the transaction's arguments.
package consent

import (
	"context"
	"encoding/json"

	cc "github.com/carechain/carechain/chaincode/consent"
	"github.com/carechain/carechain/client"
)

// Chaincode is the consent chaincode's name in the topology.
const Chaincode = "consent"

// Client calls the consent chaincode as one session.
type Client struct{ c client.Contract }

// New returns a consent client on a channel (the care channel).
func New(s *client.Session, channel string) *Client {
	return &Client{c: client.Contract{Session: s, Channel: channel, Chaincode: Chaincode}}
}

func (k *Client) receipt(ctx context.Context, fn string, in client.Input) (*cc.Receipt, error) {
	var r cc.Receipt
	if _, err := k.c.Submit(ctx, fn, in, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Grant creates a consent (draft or active).
func (k *Client) Grant(ctx context.Context, in cc.GrantInput) (*cc.Receipt, error) {
	return k.receipt(ctx, "Grant", client.Input{TransientKey: cc.TransientConsent, Transient: in})
}

// Update replaces a draft's content.
func (k *Client) Update(ctx context.Context, in cc.GrantInput) (*cc.Receipt, error) {
	return k.receipt(ctx, "Update", client.Input{Args: []string{in.ID}, TransientKey: cc.TransientConsent, Transient: in})
}

// Activate makes a draft active.
func (k *Client) Activate(ctx context.Context, id string) (*cc.Receipt, error) {
	return k.receipt(ctx, "Activate", client.Input{Args: []string{id}})
}

// Revoke revokes an active consent.
func (k *Client) Revoke(ctx context.Context, id string) (*cc.Receipt, error) {
	return k.receipt(ctx, "Revoke", client.Input{Args: []string{id}})
}

// MarkEnteredInError withdraws a consent recorded by mistake.
func (k *Client) MarkEnteredInError(ctx context.Context, id string) (*cc.Receipt, error) {
	return k.receipt(ctx, "MarkEnteredInError", client.Input{Args: []string{id}})
}

// AttachForm records the SHA-256 (hex) of the signed consent form.
func (k *Client) AttachForm(ctx context.Context, id, sha256Hex string) (*cc.Receipt, error) {
	return k.receipt(ctx, "AttachForm", client.Input{Args: []string{id, sha256Hex}})
}

// Get reads a consent.
func (k *Client) Get(ctx context.Context, id string) (*cc.View, error) {
	var v cc.View
	return &v, k.c.Evaluate(ctx, "Get", client.Input{Args: []string{id}}, &v)
}

// History reads every version of a consent, newest first.
func (k *Client) History(ctx context.Context, id string) ([]cc.Consent, error) {
	var out []cc.Consent
	return out, k.c.Evaluate(ctx, "History", client.Input{Args: []string{id}}, &out)
}

// ListBySubject lists a patient's consents.
func (k *Client) ListBySubject(ctx context.Context, subject string, p client.Page) (*cc.ConsentPage, error) {
	var out cc.ConsentPage
	return &out, k.c.Evaluate(ctx, "ListBySubject", client.Input{Args: p.Args(subject)}, &out)
}

// ListGrants lists the active grants to a grantee.
func (k *Client) ListGrants(ctx context.Context, grantee cc.Actor, p client.Page) (*cc.ConsentPage, error) {
	var out cc.ConsentPage
	return &out, k.c.Evaluate(ctx, "ListGrants", client.Input{Args: p.Args(grantee.Org, grantee.Role, grantee.ID)}, &out)
}

// Check asks whether a requester may act on a patient's data now.
func (k *Client) Check(ctx context.Context, req cc.Request) (*cc.Decision, error) {
	data, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var d cc.Decision
	return &d, k.c.Evaluate(ctx, "Check", client.Input{Args: []string{string(data)}}, &d)
}

// BreakGlass records an emergency access.
func (k *Client) BreakGlass(ctx context.Context, in cc.BreakGlassInput) (*cc.Receipt, error) {
	return k.receipt(ctx, "BreakGlass", client.Input{TransientKey: cc.TransientBreakGlass, Transient: in})
}

// ListBreakGlass lists a patient's emergency accesses.
func (k *Client) ListBreakGlass(ctx context.Context, subject string, p client.Page) (*cc.BreakGlassPage, error) {
	var out cc.BreakGlassPage
	return &out, k.c.Evaluate(ctx, "ListBreakGlass", client.Input{Args: p.Args(subject)}, &out)
}

// ListBreakGlassByOrg lists the emergency accesses by an org's clinicians.
func (k *Client) ListBreakGlassByOrg(ctx context.Context, org string, p client.Page) (*cc.BreakGlassPage, error) {
	var out cc.BreakGlassPage
	return &out, k.c.Evaluate(ctx, "ListBreakGlassByOrg", client.Input{Args: p.Args(org)}, &out)
}

// RegisterDelegate registers a guardian or proxy for the patient.
func (k *Client) RegisterDelegate(ctx context.Context, in cc.DelegateInput) (*cc.Receipt, error) {
	return k.receipt(ctx, "RegisterDelegate", client.Input{TransientKey: cc.TransientDelegate, Transient: in})
}

// RevokeDelegate ends a delegation.
func (k *Client) RevokeDelegate(ctx context.Context, subject, delegate string) (*cc.Receipt, error) {
	return k.receipt(ctx, "RevokeDelegate", client.Input{TransientKey: cc.TransientDelegate,
		Transient: cc.DelegateInput{Subject: subject, Delegate: delegate}})
}

// ListDelegates lists a patient's delegations.
func (k *Client) ListDelegates(ctx context.Context, subject string, p client.Page) (*cc.DelegatePage, error) {
	var out cc.DelegatePage
	return &out, k.c.Evaluate(ctx, "ListDelegates", client.Input{Args: p.Args(subject)}, &out)
}
