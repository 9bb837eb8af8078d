package state

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// MaxPrivateScan bounds how many keys ScanPrivateByPartialKey reads in one
// call, including the keys it skips to reach the bookmark.
const MaxPrivateScan = 1000

// GetPrivate reads the record at key in a private data collection. It fails
// with NOT_FOUND when the key has no value. The peer refuses the read when
// it is not a member of the collection and the key exists.
func GetPrivate[T any](stub shim.ChaincodeStubInterface, collection, key string) (T, error) {
	v, found, err := GetPrivateOptional[T](stub, collection, key)
	if err != nil {
		return v, err
	}
	if !found {
		return v, ccerr.NotFound("%s not found in %s", DisplayKey(key), collection)
	}
	return v, nil
}

// GetPrivateOptional reads the record at key in a private data collection;
// found is false when it has no value.
func GetPrivateOptional[T any](stub shim.ChaincodeStubInterface, collection, key string) (v T, found bool, err error) {
	raw, err := stub.GetPrivateData(collection, key)
	if err != nil {
		return v, false, ccerr.Internal("get %s from %s: %v", DisplayKey(key), collection, err)
	}
	if len(raw) == 0 {
		return v, false, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, false, ccerr.Internal("decode %s from %s: %v", DisplayKey(key), collection, err)
	}
	return v, true, nil
}

// PutPrivate encodes v as JSON and writes it at key in a private data
// collection. Only the hash of the value goes into the transaction.
func PutPrivate(stub shim.ChaincodeStubInterface, collection, key string, v any) error {
	raw, err := encode(key, v)
	if err != nil {
		return err
	}
	if err := stub.PutPrivateData(collection, key, raw); err != nil {
		return ccerr.Internal("put %s in %s: %v", DisplayKey(key), collection, err)
	}
	return nil
}

// DeletePrivate removes key from a private data collection; earlier
// versions stay in the peers' private data history.
func DeletePrivate(stub shim.ChaincodeStubInterface, collection, key string) error {
	if err := stub.DelPrivateData(collection, key); err != nil {
		return ccerr.Internal("delete %s from %s: %v", DisplayKey(key), collection, err)
	}
	return nil
}

// PurgePrivate removes key from a private data collection together with its
// private data history, for erasure requests.
func PurgePrivate(stub shim.ChaincodeStubInterface, collection, key string) error {
	if err := stub.PurgePrivateData(collection, key); err != nil {
		return ccerr.Internal("purge %s from %s: %v", DisplayKey(key), collection, err)
	}
	return nil
}

// PrivateHash returns the SHA-256 hash of the value at key in a private
// data collection. Every peer of the channel has it, members of the
// collection or not. It fails with NOT_FOUND when the key has no value.
func PrivateHash(stub shim.ChaincodeStubInterface, collection, key string) ([]byte, error) {
	hash, err := stub.GetPrivateDataHash(collection, key)
	if err != nil {
		return nil, ccerr.Internal("get hash of %s in %s: %v", DisplayKey(key), collection, err)
	}
	if len(hash) == 0 {
		return nil, ccerr.NotFound("%s not found in %s", DisplayKey(key), collection)
	}
	return hash, nil
}

// ScanPrivateByPartialKey returns up to limit records (validated like a page
// size) of a private data collection whose composite keys start with
// objectType and attrs, starting at bookmark.
//
// Fabric has no paginated private-data queries, so each call scans from the
// start of the partial key and skips to the bookmark; the bookmark is the
// key that follows the page. A call that would read more than MaxPrivateScan
// keys fails with FAILED_PRECONDITION: narrow the partial key instead.
// Fabric allows private range scans only in transactions that do not write.
func ScanPrivateByPartialKey(stub shim.ChaincodeStubInterface, collection, objectType string, attrs []string, limit int32, bookmark string) (Page, error) {
	size, err := PageSize(limit)
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
	it, err := stub.GetPrivateDataByPartialCompositeKey(collection, objectType, attrs)
	if err != nil {
		return Page{}, ccerr.Internal("scan %s in %s: %v", DisplayKey(prefix), collection, err)
	}
	page, err := scanFrom(it, start, size)
	if cerr := it.Close(); err == nil && cerr != nil {
		err = ccerr.Internal("scan %s in %s: %v", DisplayKey(prefix), collection, cerr)
	}
	if err != nil {
		return Page{}, err
	}
	return page, nil
}

func scanFrom(it shim.StateQueryIteratorInterface, start string, size int32) (Page, error) {
	page := Page{Records: []Record{}}
	for read := 0; it.HasNext(); read++ {
		if read == MaxPrivateScan {
			return Page{}, ccerr.Precondition("private scan would read more than %d keys; narrow the query", MaxPrivateScan)
		}
		kv, err := it.Next()
		if err != nil {
			return Page{}, ccerr.Internal("scan private data: %v", err)
		}
		if kv.GetKey() < start {
			continue
		}
		if len(page.Records) == int(size) {
			page.Bookmark = encodeBookmark(kv.GetKey())
			return page, nil
		}
		page.Records = append(page.Records, Record{Key: kv.GetKey(), Value: kv.GetValue()})
	}
	return page, nil
}

// PagePrivateByPrefix returns up to limit records (validated like a page
// size) of a private data collection whose simple keys start with prefix,
// in key order, from bookmark: the bookmark is the key that follows the
// page, so a page starts there and reads limit+1 keys, at any length of
// the list (GetPrivateDataByRange takes simple keys, not composite ones).
// prefix must not be empty or start with U+0000 (the composite key
// namespace). Fabric allows private range scans only in transactions that
// do not write.
func PagePrivateByPrefix(stub shim.ChaincodeStubInterface, collection, prefix string, limit int32, bookmark string) (Page, error) {
	size, err := PageSize(limit)
	if err != nil {
		return Page{}, err
	}
	if prefix == "" || prefix[0] == 0 {
		return Page{}, ccerr.Internal("private page: prefix %q is not a simple key's", prefix)
	}
	start, err := decodeBookmark(bookmark, prefix)
	if err != nil {
		return Page{}, err
	}
	if start == "" {
		start = prefix
	}
	it, err := stub.GetPrivateDataByRange(collection, start, prefix+string(utf8.MaxRune))
	if err != nil {
		return Page{}, ccerr.Internal("page %s in %s: %v", prefix, collection, err)
	}
	page, err := pageFrom(it, size)
	if cerr := it.Close(); err == nil && cerr != nil {
		err = ccerr.Internal("page %s in %s: %v", prefix, collection, cerr)
	}
	if err != nil {
		return Page{}, err
	}
	return page, nil
}

// pageFrom reads size records from it, and the key after them as the
// bookmark.
func pageFrom(it shim.StateQueryIteratorInterface, size int32) (Page, error) {
	page := Page{Records: []Record{}}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return Page{}, ccerr.Internal("page private data: %v", err)
		}
		if len(page.Records) == int(size) {
			page.Bookmark = encodeBookmark(kv.GetKey())
			return page, nil
		}
		page.Records = append(page.Records, Record{Key: kv.GetKey(), Value: kv.GetValue()})
	}
	return page, nil
}
