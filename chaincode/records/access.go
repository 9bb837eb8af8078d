package records

import (
	"crypto/ecdh"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/keywrap"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// ReleaseWindow is how long after RequestAccess the key can be released.
const ReleaseWindow = 10 * time.Minute

// Purposes a record may be requested for (consent's vocabulary).
var Purposes = []string{"treatment", "emergency", "payment", "operations", "research", "public-health", "legal", "patient-request"}

// CustodianKey is an org's registered key-encryption public key.
type CustodianKey struct {
	MSPID      string `json:"mspId"`
	PublicKey  string `json:"publicKey"` // base64, uncompressed P-256
	Registered string `json:"registered"`
}

// AccessEntry is one disclosure, shaped as a HIPAA accounting of
// disclosures: when, to whom (org, identity, role), why, what.
type AccessEntry struct {
	ID        string `json:"id"`
	Date      string `json:"date"`
	Subject   string `json:"subject"`
	Record    string `json:"record"`
	Version   int    `json:"version"`
	Category  string `json:"category"`
	Custodian string `json:"custodian"`
	Org       string `json:"recipientOrg"`
	Recipient string `json:"recipient"`
	Role      string `json:"role"`
	Purpose   string `json:"purpose"`
	// Basis is "consent:ID", "break-glass:ID" or "patient".
	Basis string `json:"basis"`
}

// AccessPage is a page of the access log.
type AccessPage struct {
	Items    []AccessEntry `json:"items"`
	Bookmark string        `json:"bookmark,omitempty" metadata:",optional"`
}

// Release is ReleaseKey's answer: the document key wrapped to the
// requester's one-time key, and what the requester needs to fetch and
// verify the document.
type Release struct {
	Record       string `json:"record"`
	Version      int    `json:"version"`
	WrappedKey   string `json:"wrappedKey"`
	Location     string `json:"location"`
	ContentType  string `json:"contentType"`
	Size         int64  `json:"size"`
	PlainSHA256  string `json:"plainSha256"`
	CipherSHA256 string `json:"cipherSha256"`
}

// RegisterCustodianKey publishes the caller's org key-encryption public key
// (base64, uncompressed P-256), to which clients wrap document keys. Only an
// org admin registers it.
func (c *Contract) RegisterCustodianKey(ctx contractapi.TransactionContextInterface, publicKey string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if t.Caller.Type != "admin" {
		return nil, ccerr.Forbidden("only an org admin registers the org's key-encryption key (caller %s is %q)", t.Caller.Key(), t.Caller.Type)
	}
	raw, err := validate.Base64("publicKey", publicKey, 128)
	if err != nil {
		return nil, err
	}
	if _, err := keywrap.ParsePublic(raw); err != nil {
		return nil, ccerr.Invalid("publicKey", "must be an uncompressed P-256 public key")
	}
	k, err := key(objCustodianKey, t.Caller.MSPID)
	if err != nil {
		return nil, err
	}
	if err := state.Put(t.Stub, k, CustodianKey{MSPID: t.Caller.MSPID, PublicKey: publicKey, Registered: t.Stamp()}); err != nil {
		return nil, err
	}
	t.Events.Add("record.custodian-key", t.Caller.MSPID, nil)
	return &Receipt{ID: t.Caller.MSPID, TxID: t.Stub.GetTxID()}, t.finish()
}

// GetCustodianKey returns an org's registered key-encryption public key.
func (c *Contract) GetCustodianKey(ctx contractapi.TransactionContextInterface, mspID string) (*CustodianKey, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Identifier("mspId", mspID); err != nil {
		return nil, err
	}
	return t.custodianKey(mspID)
}

func (t *tx) custodianKey(mspID string) (*CustodianKey, error) {
	k, err := key(objCustodianKey, mspID)
	if err != nil {
		return nil, err
	}
	ck, found, err := state.GetOptional[CustodianKey](t.Stub, k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.Precondition("%s has registered no key-encryption key", mspID)
	}
	return &ck, nil
}

// checkRequest is the consent chaincode's request.
type checkRequest struct {
	Subject string `json:"subject"`
	Action  string `json:"action"`
	Purpose string `json:"purpose"`
	Class   string `json:"class"`
	Data    string `json:"data"`
}

type checkDecision struct {
	Decision     string `json:"decision"`
	Basis        string `json:"basis"`
	ConsentID    string `json:"consentId"`
	BreakGlassID string `json:"breakGlassId"`
}

// RequestAccess asks for a record version (0: the current one) for a
// purpose. The patient always may; anyone else needs the consent
// chaincode's permit for the caller (a consent or a valid break-glass). A
// permitted request is logged and answered with the access id that
// ReleaseKey takes; a refused one changes nothing.
func (c *Contract) RequestAccess(ctx contractapi.TransactionContextInterface, id string, version int, purpose string) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.OneOf("purpose", purpose, Purposes...); err != nil {
		return nil, err
	}
	h, err := t.head(id)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = h.Version
	}
	if version < 0 || version > h.Version {
		return nil, ccerr.Invalid("version", "record %s has versions 1..%d", id, h.Version)
	}
	if h.KeyErased {
		return nil, ccerr.Precondition("record %s was erased: its key no longer exists", id)
	}
	a, err := t.anchor(id, version)
	if err != nil {
		return nil, err
	}
	if a.Status == StatusEnteredInError {
		return nil, ccerr.Precondition("record %s version %d was entered in error", id, version)
	}
	basis := "patient"
	if !roles.IsPatient(t.Caller, a.Subject) {
		if basis, err = t.askConsent(a, purpose); err != nil {
			return nil, err
		}
	}
	entry := AccessEntry{ID: t.Stub.GetTxID(), Date: t.Stamp(), Subject: a.Subject, Record: id, Version: version,
		Category: a.Category, Custodian: a.Custodian, Org: t.Caller.MSPID, Recipient: t.Caller.Key(),
		Role: t.Caller.Role, Purpose: purpose, Basis: basis}
	if err := t.logAccess(entry); err != nil {
		return nil, err
	}
	t.Events.Add("record.access", id, map[string]string{"org": t.Caller.MSPID, "accessId": entry.ID})
	return &Receipt{ID: id, Version: version, AccessID: entry.ID,
		Expires: t.Now.Add(ReleaseWindow).Format(time.RFC3339Nano), TxID: t.Stub.GetTxID()}, t.finish()
}

