// Package consent is the typed client of the consent chaincode: patients
// and their delegates grant and revoke, clinicians break the glass, anyone
// entitled checks, the patient registry's registrar links patients'
// enrollments to their subjects. Every input that names a patient or
// describes a consent travels in the transient map, never in the
// transaction's arguments.
//
// A patient's certificate carries no pseudonym: PatientSubject asks the
// chaincode which subject the registrar linked the session's enrollment
// to (carectl uses it for its defaults).
//
// Every change a patient or delegate makes is signed with the session's
// enrollment key over the canonical statement of the state it produces
// (package chaincode/consent/wire), as the chaincode requires: a change of
// an existing consent or delegation reads its current version first, so a
// change committed in between makes the signature stale and the chaincode
// refuses it (INVALID_ARGUMENT on "signature"); read and try again.
package consent

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	cc "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/client"
)

// Chaincode is the consent chaincode's name in the topology.
const Chaincode = cc.Chaincode

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

// sign signs a statement with the session's enrollment key: ECDSA over its
// SHA-256 digest, ASN.1 DER, as Fabric clients sign proposals.
func (k *Client) sign(statement []byte) ([]byte, error) { return Sign(k.c.Session.Identity, statement) }

// Sign signs a canonical statement with id's enrollment key: ECDSA over its
// SHA-256 digest, ASN.1 DER, as Fabric clients sign proposals.
func Sign(id *client.Identity, statement []byte) ([]byte, error) {
	if id == nil || id.Sign == nil {
		return nil, errors.New("consent: the session has no signing identity")
	}
	digest := sha256.Sum256(statement)
	sig, err := id.Sign(digest[:])
	if err != nil {
		return nil, fmt.Errorf("consent: sign: %w", err)
	}
	return sig, nil
}

// signed submits fn with the statement's signature and, under key, input
// (JSON), in the transient map.
func (k *Client) signed(ctx context.Context, fn string, args []string, statement []byte, key string, input any) (*cc.Receipt, error) {
	sig, err := k.sign(statement)
	if err != nil {
		return nil, err
	}
	transient := map[string][]byte{cc.TransientSignature: sig}
	if key != "" {
		data, err := json.Marshal(input)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", key, err)
		}
		transient[key] = data
	}
	res, err := k.c.Session.Submit(ctx, client.Call{Channel: k.c.Channel, Chaincode: Chaincode, Function: fn, Args: args, Transient: transient})
	if err != nil {
		return nil, err
	}
	var r cc.Receipt
	if err := json.Unmarshal(res.Payload, &r); err != nil {
		return nil, fmt.Errorf("consent %s: decode receipt: %w", fn, err)
	}
	return &r, nil
}

// statement is the canonical statement of c on the client's channel.
func (k *Client) statement(c cc.Consent) []byte { return cc.ConsentStatement(k.c.Channel, c) }

// GrantTransient is the transient map of a Grant of in on channel, signed
// by id: for callers that submit the call themselves (benchmarks).
func GrantTransient(id *client.Identity, channel string, in cc.GrantInput) (map[string][]byte, error) {
	sig, err := Sign(id, cc.ConsentStatement(channel, cc.GrantedConsent(in)))
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", cc.TransientConsent, err)
	}
	return map[string][]byte{cc.TransientSignature: sig, cc.TransientConsent: data}, nil
}

// Grant creates a consent (draft or active), signed by the session.
func (k *Client) Grant(ctx context.Context, in cc.GrantInput) (*cc.Receipt, error) {
	return k.signed(ctx, cc.FnGrant, nil, k.statement(cc.GrantedConsent(in)), cc.TransientConsent, in)
}

// change reads consent id, and signs and submits fn for the state next makes of it.
func (k *Client) change(ctx context.Context, fn, id string, next func(cc.Consent) cc.Consent, args ...string) (*cc.Receipt, error) {
	v, err := k.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return k.signed(ctx, fn, append([]string{id}, args...), k.statement(next(v.Consent)), "", nil)
}

