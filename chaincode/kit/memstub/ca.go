package memstub

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// CA is an organisation's certificate authority, like a Fabric CA: it
// issues enrollment certificates that chain to its self-signed root, so
// that chaincode which verifies what a member signed (a patient's consent)
// can be tested against the org's root certificates.
type CA struct {
	// MSPID is the organisation whose members the CA enrolls.
	MSPID string
	root  *Identity
}

// NewCA creates a CA with a fresh self-signed ECDSA P-256 root
// certificate (CN ca.<mspID>). It panics if key generation or signing
// fails, which does not happen with the standard library.
func NewCA(mspID string) *CA {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("memstub: generate key: %v", err))
	}
	subject := pkix.Name{CommonName: "ca." + mspID, Organization: []string{mspID}}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               subject,
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		panic(fmt.Sprintf("memstub: create CA certificate: %v", err))
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(fmt.Sprintf("memstub: parse CA certificate: %v", err))
	}
	root := &Identity{MSPID: mspID, Cert: cert, CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), Key: key}
	return &CA{MSPID: mspID, root: root}
}

// CertPEM is the CA's root certificate, PEM-encoded: what an org lists as
// its root certificate.
func (ca *CA) CertPEM() string { return string(ca.root.CertPEM) }

// Cert is the CA's root certificate.
func (ca *CA) Cert() *x509.Certificate { return ca.root.Cert }

// Issue enrolls an identity: subject CN enrollmentID, OU the identity type,
// and the Fabric CA attribute extension exactly as NewIdentity writes it
// (attrs plus hf.EnrollmentID, hf.Type and hf.Affiliation), with the
// certificate signed by the CA's root instead of by itself. It panics if
// signing fails, which does not happen with the standard library.
func (ca *CA) Issue(enrollmentID string, attrs map[string]string) *Identity {
	self := NewIdentity(ca.MSPID, enrollmentID, attrs)
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(fmt.Sprintf("memstub: serial number: %v", err))
	}
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               self.Cert.Subject,
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		ExtraExtensions:       attributeExtensions(self.Cert),
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca.root.Cert, &self.Key.PublicKey, ca.root.Key)
	if err != nil {
		panic(fmt.Sprintf("memstub: issue certificate: %v", err))
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(fmt.Sprintf("memstub: parse certificate: %v", err))
	}
	return &Identity{MSPID: ca.MSPID, Cert: cert, CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), Key: self.Key}
}

// attributeExtensions copies the extensions NewIdentity added (the Fabric
// CA attribute extension) from a certificate, leaving out the ones
// x509.CreateCertificate writes itself.
func attributeExtensions(cert *x509.Certificate) []pkix.Extension {
	var out []pkix.Extension
	for _, ext := range cert.Extensions {
		if len(ext.Id) == 4 && ext.Id[0] == 2 && ext.Id[1] == 5 && ext.Id[2] == 29 {
			continue // id-ce: key usage, basic constraints, key ids
		}
		out = append(out, ext)
	}
	return out
}

// Sign signs msg as Fabric clients sign: ECDSA over the SHA-256 digest of
// msg, ASN.1 DER encoded.
func (id *Identity) Sign(msg []byte) []byte { return id.sign(msg) }

// PublicKey is the identity's public key.
func (id *Identity) PublicKey() *ecdsa.PublicKey { return &id.Key.PublicKey }
