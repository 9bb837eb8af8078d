package state

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// Page sizes for paginated queries.
const (
	// DefaultPageSize is used when a caller asks for page size 0.
	DefaultPageSize int32 = 20
	// MaxPageSize is the largest page a query returns.
	MaxPageSize int32 = 100
)

// Record is a raw key and value returned by a query.
type Record struct {
	Key   string `json:"key"`
	Value []byte `json:"value"`
}

// Page is one page of a query. Bookmark is empty on the last page; pass it
// back unchanged to get the next page.
type Page struct {
	Records  []Record `json:"records"`
	Bookmark string   `json:"bookmark,omitempty"`
}

// List is one page of decoded records, ready to return to a client. Items is
// never nil, so it encodes as [] when empty.
type List[T any] struct {
	Items    []T    `json:"items"`
	Bookmark string `json:"bookmark,omitempty"`
}

// PageSize validates a requested page size: 0 means DefaultPageSize, and
// anything outside 1..MaxPageSize is INVALID_ARGUMENT on field "pageSize".
func PageSize(n int32) (int32, error) {
	if n == 0 {
		return DefaultPageSize, nil
	}
	if n < 0 || n > MaxPageSize {
		return 0, ccerr.Invalid("pageSize", "must be between 1 and %d", MaxPageSize)
	}
	return n, nil
}

// Bookmarks are opaque to clients: the base64url encoding of the key the next
// page starts at. Decoding checks that the key lies inside the queried
// partial key, because the peer would otherwise start the range at any key a
// client names and return records of other object types or owners.

func encodeBookmark(key string) string {
	if key == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}

func decodeBookmark(bookmark, prefix string) (string, error) {
	if bookmark == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(bookmark)
	if err != nil || !strings.HasPrefix(string(raw), prefix) {
		return "", ccerr.Invalid("bookmark", "is not a bookmark of this query")
	}
	return string(raw), nil
}

// PageByPartialKey returns up to pageSize records whose composite keys start
// with objectType and attrs, in key order, starting at bookmark. It uses the
// peer's paginated query, so it is only allowed in a transaction that does
// not write.
func PageByPartialKey(stub shim.ChaincodeStubInterface, objectType string, attrs []string, pageSize int32, bookmark string) (Page, error) {
	size, err := PageSize(pageSize)
	if err != nil {
		return Page{}, err
	}
	prefix, err := Key(objectType, attrs...)
	if err != nil {
		return Page{}, err
	}
	start, err := decodeBookmark(bookmark, prefix)
	if err != nil {
		return Page{}, err
	}
	it, meta, err := stub.GetStateByPartialCompositeKeyWithPagination(objectType, attrs, size, start)
	if err != nil {
		return Page{}, ccerr.Internal("query %s: %v", DisplayKey(prefix), err)
	}
	records, err := drain(it, size)
	if err != nil {
		return Page{}, ccerr.Internal("query %s: %v", DisplayKey(prefix), err)
	}
	page := Page{Records: records}
	if meta != nil {
		page.Bookmark = encodeBookmark(meta.GetBookmark())
	}
	return page, nil
}

// drain reads at most limit records from it and closes it.
func drain(it shim.StateQueryIteratorInterface, limit int32) (records []Record, err error) {
	defer func() {
		if cerr := it.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	records = []Record{}
	for it.HasNext() && len(records) < int(limit) {
		kv, err := it.Next()
		if err != nil {
			return nil, err
		}
		records = append(records, Record{Key: kv.GetKey(), Value: kv.GetValue()})
	}
	return records, nil
}

// ListByPartialKey is PageByPartialKey with each value decoded into a T.
func ListByPartialKey[T any](stub shim.ChaincodeStubInterface, objectType string, attrs []string, pageSize int32, bookmark string) (List[T], error) {
	page, err := PageByPartialKey(stub, objectType, attrs, pageSize, bookmark)
	if err != nil {
		return List[T]{}, err
	}
	list := List[T]{Items: make([]T, 0, len(page.Records)), Bookmark: page.Bookmark}
	for _, r := range page.Records {
		var v T
		if err := json.Unmarshal(r.Value, &v); err != nil {
			return List[T]{}, ccerr.Internal("decode %s: %v", DisplayKey(r.Key), err)
		}
		list.Items = append(list.Items, v)
	}
	return list, nil
}

// ListByIndex pages through the index entries of indexType that start with
// attrs and returns the records they point to, in index order. recordKey maps
// the attributes of an index entry to the key of its record. An entry whose
// record is missing is an INTERNAL error: records and their index entries
// must be written and deleted in the same transaction.
func ListByIndex[T any](stub shim.ChaincodeStubInterface, indexType string, attrs []string, pageSize int32, bookmark string, recordKey func(indexAttrs []string) (string, error)) (List[T], error) {
	page, err := PageByPartialKey(stub, indexType, attrs, pageSize, bookmark)
	if err != nil {
		return List[T]{}, err
	}
	keys := make([]string, 0, len(page.Records))
	for _, r := range page.Records {
		_, indexAttrs, err := SplitKey(r.Key)
		if err != nil {
			return List[T]{}, ccerr.Internal("index %s has a malformed entry", indexType)
		}
		key, err := recordKey(indexAttrs)
		if err != nil {
			return List[T]{}, err
		}
		keys = append(keys, key)
	}
	list := List[T]{Items: make([]T, 0, len(keys)), Bookmark: page.Bookmark}
	if len(keys) == 0 {
		return list, nil
	}
	values, err := stub.GetMultipleStates(keys...)
	if err != nil {
		return List[T]{}, ccerr.Internal("get records of index %s: %v", indexType, err)
	}
	for i, raw := range values {
		if len(raw) == 0 {
			return List[T]{}, ccerr.Internal("index %s points to missing record %s", indexType, DisplayKey(keys[i]))
		}
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return List[T]{}, ccerr.Internal("decode %s: %v", DisplayKey(keys[i]), err)
		}
		list.Items = append(list.Items, v)
	}
	return list, nil
}
