package caclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// CSR is what an enrollment asks for besides the identity itself.
type CSR struct {
	// Hosts are the certificate's subject alternative names (DNS names or
	// IP addresses): for TLS server certificates.
	Hosts []string
	// Profile is the CA's signing profile: "" for an enrollment
	// certificate, "tls" for a TLS certificate.
	Profile string
}

// Enrollment is an issued certificate and the private key generated for it.
type Enrollment struct {
	CertPEM []byte
	Cert    *x509.Certificate
	Key     *ecdsa.PrivateKey
	// CAChainPEM is the CA's chain as the CA sent it.
	CAChainPEM []byte
}

// enrollRequest is Fabric CA's enrollment request (cfssl's sign request).
type enrollRequest struct {
	Request string   `json:"certificate_request"`
	Hosts   []string `json:"hosts,omitempty"`
	Profile string   `json:"profile,omitempty"`
	CAName  string   `json:"caname,omitempty"`
}

type enrollResult struct {
	Cert       string `json:"Cert"`
	ServerInfo struct {
		CAName  string `json:"CAName"`
		CAChain string `json:"CAChain"`
	} `json:"ServerInfo"`
}

// Enroll enrolls identity name with its secret. It generates an ECDSA P-256
// key here, sends only a certificate request signed with it (common name:
// the enrollment id), and checks that the certificate the CA returns is for
// that key and name. A secret registered for one enrollment works once.
func (c *Client) Enroll(ctx context.Context, name, secret string, csr CSR) (*Enrollment, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, &Error{Op: "enroll", Err: err}
	}
	csrPEM, err := certificateRequest(name, csr.Hosts, key)
	if err != nil {
		return nil, &Error{Op: "enroll", Err: err}
	}
	in := enrollRequest{Request: string(csrPEM), Hosts: csr.Hosts, Profile: csr.Profile, CAName: c.caName}
	basic := func(req *http.Request, _ []byte) error { req.SetBasicAuth(name, secret); return nil }
	var res enrollResult
	if err := c.call(ctx, "enroll", http.MethodPost, "enroll", in, basic, &res); err != nil {
		return nil, err
	}
	e, err := issued(name, key, res)
	if err != nil {
		return nil, &Error{Op: "enroll", Err: err}
	}
	return e, nil
}

// Reenroll issues a new certificate for the enrollment current is (a new
// key made here, same id and attributes), authenticated by current's
// token instead of a secret: no enrollment is used up. With Profile "tls"
// it is how an enrolled identity gets its TLS certificate.
func (c *Client) Reenroll(ctx context.Context, current Identity, csr CSR) (*Enrollment, error) {
	cert, err := ParseCertificate(current.CertPEM)
	if err != nil {
		return nil, &Error{Op: "reenroll", Err: err}
	}
	name := cert.Subject.CommonName
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, &Error{Op: "reenroll", Err: err}
	}
	csrPEM, err := certificateRequest(name, csr.Hosts, key)
	if err != nil {
		return nil, &Error{Op: "reenroll", Err: err}
	}
	in := enrollRequest{Request: string(csrPEM), Hosts: csr.Hosts, Profile: csr.Profile, CAName: c.caName}
	var res enrollResult
	if err := c.call(ctx, "reenroll", http.MethodPost, "reenroll", in, current.auth(), &res); err != nil {
		return nil, err
	}
	e, err := issued(name, key, res)
	if err != nil {
		return nil, &Error{Op: "reenroll", Err: err}
	}
	return e, nil
}

// certificateRequest is a PEM CSR for name and hosts, signed with key.
func certificateRequest(name string, hosts []string, key *ecdsa.PrivateKey) ([]byte, error) {
	tmpl := &x509.CertificateRequest{Subject: pkix.Name{CommonName: name}, SignatureAlgorithm: x509.ECDSAWithSHA256}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		return nil, fmt.Errorf("certificate request: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), nil
}

// issued checks the CA's answer and makes the enrollment.
func issued(name string, key *ecdsa.PrivateKey, res enrollResult) (*Enrollment, error) {
	certPEM, err := base64.StdEncoding.DecodeString(res.Cert)
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	cert, err := ParseCertificate(certPEM)
	if err != nil {
		return nil, err
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !pub.Equal(&key.PublicKey) {
		return nil, errors.New("the CA returned a certificate for another key")
	}
	if cert.Subject.CommonName != name {
		return nil, fmt.Errorf("the CA returned a certificate for %q, not %q", cert.Subject.CommonName, name)
	}
	chain, err := base64.StdEncoding.DecodeString(res.ServerInfo.CAChain)
	if err != nil {
		return nil, fmt.Errorf("CA chain: %w", err)
	}
	return &Enrollment{CertPEM: certPEM, Cert: cert, Key: key, CAChainPEM: chain}, nil
}

// ParseCertificate reads the first certificate of a PEM block.
func ParseCertificate(certPEM []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

// KeyPEM is the private key as PKCS #8 PEM, as Fabric's MSP keystore holds it.
func (e *Enrollment) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(e.Key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// Identity is the enrollment as a registrar identity for token-authenticated calls.
func (e *Enrollment) Identity() Identity { return KeyIdentity(e.CertPEM, e.Key) }

// SKI is the key's subject key identifier as Fabric computes it (SHA-256 of
// the uncompressed public point): the name of its keystore file, in hex.
func SKI(pub *ecdsa.PublicKey) string {
	point, err := pub.ECDH()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(point.Bytes())
	return hex.EncodeToString(sum[:])
}
