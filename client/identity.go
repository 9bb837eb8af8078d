package client

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
)

// Identity is an enrolled user: an X.509 identity and its signer.
type Identity struct {
	MSPID string
	Name  string
	Cert  *x509.Certificate
	ID    *identity.X509Identity
	Sign  identity.Sign
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
	return &Identity{MSPID: mspID, Name: name, Cert: cert, ID: id, Sign: sign}, nil
}
