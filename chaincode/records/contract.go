package records

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Names the chaincode uses.
const (
	EventName       = "records"
	Collection      = "recordDetails"
	TransientAnchor = "anchor"
	// ConsentChaincode is asked before any key is released.
	ConsentChaincode = "consent"
)

// Roles, by certificate attribute.
const (
	RolePhysician = roles.Physician
	RoleNurse     = roles.Nurse
	RoleClerk     = roles.RecordsClerk
	RolePrivacy   = roles.Privacy
	RoleAuditor   = roles.Auditor
	RolePatient   = roles.Patient
	PatientMSP    = roles.PatientMSP
	RegulatorMSP  = roles.RegulatorMSP
	AttrPatientID = roles.AttrPatientID
)

// custodianRoles anchor and amend records of their org.
var custodianRoles = []string{RolePhysician, RoleNurse, RoleClerk}

// Object types. Private: anchor, recordKey, recordBySubject, access,
// accessBySubject, accessByCustodian. Public: recordHead, recordVersion,
// custodianKey.
const (
	objAnchor          = "anchor"
	objKey             = "recordKey"
	objBySubject       = "recordBySubject"
	objAccess          = "access"
	objAccessBySubject = "accessBySubject"
	objAccessByCust    = "accessByCustodian"
	objHead            = "recordHead"
	objVersion         = "recordVersion"
	objCustodianKey    = "custodianKey"
)

// KEKSource gives the chaincode the private key-encryption key of the org
// whose peer runs it (nil, nil when this peer has none).
type KEKSource func() (msp string, key []byte, err error)

// Contract is the records chaincode. Read functions (Get, History,
// ListAccessLog*, ReleaseKey) must be evaluated, never submitted.
type Contract struct {
	contractapi.Contract
	// KEK reads this peer's org key-encryption key; see EnvKEK.
	KEK KEKSource
}

// Head is the public trace of a record: its current version and status.
type Head struct {
	ID        string `json:"id"`
	Version   int    `json:"version"`
	Status    string `json:"status"`
	Custodian string `json:"custodian"`
	KeyErased bool   `json:"keyErased"`
	Updated   string `json:"lastUpdated"`
}

// VersionTrace is the public trace of one version: its status and the
// SHA-256 of its private anchor.
type VersionTrace struct {
	ID         string `json:"id"`
	Version    int    `json:"version"`
	Status     string `json:"status"`
	AnchorHash string `json:"anchorHash"`
}

// Receipt is what a submitted transaction returns: ids and status only.
type Receipt struct {
	ID      string `json:"id"`
	Version int    `json:"version,omitempty" metadata:",optional"`
	Status  string `json:"status,omitempty" metadata:",optional"`
	// AccessID is the access-log entry to release the key with.
	AccessID string `json:"accessId,omitempty" metadata:",optional"`
	Expires  string `json:"expires,omitempty" metadata:",optional"`
	TxID     string `json:"txId"`
}

// tx is one transaction's context (package txn) with records' helpers.
type tx struct{ *txn.Tx }

func begin(ctx contractapi.TransactionContextInterface) (*tx, error) {
	t, err := txn.Begin(ctx.GetStub())
	if err != nil {
		return nil, err
	}
	return &tx{t}, nil
}

func (t *tx) finish() error                           { return t.Emit(EventName) }
func key(obj string, attrs ...string) (string, error) { return state.Key(obj, attrs...) }

func (t *tx) transientAnchor() (AnchorInput, []byte, error) {
	var in AnchorInput
	if err := t.Transient(TransientAnchor, &in, maxInputBytes); err != nil {
		return in, nil, err
	}
	wrapped, err := in.validate()
	return in, wrapped, err
}

// decodeAnchor decodes the transient anchor input strictly.
func decodeAnchor(data []byte, in *AnchorInput) error {
	return validate.DecodeJSON(TransientAnchor, data, in, maxInputBytes)
}

func (t *tx) head(id string) (*Head, error) {
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	k, err := key(objHead, id)
	if err != nil {
		return nil, err
	}
	h, found, err := state.GetOptional[Head](t.Stub, k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("record %s", id)
	}
	return &h, nil
}

func (t *tx) anchor(id string, version int) (*Anchor, error) {
	k, err := key(objAnchor, id, fmt.Sprintf("%06d", version))
	if err != nil {
		return nil, err
	}
	a, found, err := state.GetPrivateOptional[Anchor](t.Stub, Collection, k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("record %s version %d", id, version)
	}
	return &a, nil
}

