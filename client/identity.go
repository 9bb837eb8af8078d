package client

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hyperledger/fabric-gateway/pkg/identity"

	"github.com/carechain/carechain/client/caclient"
)

// Identity is an enrolled user: an X.509 identity and its signer.
type Identity struct {
	MSPID string
	Name  string
	Cert  *x509.Certificate
	ID    *identity.X509Identity
	Sign  identity.Sign
	// MSPDir is the folder the identity was loaded from (its key is there).
	MSPDir string
}

// LoadIdentity reads a user's enrollment from an MSP folder
// (signcerts/cert.pem and the one key in keystore/).
func LoadIdentity(mspID, name, mspDir string) (*Identity, error) {
	certPEM, err := os.ReadFile(filepath.Join(mspDir, "signcerts", "cert.pem"))
	if err != nil {
		return nil, fmt.Errorf("identity %s: %w", name, err)
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("identity %s: certificate: %w", name, err)
	}
	keys, err := filepath.Glob(filepath.Join(mspDir, "keystore", "*_sk"))
	if err != nil || len(keys) != 1 {
		return nil, fmt.Errorf("identity %s: expected one private key in %s/keystore", name, mspDir)
	}
	keyPEM, err := os.ReadFile(keys[0])
	if err != nil {
		return nil, fmt.Errorf("identity %s: %w", name, err)
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("identity %s: private key: %w", name, err)
	}
	id, err := identity.NewX509Identity(mspID, cert)
	if err != nil {
		return nil, err
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		return nil, err
	}
	return &Identity{MSPID: mspID, Name: name, Cert: cert, ID: id, Sign: sign, MSPDir: mspDir}, nil
}

// CertPEM is the enrollment certificate, PEM-encoded.
func (id *Identity) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Cert.Raw})
}

// EnrollmentID is the id the CA enrolled the identity under (its
// certificate's common name).
func (id *Identity) EnrollmentID() string { return id.Cert.Subject.CommonName }

// Registrar is the identity as a Fabric CA registrar (token-signed calls).
func (id *Identity) Registrar() caclient.Identity {
	return caclient.Identity{CertPEM: id.CertPEM(), Sign: id.Sign}
}
