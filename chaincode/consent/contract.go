package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// EventName is the chaincode event every transaction's changes are published under.
const EventName = "consent"

// Transient map keys of the inputs that must never reach a block.
const (
	TransientConsent    = "consent"
	TransientBreakGlass = "breakglass"
	TransientDelegate   = "delegate"
)

// Contract is the consent chaincode. Read functions (Get, History, List*,
// Check) return private data: clients must evaluate them, never submit
// them, or the answer would be written into a block.
type Contract struct {
	contractapi.Contract
}

// Receipt is what a submitted transaction returns. Submitted responses are
// written into the block, so a receipt carries ids and status only.
type Receipt struct {
	ID           string `json:"id"`
	Status       string `json:"status,omitempty" metadata:",optional"`
	StatusReason string `json:"statusReason,omitempty" metadata:",optional"`
	Version      int    `json:"version,omitempty" metadata:",optional"`
	End          string `json:"end,omitempty" metadata:",optional"`
	TxID         string `json:"txId"`
}

// StatusRecord is the public trace of a consent: its lifecycle and the hash
// of its private record, nothing of its content.
type StatusRecord struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	StatusReason string `json:"statusReason,omitempty" metadata:",optional"`
	Version      int    `json:"version"`
	DetailsHash  string `json:"detailsHash"`
	Updated      string `json:"lastUpdated"`
}

// View is a consent as read, with its status at the time of reading.
type View struct {
	Consent
	EffectiveStatus string `json:"effectiveStatus"`
	EffectiveReason string `json:"effectiveReason,omitempty" metadata:",optional"`
}

// Pages of query results. The contract API describes every return type in
// its metadata, which generic types cannot be, hence one type per list.
type (
	// ConsentPage is a page of consents.
	ConsentPage struct {
		Items    []View `json:"items"`
		Bookmark string `json:"bookmark,omitempty" metadata:",optional"`
	}
	// BreakGlassPage is a page of break-glass accesses.
	BreakGlassPage struct {
		Items    []BreakGlass `json:"items"`
		Bookmark string       `json:"bookmark,omitempty" metadata:",optional"`
	}
	// DelegatePage is a page of delegations.
	DelegatePage struct {
		Items    []Delegate `json:"items"`
		Bookmark string     `json:"bookmark,omitempty" metadata:",optional"`
	}
)

// openSet lists a patient's draft and active consents, with their period
// ends: what Check evaluates, without loading the ones that have expired.
type openSet struct {
	Consents []openEntry `json:"consents"`
}

type openEntry struct {
	ID  string `json:"id"`
	End string `json:"end,omitempty"`
}

func (s openSet) index(id string) int {
	return slices.IndexFunc(s.Consents, func(e openEntry) bool { return e.ID == id })
}

