package records

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// Private list indexes.
//
// Fabric has no paginated private-data queries, and a partial composite
// key query always starts at the first key of the partial key, so a list
// that skips to its bookmark reads every earlier entry: past a few
// thousand entries it fails, and an insider who makes many requests could
// bury later ones. These indexes are simple keys instead,
//
//	NAME.ORDER/TOKEN/STAMP/ID   (value: {"id": ID, "salt": SALT})
//
// where TOKEN is the blinded list owner (subjectAttr, custodianAttr: a
// hex HMAC, no '/'), STAMP a fixed-width time stamp and ID a record or
// transaction id, so GetPrivateDataByRange starts a page exactly at its
// bookmark (the next page's first key) and stops after pageSize+1 keys, at
// any length. Every list has two indexes: oldest first (STAMP is the time)
// and newest first (STAMP has every digit inverted, 9-d, so that its
// strings sort in reverse time order). Simple keys never collide with
// composite ones, which start with U+0000. The token keeps the key's hash
// in the block from naming the patient or custodian; the salt keeps the
// value's hash from confirming the id. A bookmark carries the key's
// suffix (STAMP/ID) and a tag of its list, never the token.

// Index names.
const (
	ixAccessBySubject   = "ix.accessBySubject"
	ixAccessByCustodian = "ix.accessByCustodian"
	ixRecordsBySubject  = "ix.recordsBySubject"
)

// orderOf validates a list order; empty means newest first.
func orderOf(order string) (string, error) {
	if order == "" {
		return wire.Newest, nil
	}
	return order, validate.OneOf("order", order, wire.Newest, wire.Oldest)
}

// invert turns a fixed-width stamp into one that sorts in reverse.
func invert(stamp string) string {
	b := []byte(stamp)
	for i, c := range b {
		if c >= '0' && c <= '9' {
			b[i] = '9' - (c - '0')
		}
	}
	return string(b)
}

func indexPrefix(name, order, attr string) string {
	return name + "." + order + "/" + attr + "/"
}

// indexKeys are the oldest-first and newest-first keys of one entry.
func indexKeys(name, attr, stamp, id string) []string {
	return []string{indexPrefix(name, wire.Oldest, attr) + stamp + "/" + id, indexPrefix(name, wire.Newest, attr) + invert(stamp) + "/" + id}
}

// indexEntry is an index key's value.
type indexEntry struct {
	ID   string `json:"id"`
	Salt string `json:"salt"`
}

// putIndex writes both index entries of id, owned by custodian, in the
// list of attr (a token).
func (t *tx) putIndex(custodian, name, attr, id string) error {
	for _, k := range indexKeys(name, attr, t.SortStamp(), id) {
		salt, err := t.salt(k)
		if err != nil {
			return err
		}
		data, err := json.Marshal(indexEntry{ID: id, Salt: salt})
		if err != nil {
			return ccerr.Internal("encode index entry: %v", err)
		}
		if err := t.putOwnedPrivate(custodian, k, data); err != nil {
			return err
		}
	}
	return nil
}

// pageIndex returns up to pageSize ids of an index from bookmark, and the
// bookmark of the next page ("" after the last).
func (t *tx) pageIndex(name, order, attr string, pageSize int32, bookmark string) ([]string, string, error) {
	size, err := state.PageSize(pageSize)
	if err != nil {
		return nil, "", err
	}
	prefix := indexPrefix(name, order, attr)
	tag, err := t.listTag(prefix)
	if err != nil {
		return nil, "", err
	}
	start, err := indexBookmark(prefix, tag, bookmark)
	if err != nil {
		return nil, "", err
	}
	it, err := t.Stub.GetPrivateDataByRange(Collection, start, prefix+string(utf8.MaxRune))
	if err != nil {
		return nil, "", ccerr.Internal("list %s: %v", name, err)
	}
	defer it.Close()
	ids := []string{}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, "", ccerr.Internal("list %s: %v", name, err)
		}
		if len(ids) == int(size) {
			return ids, base64.RawURLEncoding.EncodeToString([]byte(tag + kv.GetKey()[len(prefix):])), nil
		}
		var e indexEntry
		if err := json.Unmarshal(kv.GetValue(), &e); err != nil {
			return nil, "", ccerr.Internal("list %s: index entry: %v", name, err)
		}
		ids = append(ids, e.ID)
	}
	return ids, "", nil
}

// listTag names a list in its bookmarks without revealing its token.
func (t *tx) listTag(prefix string) (string, error) {
	b, err := t.blinder()
	if err != nil {
		return "", err
	}
	return b.Token("bookmark", prefix)[:bookmarkTagLen], nil
}

const bookmarkTagLen = 16

// indexBookmark decodes a bookmark, which must be one of this list (its
// tag): the range would otherwise start anywhere a client names.
func indexBookmark(prefix, tag, bookmark string) (string, error) {
	if bookmark == "" {
		return prefix, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(bookmark)
	if err != nil || len(raw) <= len(tag) || !strings.HasPrefix(string(raw), tag) || !utf8.Valid(raw) {
		return "", ccerr.Invalid("bookmark", "is not a bookmark of this list")
	}
	return prefix + string(raw[len(tag):]), nil
}
