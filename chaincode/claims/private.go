package claims

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"strings"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/commit"
	"github.com/carechain/carechain/chaincode/kit/state"
)

// Private records are kept so that what a block shows of them — the
// SHA-256 of each key and of each value written or read — links to
// nothing anyone outside the collection can guess.
//
// Keys. Every private key is [objectType, token], the token an HMAC
// under the collection's blinding secret (package kit/blind) of the object
// type and its attributes: payer, member and year for an accumulator,
// payer and coverage id for a coverage, and so on. A claim's record is
// keyed [claim, token, id]: every peer, member of the collection or not,
// must find the hash of a claim's record from its public trace, so the
// trace names the token (Trace.Record). That key's hash is therefore
// known to whoever reads the trace; it tells what the transaction, which
// writes both, already tells — this is claim id's record — and nothing of
// the patient. The id in the key binds the record to its trace: a forged
// trace that names another claim's token finds no record.
//
// Values. Every value is sealed: the length-prefixed salt (Blinder.Salt of
// the key in this transaction: 256 bits, the same on every endorser)
// followed by the record's JSON. That is exactly the preimage of
// commit.Sum(salt, json), so the hash Fabric puts in the block for the
// value is the kit's commitment to the record: unguessable, and checkable
// by whoever is given the salt and the JSON.

// seal is the stored form of a private record: the salt, framed as
// commit.Sum frames it (its length as 8 bytes big-endian, then its
// bytes), and the record's JSON.
func seal(salt string, data []byte) []byte {
	out := make([]byte, 8, 8+len(salt)+len(data))
	binary.BigEndian.PutUint64(out, uint64(len(salt)))
	out = append(out, salt...)
	return append(out, data...)
}

// unseal splits a stored private record into its salt and JSON.
func unseal(raw []byte) (salt string, data []byte, err error) {
	if len(raw) < 8 {
		return "", nil, errors.New("too short to be a sealed record")
	}
	rest := raw[8:]
	n := binary.BigEndian.Uint64(raw)
	if n > uint64(len(rest)) {
		return "", nil, errors.New("salt longer than the record")
	}
	return string(rest[:n]), rest[n:], nil
}

// blinder is a collection's blinder, read once per transaction. Only a
// member peer of the collection has its secret.
func (t *tx) blinder(coll string) (*blind.Blinder, error) {
	if b, ok := t.blinders[coll]; ok {
		return b, nil
	}
	b, err := blind.New(t.Stub, coll)
	if err != nil {
		return nil, privateErr(t.Caller.MSPID, coll, err)
	}
	t.blinders[coll] = b
	return b, nil
}

// blindKey is the private key of an object in a collection: its type and
// the token, under the collection's secret, of the type and attributes.
func (t *tx) blindKey(coll, obj string, attrs ...string) (string, error) {
	b, err := t.blinder(coll)
	if err != nil {
		return "", err
	}
	return key(obj, b.Token(append([]string{obj}, attrs...)...))
}

// recordKey is the private key of a claim's record: its token (the
// trace's Record) and its public id.
func recordKey(token, id string) (string, error) { return key(objClaim, token, id) }

// recordToken is the token of a new claim's record in its pair's
// collection.
func (t *tx) recordToken(coll, id string) (string, error) {
	b, err := t.blinder(coll)
	if err != nil {
		return "", err
	}
	return b.Token(objClaim, id), nil
}

// privateErr turns the peer's refusal of a member-only read into
// FORBIDDEN.
func privateErr(msp, coll string, err error) error {
	if err != nil && strings.Contains(err.Error(), "does not have read access permission") {
		return ccerr.Forbidden("%s is not a member of collection %s", msp, coll)
	}
	return err
}

// lookup reads the sealed record at k in coll into v; found is false when
// there is none.
func (t *tx) lookup(coll, k, what string, v any) (bool, error) {
	raw, err := t.Stub.GetPrivateData(coll, k)
	if err != nil {
		return false, privateErr(t.Caller.MSPID, coll, ccerr.Internal("read %s: %v", what, err))
	}
	if len(raw) == 0 {
		return false, nil
	}
	_, data, err := unseal(raw)
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		return false, ccerr.Internal("stored %s: %v", what, err)
	}
	return true, nil
}

// private reads the sealed record at k in coll into v; NOT_FOUND names
// what.
func (t *tx) private(coll, k, what string, v any) error {
	found, err := t.lookup(coll, k, what, v)
	if err == nil && !found {
		err = ccerr.NotFound("%s", what)
	}
	return err
}

// putPrivate seals v under a fresh salt and writes it at k in coll; it
// returns the commitment to v (the hash of the stored value).
func (t *tx) putPrivate(coll, k string, v any) (string, error) {
	b, err := t.blinder(coll)
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return "", ccerr.Internal("encode %s: %v", state.DisplayKey(k), err)
	}
	salt := b.Salt(k)
	if err := t.Stub.PutPrivateData(coll, k, seal(salt, data)); err != nil {
		return "", ccerr.Internal("put %s: %v", state.DisplayKey(k), err)
	}
	return commit.Sum(salt, data), nil
}

// deletePrivate removes the record at k in coll.
func (t *tx) deletePrivate(coll, k string) error {
	if err := t.Stub.DelPrivateData(coll, k); err != nil {
		return ccerr.Internal("delete %s: %v", state.DisplayKey(k), err)
	}
	return nil
}