// live returns the ids of the consents whose period has not ended at t.
func (s openSet) live(t time.Time) []string {
	var ids []string
	for _, e := range s.Consents {
		if !(Period{End: e.End}).ended(t) {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// tx is one transaction's context (package txn) with consent's helpers.
type tx struct{ *txn.Tx }

func begin(ctx contractapi.TransactionContextInterface) (*tx, error) {
	t, err := txn.Begin(ctx.GetStub())
	if err != nil {
		return nil, err
	}
	return &tx{t}, nil
}

// finish publishes the transaction's changes as one event.
func (t *tx) finish() error { return t.Emit(EventName) }

func (t *tx) receipt(cs *Consent) *Receipt {
	return &Receipt{ID: cs.ID, Status: cs.Status, StatusReason: cs.StatusReason, Version: cs.Version, TxID: t.Stub.GetTxID()}
}

// transient decodes a required transient input strictly.
func (t *tx) transient(key string, v any) error { return t.Transient(key, v, maxInputBytes) }

func (t *tx) load(id string) (*Consent, error) {
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	key, err := consentKey(id)
	if err != nil {
		return nil, err
	}
	cs, found, err := state.GetPrivateOptional[Consent](t.Stub, Collection, key)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("consent %s", id)
	}
	return &cs, nil
}

// save writes a consent's new version: the private record and its version
// snapshot, and the public status trace.
func (t *tx) save(cs *Consent) error {
	cs.Version++
	cs.Updated = t.Stamp()
	cs.LastTxID = t.Stub.GetTxID()
	cs.Grantor = t.Caller.Key()
	data, err := json.Marshal(cs)
	if err != nil {
		return ccerr.Internal("encode consent: %v", err)
	}
	key, err := consentKey(cs.ID)
	if err != nil {
		return err
	}
	vkey, err := versionKey(cs.ID, cs.Version)
	if err != nil {
		return err
	}
	for _, k := range []string{key, vkey} {
		if err := t.Stub.PutPrivateData(Collection, k, data); err != nil {
			return ccerr.Internal("write consent: %v", err)
		}
	}
	sum := sha256.Sum256(data)
	skey, err := statusKey(cs.ID)
	if err != nil {
		return err
	}
	return state.Put(t.Stub, skey, StatusRecord{ID: cs.ID, Status: cs.Status, StatusReason: cs.StatusReason,
		Version: cs.Version, DetailsHash: hex.EncodeToString(sum[:]), Updated: cs.Updated})
}

func (t *tx) putPrivateIndex(objectType string, attrs ...string) error {
	key, err := state.Key(objectType, attrs...)
	if err != nil {
		return err
	}
	if err := t.Stub.PutPrivateData(Collection, key, []byte{0}); err != nil {
		return ccerr.Internal("write index: %v", err)
	}
	return nil
}

func (t *tx) openSet(subject string) (openSet, string, error) {
	key, err := subjectOpenKey(subject)
	if err != nil {
		return openSet{}, "", err
	}
	set, _, err := state.GetPrivateOptional[openSet](t.Stub, Collection, key)
	return set, key, err
}

// setOpen adds, updates or removes a consent in its patient's open set.
// When the set is full, the consents whose period has ended make room.
func (t *tx) setOpen(cs *Consent, open bool) error {
	set, key, err := t.openSet(cs.Subject)
	if err != nil {
		return err
	}
	i := set.index(cs.ID)
	entry := openEntry{ID: cs.ID, End: cs.Period.End}
	switch {
	case open && i < 0:
		if len(set.Consents) >= MaxOpenConsents {
			set.Consents = slices.DeleteFunc(set.Consents, func(e openEntry) bool { return (Period{End: e.End}).ended(t.Now) })
		}
		if len(set.Consents) >= MaxOpenConsents {
			return ccerr.Precondition("patient holds %d open consents, the most allowed: revoke some first", MaxOpenConsents)
		}
		set.Consents = append(set.Consents, entry)
	case open && set.Consents[i] != entry:
		set.Consents[i] = entry
	case !open && i >= 0:
		set.Consents = slices.Delete(set.Consents, i, i+1)
	default:
		return nil
	}
	return state.PutPrivate(t.Stub, Collection, key, set)
}

// Grant creates a consent from the transient input "consent" (GrantInput),
// as a draft or directly active. With supersedes, the named consent of the
// same patient becomes inactive (superseded).
func (Contract) Grant(ctx contractapi.TransactionContextInterface) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	var in GrantInput
	if err := t.transient(TransientConsent, &in); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := requireControl(t.Stub, t.Caller, in.Subject, t.Now); err != nil {
		return nil, err
	}
	skey, err := statusKey(in.ID)
	if err != nil {
		return nil, err
	}
	if exists, err := state.Exists(t.Stub, skey); err != nil {
		return nil, err
	} else if exists {
		return nil, ccerr.Conflict("consent %s already exists", in.ID)
	}
	cs := &Consent{ResourceType: "Consent", ID: in.ID, Status: in.Status, Subject: in.Subject, Decision: in.Decision,
		Period: in.Period, Provision: in.Provision, FormHash: in.FormHash, Supersedes: in.Supersedes, Created: t.Stamp()}
	if in.Supersedes != "" {
		if err := t.supersede(in.Supersedes, cs); err != nil {
			return nil, err
		}
	}
	if err := t.save(cs); err != nil {
		return nil, err
	}
	if err := t.putPrivateIndex(objBySubject, cs.Subject, cs.ID); err != nil {
		return nil, err
	}
	orgs := map[string]bool{}
	for _, a := range cs.Provision.Actors {
		if !orgs[a.Org] {
			orgs[a.Org] = true
			if err := t.putPrivateIndex(objByGrantee, a.Org, cs.ID); err != nil {
				return nil, err
			}
		}
	}
	if err := t.setOpen(cs, true); err != nil {
		return nil, err
	}
	t.Events.Add("consent."+map[string]string{StatusDraft: "drafted", StatusActive: "granted"}[cs.Status], cs.ID, nil)
	return t.receipt(cs), t.finish()
}

func (t *tx) supersede(oldID string, next *Consent) error {
	old, err := t.load(oldID)
	if err != nil {
		return ccerr.New(ccerr.CodeOf(err), "supersedes", "%v", err)
	}
	if old.Subject != next.Subject {
		return ccerr.Invalid("supersedes", "consent %s belongs to another patient", oldID)
	}
	if status, _ := old.EffectiveStatus(t.Now); status != StatusActive && status != StatusDraft {
		return ccerr.Precondition("consent %s is %s and cannot be superseded", oldID, status)
	}
	old.Status, old.StatusReason, old.SupersededBy = StatusInactive, ReasonSuperseded, next.ID
	if err := t.save(old); err != nil {
		return err
	}
	if err := t.setOpen(old, false); err != nil {
		return err
	}
	t.Events.Add("consent.superseded", old.ID, map[string]string{"by": next.ID})
	return nil
}

// Update replaces a draft's content from the transient input "consent".
func (Contract) Update(ctx contractapi.TransactionContextInterface, id string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := t.load(id)
	if err != nil {
		return nil, err
	}
	if err := requireControl(t.Stub, t.Caller, cs.Subject, t.Now); err != nil {
		return nil, err
	}
	var in GrantInput
	if err := t.transient(TransientConsent, &in); err != nil {
		return nil, err
	}
	in.Status = StatusDraft
	if err := in.validate(); err != nil {
		return nil, err
	}
	if in.ID != id || in.Subject != cs.Subject {
		return nil, ccerr.Invalid("consent", "id and subject must stay those of consent %s", id)
	}
	if in.Supersedes != cs.Supersedes {
		return nil, ccerr.Invalid("supersedes", "cannot change what a draft supersedes")
	}
	if cs.Status != StatusDraft {
		return nil, ccerr.Precondition("consent %s is %s: only a draft can be updated; grant a new consent that supersedes it", id, cs.Status)
	}
	for _, a := range in.Provision.Actors {
		if err := t.putPrivateIndex(objByGrantee, a.Org, cs.ID); err != nil {
			return nil, err
		}
	}
	cs.Decision, cs.Period, cs.Provision, cs.FormHash = in.Decision, in.Period, in.Provision, in.FormHash
	if err := t.save(cs); err != nil {
		return nil, err
	}
	if err := t.setOpen(cs, true); err != nil {
		return nil, err
	}
	t.Events.Add("consent.updated", cs.ID, nil)
	return t.receipt(cs), t.finish()
}

// transition moves a consent to a new status after checking who may and,
// with check, whether the move from its effective status is legal.
func transition(ctx contractapi.TransactionContextInterface, id string, check func(t *tx, cs *Consent, status string) error, to, reason, event string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := t.load(id)
	if err != nil {
		return nil, err
	}
	if err := requireControl(t.Stub, t.Caller, cs.Subject, t.Now); err != nil {
		return nil, err
	}
	status, _ := cs.EffectiveStatus(t.Now)
	if err := check(t, cs, status); err != nil {
		return nil, err
	}
	cs.Status, cs.StatusReason = to, reason
	if err := t.save(cs); err != nil {
		return nil, err
	}
	if err := t.setOpen(cs, to == StatusActive || to == StatusDraft); err != nil {
		return nil, err
	}
	t.Events.Add(event, cs.ID, nil)
	return t.receipt(cs), t.finish()
}

func illegal(id, from, to string) error {
	return ccerr.Precondition("consent %s is %s: it cannot become %s", id, from, to)
}

// Activate makes a draft active.
func (Contract) Activate(ctx contractapi.TransactionContextInterface, id string) (*Receipt, error) {
	return transition(ctx, id, func(t *tx, cs *Consent, status string) error {
		if status != StatusDraft {
			return illegal(id, status, StatusActive)
		}
		if cs.Period.ended(t.Now) {
			return ccerr.Precondition("consent %s: its period has already ended", id)
		}
		return nil
	}, StatusActive, "", "consent.activated")
}

// Revoke makes an active consent inactive (revoked), from this transaction on.
func (Contract) Revoke(ctx contractapi.TransactionContextInterface, id string) (*Receipt, error) {
	return transition(ctx, id, func(t *tx, cs *Consent, status string) error {
		if status != StatusActive {
			return illegal(id, status, StatusInactive)
		}
		return nil
	}, StatusInactive, ReasonRevoked, "consent.revoked")
}

// MarkEnteredInError withdraws a consent recorded by mistake, whatever its status.
func (Contract) MarkEnteredInError(ctx contractapi.TransactionContextInterface, id string) (*Receipt, error) {
	return transition(ctx, id, func(t *tx, cs *Consent, status string) error {
		if cs.Status == StatusEnteredInError {
			return illegal(id, cs.Status, StatusEnteredInError)
		}
		return nil
	}, StatusEnteredInError, "", "consent.entered-in-error")
}

// AttachForm records the SHA-256 of the signed consent form of a draft or
// active consent.
func (Contract) AttachForm(ctx contractapi.TransactionContextInterface, id, sha256Hex string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.SHA256Hex("formHash", sha256Hex); err != nil {
		return nil, err
	}
	cs, err := t.load(id)
	if err != nil {
		return nil, err
	}
	if err := requireControl(t.Stub, t.Caller, cs.Subject, t.Now); err != nil {
		return nil, err
	}
	if status, _ := cs.EffectiveStatus(t.Now); status != StatusActive && status != StatusDraft {
		return nil, ccerr.Precondition("consent %s is %s: a form can be attached only to a draft or active consent", id, status)
	}
	cs.FormHash = sha256Hex
	if err := t.save(cs); err != nil {
		return nil, err
	}
	t.Events.Add("consent.form-attached", cs.ID, nil)
	return t.receipt(cs), t.finish()
}

// Get returns a consent to whoever may read it.
func (Contract) Get(ctx contractapi.TransactionContextInterface, id string) (*View, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := t.load(id)
	if err != nil {
		return nil, err
	}
	if err := mayRead(t.Stub, t.Caller, cs, t.Now); err != nil {
		return nil, err
	}
	return t.view(cs), nil
}

func (t *tx) view(cs *Consent) *View {
	v := &View{Consent: *cs}
	v.EffectiveStatus, v.EffectiveReason = cs.EffectiveStatus(t.Now)
	return v
}

// History returns every version of a consent, newest first.
func (Contract) History(ctx contractapi.TransactionContextInterface, id string) ([]Consent, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := t.load(id)
	if err != nil {
		return nil, err
	}
	if err := mayRead(t.Stub, t.Caller, cs, t.Now); err != nil {
		return nil, err
	}
	out := []Consent{}
	for v := cs.Version; v >= 1 && len(out) < int(state.MaxPageSize); v-- {
		key, err := versionKey(id, v)
		if err != nil {
			return nil, err
		}
		version, err := state.GetPrivate[Consent](t.Stub, Collection, key)
		if err != nil {
			return nil, err
		}
		out = append(out, version)
	}
	return out, nil
}
