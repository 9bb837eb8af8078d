package records

import (
	"encoding/json"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	consentwire "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/keywrap"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// ReleaseWindow is how long after its committed RequestAccess a key can be
// released: ReleaseKey's (skew-bounded) time must lie in
// [request stamp, request stamp + ReleaseWindow). Fifteen minutes covers a
// slow client fetching a large document, and no more.
const ReleaseWindow = 15 * time.Minute

// Purposes a record may be requested for (consent's vocabulary).
var Purposes = []string{"treatment", "emergency", "payment", "operations", "research", "public-health", "legal", "patient-request"}

// RegisterCustodianKey publishes the caller's org key-encryption public key
// (base64, uncompressed P-256), to which clients wrap document keys. Only
// the admin of an org playing the provider part registers it, for its own
// org; the key then changes only with that org's peer's endorsement.
func (c *Contract) RegisterCustodianKey(ctx contractapi.TransactionContextInterface, publicKey string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if !t.isAdmin() || !t.org.Plays(parts.PartProvider) {
		return nil, ccerr.Forbidden("only the admin of an org playing the provider part registers its key-encryption key (caller %s is %q of an org playing %v)",
			t.Caller.Key(), t.Caller.Type, t.org.Parts)
	}
	raw, err := validate.Base64("publicKey", publicKey, 128)
	if err != nil {
		return nil, err
	}
	if _, err := keywrap.ParsePublic(raw); err != nil {
		return nil, ccerr.Invalid("publicKey", "must be an uncompressed P-256 public key")
	}
	msp := t.Caller.MSPID
	if old, err := t.custodianKey(msp); err == nil {
		if err := t.NotBefore("key-encryption key of "+msp, old.Registered); err != nil {
			return nil, err
		}
	} else if ccerr.CodeOf(err) != ccerr.CodeFailedPrecondition {
		return nil, err
	}
	k, err := key(objCustodianKey, msp)
	if err != nil {
		return nil, err
	}
	if err := t.putOwned(msp, k, wire.CustodianKey{MSPID: msp, PublicKey: publicKey, Registered: t.Stamp()}); err != nil {
		return nil, err
	}
	t.Events.Add("record.custodian-key", msp, nil)
	return &wire.Receipt{ID: msp, TxID: t.ID()}, t.finish()
}

// GetCustodianKey returns an org's registered key-encryption public key,
// for any member of an org in the parts registry.
func (c *Contract) GetCustodianKey(ctx contractapi.TransactionContextInterface, mspID string) (*wire.CustodianKey, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	if err := validate.Identifier("mspId", mspID); err != nil {
		return nil, err
	}
	return t.custodianKey(mspID)
}

func (t *tx) custodianKey(mspID string) (*wire.CustodianKey, error) {
	k, err := key(objCustodianKey, mspID)
	if err != nil {
		return nil, err
	}
	ck, found, err := state.GetOptional[wire.CustodianKey](t.Stub, k)
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
// purpose. The caller's role must count as a requester for that purpose in
// its org's part (requestRules); the patient always may; anyone else
// needs the consent chaincode's permit for the caller (a consent or a
// valid break-glass). A permitted request is logged and answered with the
// access id that ReleaseKey takes; a refused one changes nothing.
func (c *Contract) RequestAccess(ctx contractapi.TransactionContextInterface, id string, version int, purpose string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.mayRequestAny(); err != nil {
		return nil, err
	}
	if err := validate.OneOf("purpose", purpose, Purposes...); err != nil {
		return nil, err
	}
	a, err := t.requestable(id, version)
	if err != nil {
		return nil, err
	}
	if err := t.mayRequest(a.Subject, purpose); err != nil {
		return nil, err
	}
	ah, err := t.accessHead(id)
	if err != nil {
		return nil, err
	}
	if err := t.NotBefore("access log of record "+id+" by "+t.Caller.Key(), ah.Last); err != nil {
		return nil, err
	}
	basis, err := t.basis(a, purpose)
	if err != nil {
		return nil, err
	}
	entry := wire.AccessEntry{ID: t.ID(), Date: t.Stamp(), Subject: a.Subject, Record: id, Version: a.Version,
		Category: a.Category, Custodian: a.Custodian, Org: t.Caller.MSPID, Recipient: t.Caller.Key(),
		Role: t.Caller.Role, Purpose: purpose, Basis: basis}
	if err := t.logAccess(entry); err != nil {
		return nil, err
	}
	// The event names only the access entry (the transaction's own id): not
	// the record, not the requester's org.
	t.Events.Add("record.access", entry.ID, nil)
	return &wire.Receipt{ID: id, Version: a.Version, AccessID: entry.ID,
		Expires: t.Now.Add(ReleaseWindow).Format(time.RFC3339Nano), TxID: t.ID()}, t.finish()
}

// requestable reads the anchor of a version that can still be released:
// not erased, not entered in error, and not asked for before the record's
// latest change.
func (t *tx) requestable(id string, version int) (*wire.Anchor, error) {
	h, err := t.head(id)
	if err != nil {
		return nil, err
	}
	if version, err = versionOf(h, version); err != nil {
		return nil, err
	}
	if err := t.NotBefore("record "+id, h.Updated); err != nil {
		return nil, err
	}
	if h.KeyErased {
		return nil, ccerr.Precondition("record %s was erased: its key no longer exists", id)
	}
	a, err := t.anchor(id, version)
	if err != nil {
		return nil, err
	}
	if a.Status == wire.StatusEnteredInError {
		return nil, ccerr.Precondition("record %s version %d was entered in error", id, version)
	}
	return a, nil
}

// basis is why the caller may have the record now: "patient" for the
// subject, otherwise the consent chaincode's permit, asked as the caller.
func (t *tx) basis(a *wire.Anchor, purpose string) (string, error) {
	if ok, err := t.isSubject(a.Subject); err != nil {
		return "", err
	} else if ok {
		return "patient", nil
	}
	req, _ := json.Marshal(checkRequest{Subject: a.Subject, Action: "access", Purpose: purpose, Class: a.Category, Data: a.ID})
	var d checkDecision
	if err := cccall.Call(t.Stub, ConsentChaincode, consentwire.FnCheck, &d, string(req)); err != nil {
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
