package consent

import (
	"crypto/x509"
	"encoding/json"
	"slices"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/commit"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/kit/txtime"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// EventName is the chaincode event every transaction's changes are published under.
const EventName = "consent"

// Contract is the consent chaincode. Read functions (Get, History, List*,
// GetDelegate, Check, PatientSubject) return private data: clients must
// evaluate them, never submit them, or the answer would be written into a
// block (other chaincodes call Check and PatientSubject inside their own
// transaction, whose block holds only their own response).
type Contract struct {
	contractapi.Contract
	// Clock is the endorsing peer's clock (time.Now in cmd/main.go): a
	// transaction stamped further from it than txtime.DefaultSkew is
	// refused. Nil checks nothing (unit tests drive a test calendar).
	Clock func() time.Time
}

// openSet lists a patient's draft and active consents, with their period
// ends: what Check evaluates, without loading the ones that have expired.
type openSet struct {
	Consents []openEntry `json:"consents"`
	Salt     string      `json:"salt"`
}

// openEntry is one consent of an open set: its period and its scope
// (see openScope).
type openEntry struct {
	ID       string     `json:"id"`
	Decision string     `json:"decision,omitempty"`
	Nested   bool       `json:"nested,omitempty"` // has exceptions: may decide either way
	Start    string     `json:"start,omitempty"`
	End      string     `json:"end,omitempty"`
	Scope    *openScope `json:"scope,omitempty"`
}

func (s openSet) index(id string) int {
	return slices.IndexFunc(s.Consents, func(e openEntry) bool { return e.ID == id })
}

// tx is one transaction's context (package txn) with consent's helpers and
// what it read from the registry.
type tx struct {
	*txn.Tx
	orgs  map[string]parts.Org
	roots *x509.CertPool
	bl    *blind.Blinder
	links map[string]linkRead
}

func (c *Contract) begin(ctx contractapi.TransactionContextInterface) (*tx, error) {
	t, err := txn.Begin(ctx.GetStub(), txn.WithClock(c.Clock, txtime.Skew{}))
	if err != nil {
		return nil, err
	}
	return &tx{Tx: t, orgs: map[string]parts.Org{}, links: map[string]linkRead{}}, nil
}

// finish publishes the transaction's changes as one event.
func (t *tx) finish() error { return t.Emit(EventName) }

func (t *tx) receipt(cs *wire.Consent) *wire.Receipt {
	return &wire.Receipt{ID: cs.ID, Status: cs.Status, StatusReason: cs.StatusReason, Version: cs.Version, TxID: t.Stub.GetTxID()}
}

// transient decodes a required transient input strictly.
func (t *tx) transient(key string, v any) error { return t.Transient(key, v, maxInputBytes) }

func (t *tx) load(id string) (*wire.Consent, error) {
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	key, err := t.consentKey(id)
	if err != nil {
		return nil, err
	}
	cs, found, err := state.GetPrivateOptional[wire.Consent](t.Stub, Collection, key)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("consent %s", id)
	}
	return &cs, nil
}

// sign verifies the caller's signature of next (its version's canonical
// statement) and keeps it with next, stamped by this transaction.
func (t *tx) sign(next *wire.Consent) error {
	sig, signer, err := t.creatorSignature(wire.ConsentStatement(t.Stub.GetChannelID(), *next))
	if err != nil {
		return err
	}
	next.Signature, next.Signer, next.Grantor = sig, signer, t.Caller.Key()
	return nil
}