// Update replaces a draft's content.
func (k *Client) Update(ctx context.Context, in cc.GrantInput) (*cc.Receipt, error) {
	v, err := k.Get(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return k.signed(ctx, cc.FnUpdate, []string{in.ID}, k.statement(cc.Drafted(v.Consent, in)), cc.TransientConsent, in)
}

// Activate makes a draft active.
func (k *Client) Activate(ctx context.Context, id string) (*cc.Receipt, error) {
	return k.change(ctx, cc.FnActivate, id, cc.Activated)
}

// Revoke revokes an active consent.
func (k *Client) Revoke(ctx context.Context, id string) (*cc.Receipt, error) {
	return k.change(ctx, cc.FnRevoke, id, cc.Revoked)
}

// MarkEnteredInError withdraws a consent recorded by mistake.
func (k *Client) MarkEnteredInError(ctx context.Context, id string) (*cc.Receipt, error) {
	return k.change(ctx, cc.FnMarkEnteredInError, id, cc.EnteredInError)
}

// AttachForm records the SHA-256 (hex) of the signed consent form; the
// hash travels in the transient map, never in a block.
func (k *Client) AttachForm(ctx context.Context, id, sha256Hex string) (*cc.Receipt, error) {
	v, err := k.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return k.signed(ctx, cc.FnAttachForm, []string{id}, k.statement(cc.FormAttached(v.Consent, sha256Hex)), cc.TransientForm, cc.FormInput{SHA256: sha256Hex})
}

// Get reads a consent (a redacted view for a grantee or its privacy officer).
func (k *Client) Get(ctx context.Context, id string) (*cc.View, error) {
	var v cc.View
	return &v, k.c.Evaluate(ctx, cc.FnGet, client.Input{Args: []string{id}}, &v)
}

// History reads a page of a consent's versions, newest first.
func (k *Client) History(ctx context.Context, id string, p client.Page) (*cc.VersionPage, error) {
	var out cc.VersionPage
	return &out, k.c.Evaluate(ctx, cc.FnHistory, client.Input{Args: p.Args(id)}, &out)
}

// ListBySubject lists a patient's consents, newest first.
func (k *Client) ListBySubject(ctx context.Context, subject string, p client.Page) (*cc.ConsentPage, error) {
	var out cc.ConsentPage
	return &out, k.c.Evaluate(ctx, cc.FnListBySubject, client.Input{Args: p.Args(subject)}, &out)
}

// ListGrants lists the active grants to a grantee, newest first.
func (k *Client) ListGrants(ctx context.Context, grantee cc.Actor, p client.Page) (*cc.ConsentPage, error) {
	var out cc.ConsentPage
	return &out, k.c.Evaluate(ctx, cc.FnListGrants, client.Input{Args: p.Args(grantee.Org, grantee.Role, grantee.ID)}, &out)
}

// Check asks whether a requester may act on a patient's data now.
func (k *Client) Check(ctx context.Context, req cc.Request) (*cc.Decision, error) {
	data, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var d cc.Decision
	return &d, k.c.Evaluate(ctx, cc.FnCheck, client.Input{Args: []string{string(data)}}, &d)
}

// BreakGlass records an emergency access.
func (k *Client) BreakGlass(ctx context.Context, in cc.BreakGlassInput) (*cc.Receipt, error) {
	return k.receipt(ctx, cc.FnBreakGlass, client.Input{TransientKey: cc.TransientBreakGlass, Transient: in})
}

// ListBreakGlass lists a patient's emergency accesses, newest first.
func (k *Client) ListBreakGlass(ctx context.Context, subject string, p client.Page) (*cc.BreakGlassPage, error) {
	var out cc.BreakGlassPage
	return &out, k.c.Evaluate(ctx, cc.FnListBreakGlass, client.Input{Args: p.Args(subject)}, &out)
}

// ListBreakGlassByOrg lists the emergency accesses by an org's clinicians, newest first.
func (k *Client) ListBreakGlassByOrg(ctx context.Context, org string, p client.Page) (*cc.BreakGlassPage, error) {
	var out cc.BreakGlassPage
	return &out, k.c.Evaluate(ctx, cc.FnListBreakGlassByOrg, client.Input{Args: p.Args(org)}, &out)
}

// ListBreakGlassUses lists what an emergency access permitted, newest first.
func (k *Client) ListBreakGlassUses(ctx context.Context, id string, p client.Page) (*cc.UsePage, error) {
	var out cc.UsePage
	return &out, k.c.Evaluate(ctx, cc.FnListBreakGlassUses, client.Input{Args: p.Args(id)}, &out)
}

// GetDelegate reads the patient's delegation to delegate (MSPID/enrollmentID).
func (k *Client) GetDelegate(ctx context.Context, subject, delegate string) (*cc.Delegate, error) {
	var d cc.Delegate
	return &d, k.c.Evaluate(ctx, cc.FnGetDelegate, client.Input{Args: []string{subject, delegate}}, &d)
}

// current reads the delegation to delegate, nil when there is none.
func (k *Client) current(ctx context.Context, subject, delegate string) (*cc.Delegate, error) {
	d, err := k.GetDelegate(ctx, subject, delegate)
	if errors.Is(err, client.ErrNotFound) {
		return nil, nil
	}
	return d, err
}

// RegisterDelegate registers (or renews) a guardian or proxy for the patient.
func (k *Client) RegisterDelegate(ctx context.Context, in cc.DelegateInput) (*cc.Receipt, error) {
	prev, err := k.current(ctx, in.Subject, in.Delegate)
	if err != nil {
		return nil, err
	}
	statement := cc.DelegateStatement(k.c.Channel, cc.Registered(prev, in))
	return k.signed(ctx, cc.FnRegisterDelegate, nil, statement, cc.TransientDelegate, in)
}

// RevokeDelegate ends a delegation (the patient, or the delegate stepping down).
func (k *Client) RevokeDelegate(ctx context.Context, subject, delegate string) (*cc.Receipt, error) {
	d, err := k.GetDelegate(ctx, subject, delegate)
	if err != nil {
		return nil, err
	}
	in := cc.DelegateInput{Subject: subject, Delegate: delegate}
	return k.signed(ctx, cc.FnRevokeDelegate, nil, cc.DelegateStatement(k.c.Channel, cc.Ended(*d)), cc.TransientDelegate, in)
}

// PatientSubject answers the session's own subject, when the session is a
// linked patient (FORBIDDEN otherwise).
func (k *Client) PatientSubject(ctx context.Context) (string, error) {
	var s cc.Subject
	if err := k.c.Evaluate(ctx, cc.FnPatientSubject, client.Input{}, &s); err != nil {
		return "", err
	}
	return s.Subject, nil
}

// LinkPatient links a patient's enrollment (its enrollment id, "p" and 32
// random hex digits chosen at registration) to the patient's subject, as
// the patient registry's registrar: the session signs the link. Call it
// once, after registering the patient with the patients' org CA.
func (k *Client) LinkPatient(ctx context.Context, enrollmentID, subject string) (*cc.Receipt, error) {
	in := cc.LinkInput{EnrollmentID: enrollmentID, Subject: subject}
	return k.link(ctx, cc.FnLinkPatient, in, cc.Linked(k.org(), in))
}

// UnlinkPatient ends a patient's enrollment, as the registrar: its key
// then acts for no one. compromised (a stolen key) also withdraws
// everything it ever signed; a lost key keeps what the patient signed.
func (k *Client) UnlinkPatient(ctx context.Context, enrollmentID, subject string, compromised bool) (*cc.Receipt, error) {
	in := cc.LinkInput{EnrollmentID: enrollmentID, Subject: subject, Compromised: compromised}
	return k.link(ctx, cc.FnUnlinkPatient, in, cc.Unlinked(k.org(), in))
}

func (k *Client) link(ctx context.Context, fn string, in cc.LinkInput, next cc.LinkRecord) (*cc.Receipt, error) {
	return k.signed(ctx, fn, nil, cc.LinkStatement(k.c.Channel, next), cc.TransientLink, in)
}

// org is the session's MSP id.
func (k *Client) org() string {
	if k.c.Session == nil || k.c.Session.Identity == nil {
		return ""
	}
	return k.c.Session.Identity.MSPID
}

// ListDelegates lists a patient's delegations, newest first.
func (k *Client) ListDelegates(ctx context.Context, subject string, p client.Page) (*cc.DelegatePage, error) {
	var out cc.DelegatePage
	return &out, k.c.Evaluate(ctx, cc.FnListDelegates, client.Input{Args: p.Args(subject)}, &out)
}