// saveAnchor writes a version's private anchor and its public trace, and
// returns the anchor's hash.
func (t *tx) saveAnchor(a *Anchor) (string, error) {
	data, err := json.Marshal(a)
	if err != nil {
		return "", ccerr.Internal("encode anchor: %v", err)
	}
	k, err := key(objAnchor, a.ID, fmt.Sprintf("%06d", a.Version))
	if err != nil {
		return "", err
	}
	if err := t.Stub.PutPrivateData(Collection, k, data); err != nil {
		return "", ccerr.Internal("write anchor: %v", err)
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	vk, err := key(objVersion, a.ID, fmt.Sprintf("%06d", a.Version))
	if err != nil {
		return "", err
	}
	return hash, state.Put(t.Stub, vk, VersionTrace{ID: a.ID, Version: a.Version, Status: a.Status, AnchorHash: hash})
}

func (t *tx) putHead(h *Head) error {
	h.Updated = t.Stamp()
	k, err := key(objHead, h.ID)
	if err != nil {
		return err
	}
	return state.Put(t.Stub, k, h)
}

func (t *tx) putKey(id string, version int, wrapped []byte) error {
	k, err := key(objKey, id, fmt.Sprintf("%06d", version))
	if err != nil {
		return err
	}
	if err := t.Stub.PutPrivateData(Collection, k, wrapped); err != nil {
		return ccerr.Internal("write key: %v", err)
	}
	return nil
}

func (t *tx) requireCustodian(custodian string) error {
	if err := t.Caller.RequireRole(custodianRoles...); err != nil {
		return err
	}
	if t.Caller.MSPID != custodian {
		return ccerr.Forbidden("only %s, the custodian, may change this record (caller %s)", custodian, t.Caller.Key())
	}
	return nil
}

// beginCustodianChange starts a change of record id by its custodian's
// clinicians or clerks.
func beginCustodianChange(ctx contractapi.TransactionContextInterface, id string) (*tx, *Head, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	h, err := t.head(id)
	if err != nil {
		return nil, nil, err
	}
	return t, h, t.requireCustodian(h.Custodian)
}

func (t *tx) newAnchor(in AnchorInput, version int, previous string) *Anchor {
	return &Anchor{ResourceType: "DocumentReference", ID: in.ID, Version: version, Status: StatusCurrent,
		Subject: in.Subject, Custodian: t.Caller.MSPID, Type: in.Type, Category: in.Category,
		ContentType: in.ContentType, Size: in.Size, PlainSHA256: in.PlainSHA256, CipherSHA256: in.CipherSHA256,
		Location: in.Location, PreviousAnchorHash: previous, Author: t.Caller.Key(), Created: t.Stamp(), TxID: t.Stub.GetTxID()}
}

// Anchor records a new document (transient "anchor", AnchorInput) as
// version 1, with the caller's org as custodian. Only physicians, nurses and
// records clerks anchor, for their own org, and only once the org has
// registered its key-encryption key.
func (c *Contract) Anchor(ctx contractapi.TransactionContextInterface) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.Caller.RequireRole(custodianRoles...); err != nil {
		return nil, err
	}
	in, wrapped, err := t.transientAnchor()
	if err != nil {
		return nil, err
	}
	if _, err := t.custodianKey(t.Caller.MSPID); err != nil {
		return nil, err
	}
	hk, err := key(objHead, in.ID)
	if err != nil {
		return nil, err
	}
	if exists, err := state.Exists(t.Stub, hk); err != nil {
		return nil, err
	} else if exists {
		return nil, ccerr.Conflict("record %s already exists", in.ID)
	}
	a := t.newAnchor(in, 1, "")
	if _, err := t.saveAnchor(a); err != nil {
		return nil, err
	}
	if err := t.putKey(a.ID, 1, wrapped); err != nil {
		return nil, err
	}
	bk, err := key(objBySubject, a.Subject, a.ID)
	if err != nil {
		return nil, err
	}
	if err := t.Stub.PutPrivateData(Collection, bk, []byte{0}); err != nil {
		return nil, ccerr.Internal("write index: %v", err)
	}
	if err := t.putHead(&Head{ID: a.ID, Version: 1, Status: StatusCurrent, Custodian: a.Custodian}); err != nil {
		return nil, err
	}
	t.Events.Add("record.anchored", a.ID, map[string]string{"version": "1", "custodian": a.Custodian})
	return &Receipt{ID: a.ID, Version: 1, Status: StatusCurrent, TxID: t.Stub.GetTxID()}, t.finish()
}