// askConsent calls consent's Check for the caller and returns the basis.
func (t *tx) askConsent(a *Anchor, purpose string) (string, error) {
	req, _ := json.Marshal(checkRequest{Subject: a.Subject, Action: "access", Purpose: purpose, Class: a.Category, Data: a.ID})
	var d checkDecision
	if err := cccall.Call(t.Stub, ConsentChaincode, "Check", &d, string(req)); err != nil {
		return "", err
	}
	switch {
	case d.Decision != "permit":
		return "", ccerr.Forbidden("no consent of the patient permits %s to access %s for %s", t.Caller.Key(), a.ID, purpose)
	case d.Basis == "break-glass":
		return "break-glass:" + d.BreakGlassID, nil
	default:
		return "consent:" + d.ConsentID, nil
	}
}

func (t *tx) logAccess(e AccessEntry) error {
	k, err := key(objAccess, e.ID)
	if err != nil {
		return err
	}
	if err := state.PutPrivate(t.Stub, Collection, k, e); err != nil {
		return err
	}
	for _, idx := range [][]string{{objAccessBySubject, e.Subject, t.SortStamp(), e.ID}, {objAccessByCust, e.Custodian, t.SortStamp(), e.ID}} {
		ik, err := key(idx[0], idx[1:]...)
		if err != nil {
			return err
		}
		if err := t.Stub.PutPrivateData(Collection, ik, []byte{0}); err != nil {
			return ccerr.Internal("write index: %v", err)
		}
	}
	return nil
}

