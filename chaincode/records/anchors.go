package records

import (
	"encoding/json"
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// saveAnchor writes a version's private anchor, salted afresh, and its
// public trace with the anchor's commitment, both owned by the custodian,
// and returns the commitment.
func (t *tx) saveAnchor(a *wire.Anchor) (string, error) {
	k, err := t.anchorKey(a.ID, a.Version)
	if err != nil {
		return "", err
	}
	if a.Salt, err = t.salt(k); err != nil {
		return "", err
	}
	data, err := json.Marshal(a)
	if err != nil {
		return "", ccerr.Internal("encode anchor: %v", err)
	}
	if err := t.putOwnedPrivate(a.Custodian, k, data); err != nil {
		return "", err
	}
	commitment, err := wire.AnchorCommitment(a)
	if err != nil {
		return "", ccerr.Internal("%v", err)
	}
	vk, err := versionKey(objVersion, a.ID, a.Version)
	if err != nil {
		return "", err
	}
	return commitment, t.putOwned(a.Custodian, vk, VersionTrace{ID: a.ID, Version: a.Version, Status: a.Status, AnchorHash: commitment})
}

// putHead stamps and writes a record's head: its Updated stamp is the
// record's latest change, before which no later transaction may be stamped.
func (t *tx) putHead(h *wire.Head) error {
	h.Updated = t.Stamp()
	k, err := key(objHead, h.ID)
	if err != nil {
		return err
	}
	return t.putOwned(h.Custodian, k, h)
}

// putKey stores the wrapped document key: fresh ECIES ciphertext, whose
// hash in the block is unguessable without a salt.
func (t *tx) putKey(a *wire.Anchor, wrapped []byte) error {
	k, err := t.wrappedKey(a.ID, a.Version)
	if err != nil {
		return err
	}
	return t.putOwnedPrivate(a.Custodian, k, wrapped)
}

// beginCustodianChange starts a change of record id by roleNames of its
// custodian org (which plays the provider part): the part and role first,
// then the record's owner, then time (nothing is stamped before the
// record's latest change).
func (c *Contract) beginCustodianChange(ctx contractapi.TransactionContextInterface, id string, roleNames ...string) (*tx, *wire.Head, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := t.require(parts.PartProvider, roleNames...); err != nil {
		return nil, nil, err
	}
	h, err := t.head(id)
	if err != nil {
		return nil, nil, err
	}
	if err := t.requireCustodian(h.Custodian, id); err != nil {
		return nil, nil, err
	}
	return t, h, t.NotBefore("record "+id, h.Updated)
}

func (t *tx) newAnchor(in wire.AnchorInput, version int, previous string) *wire.Anchor {
	return &wire.Anchor{ResourceType: "DocumentReference", ID: in.ID, Version: version, Status: wire.StatusCurrent,
		Subject: in.Subject, Custodian: t.Caller.MSPID, Type: in.Type, Category: in.Category,
		ContentType: in.ContentType, Size: in.Size, PlainCommitment: in.PlainCommitment, CipherSHA256: in.CipherSHA256,
		Location: in.Location, PreviousAnchorHash: previous, Author: t.Caller.Key(), Created: t.Stamp(), TxID: t.Stub.GetTxID()}
}

// Anchor records a new document (transient "anchor", AnchorInput) as
// version 1, with the caller's org as custodian. Only physicians, nurses
// and records clerks of an org playing the provider part anchor, for their
// own org, and only once the org has registered its key-encryption key.
func (c *Contract) Anchor(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.require(parts.PartProvider, custodianRoles...); err != nil {
		return nil, err
	}
	in, wrapped, err := t.transientAnchor()
	if err != nil {
		return nil, err
	}
	if _, err := t.custodianKey(t.Caller.MSPID); err != nil {
		return nil, err
	}
	if _, err := t.head(in.ID); err == nil {
		return nil, ccerr.Conflict("record %s already exists", in.ID)
	} else if ccerr.CodeOf(err) != ccerr.CodeNotFound {
		return nil, err
	}
	a := t.newAnchor(in, 1, "")
	if _, err := t.saveAnchor(a); err != nil {
		return nil, err
	}
	if err := t.putKey(a, wrapped); err != nil {
		return nil, err
	}
	b, err := t.blinder()
	if err != nil {
		return nil, err
	}
	if err := t.putIndex(a.Custodian, ixRecordsBySubject, subjectAttr(b, a.Subject), a.ID); err != nil {
		return nil, err
	}
	if err := t.putHead(&wire.Head{ID: a.ID, Version: 1, Status: wire.StatusCurrent, Custodian: a.Custodian}); err != nil {
		return nil, err
	}
	t.Events.Add("record.anchored", a.ID, map[string]string{"version": "1", "custodian": a.Custodian})
	return &wire.Receipt{ID: a.ID, Version: 1, Status: wire.StatusCurrent, TxID: t.ID()}, t.finish()
}

// Amend anchors a new version of a record (transient "anchor"); the
// previous version becomes superseded and the new one links to its hash.
func (c *Contract) Amend(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, h, err := c.beginCustodianChange(ctx, id, custodianRoles...)
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
	if err := amendable(h); err != nil {
		return nil, err
	}
	prevHash, err := t.supersede(h, in.Subject)
	if err != nil {
		return nil, err
	}
	a := t.newAnchor(in, h.Version+1, prevHash)
	if _, err := t.saveAnchor(a); err != nil {
		return nil, err
	}
	if err := t.putKey(a, wrapped); err != nil {
		return nil, err
	}
	h.Version, h.Status = a.Version, wire.StatusCurrent
	if err := t.putHead(h); err != nil {
		return nil, err
	}
	t.Events.Add("record.amended", id, map[string]string{"version": fmt.Sprint(a.Version)})
	return &wire.Receipt{ID: id, Version: a.Version, Status: wire.StatusCurrent, TxID: t.ID()}, t.finish()
}

// supersede marks the current version superseded and returns its hash;
// the new version must keep the record's patient.
func (t *tx) supersede(h *wire.Head, subject string) (string, error) {
	prev, err := t.anchor(h.ID, h.Version)
	if err != nil {
		return "", err
	}
	if subject != prev.Subject {
		return "", ccerr.Invalid("subject", "must stay the record's patient")
	}
	prev.Status = wire.StatusSuperseded
	return t.saveAnchor(prev)
}

func amendable(h *wire.Head) error {
	if h.KeyErased {
		return ccerr.Precondition("record %s was erased", h.ID)
	}
	if h.Status != wire.StatusCurrent {
		return ccerr.Precondition("record %s is %s: only a current record is amended", h.ID, h.Status)
	}
	return nil
}

// MarkEnteredInError withdraws the current version of a record anchored by mistake.
func (c *Contract) MarkEnteredInError(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, h, err := c.beginCustodianChange(ctx, id, custodianRoles...)
	if err != nil {
		return nil, err
	}
	if h.Status != wire.StatusCurrent {
		return nil, ccerr.Precondition("record %s is %s: it cannot become %s", id, h.Status, wire.StatusEnteredInError)
	}
	a, err := t.anchor(id, h.Version)
	if err != nil {
		return nil, err
	}
	a.Status = wire.StatusEnteredInError
	if _, err := t.saveAnchor(a); err != nil {
		return nil, err
	}
	h.Status = wire.StatusEnteredInError
	if err := t.putHead(h); err != nil {
		return nil, err
	}
	t.Events.Add("record.entered-in-error", id, map[string]string{"version": fmt.Sprint(h.Version)})
	return &wire.Receipt{ID: id, Version: h.Version, Status: h.Status, TxID: t.ID()}, t.finish()
}

// Erase crypto-shreds a record: the wrapped keys of all its versions are
// purged from the private data collection, so the documents can never be
// decrypted again; anchors and their public hashes remain. The custodian's
// records clerks and privacy officer erase.
func (c *Contract) Erase(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, h, err := c.beginCustodianChange(ctx, id, eraseRoles...)
	if err != nil {
		return nil, err
	}
	if h.KeyErased {
		return nil, ccerr.Precondition("record %s is already erased", id)
	}
	for v := 1; v <= h.Version; v++ {
		k, err := t.wrappedKey(id, v)
		if err != nil {
			return nil, err
		}
		if err := state.PurgePrivate(t.Stub, Collection, k); err != nil {
			return nil, err
		}
	}
	h.KeyErased = true
	if err := t.putHead(h); err != nil {
		return nil, err
	}
	t.Events.Add("record.erased", id, nil)
	return &wire.Receipt{ID: id, Version: h.Version, Status: h.Status, TxID: t.ID()}, t.finish()
}
