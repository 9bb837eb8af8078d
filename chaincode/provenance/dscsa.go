package provenance

import (
	"bytes"
	"encoding/json"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// DSCSA documents. The transaction information and statement of a
// change of ownership stay in the two partners' collection,
// DSCSACollection(sender, receiver):
//
//	key    [dscsa, Token("shipment", id)]     the pair's token of the shipment id
//	value  {"salt": Salt(key), "documents": "…"} (the compacted JSON, as text)
//
// and the shipment's public dscsaHash is DSCSACommitment(salt, documents),
// never their bare SHA-256: the documents are guessable (an invoice
// number, quantities, a standard statement), and the key's and the
// value's hashes in the block, or a bare public hash, would confirm a
// guess. The partners read the salt with the documents (GetDSCSA) and can
// show both to the regulator, who checks them against the commitment.
//
// Shipments shipped before blinding keep their documents under
// [dscsa, id] with the bare SHA-256 as their public hash; GetDSCSA still
// reads them (with no salt).

// dscsaRecord is the private value.
type dscsaRecord struct {
	Salt      string `json:"salt"`
	Documents string `json:"documents"`
}

// dscsaKey is the private key of a shipment's documents.
func dscsaKey(b *blind.Blinder, shipment string) (string, error) {
	return key(objDSCSA, b.Token("shipment", shipment))
}

// putDSCSA keeps a shipment's documents (compacted JSON) in the partners'
// collection and returns their public commitment.
func (t *tx) putDSCSA(in *wire.ShipInput, doc json.RawMessage) (string, error) {
	coll := DSCSACollection(t.Caller.MSPID, in.To)
	b, err := t.blinder(coll)
	if err != nil {
		return "", err
	}
	k, err := dscsaKey(b, in.ID)
	if err != nil {
		return "", err
	}
	var docs bytes.Buffer
	if err := json.Compact(&docs, doc); err != nil {
		return "", ccerr.Invalid(wire.TransientDSCSA, "is not JSON: %v", err)
	}
	rec := dscsaRecord{Salt: b.Salt(k), Documents: docs.String()}
	value, err := json.Marshal(rec)
	if err != nil {
		return "", ccerr.Internal("encode DSCSA documents: %v", err)
	}
	if err := t.Stub.PutPrivateData(coll, k, value); err != nil {
		return "", ccerr.Internal("DSCSA documents: %v", err)
	}
	return wire.DSCSACommitment(rec.Salt, rec.Documents), nil
}

// GetDSCSA reads a shipment's DSCSA documents with the salt of their
// public commitment, for the staff of its two partners (licensed or not
// any more: DSCSA records are kept for years), on a partner's peer.
func (c *Contract) GetDSCSA(ctx contractapi.TransactionContextInterface, id string) (*wire.DSCSA, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := registry.RequireAny(t.Stub, t.Caller, tradingParts(), handlerRoles...); err != nil {
		return nil, err
	}
	sh, err := t.shipment(id)
	if err != nil {
		return nil, err
	}
	if t.Caller.MSPID != sh.From && t.Caller.MSPID != sh.To {
		return nil, ccerr.Forbidden("only the two partners of shipment %s read its DSCSA documents", id)
	}
	return t.dscsa(sh)
}

// dscsa reads a shipment's documents: under the blinded key, or (shipped
// before blinding) under the legacy one.
func (t *tx) dscsa(sh *wire.Shipment) (*wire.DSCSA, error) {
	coll := DSCSACollection(sh.From, sh.To)
	b, err := t.blinder(coll)
	if err != nil {
		return nil, err
	}
	k, err := dscsaKey(b, sh.ID)
	if err != nil {
		return nil, err
	}
	raw, err := t.Stub.GetPrivateData(coll, k)
	if err != nil {
		return nil, ccerr.Internal("DSCSA documents: %v", err)
	}
	if len(raw) > 0 {
		var rec dscsaRecord
		if err := json.Unmarshal(raw, &rec); err != nil {
			return nil, ccerr.Internal("decode DSCSA documents of %s: %v", sh.ID, err)
		}
		return &wire.DSCSA{Shipment: sh.ID, Documents: rec.Documents, Salt: rec.Salt}, nil
	}
	return t.legacyDSCSA(coll, sh)
}

// legacyDSCSA reads documents kept before blinding, raw under [dscsa, id].
func (t *tx) legacyDSCSA(coll string, sh *wire.Shipment) (*wire.DSCSA, error) {
	k, err := key(objDSCSA, sh.ID)
	if err != nil {
		return nil, err
	}
	raw, err := t.Stub.GetPrivateData(coll, k)
	if err != nil {
		return nil, ccerr.Internal("DSCSA documents: %v", err)
	}
	if len(raw) == 0 {
		return nil, ccerr.NotFound("DSCSA documents of shipment %s", sh.ID)
	}
	return &wire.DSCSA{Shipment: sh.ID, Documents: string(raw)}, nil
}
