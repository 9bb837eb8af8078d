package records

import (
	"fmt"

	"github.com/carechain/carechain/chaincode/kit/blind"
)

// Private keys. Each one carries a token (blind.Blinder.Token, an HMAC
// under the collection's secret) where it would otherwise name a record,
// a patient, a requester or a custodian, so that the SHA-256 of the key,
// which every block carries, is something nobody outside the collection
// can recompute:
//
//	anchor       [anchor, Token("record", id), VERSION]
//	wrapped key  [recordKey, Token("record", id), VERSION]
//	access entry [access, Token("access", accessID)]
//	access head  [accessHead, Token("access-head", record, requester)]
//	list indexes NAME.ORDER/Token(ATTR-KIND, attr)/STAMP/ID (index.go)
//
// The functions below take the Blinder, so that tests build the same keys.

// recordToken is a record id's token in private keys.
func recordToken(b *blind.Blinder, id string) string { return b.Token("record", id) }

func anchorKeyOf(b *blind.Blinder, id string, version int) (string, error) {
	return key(objAnchor, recordToken(b, id), fmt.Sprintf("%06d", version))
}

func wrappedKeyOf(b *blind.Blinder, id string, version int) (string, error) {
	return key(objKey, recordToken(b, id), fmt.Sprintf("%06d", version))
}

func accessKeyOf(b *blind.Blinder, accessID string) (string, error) {
	return key(objAccess, b.Token("access", accessID))
}

func accessHeadKeyOf(b *blind.Blinder, record, requester string) (string, error) {
	return key(objAccessHead, b.Token("access-head", record, requester))
}

// Index attributes: whose list an index entry is in.
func subjectAttr(b *blind.Blinder, subject string) string { return b.Token("subject", subject) }
func custodianAttr(b *blind.Blinder, msp string) string   { return b.Token("custodian", msp) }

// The same keys for this transaction's collection secret.

func (t *tx) anchorKey(id string, version int) (string, error) {
	b, err := t.blinder()
	if err != nil {
		return "", err
	}
	return anchorKeyOf(b, id, version)
}

func (t *tx) wrappedKey(id string, version int) (string, error) {
	b, err := t.blinder()
	if err != nil {
		return "", err
	}
	return wrappedKeyOf(b, id, version)
}

func (t *tx) accessKey(accessID string) (string, error) {
	b, err := t.blinder()
	if err != nil {
		return "", err
	}
	return accessKeyOf(b, accessID)
}

func (t *tx) accessHeadKey(record, requester string) (string, error) {
	b, err := t.blinder()
	if err != nil {
		return "", err
	}
	return accessHeadKeyOf(b, record, requester)
}

// salt is the salt of the private value this transaction writes at k.
func (t *tx) salt(k string) (string, error) {
	b, err := t.blinder()
	if err != nil {
		return "", err
	}
	return b.Salt(k), nil
}
