package consent

import (
	"encoding/base64"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Collection is the private data collection that holds every consent's
// content and every index that names a patient or a grantee.
const Collection = "consentDetails"

// Record keys are composite keys. Private: consent, consentVersion,
// subjectConsents (a patient's open set), delegate, delegateVersion,
// breakGlass, breakGlassEpisode, patientLink. Public: consentStatus.
//
// Every private key carries a token (package kit/blind) where it would
// otherwise hold a patient, a grantee, a consent, break-glass or
// enrollment id: a block shows the SHA-256 of every private key written or
// read, and a key built from guessable parts would be confirmed by anyone
// who guessed them. The token is the HMAC, under the collection's secret,
// of the key's kind and those parts, so a key hashes to something no one
// outside the collection can recompute, and lists keep their order (the
// token sits where the list's prefix needs it).
const (
	objConsent          = "consent"
	objConsentVersion   = "consentVersion"
	objSubjectOpen      = "subjectConsents"
	objDelegate         = "delegate"
	objDelegateVersion  = "delegateVersion"
	objBreakGlass       = "breakGlass"
	objBreakGlassActive = "breakGlassEpisode"
	objPatientLink      = "patientLink"
	objStatus           = "consentStatus"
)

// Indexes are simple keys "index~token~sort~id" in the private collection,
// not composite keys: Fabric has no paginated private-data queries and
// refuses composite keys as range bounds, so a page of a composite-key
// index would have to be scanned from the start of its prefix. A simple
// key range starts at the bookmark itself and stops after the page, at any
// depth. The token stands for the attribute the index is by (a patient, a
// grantee org, a break-glass); the sort part is the inverted transaction
// time (newest first), so that the first page shows the latest entries: an
// insider cannot bury an access under older ones. Tokens are hex and ids
// are identifiers, which never contain '~'.
const (
	ixBySubject  = "ix.subject"   // patient → consents, newest first
	ixByGrantee  = "ix.grantee"   // org named in a permit → consents
	ixDelegates  = "ix.delegates" // patient → delegations
	ixBGSubject  = "ix.bg.subject"
	ixBGOrg      = "ix.bg.org"
	ixBGUses     = "ix.bg.use" // break-glass → its uses (the value is the use)
	ixSeparator  = "~"
	ixPrefixStop = "\x7f" // sorts after '~', so prefix+stop ends the range
)

func statusKey(id string) (string, error) { return state.Key(objStatus, id) }

func (t *tx) consentKey(id string) (string, error) { return t.blindKey(objConsent, id) }
func (t *tx) subjectOpenKey(subject string) (string, error) {
	return t.blindKey(objSubjectOpen, subject)
}
func (t *tx) breakGlassKey(id string) (string, error) { return t.blindKey(objBreakGlass, id) }

func (t *tx) delegateKey(subject, delegate string) (string, error) {
	return t.blindKey(objDelegate, subject, delegate)
}

func (t *tx) episodeKey(subject, requester string) (string, error) {
	return t.blindKey(objBreakGlassActive, subject, requester)
}

func (t *tx) versionKey(id string, version int) (string, error) {
	tok, err := t.token(objConsentVersion, id)
	if err != nil {
		return "", err
	}
	return state.Key(objConsentVersion, tok, fmt.Sprintf("%06d", version))
}

func (t *tx) delegateVersionKey(subject, delegate string, version int) (string, error) {
	tok, err := t.token(objDelegateVersion, subject, delegate)
	if err != nil {
		return "", err
	}
	return state.Key(objDelegateVersion, tok, fmt.Sprintf("%06d", version))
}

// newestFirst is the sort part of an index key for stamp (RFC 3339): the
// inverted Unix nanoseconds, fixed width, so later entries sort first.
func newestFirst(stamp string) (string, error) {
	t, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		return "", ccerr.Internal("index stamp %q: %v", stamp, err)
	}
	return fmt.Sprintf("%019d", math.MaxInt64-max(t.UnixNano(), 0)), nil
}

// indexPrefix is the start of index's keys under attr: the index and
// attr's token.
func (t *tx) indexPrefix(index, attr string) (string, error) {
	tok, err := t.token(index, attr)
	if err != nil {
		return "", err
	}
	return index + ixSeparator + tok + ixSeparator, nil
}

