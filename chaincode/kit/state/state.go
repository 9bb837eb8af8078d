// Package state reads and writes JSON records in the world state and in
// private data collections, maintains composite-key indexes, and runs
// bounded, paginated queries over them.
//
// Records are encoded with encoding/json, which is deterministic: struct
// fields are written in declaration order and map keys sorted, so every
// endorsing peer writes the same bytes. Avoid floating-point fields whose
// values are computed differently on different platforms.
//
// Fabric does not let a transaction read its own writes: Get after Put in
// the same transaction returns the committed value. Paginated queries and
// private-data range scans are only allowed in transactions that do not
// write; the peer fails any write that follows them and any such query that
// follows a write.
//
// Errors are *ccerr.Error values: NOT_FOUND for absent records,
// INVALID_ARGUMENT for bad keys, page sizes and bookmarks, INTERNAL for
// ledger failures and undecodable records. Messages name keys, which are
// built from identifiers only.
package state

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// Get reads the record at key and decodes it into a T. It fails with
// NOT_FOUND when the key has no value.
func Get[T any](stub shim.ChaincodeStubInterface, key string) (T, error) {
	v, found, err := GetOptional[T](stub, key)
	if err != nil {
		return v, err
	}
	if !found {
		return v, ccerr.NotFound("%s not found", DisplayKey(key))
	}
	return v, nil
}

// GetOptional reads the record at key; found is false when it has no value.
func GetOptional[T any](stub shim.ChaincodeStubInterface, key string) (v T, found bool, err error) {
	raw, err := stub.GetState(key)
	if err != nil {
		return v, false, ccerr.Internal("get %s: %v", DisplayKey(key), err)
	}
	if len(raw) == 0 {
		return v, false, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, false, ccerr.Internal("decode %s: %v", DisplayKey(key), err)
	}
	return v, true, nil
}

// Put encodes v as JSON and writes it at key.
func Put(stub shim.ChaincodeStubInterface, key string, v any) error {
	raw, err := encode(key, v)
	if err != nil {
		return err
	}
	if err := stub.PutState(key, raw); err != nil {
		return ccerr.Internal("put %s: %v", DisplayKey(key), err)
	}
	return nil
}

// Exists reports whether key has a committed value.
func Exists(stub shim.ChaincodeStubInterface, key string) (bool, error) {
	raw, err := stub.GetState(key)
	if err != nil {
		return false, ccerr.Internal("get %s: %v", DisplayKey(key), err)
	}
	return len(raw) > 0, nil
}

// Delete removes key. Deleting an absent key is not an error.
func Delete(stub shim.ChaincodeStubInterface, key string) error {
	if err := stub.DelState(key); err != nil {
		return ccerr.Internal("delete %s: %v", DisplayKey(key), err)
	}
	return nil
}

func encode(key string, v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, ccerr.Internal("encode %s: %v", DisplayKey(key), err)
	}
	return raw, nil
}

// Key builds a composite key from an object type and attributes, the form
// Fabric uses for keys that partial-key queries can find. The type must not
// be empty; neither it nor any attribute may contain U+0000 or U+10FFFF or
// be invalid UTF-8 (validate.Identifier guarantees that for ids). Errors are
// INVALID_ARGUMENT on field "key" and do not echo the attributes.
func Key(objectType string, attrs ...string) (string, error) {
	if objectType == "" {
		return "", ccerr.Invalid("key", "object type must not be empty")
	}
	if !validKeyPart(objectType) {
		return "", ccerr.Invalid("key", "object type %q contains U+0000, U+10FFFF or invalid UTF-8", objectType)
	}
	for i, a := range attrs {
		if !validKeyPart(a) {
			return "", ccerr.Invalid("key", "attribute %d of %s contains U+0000, U+10FFFF or invalid UTF-8", i, objectType)
		}
	}
	key, err := shim.CreateCompositeKey(objectType, attrs)
	if err != nil {
		return "", ccerr.Invalid("key", "cannot build %s key", objectType)
	}
	return key, nil
}

// SplitKey returns the object type and attributes of a composite key.
func SplitKey(key string) (objectType string, attrs []string, err error) {
	if len(key) < 2 || key[0] != 0 || key[len(key)-1] != 0 {
		return "", nil, ccerr.Invalid("key", "not a composite key")
	}
	parts := strings.Split(key[1:len(key)-1], "\x00")
	return parts[0], parts[1:], nil
}

func validKeyPart(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0) && !strings.ContainsRune(s, utf8.MaxRune)
}

// DisplayKey renders a key for messages: a composite key as its object type
// and attributes joined by "/", a simple key quoted.
func DisplayKey(key string) string {
	if objectType, attrs, err := SplitKey(key); err == nil {
		return strings.Join(append([]string{objectType}, attrs...), "/")
	}
	return strconv.Quote(key)
}

// PutIndex writes the index entry for objectType and attrs: a composite key
// whose value is a single zero byte, as Fabric's samples do. (Fabric treats
// an empty value as a delete, so the value cannot be empty.)
func PutIndex(stub shim.ChaincodeStubInterface, objectType string, attrs ...string) error {
	key, err := Key(objectType, attrs...)
	if err != nil {
		return err
	}
	if err := stub.PutState(key, []byte{0}); err != nil {
		return ccerr.Internal("put index %s: %v", DisplayKey(key), err)
	}
	return nil
}

// DeleteIndex removes the index entry for objectType and attrs.
func DeleteIndex(stub shim.ChaincodeStubInterface, objectType string, attrs ...string) error {
	key, err := Key(objectType, attrs...)
	if err != nil {
		return err
	}
	return Delete(stub, key)
}