// Amend anchors a new version of a record (transient "anchor"); the
// previous version becomes superseded and the new one links to its hash.
func (c *Contract) Amend(ctx contractapi.TransactionContextInterface, id string) (*Receipt, error) {
	t, h, err := beginCustodianChange(ctx, id)
	if err != nil {
		return nil, err
	}
	in, wrapped, err := t.transientAnchor()
	if err != nil {
		return nil, err
	}
	if in.ID != id {
		return nil, ccerr.Invalid("id", "must be the amended record's id %s", id)
	}
	if h.KeyErased {
		return nil, ccerr.Precondition("record %s was erased", id)
	}
	if h.Status != StatusCurrent {
		return nil, ccerr.Precondition("record %s is %s: only a current record is amended", id, h.Status)
	}
	prev, err := t.anchor(id, h.Version)
	if err != nil {
		return nil, err
	}
	if in.Subject != prev.Subject {
		return nil, ccerr.Invalid("subject", "must stay the record's patient")
	}
	prev.Status = StatusSuperseded
	prevHash, err := t.saveAnchor(prev)
	if err != nil {
		return nil, err
	}
	a := t.newAnchor(in, h.Version+1, prevHash)
	if _, err := t.saveAnchor(a); err != nil {
		return nil, err
	}
	if err := t.putKey(id, a.Version, wrapped); err != nil {
		return nil, err
	}
	h.Version, h.Status = a.Version, StatusCurrent
	if err := t.putHead(h); err != nil {
		return nil, err
	}
	t.Events.Add("record.amended", id, map[string]string{"version": fmt.Sprint(a.Version)})
	return &Receipt{ID: id, Version: a.Version, Status: StatusCurrent, TxID: t.Stub.GetTxID()}, t.finish()
}

// MarkEnteredInError withdraws the current version of a record anchored by mistake.
func (c *Contract) MarkEnteredInError(ctx contractapi.TransactionContextInterface, id string) (*Receipt, error) {
	t, h, err := beginCustodianChange(ctx, id)
	if err != nil {
		return nil, err
	}
	if h.Status != StatusCurrent {
		return nil, ccerr.Precondition("record %s is %s: it cannot become %s", id, h.Status, StatusEnteredInError)
	}
	a, err := t.anchor(id, h.Version)
	if err != nil {
		return nil, err
	}
	a.Status = StatusEnteredInError
	if _, err := t.saveAnchor(a); err != nil {
		return nil, err
	}
	h.Status = StatusEnteredInError
	if err := t.putHead(h); err != nil {
		return nil, err
	}
	t.Events.Add("record.entered-in-error", id, map[string]string{"version": fmt.Sprint(h.Version)})
	return &Receipt{ID: id, Version: h.Version, Status: h.Status, TxID: t.Stub.GetTxID()}, t.finish()
}

// GetHead returns a record's public trace (current version, status,
// custodian, erased), for any member: requesters need the custodian to ask
// its peer for the key.
func (c *Contract) GetHead(ctx contractapi.TransactionContextInterface, id string) (*Head, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	return t.head(id)
}

// SubjectMatch is MatchSubject's answer: whether a record exists, whether
// it is the named patient's, and since when it is entered in error.
type SubjectMatch struct {
	Known   bool `json:"known"`
	Matches bool `json:"matches"`
	// EnteredInError is when the record's current version was withdrawn.
	EnteredInError string `json:"enteredInError,omitempty" metadata:",optional"`
}

// MatchSubject tells whether record id belongs to patient subject, for a
// claim that cites it (the claims chaincode asks). It reveals nothing to
// anyone who does not already know both.
func (c *Contract) MatchSubject(ctx contractapi.TransactionContextInterface, id, subject string) (*SubjectMatch, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Identifier("subject", subject); err != nil {
		return nil, err
	}
	h, err := t.head(id)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return &SubjectMatch{}, nil
	}
	if err != nil {
		return nil, err
	}
	a, err := t.anchor(id, h.Version)
	if err != nil {
		return nil, err
	}
	m := &SubjectMatch{Known: true, Matches: a.Subject == subject}
	if h.Status == StatusEnteredInError {
		m.EnteredInError = h.Updated
	}
	return m, nil
}

// Verification results.
const (
	Match    = "match"
	Mismatch = "mismatch"
	Unknown  = "unknown"
)

// Verification is Verify's answer; it reveals nothing of the record.
type Verification struct {
	Result string `json:"result"`
	// Of says which hash matched: plaintext or ciphertext.
	Of      string `json:"of,omitempty" metadata:",optional"`
	Status  string `json:"status,omitempty" metadata:",optional"`
	Version int    `json:"version,omitempty" metadata:",optional"`
}