// indexKey is the key of id in index under attr, sorted by stamp.
func (t *tx) indexKey(index, attr, stamp, id string) (string, error) {
	sort, err := newestFirst(stamp)
	if err != nil {
		return "", err
	}
	if strings.Contains(id, ixSeparator) || !utf8.ValidString(id) {
		return "", ccerr.Internal("index %s: id contains %q", index, ixSeparator)
	}
	prefix, err := t.indexPrefix(index, attr)
	if err != nil {
		return "", err
	}
	return prefix + sort + ixSeparator + id, nil
}

// indexID is the id an index key points at (after its last separator).
func indexID(key string) string { return key[strings.LastIndex(key, ixSeparator)+1:] }

// indexEntry is one key of an index page and its value.
type indexEntry struct {
	Key   string
	ID    string
	Value []byte
}

// pageIndex reads one page of index under attr, starting at bookmark (the
// base64url of the part of the key after the prefix: a bookmark never
// carries the token) and reading at most one key more than the page,
// whatever the index's length.
func (t *tx) pageIndex(index, attr string, pageSize int32, bookmark string) ([]indexEntry, string, error) {
	if err := validate.Identifier(index, attr); err != nil {
		return nil, "", err
	}
	size, err := state.PageSize(pageSize)
	if err != nil {
		return nil, "", err
	}
	prefix, err := t.indexPrefix(index, attr)
	if err != nil {
		return nil, "", err
	}
	start, err := t.decodeIndexBookmark(bookmark, prefix)
	if err != nil {
		return nil, "", err
	}
	it, err := t.Stub.GetPrivateDataByRange(Collection, start, prefix+ixPrefixStop)
	if err != nil {
		return nil, "", ccerr.Internal("read index %s: %v", index, err)
	}
	defer it.Close()
	entries := []indexEntry{}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, "", ccerr.Internal("read index %s: %v", index, err)
		}
		if len(entries) == int(size) {
			next, err := t.bookmark(prefix, kv.GetKey())
			return entries, next, err
		}
		entries = append(entries, indexEntry{Key: kv.GetKey(), ID: indexID(kv.GetKey()), Value: kv.GetValue()})
	}
	return entries, "", nil
}

// bookmark is the bookmark of the page that starts at key: the base64url
// of the key after the prefix (a sort part and an id; never the token) and
// a check that binds it to this query, so another patient's list refuses
// it. The check is a token too: it says nothing about the prefix.
func (t *tx) bookmark(prefix, key string) (string, error) {
	check, err := t.token("bookmark", prefix)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strings.TrimPrefix(key, prefix))) + "." + check[:16], nil
}

// decodeIndexBookmark returns the key a page starts at: the prefix for the
// first page, else the prefix and the bookmark's suffix, when the
// bookmark's check is this query's: a page never starts outside its
// prefix.
func (t *tx) decodeIndexBookmark(bookmark, prefix string) (string, error) {
	if bookmark == "" {
		return prefix, nil
	}
	check, err := t.token("bookmark", prefix)
	if err != nil {
		return "", err
	}
	encoded, mac, _ := strings.Cut(bookmark, ".")
	raw, err := base64.RawURLEncoding.DecodeString(encoded)
	sort, id, ok := strings.Cut(string(raw), ixSeparator)
	if err != nil || !ok || mac != check[:16] || len(sort) != 19 || id == "" || strings.Contains(id, ixSeparator) || !utf8.ValidString(id) {
		return "", ccerr.Invalid("bookmark", "is not a bookmark of this query")
	}
	return prefix + string(raw), nil
}

// putIndex writes id's entry in index under attr, sorted by stamp. Its
// value is the entry's salt: a constant would do, but every private value
// whose hash reaches a block is salted, so none is ever worth guessing.
func (t *tx) putIndex(index, attr, stamp, id string) error {
	key, err := t.indexKey(index, attr, stamp, id)
	if err != nil {
		return err
	}
	salt, err := t.salt(key)
	if err != nil {
		return err
	}
	if err := t.Stub.PutPrivateData(Collection, key, []byte(salt)); err != nil {
		return ccerr.Internal("write index %s: %v", index, err)
	}
	return nil
}
