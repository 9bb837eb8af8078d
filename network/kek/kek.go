// Package kek makes an org's key-encryption key: a P-256 key in a PKCS #8
// PEM file readable by its owner only. The records chaincode on the org's
// peers reads it to unwrap document keys; its public half is registered on
// chain by the org's admin (carectl records register-key).
package kek

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
)

// Generate writes a new key to path (mode 0600, folder 0700).
func Generate(path string) error {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("key-encryption key: %w", err)
	}
	return nil
}