// Verify compares a SHA-256 with a record version's plaintext (or
// ciphertext) hash, for any member of the channel. version 0 is the current.
func (c *Contract) Verify(ctx contractapi.TransactionContextInterface, id string, version int, sha256Hex string) (*Verification, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.SHA256Hex("sha256", sha256Hex); err != nil {
		return nil, err
	}
	if err := validate.Range("version", int64(version), 0, 1<<30); err != nil {
		return nil, err
	}
	h, err := t.head(id)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return &Verification{Result: Unknown}, nil
	}
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = h.Version
	}
	a, err := t.anchor(id, version)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return &Verification{Result: Unknown}, nil
	}
	if err != nil {
		return nil, err
	}
	v := &Verification{Result: Mismatch, Status: a.Status, Version: a.Version}
	switch sha256Hex {
	case a.PlainSHA256:
		v.Result, v.Of = Match, "plaintext"
	case a.CipherSHA256:
		v.Result, v.Of = Match, "ciphertext"
	}
	return v, nil
}

// mayReadAnchor lets the custodian org's clinicians, clerks and privacy
// officer, the patient and the regulator's auditor read anchors.
func (t *tx) mayReadAnchor(a *Anchor) error {
	c := t.Caller
	if (c.MSPID == a.Custodian && (c.HasRole(custodianRoles...) || c.Role == RolePrivacy)) ||
		roles.IsPatient(c, a.Subject) || roles.IsAuditor(c) {
		return nil
	}
	return ccerr.Forbidden("caller %s (role %q) may not read record %s", c.Key(), c.Role, a.ID)
}

// Get returns a record version's anchor (version 0: the current one).
func (c *Contract) Get(ctx contractapi.TransactionContextInterface, id string, version int) (*Anchor, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	h, err := t.head(id)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = h.Version
	}
	a, err := t.anchor(id, version)
	if err != nil {
		return nil, err
	}
	return a, t.mayReadAnchor(a)
}

// VersionEntry is one version in a record's history, with the public hash
// that proves its private anchor.
type VersionEntry struct {
	Anchor     Anchor `json:"anchor"`
	AnchorHash string `json:"anchorHash"`
	KeyErased  bool   `json:"keyErased"`
}

// History returns every version of a record, newest first, each with its
// public anchor hash: the chain of PreviousAnchorHash links and these
// hashes verify the whole history, key erased or not.
func (c *Contract) History(ctx contractapi.TransactionContextInterface, id string) ([]VersionEntry, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	h, err := t.head(id)
	if err != nil {
		return nil, err
	}
	out := []VersionEntry{}
	for v := h.Version; v >= 1 && len(out) < int(state.MaxPageSize); v-- {
		a, err := t.anchor(id, v)
		if err != nil {
			return nil, err
		}
		if v == h.Version {
			if err := t.mayReadAnchor(a); err != nil {
				return nil, err
			}
		}
		vk, err := key(objVersion, id, fmt.Sprintf("%06d", v))
		if err != nil {
			return nil, err
		}
		trace, err := state.Get[VersionTrace](t.Stub, vk)
		if err != nil {
			return nil, err
		}
		out = append(out, VersionEntry{Anchor: *a, AnchorHash: trace.AnchorHash, KeyErased: h.KeyErased})
	}
	return out, nil
}

// Erase crypto-shreds a record: the wrapped keys of all its versions are
// purged from the private data collection, so the documents can never be
// decrypted again; anchors and their public hashes remain. The custodian's
// records clerks and privacy officer erase.
func (c *Contract) Erase(ctx contractapi.TransactionContextInterface, id string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	h, err := t.head(id)
	if err != nil {
		return nil, err
	}
	if err := t.Caller.RequireRole(RoleClerk, RolePrivacy); err != nil {
		return nil, err
	}
	if t.Caller.MSPID != h.Custodian {
		return nil, ccerr.Forbidden("only %s, the custodian, may erase record %s", h.Custodian, id)
	}
	if h.KeyErased {
		return nil, ccerr.Precondition("record %s is already erased", id)
	}
	for v := 1; v <= h.Version; v++ {
		k, err := key(objKey, id, fmt.Sprintf("%06d", v))
		if err != nil {
			return nil, err
		}
		if err := t.Stub.PurgePrivateData(Collection, k); err != nil {
			return nil, ccerr.Internal("purge key: %v", err)
		}
	}
	h.KeyErased = true
	if err := t.putHead(h); err != nil {
		return nil, err
	}
	t.Events.Add("record.erased", id, nil)
	return &Receipt{ID: id, Version: h.Version, Status: h.Status, TxID: t.Stub.GetTxID()}, t.finish()
}
