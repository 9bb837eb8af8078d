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
// breakGlass, breakGlassEpisode. Public: consentStatus.
const (
	objConsent          = "consent"
	objConsentVersion   = "consentVersion"
	objSubjectOpen      = "subjectConsents"
	objDelegate         = "delegate"
	objDelegateVersion  = "delegateVersion"
	objBreakGlass       = "breakGlass"
	objBreakGlassActive = "breakGlassEpisode"
	objStatus           = "consentStatus"
)

// Indexes are simple keys "index~attr~sort~id" in the private collection,
// not composite keys: Fabric has no paginated private-data queries and
// refuses composite keys as range bounds, so a page of a composite-key
// index would have to be scanned from the start of its prefix. A simple
// key range starts at the bookmark itself and stops after the page, at any
// depth. The sort part is the inverted transaction time (newest first), so
// that the first page shows the latest entries: an insider cannot bury an
// access under older ones. Attributes and ids are identifiers, which never
// contain '~'.
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

func consentKey(id string) (string, error)          { return state.Key(objConsent, id) }
func statusKey(id string) (string, error)           { return state.Key(objStatus, id) }
func subjectOpenKey(subject string) (string, error) { return state.Key(objSubjectOpen, subject) }
func breakGlassKey(id string) (string, error)       { return state.Key(objBreakGlass, id) }

func versionKey(id string, version int) (string, error) {
	return state.Key(objConsentVersion, id, fmt.Sprintf("%06d", version))
}

func delegateKey(subject, delegate string) (string, error) {
	return state.Key(objDelegate, subject, delegate)
}

func delegateVersionKey(subject, delegate string, version int) (string, error) {
	return state.Key(objDelegateVersion, subject, delegate, fmt.Sprintf("%06d", version))
}

func episodeKey(subject, requester string) (string, error) {
	return state.Key(objBreakGlassActive, subject, requester)
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

func indexPrefix(index, attr string) string {
	return index + ixSeparator + attr + ixSeparator
}

// indexKey is the key of id in index under attr, sorted by stamp.
func indexKey(index, attr, stamp, id string) (string, error) {
	sort, err := newestFirst(stamp)
	if err != nil {
		return "", err
	}
	if strings.Contains(attr, ixSeparator) || strings.Contains(id, ixSeparator) || !utf8.ValidString(attr+id) {
		return "", ccerr.Internal("index %s: attribute or id contains %q", index, ixSeparator)
	}
	return indexPrefix(index, attr) + sort + ixSeparator + id, nil
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
// base64url of the key the page starts at) and reading at most one key
// more than the page, whatever the index's length.
func (t *tx) pageIndex(index, attr string, pageSize int32, bookmark string) ([]indexEntry, string, error) {
	if err := validate.Identifier(index, attr); err != nil {
		return nil, "", err
	}
	size, err := state.PageSize(pageSize)
	if err != nil {
		return nil, "", err
	}
	prefix := indexPrefix(index, attr)
	start, err := decodeIndexBookmark(bookmark, prefix)
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
		if int32(len(entries)) == size {
			return entries, base64.RawURLEncoding.EncodeToString([]byte(kv.GetKey())), nil
		}
		entries = append(entries, indexEntry{Key: kv.GetKey(), ID: indexID(kv.GetKey()), Value: kv.GetValue()})
	}
	return entries, "", nil
}

// decodeIndexBookmark returns the key a page starts at: the prefix for the
// first page, else the bookmark's key, which must lie inside the prefix
// (a client must not start the range at another patient's entries).
func decodeIndexBookmark(bookmark, prefix string) (string, error) {
	if bookmark == "" {
		return prefix, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(bookmark)
	if err != nil || !strings.HasPrefix(string(raw), prefix) || len(raw) == len(prefix) {
		return "", ccerr.Invalid("bookmark", "is not a bookmark of this query")
	}
	return string(raw), nil
}

// putIndex writes id's entry in index under attr, sorted by stamp.
func (t *tx) putIndex(index, attr, stamp, id string, value []byte) error {
	key, err := indexKey(index, attr, stamp, id)
	if err != nil {
		return err
	}
	if len(value) == 0 {
		value = []byte{0}
	}
	if err := t.Stub.PutPrivateData(Collection, key, value); err != nil {
		return ccerr.Internal("write index %s: %v", index, err)
	}
	return nil
}
