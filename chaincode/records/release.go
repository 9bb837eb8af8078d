package records

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/keywrap"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// ReleaseKey hands the document key of a committed access request to its
// requester, wrapped to recipientKey (base64 uncompressed P-256 one-time
// public key). Evaluate it on a peer of the custodian org, the only one
// holding the org's key-encryption key; never submit it. Everything is
// checked again, at this evaluation's time and against this peer's clock:
// the request names the caller, record id and purpose; the caller's role
// still counts for that purpose in its org's part; the time lies within
// ReleaseWindow after the request; the record is neither erased nor
// withdrawn; and consent (or the patient's own right) still permits it.
func (c *Contract) ReleaseKey(ctx contractapi.TransactionContextInterface, accessID, id, purpose, recipientKey string) (*wire.Release, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.mayRequestAny(); err != nil {
		return nil, err
	}
	recipient, raw, err := releaseInput(accessID, id, purpose, recipientKey)
	if err != nil {
		return nil, err
	}
	e, err := t.committedRequest(accessID, id, purpose)
	if err != nil {
		return nil, err
	}
	a, err := t.stillPermitted(e)
	if err != nil {
		return nil, err
	}
	kek, err := c.kekFor(t, a.Custodian)
	if err != nil {
		return nil, err
	}
	return t.rewrap(a, kek, recipient, raw)
}

func releaseInput(accessID, id, purpose, recipientKey string) (*ecdh.PublicKey, []byte, error) {
	if err := validate.Identifier("accessId", accessID); err != nil {
		return nil, nil, err
	}
	if err := validate.Identifier("id", id); err != nil {
		return nil, nil, err
	}
	if err := validate.OneOf("purpose", purpose, Purposes...); err != nil {
		return nil, nil, err
	}
	raw, err := validate.Base64("recipientKey", recipientKey, 128)
	if err != nil {
		return nil, nil, err
	}
	recipient, err := keywrap.ParsePublic(raw)
	if err != nil {
		return nil, nil, ccerr.Invalid("recipientKey", "must be an uncompressed P-256 public key")
	}
	return recipient, raw, nil
}

// committedRequest reads the committed access entry and checks it is the
// caller's request of record id for purpose, and that now lies within its
// release window.
func (t *tx) committedRequest(accessID, id, purpose string) (*wire.AccessEntry, error) {
	k, err := t.accessKey(accessID)
	if err != nil {
		return nil, err
	}
	e, found, err := state.GetPrivateOptional[wire.AccessEntry](t.Stub, Collection, k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("access %s", accessID)
	}
	if e.Recipient != t.Caller.Key() || e.Role != t.Caller.Role {
		return nil, ccerr.Forbidden("access %s was granted to %s as %q, not to %s as %q", accessID, e.Recipient, e.Role, t.Caller.Key(), t.Caller.Role)
	}
	if e.Record != id || e.Purpose != purpose {
		return nil, ccerr.Forbidden("access %s is a request of record %s for %s, not of %s for %s", accessID, e.Record, e.Purpose, id, purpose)
	}
	granted, err := time.Parse(time.RFC3339Nano, e.Date)
	if err != nil {
		return nil, ccerr.Internal("access date: %v", err)
	}
	if err := t.NotBefore("access "+accessID, e.Date); err != nil {
		return nil, err
	}
	if end := granted.Add(ReleaseWindow); !t.Now.Before(end) {
		return nil, ccerr.Precondition("access %s expired at %s: request access again", accessID, end.Format(time.RFC3339))
	}
	return &e, nil
}

// stillPermitted checks, now, what RequestAccess checked then.
func (t *tx) stillPermitted(e *wire.AccessEntry) (*wire.Anchor, error) {
	if err := t.mayRequest(e.Subject, e.Purpose); err != nil {
		return nil, err
	}
	a, err := t.requestable(e.Record, e.Version)
	if err != nil {
		return nil, err
	}
	if _, err := registry.RequirePart(t.Stub, a.Custodian, parts.PartProvider); err != nil {
		return nil, err
	}
	if _, err := t.basis(a, e.Purpose); err != nil {
		return nil, err
	}
	return a, nil
}

// rewrap opens the stored key with the KEK and wraps it to the recipient.
func (t *tx) rewrap(a *wire.Anchor, kek *ecdh.PrivateKey, recipient *ecdh.PublicKey, raw []byte) (*wire.Release, error) {
	wk, err := t.wrappedKey(a.ID, a.Version)
	if err != nil {
		return nil, err
	}
	wrapped, err := t.Stub.GetPrivateData(Collection, wk)
	if err != nil {
		return nil, ccerr.Internal("read key: %v", err)
	}
	if len(wrapped) == 0 {
		return nil, ccerr.Precondition("record %s version %d has no key on this peer", a.ID, a.Version)
	}
	docKey, err := keywrap.Unwrap(kek, wrapped, wire.WrapAAD(a.ID, a.Version))
	if err != nil {
		return nil, ccerr.Internal("the stored key does not open with %s's key-encryption key", a.Custodian)
	}
	defer clear(docKey)
	// A deterministic one-time key: the same request gives the same answer.
	seed := hmac.New(sha256.New, docKey)
	seed.Write([]byte(t.ID()))
	seed.Write(raw)
	eph, err := keywrap.EphemeralFromSeed(seed.Sum(nil))
	if err != nil {
		return nil, ccerr.Internal("%v", err)
	}
	out, err := keywrap.Wrap(recipient, eph, docKey, wire.WrapAAD(a.ID, a.Version))
	if err != nil {
		return nil, ccerr.Internal("%v", err)
	}
	return &wire.Release{Record: a.ID, Version: a.Version, WrappedKey: b64(out), Location: a.Location, ContentType: a.ContentType,
		Size: a.Size, PlainCommitment: a.PlainCommitment, CipherSHA256: a.CipherSHA256}, nil
}

// kekFor returns the custodian's private KEK, which only its peers hold,
// and checks it is the one the custodian registered.
func (c *Contract) kekFor(t *tx, custodian string) (*ecdh.PrivateKey, error) {
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
	ck, err := t.custodianKey(custodian)
	if err != nil {
		return nil, err
	}
	if pub, _ := base64.StdEncoding.DecodeString(ck.PublicKey); !bytes.Equal(pub, k.PublicKey().Bytes()) {
		return nil, ccerr.Precondition("this peer's key-encryption key is not the one %s registered", custodian)
	}
	return k, nil
}
