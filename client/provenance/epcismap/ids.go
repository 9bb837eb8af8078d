package epcismap

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/carechain/carechain/chaincode/kit/validate"
	pvwire "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/gs1"
)

// chaincodeSerial and chaincodeLot report whether the chaincode takes a
// serial or a lot (provenance/wire's checks).
func chaincodeSerial(s string) bool { return pvwire.CheckSerial("serial", s) == nil }

func chaincodeLot(s string) bool { return pvwire.CheckLot("lot", s) == nil }

// objectID is carechain's id of an identifier: GTIN.serial for a unit,
// the SSCC for a container; a gap for anything else.
func objectID(id epcis.Identifier) (string, *Gap) {
	k := id.Key
	switch {
	case k != nil && k.Kind == gs1.SGTIN && chaincodeSerial(k.Serial):
		return k.Value + "." + k.Serial, nil
	case k != nil && k.Kind == gs1.SGTIN:
		return "", &Gap{GapSerialCharset, fmt.Sprintf("%s: serial %q", id.URI, k.Serial)}
	case k != nil && k.Kind == gs1.SSCC:
		return k.Value, nil
	}
	return "", &Gap{GapObjectKind, id.URI}
}

// ObjectID is carechain's id of an EPCIS identifier: GTIN.serial for a
// unit, the SSCC for a container; a gap for anything the chaincode cannot
// track.
func ObjectID(id epcis.Identifier) (string, *Gap) { return objectID(id) }

// objectIDs maps a list; the first gap stops it.
func objectIDs(l []epcis.Identifier) ([]string, *Gap) {
	out := make([]string, 0, len(l))
	for _, id := range l {
		o, gap := objectID(id)
		if gap != nil {
			return nil, gap
		}
		out = append(out, o)
	}
	return out, nil
}

func isUnit(id string) bool { return strings.Contains(id, ".") }

// shipmentRef finds the business transaction that names a shipment: a
// despatch advice, else a purchase order. It returns carechain's
// shipment id for it and the transaction's index (-1: none).
func shipmentRef(bts []epcis.BizTransaction) (string, int) {
	for _, typ := range []string{"desadv", "po"} {
		for i, bt := range bts {
			if bt.Type.Is(typ) {
				return shipmentID(bt.ID), i
			}
		}
	}
	return "", -1
}

// shipmentID is carechain's id for a business transaction URI: the
// shipment's own id for carechain's urn:carechain:shipment:ID, the URI
// itself when the chaincode takes it as an id, else bt: and a hash of it
// (the same on shipping and receiving).
func shipmentID(uri string) string {
	if id, ok := strings.CutPrefix(uri, "urn:carechain:shipment:"); ok && validate.Identifier("id", id) == nil {
		return id
	}
	if validate.Identifier("id", uri) == nil {
		return uri
	}
	sum := sha256.Sum256([]byte(uri))
	return "bt:" + hex.EncodeToString(sum[:20])
}
