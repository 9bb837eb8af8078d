package wire

import (
	"crypto/ecdh"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"

	"github.com/carechain/carechain/chaincode/kit/commit"
)

// Commitments.
//
// A record version's public trace holds AnchorCommitment of its private
// anchor, never its bare SHA-256: most of an anchor's fields are public or
// guessable (record id, custodian, version, type, a category out of a
// short list, a pseudonym out of a known set), and the SHA-256 of JSON
// rebuilt from guesses would confirm the patient and category. The salt is
// in the anchor itself (Anchor.Salt), so whoever may read the anchor can
// check it against the public commitment.
//
// The anchor holds the plaintext's PlaintextCommitment, never the bare
// SHA-256 of the plaintext: a short lab result ("HIV-1 antibody:
// reactive") is guessable, and its SHA-256 would confirm the guess to every
// member peer holding the collection, and to anyone Verify answers. The
// commitment's salt is derived from the document key (PlaintextSalt), so
// it is known to the custodian's client and to each requester the key is
// released to, and to no peer and no block: those holders check a
// decrypted plaintext against it and can hand the salt, with the document,
// to someone else who then Verifies their copy.

// AnchorCommitment is the public commitment to an anchor (with its salt).
func AnchorCommitment(a *Anchor) (string, error) {
	data, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("encode anchor: %w", err)
	}
	return commit.Sum(a.Salt, data), nil
}

// PlaintextSalt is the salt of a document's plaintext commitment: an HMAC
// of a fixed label under the document key, so that only key holders know it.
func PlaintextSalt(docKey []byte) string {
	m := hmac.New(sha256.New, docKey)
	m.Write([]byte("carechain/records/plaintext-salt/v1"))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// PlaintextCommitment commits to a plaintext by its SHA-256 (32 bytes)
// under salt. A client hashes a document of any size as it streams and
// commits to the hash.
func PlaintextCommitment(salt string, plainSHA256 []byte) string {
	return commit.Sum(salt, plainSHA256)
}

// WrapAAD binds a wrapped key to its record version.
func WrapAAD(id string, version int) []byte {
	return []byte("carechain/records/" + id + "/" + strconv.Itoa(version))
}

// KEKFile is the name of the org key-encryption key in CARECHAIN_KEK_DIR.
const KEKFile = "records-kek.pem"

// ParseKEK reads a PKCS #8 PEM P-256 private key as an ECDH key.
func ParseKEK(data []byte) (*ecdh.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("key-encryption key: no PEM block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("key-encryption key: %w", err)
	}
	switch k := parsed.(type) {
	case *ecdh.PrivateKey:
		return k, nil
	case interface {
		ECDH() (*ecdh.PrivateKey, error)
	}:
		return k.ECDH()
	}
	return nil, errors.New("key-encryption key: not a P-256 key")
}