// save writes a consent's version: the private record and its version
// snapshot, salted, and the public status trace with the record's
// commitment (kit/commit.Sum over the salt and the stored bytes, which
// only a reader of the record can recompute).
func (t *tx) save(cs *wire.Consent) error {
	key, err := t.consentKey(cs.ID)
	if err != nil {
		return err
	}
	vkey, err := t.versionKey(cs.ID, cs.Version)
	if err != nil {
		return err
	}
	if cs.Salt, err = t.salt(key); err != nil {
		return err
	}
	cs.Updated = t.Stamp()
	cs.LastTxID = t.Stub.GetTxID()
	data, err := json.Marshal(cs)
	if err != nil {
		return ccerr.Internal("encode consent: %v", err)
	}
	for _, k := range []string{key, vkey} {
		if err := t.Stub.PutPrivateData(Collection, k, data); err != nil {
			return ccerr.Internal("write consent: %v", err)
		}
	}
	skey, err := statusKey(cs.ID)
	if err != nil {
		return err
	}
	return state.Put(t.Stub, skey, wire.StatusRecord{ID: cs.ID, Status: cs.Status, StatusReason: cs.StatusReason,
		Version: cs.Version, DetailsHash: commit.Sum(cs.Salt, data)})
}

func (t *tx) openSet(subject string) (openSet, string, error) {
	key, err := t.subjectOpenKey(subject)
	if err != nil {
		return openSet{}, "", err
	}
	raw, err := t.Stub.GetPrivateData(Collection, key)
	if err != nil {
		return openSet{}, "", ccerr.Internal("read open set: %v", err)
	}
	if len(raw) == 0 {
		return openSet{}, key, nil
	}
	set, err := decodeOpenSet(raw)
	return set, key, err
}

// openChange is one consent's change in its patient's open set.
type openChange struct {
	cs   *wire.Consent
	open bool
}

// setOpen applies every change a transaction makes to one patient's open
// set in a single read and a single write: a second read would see the
// committed set, not the first change (no read-your-writes), and undo it.
// When the set is full, consents whose period has ended make room.
func (t *tx) setOpen(subject string, changes ...openChange) error {
	set, key, err := t.openSet(subject)
	if err != nil {
		return err
	}
	for _, c := range changes {
		i := set.index(c.cs.ID)
		switch {
		case !c.open && i >= 0:
			set.Consents = slices.Delete(set.Consents, i, i+1)
		case c.open && i >= 0:
			set.Consents[i] = entryOf(c.cs)
		case c.open:
			if err := t.makeRoom(&set); err != nil {
				return err
			}
			set.Consents = append(set.Consents, entryOf(c.cs))
		}
	}
	if set.Salt, err = t.salt(key); err != nil {
		return err
	}
	if err := t.Stub.PutPrivateData(Collection, key, encodeOpenSet(set)); err != nil {
		return ccerr.Internal("write open set: %v", err)
	}
	return nil
}

func (t *tx) makeRoom(set *openSet) error {
	if len(set.Consents) >= MaxOpenConsents {
		set.Consents = slices.DeleteFunc(set.Consents, func(e openEntry) bool { return (wire.Period{End: e.End}).Ended(t.Now) })
	}
	if len(set.Consents) >= MaxOpenConsents {
		return ccerr.Precondition("patient holds %d open consents, the most allowed: revoke some first", MaxOpenConsents)
	}
	return nil
}

// Grant creates a consent from the transient input "consent" (GrantInput),
// as a draft or directly active, signed by the caller (transient
// "signature" of wire.ConsentStatement of wire.GrantedConsent(input)).
// With supersedes, the named consent of the same patient becomes inactive
// (superseded).
func (c *Contract) Grant(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requirePatientsMember(); err != nil {
		return nil, err
	}
	var in wire.GrantInput
	if err := t.transient(wire.TransientConsent, &in); err != nil {
		return nil, err
	}
	if err := validateGrant(&in); err != nil {
		return nil, err
	}
	if err := t.requireControl(in.Subject); err != nil {
		return nil, err
	}
	if err := t.requireNew(in.ID); err != nil {
		return nil, err
	}
	cs := wire.GrantedConsent(in)
	cs.Created = t.Stamp()
	if err := t.sign(&cs); err != nil {
		return nil, err
	}
	if err := t.create(&cs); err != nil {
		return nil, err
	}
	t.Events.Add("consent."+map[string]string{wire.StatusDraft: "drafted", wire.StatusActive: "granted"}[cs.Status], cs.ID, nil)
	return t.receipt(&cs), t.finish()
}

