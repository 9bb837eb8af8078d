// Package keywrap encrypts a short secret (a document key) to a P-256
// public key: ECIES with ephemeral-static ECDH, HKDF-SHA256 and AES-256-GCM,
// all from Go's standard library. Clients wrap document keys to their
// custodian's key-encryption key; the records chaincode unwraps them on the
// custodian's peer and wraps them again to a requester's one-time key.
//
// Wire format: 0x01 | ephemeral public key (65 bytes, uncompressed) |
// AES-GCM ciphertext and tag. The AES key and nonce are derived from the
// shared secret, both public keys and a context string; additional data
// binds the wrapped key to its use (for example a record id and version).
//
// Chaincode must not use randomness, so the ephemeral key can be derived from
// a seed (EphemeralFromSeed); clients use crypto/rand (NewEphemeral).
package keywrap

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

const (
	version     = 1
	pubLen      = 65
	info        = "carechain keywrap v1"
	maxKeyBytes = 1024
)

// ErrDecrypt is returned when a wrapped key does not open: wrong key,
// wrong additional data, or tampered bytes.
var ErrDecrypt = errors.New("keywrap: wrapped key does not open with this key")

// NewEphemeral makes a random ephemeral key (clients).
func NewEphemeral() (*ecdh.PrivateKey, error) { return ecdh.P256().GenerateKey(rand.Reader) }

// EphemeralFromSeed derives an ephemeral key from a secret seed, for code
// that must be deterministic. The seed must never repeat for another message.
func EphemeralFromSeed(seed []byte) (*ecdh.PrivateKey, error) {
	for counter := byte(0); counter < 16; counter++ {
		scalar, err := hkdf.Key(sha256.New, seed, []byte{counter}, info+" ephemeral", 32)
		if err != nil {
			return nil, err
		}
		if k, err := ecdh.P256().NewPrivateKey(scalar); err == nil {
			return k, nil
		}
	}
	return nil, errors.New("keywrap: no valid scalar from seed")
}

func aead(shared, ephPub, recipientPub []byte) (cipher.AEAD, []byte, error) {
	salt := append(append([]byte{}, ephPub...), recipientPub...)
	material, err := hkdf.Key(sha256.New, shared, salt, info, 32+12)
	if err != nil {
		return nil, nil, err
	}
	block, err := aes.NewCipher(material[:32])
	if err != nil {
		return nil, nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	return gcm, material[32:], nil
}

// Wrap encrypts secret to recipient with the ephemeral key, binding aad.
func Wrap(recipient *ecdh.PublicKey, ephemeral *ecdh.PrivateKey, secret, aad []byte) ([]byte, error) {
	if len(secret) == 0 || len(secret) > maxKeyBytes {
		return nil, fmt.Errorf("keywrap: secret must be 1..%d bytes", maxKeyBytes)
	}
	if recipient.Curve() != ecdh.P256() || ephemeral.Curve() != ecdh.P256() {
		return nil, errors.New("keywrap: keys must be P-256")
	}
	shared, err := ephemeral.ECDH(recipient)
	if err != nil {
		return nil, err
	}
	ephPub := ephemeral.PublicKey().Bytes()
	gcm, nonce, err := aead(shared, ephPub, recipient.Bytes())
	if err != nil {
		return nil, err
	}
	out := append([]byte{version}, ephPub...)
	return gcm.Seal(out, nonce, secret, aad), nil
}

// Unwrap opens a wrapped secret with the recipient's private key.
func Unwrap(recipient *ecdh.PrivateKey, wrapped, aad []byte) ([]byte, error) {
	if len(wrapped) < 1+pubLen+16 || wrapped[0] != version {
		return nil, errors.New("keywrap: not a wrapped key")
	}
	ephPub, err := ecdh.P256().NewPublicKey(wrapped[1 : 1+pubLen])
	if err != nil {
		return nil, fmt.Errorf("keywrap: ephemeral key: %w", err)
	}
	shared, err := recipient.ECDH(ephPub)
	if err != nil {
		return nil, err
	}
	gcm, nonce, err := aead(shared, ephPub.Bytes(), recipient.PublicKey().Bytes())
	if err != nil {
		return nil, err
	}
	secret, err := gcm.Open(nil, nonce, wrapped[1+pubLen:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return secret, nil
}

// ParsePublic reads an uncompressed P-256 public key (65 bytes).
func ParsePublic(raw []byte) (*ecdh.PublicKey, error) {
	k, err := ecdh.P256().NewPublicKey(raw)
	if err != nil {
		return nil, fmt.Errorf("keywrap: public key: %w", err)
	}
	return k, nil
}
