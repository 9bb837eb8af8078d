// Package blind keeps what a block shows of private data from linking to
// anything guessable. Every block carries, for each private write, the
// SHA-256 of its key and of its value: a key built from a patient's
// pseudonym, a grantee or a record id, or a value of guessable JSON, is
// confirmed by anyone who guesses it. So:
//
//   - Keys: an identifying part of a private key is replaced by a Token, an
//     HMAC-SHA256 under the collection's blinding secret. The secret lives
//     only inside the collection (on its members' peers); it is the same on
//     every endorser, so tokens are deterministic, and nobody outside the
//     collection can compute one. A key with one token in it hashes to
//     something no outsider can recompute, whatever the rest of the key is.
//   - Values: every private value whose hash reaches a block carries a Salt
//     (an HMAC of the transaction id and the key under the same secret: 256
//     bits an outsider cannot guess, and the same on every endorser).
//   - Public commitments to private data are commit.Sum(salt, data) (package
//     kit/commit): SHA-256 over a salt kept in the private record, never a
//     bare hash.
//
// The secret is set once per collection (Setup, from 32 or more random
// bytes a member's admin sends in the transient map; carenet does it after
// deploying the chaincode) and never changes: tokens made with it must keep
// matching.
package blind

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"slices"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
)

// TransientSecret is the transient key Setup reads the secret from.
const TransientSecret = "blinding-secret"

// MinSecretBytes is the shortest secret Setup accepts.
const MinSecretBytes = 32

const objSecret = "blindingSecret"

// SecretKey is the private key under which a collection keeps its secret:
// the one private key anyone can name, so chaincodes that guard it (a
// key-level policy) or report on it (its hash) use this, not a copy.
func SecretKey() string { k, _ := state.Key(objSecret, "v1"); return k }

type stored struct {
	Secret []byte `json:"secret"`
}

// Setup stores the collection's secret from the transient map, once. A
// second Setup is a CONFLICT; a missing or short secret INVALID_ARGUMENT.
// The caller checks who may call it (a member org's admin).
func Setup(stub shim.ChaincodeStubInterface, collection string) error {
	m, err := stub.GetTransient()
	if err != nil {
		return ccerr.Internal("transient map: %v", err)
	}
	secret := m[TransientSecret]
	if len(secret) < MinSecretBytes {
		return ccerr.Invalid(TransientSecret, "needs at least %d random bytes in the transient map", MinSecretBytes)
	}
	if _, found, err := state.GetPrivateOptional[stored](stub, collection, SecretKey()); err != nil {
		return err
	} else if found {
		return ccerr.Conflict("collection %s already has its blinding secret", collection)
	}
	return state.PutPrivate(stub, collection, SecretKey(), stored{Secret: secret})
}

// Ready reports whether the collection's secret is set.
func Ready(stub shim.ChaincodeStubInterface, collection string) (bool, error) {
	_, found, err := state.GetPrivateOptional[stored](stub, collection, SecretKey())
	return found, err
}

// ReadyByHash reports whether the collection's secret is set from its
// private-data hash, which every peer of the channel holds: a peer that is
// not a member of the collection answers too.
func ReadyByHash(stub shim.ChaincodeStubInterface, collection string) (bool, error) {
	h, err := stub.GetPrivateDataHash(collection, SecretKey())
	if err != nil {
		return false, ccerr.Internal("blinding secret of %s: %v", collection, err)
	}
	return len(h) > 0, nil
}

// Blinder makes tokens and salts under one collection's secret, within one
// transaction.
type Blinder struct {
	secret []byte
	txID   string
}

// New reads the collection's secret. It fails with FAILED_PRECONDITION
// before Setup, and with FORBIDDEN-like peer errors on a peer that is not a
// member of the collection (which then cannot endorse).
func New(stub shim.ChaincodeStubInterface, collection string) (*Blinder, error) {
	s, found, err := state.GetPrivateOptional[stored](stub, collection, SecretKey())
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.Precondition("collection %s has no blinding secret yet (carenet sets it after deploying)", collection)
	}
	return &Blinder{secret: s.Secret, txID: stub.GetTxID()}, nil
}

// Token is the keyed hash of parts (each length-prefixed, so ("ab","c")
// and ("a","bc") differ), in hex: the identifying part of a private key.
func (b *Blinder) Token(parts ...string) string {
	return hex.EncodeToString(b.mac("token", parts))
}

// Salt is the salt of the private value written under key in this
// transaction: 256 bits no outsider can guess, the same on every endorser.
func (b *Blinder) Salt(key string) string {
	return base64.StdEncoding.EncodeToString(b.mac("salt", []string{b.txID, key}))
}

func (b *Blinder) mac(domain string, parts []string) []byte {
	m := hmac.New(sha256.New, b.secret)
	writePart(m, domain)
	for _, p := range parts {
		writePart(m, p)
	}
	return m.Sum(nil)
}

// writePart writes p with its length first, so that no two lists of parts
// write the same bytes. A hash's Write never returns an error.
func writePart(m hash.Hash, p string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(p)))
	_, _ = m.Write(n[:])
	_, _ = m.Write([]byte(p))
}

// Guard puts on the collection's secret the key-level policy AND of every
// member's peer. Replacing the secret would hide every blinded key (the
// chaincode would look for all of them under new tokens), so no subset of
// the members may write it — not even the majority a collection-level
// policy accepts. Setup's caller calls Guard in the same transaction.
func Guard(stub shim.ChaincodeStubInterface, collection string, members []string) error {
	if len(members) == 0 {
		return ccerr.Internal("collection %s: no members to guard its blinding secret", collection)
	}
	sorted := slices.Clone(members)
	slices.Sort(sorted)
	ep, err := statebased.NewStateEP(nil)
	if err == nil {
		err = ep.AddOrgs(statebased.RoleTypePeer, slices.Compact(sorted)...)
	}
	var policy []byte
	if err == nil {
		policy, err = ep.Policy()
	}
	if err == nil {
		err = stub.SetPrivateDataValidationParameter(collection, SecretKey(), policy)
	}
	if err != nil {
		return ccerr.Internal("policy of collection %s's blinding secret: %v", collection, err)
	}
	return nil
}