// create supersedes what cs names, saves cs and its index entries, and
// updates the patient's open set once for both.
func (t *tx) create(cs *wire.Consent) error {
	changes := []openChange{{cs: cs, open: true}}
	if cs.Supersedes != "" {
		old, err := t.supersede(cs.Supersedes, cs)
		if err != nil {
			return err
		}
		changes = append([]openChange{{cs: old, open: false}}, changes...)
	}
	if err := t.saveNew(cs); err != nil {
		return err
	}
	return t.setOpen(cs.Subject, changes...)
}

func (t *tx) requireNew(id string) error {
	skey, err := statusKey(id)
	if err != nil {
		return err
	}
	exists, err := state.Exists(t.Stub, skey)
	if err != nil {
		return err
	}
	if exists {
		return ccerr.Conflict("consent %s already exists", id)
	}
	return nil
}

// saveNew saves a new consent and its index entries: by patient, and by
// each org a permit names (deny consents grant nothing, ListGrants skips
// them).
func (t *tx) saveNew(cs *wire.Consent) error {
	if err := t.save(cs); err != nil {
		return err
	}
	if err := t.putIndex(ixBySubject, cs.Subject, cs.Created, cs.ID); err != nil {
		return err
	}
	return t.indexGrantees(cs)
}

func (t *tx) indexGrantees(cs *wire.Consent) error {
	if cs.Decision != wire.Permit {
		return nil
	}
	var done []string
	for _, a := range cs.Provision.Actors {
		if slices.Contains(done, a.Org) {
			continue
		}
		done = append(done, a.Org)
		if err := t.putIndex(ixByGrantee, a.Org, cs.Created, cs.ID); err != nil {
			return err
		}
	}
	return nil
}

// supersede makes the consent oldID inactive (superseded by next) and
// returns it; the caller removes it from the open set.
func (t *tx) supersede(oldID string, next *wire.Consent) (*wire.Consent, error) {
	old, err := t.load(oldID)
	if err != nil {
		return nil, ccerr.New(ccerr.CodeOf(err), "supersedes", "%v", err)
	}
	if old.Subject != next.Subject {
		return nil, ccerr.Invalid("supersedes", "consent %s belongs to another patient", oldID)
	}
	if err := t.NotBefore("consent "+old.ID, old.Updated); err != nil {
		return nil, err
	}
	if status, _ := old.EffectiveStatus(t.Now); status != wire.StatusActive && status != wire.StatusDraft {
		return nil, ccerr.Precondition("consent %s is %s and cannot be superseded", oldID, status)
	}
	old.Version++
	old.Status, old.StatusReason, old.SupersededBy = wire.StatusInactive, wire.ReasonSuperseded, next.ID
	if err := t.save(old); err != nil {
		return nil, err
	}
	t.Events.Add("consent.superseded", old.ID, map[string]string{"by": next.ID})
	return old, nil
}

// change starts a change of consent id by its patient or a delegate: the
// caller's standing first, then the consent's own time (a transaction
// stamped before its latest change is refused).
func (c *Contract) change(ctx contractapi.TransactionContextInterface, id string) (*tx, *wire.Consent, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := t.requirePatientsMember(); err != nil {
		return nil, nil, err
	}
	cs, err := t.load(id)
	if err != nil {
		return nil, nil, err
	}
	if err := t.requireControl(cs.Subject); err != nil {
		return nil, nil, err
	}
	if err := t.NotBefore("consent "+id, cs.Updated); err != nil {
		return nil, nil, err
	}
	return t, cs, nil
}

// commit signs and saves a consent's next version and updates the open set.
func (t *tx) commit(next *wire.Consent, event string) (*wire.Receipt, error) {
	if err := t.sign(next); err != nil {
		return nil, err
	}
	if err := t.save(next); err != nil {
		return nil, err
	}
	open := next.Status == wire.StatusActive || next.Status == wire.StatusDraft
	if err := t.setOpen(next.Subject, openChange{cs: next, open: open}); err != nil {
		return nil, err
	}
	t.Events.Add(event, next.ID, nil)
	return t.receipt(next), t.finish()
}

