package records

import (
	"crypto/ecdh"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// KEKFile is the name of the org key-encryption key in CARECHAIN_KEK_DIR.
const KEKFile = "records-kek.pem"

// EnvKEK reads this peer's org key-encryption key: the PKCS #8 PEM file
// KEKFile in $CARECHAIN_KEK_DIR, for the org $CORE_PEER_LOCALMSPID (which
// the external builder sets from the peer's MSP). A peer configured with
// neither has no KEK, and cannot release keys.
func EnvKEK() (string, []byte, error) {
	dir, msp := os.Getenv("CARECHAIN_KEK_DIR"), os.Getenv("CORE_PEER_LOCALMSPID")
	if dir == "" || msp == "" {
		return msp, nil, nil
	}
	data, err := os.ReadFile(filepath.Join(dir, KEKFile))
	if errors.Is(err, os.ErrNotExist) {
		return msp, nil, nil
	}
	if err != nil {
		return msp, nil, err
	}
	k, err := ParseKEK(data)
	if err != nil {
		return msp, nil, err
	}
	return msp, k.Bytes(), nil
}

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