// ReleaseKey hands the document key of a logged access to its recipient,
// wrapped to recipientKey (base64 uncompressed P-256 one-time public key).
// Evaluate it on a peer of the custodian org; never submit it.
func (c *Contract) ReleaseKey(ctx contractapi.TransactionContextInterface, accessID, recipientKey string) (*Release, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Identifier("accessId", accessID); err != nil {
		return nil, err
	}
	raw, err := validate.Base64("recipientKey", recipientKey, 128)
	if err != nil {
		return nil, err
	}
	recipient, err := keywrap.ParsePublic(raw)
	if err != nil {
		return nil, ccerr.Invalid("recipientKey", "must be an uncompressed P-256 public key")
	}
	k, err := key(objAccess, accessID)
	if err != nil {
		return nil, err
	}
	e, found, err := state.GetPrivateOptional[AccessEntry](t.Stub, Collection, k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("access %s", accessID)
	}
	if e.Recipient != t.Caller.Key() {
		return nil, ccerr.Forbidden("access %s was granted to %s, not to %s", accessID, e.Recipient, t.Caller.Key())
	}
	granted, err := time.Parse(time.RFC3339Nano, e.Date)
	if err != nil {
		return nil, ccerr.Internal("access date: %v", err)
	}
	if !t.Now.Before(granted.Add(ReleaseWindow)) {
		return nil, ccerr.Precondition("access %s expired at %s: request access again", accessID, granted.Add(ReleaseWindow).Format(time.RFC3339))
	}
	h, err := t.head(e.Record)
	if err != nil {
		return nil, err
	}
	if h.KeyErased {
		return nil, ccerr.Precondition("record %s was erased: its key no longer exists", e.Record)
	}
	a, err := t.anchor(e.Record, e.Version)
	if err != nil {
		return nil, err
	}
	kek, err := c.kekFor(a.Custodian)
	if err != nil {
		return nil, err
	}
	wk, err := key(objKey, e.Record, fmt.Sprintf("%06d", e.Version))
	if err != nil {
		return nil, err
	}
	wrapped, err := t.Stub.GetPrivateData(Collection, wk)
	if err != nil {
		return nil, ccerr.Internal("read key: %v", err)
	}
	if len(wrapped) == 0 {
		return nil, ccerr.Precondition("record %s version %d has no key on this peer", e.Record, e.Version)
	}
	docKey, err := keywrap.Unwrap(kek, wrapped, WrapAAD(e.Record, e.Version))
	if err != nil {
		return nil, ccerr.Internal("the stored key does not open with %s's key-encryption key", a.Custodian)
	}
	// A deterministic one-time key: the same request gives the same answer.
	seed := hmac.New(sha256.New, docKey)
	seed.Write([]byte(t.Stub.GetTxID()))
	seed.Write(raw)
	eph, err := keywrap.EphemeralFromSeed(seed.Sum(nil))
	if err != nil {
		return nil, ccerr.Internal("%v", err)
	}
	out, err := keywrap.Wrap(recipient, eph, docKey, WrapAAD(e.Record, e.Version))
	if err != nil {
		return nil, ccerr.Internal("%v", err)
	}
	return &Release{Record: a.ID, Version: a.Version, WrappedKey: b64(out), Location: a.Location, ContentType: a.ContentType,
		Size: a.Size, PlainSHA256: a.PlainSHA256, CipherSHA256: a.CipherSHA256}, nil
}

// kekFor returns the custodian's private KEK, which only its peers hold.
func (c *Contract) kekFor(custodian string) (*ecdh.PrivateKey, error) {
	if c.KEK == nil {
		return nil, ccerr.Precondition("this peer holds no key-encryption key: evaluate on a peer of %s", custodian)
	}
	msp, raw, err := c.KEK()
	if err != nil {
		return nil, ccerr.Internal("key-encryption key: %v", err)
	}
	if msp != custodian || raw == nil {
		return nil, ccerr.Precondition("this peer holds no key-encryption key of %s: evaluate on a peer of %s", custodian, custodian)
	}
	k, err := ecdh.P256().NewPrivateKey(raw)
	if err != nil {
		return nil, ccerr.Internal("key-encryption key: %v", err)
	}
	return k, nil
}

// ListAccessLog lists the disclosures of a patient's records, oldest first,
// for the patient and the regulator's auditor.
func (c *Contract) ListAccessLog(ctx contractapi.TransactionContextInterface, subject string, pageSize int32, bookmark string) (*AccessPage, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Identifier("subject", subject); err != nil {
		return nil, err
	}
	if !roles.IsPatient(t.Caller, subject) && !roles.IsAuditor(t.Caller) {
		return nil, ccerr.Forbidden("only the patient or the regulator's auditor may read a patient's access log")
	}
	return t.listAccess(objAccessBySubject, subject, pageSize, bookmark)
}

// ListAccessLogByCustodian lists the disclosures of an org's records, for
// its privacy officer and the regulator's auditor.
func (c *Contract) ListAccessLogByCustodian(ctx contractapi.TransactionContextInterface, mspID string, pageSize int32, bookmark string) (*AccessPage, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Identifier("mspId", mspID); err != nil {
		return nil, err
	}
	if !roles.IsAuditor(t.Caller) && (t.Caller.Role != RolePrivacy || t.Caller.MSPID != mspID) {
		return nil, ccerr.Forbidden("only %s's privacy officer or the regulator's auditor may read its access log", mspID)
	}
	return t.listAccess(objAccessByCust, mspID, pageSize, bookmark)
}

func (t *tx) listAccess(index, attr string, pageSize int32, bookmark string) (*AccessPage, error) {
	page, err := state.ScanPrivateByPartialKey(t.Stub, Collection, index, []string{attr}, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &AccessPage{Items: []AccessEntry{}, Bookmark: page.Bookmark}
	for _, r := range page.Records {
		_, attrs, err := state.SplitKey(r.Key)
		if err != nil || len(attrs) != 3 {
			return nil, ccerr.Internal("index key %s: %v", state.DisplayKey(r.Key), err)
		}
		k, err := key(objAccess, attrs[2])
		if err != nil {
			return nil, err
		}
		e, err := state.GetPrivate[AccessEntry](t.Stub, Collection, k)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, e)
	}
	return out, nil
}