// Update replaces a draft's content from the transient input "consent",
// signed like a grant (wire.Drafted).
func (c *Contract) Update(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, cs, err := c.change(ctx, id)
	if err != nil {
		return nil, err
	}
	var in wire.GrantInput
	if err := t.transient(wire.TransientConsent, &in); err != nil {
		return nil, err
	}
	in.Status = wire.StatusDraft
	if err := validateGrant(&in); err != nil {
		return nil, err
	}
	if in.ID != id || in.Subject != cs.Subject {
		return nil, ccerr.Invalid("consent", "id and subject must stay those of consent %s", id)
	}
	if in.Supersedes != cs.Supersedes {
		return nil, ccerr.Invalid("supersedes", "cannot change what a draft supersedes")
	}
	if cs.Status != wire.StatusDraft {
		return nil, ccerr.Precondition("consent %s is %s: only a draft can be updated; grant a new consent that supersedes it", id, cs.Status)
	}
	next := wire.Drafted(*cs, in)
	if err := t.indexGrantees(&next); err != nil {
		return nil, err
	}
	return t.commit(&next, "consent.updated")
}

// transition moves a consent to the state nextOf gives, after check has
// accepted the move from its effective status.
func (c *Contract) transition(ctx contractapi.TransactionContextInterface, id string, check func(t *tx, cs *wire.Consent, status string) error, nextOf func(wire.Consent) wire.Consent, event string) (*wire.Receipt, error) {
	t, cs, err := c.change(ctx, id)
	if err != nil {
		return nil, err
	}
	status, _ := cs.EffectiveStatus(t.Now)
	if err := check(t, cs, status); err != nil {
		return nil, err
	}
	next := nextOf(*cs)
	return t.commit(&next, event)
}

func illegal(id, from, to string) error {
	return ccerr.Precondition("consent %s is %s: it cannot become %s", id, from, to)
}

// Activate makes a draft active (signed: wire.Activated).
func (c *Contract) Activate(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	return c.transition(ctx, id, func(t *tx, cs *wire.Consent, status string) error {
		if status != wire.StatusDraft {
			return illegal(id, status, wire.StatusActive)
		}
		if cs.Period.Ended(t.Now) {
			return ccerr.Precondition("consent %s: its period has already ended", id)
		}
		return nil
	}, wire.Activated, "consent.activated")
}

// Revoke makes an active consent inactive (revoked), from this transaction
// on (signed: wire.Revoked).
func (c *Contract) Revoke(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	return c.transition(ctx, id, func(t *tx, cs *wire.Consent, status string) error {
		if status != wire.StatusActive {
			return illegal(id, status, wire.StatusInactive)
		}
		return nil
	}, wire.Revoked, "consent.revoked")
}

// MarkEnteredInError withdraws a consent recorded by mistake, whatever its
// status (signed: wire.EnteredInError).
func (c *Contract) MarkEnteredInError(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	return c.transition(ctx, id, func(t *tx, cs *wire.Consent, status string) error {
		if cs.Status == wire.StatusEnteredInError {
			return illegal(id, cs.Status, wire.StatusEnteredInError)
		}
		return nil
	}, wire.EnteredInError, "consent.entered-in-error")
}

// AttachForm records the SHA-256 of the signed consent form of a draft or
// active consent, from the transient input "form" (wire.FormInput; signed:
// wire.FormAttached).
func (c *Contract) AttachForm(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	var form wire.FormInput
	return c.transition(ctx, id, func(t *tx, cs *wire.Consent, status string) error {
		if err := t.transient(wire.TransientForm, &form); err != nil {
			return err
		}
		if err := validate.SHA256Hex("formHash", form.SHA256); err != nil {
			return err
		}
		if status != wire.StatusActive && status != wire.StatusDraft {
			return ccerr.Precondition("consent %s is %s: a form can be attached only to a draft or active consent", id, status)
		}
		return nil
	}, func(cs wire.Consent) wire.Consent { return wire.FormAttached(cs, form.SHA256) }, "consent.form-attached")
}
