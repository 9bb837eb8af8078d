// Package pki issues every identity of the consortium through its org's
// Fabric CA, over the CA's REST API (client/caclient): node enrollment and
// TLS certificates, org admins, and users with their role attributes in the
// enrollment certificate. Each private key is generated here, where the
// identity's folder is written.
package pki

import (
	"context"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/carechain/carechain/client/caclient"
)

// CA is a running fabric-ca-server as seen by its bootstrap registrar,
// reached through its REST API (client/caclient): no process per identity,
// and any number of enrollments at once.
type CA struct {
	Org        string
	URL        string // https://host:port
	Host       string
	RootCert   string // the CA's root certificate (PEM file)
	Registrar  string // folder of the bootstrap admin: bootstrap.secret, msp/
	client     *caclient.Client
	root       []byte
	bootSecret []byte
	registrar  caclient.Identity
}

// BootstrapSecret returns the CA's bootstrap admin secret, creating it on
// first use. It is kept beside the registrar's home with mode 0600.
func BootstrapSecret(registrarHome string) (string, error) {
	path := filepath.Join(registrarHome, "bootstrap.secret")
	if data, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(data)), nil
	}
	buf := make([]byte, 16)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	secret := hex.EncodeToString(buf)
	if err := os.MkdirAll(registrarHome, 0o700); err != nil {
		return "", err
	}
	return secret, os.WriteFile(path, []byte(secret+"\n"), 0o600)
}

// NewCA describes an org's CA for enrollment; its TLS certificate is
// verified against rootCert, which also signs every enrollment.
func NewCA(org, host string, port int, rootCert, registrarHome string) (*CA, error) {
	secret, err := BootstrapSecret(registrarHome)
	if err != nil {
		return nil, err
	}
	root, err := os.ReadFile(rootCert)
	if err != nil {
		return nil, fmt.Errorf("CA of %s: %w", org, err)
	}
	url := fmt.Sprintf("https://%s:%d", host, port)
	cl, err := caclient.New(url, root, caclient.Options{})
	if err != nil {
		return nil, fmt.Errorf("CA of %s: %w", org, err)
	}
	return &CA{Org: org, URL: url, Host: host, RootCert: rootCert, Registrar: registrarHome,
		client: cl, root: root, bootSecret: []byte(secret)}, nil
}

// Close releases the CA's connections.
func (c *CA) Close() { c.client.Close() }

// secretFor derives an identity's enrollment secret from the bootstrap
// secret, so an interrupted setup can enroll again without storing secrets.
func (c *CA) secretFor(name string) string {
	m := hmac.New(sha256.New, c.bootSecret)
	m.Write([]byte(c.Org + "/" + name))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// EnrollRegistrar enrolls the bootstrap admin once (REGISTRAR/msp) and
// loads its identity for registering.
func (c *CA) EnrollRegistrar(ctx context.Context) error {
	mspDir := filepath.Join(c.Registrar, "msp")
	if !Enrolled(mspDir) {
		e, err := c.client.Enroll(ctx, RegistrarName, string(c.bootSecret), caclient.CSR{})
		if err != nil {
			return fmt.Errorf("CA of %s: %w", c.Org, err)
		}
		if err := caclient.WriteMSP(mspDir, e, caclient.SKI(&e.Key.PublicKey)+"_sk", c.root); err != nil {
			return err
		}
	}
	id, err := LoadIdentity(mspDir)
	if err != nil {
		return err
	}
	c.registrar = id
	return nil
}

// LoadIdentity reads an enrolled MSP folder as a caclient identity.
func LoadIdentity(mspDir string) (caclient.Identity, error) {
	certPEM, err := os.ReadFile(filepath.Join(mspDir, caclient.CertFile))
	if err != nil {
		return caclient.Identity{}, err
	}
	keyFile, err := KeyFile(mspDir)
	if err != nil {
		return caclient.Identity{}, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return caclient.Identity{}, err
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return caclient.Identity{}, fmt.Errorf("%s: no PEM key", keyFile)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	ec, ok := key.(*ecdsa.PrivateKey)
	if err != nil || !ok {
		return caclient.Identity{}, fmt.Errorf("%s: not a PKCS #8 ECDSA key", keyFile)
	}
	return caclient.KeyIdentity(certPEM, ec), nil
}

// Identity is what to register with the CA.
type Identity struct {
	Name  string
	Type  string            // client, admin, peer, orderer
	Attrs map[string]string // put into the enrollment certificate
	// Registrar makes the identity a registrar of its org's CA: it may
	// register and revoke clients with the role and npi attributes.
	Registrar bool
}

// Registrar attributes of an org's CA registrar users (topology
// caRegistrar): clients only, the attributes chaincode reads, revocation.
var registrarAttrs = []caclient.Attribute{
	{Name: "hf.Registrar.Roles", Value: "client"},
	{Name: "hf.Registrar.Attributes", Value: "role,npi"},
	{Name: "hf.Revoker", Value: "true"},
}

// Register registers an identity; an identity already registered is fine.
func (c *CA) Register(ctx context.Context, id Identity) error {
	r := caclient.Registration{Name: id.Name, Type: id.Type, Secret: c.secretFor(id.Name)}
	for _, k := range slices.Sorted(maps.Keys(id.Attrs)) {
		r.Attrs = append(r.Attrs, caclient.Attribute{Name: k, Value: id.Attrs[k], ECert: true})
	}
	if id.Registrar {
		r.Attrs = append(r.Attrs, registrarAttrs...)
	}
	_, err := c.client.Register(ctx, c.registrar, r)
	if errors.Is(err, caclient.ErrAlreadyRegistered) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("register %s at the CA of %s: %w", id.Name, c.Org, err)
	}
	return nil
}

// Enroll enrolls a registered identity with its secret: an enrollment
// certificate and, by a reenrollment with that certificate (no second use
// of the secret, whose check is the CA's slowest step), a TLS certificate
// from the CA's TLS profile, both valid for hosts. Both keys are made
// here; nothing is written yet (see Write).
func (c *CA) Enroll(ctx context.Context, name string, hosts []string) (ecert, tls *caclient.Enrollment, err error) {
	ecert, err = c.client.Enroll(ctx, name, c.secretFor(name), caclient.CSR{Hosts: hosts})
	if err != nil {
		return nil, nil, fmt.Errorf("enroll %s at the CA of %s: %w", name, c.Org, err)
	}
	tls, err = c.client.Reenroll(ctx, ecert.Identity(), caclient.CSR{Hosts: hosts, Profile: "tls"})
	if err != nil {
		return nil, nil, fmt.Errorf("TLS certificate of %s at the CA of %s: %w", name, c.Org, err)
	}
	return ecert, tls, nil
}

// Write writes an enrollment as an MSP folder with the layout Fabric's MSP
// expects, with fixed names: signcerts/cert.pem, keystore/SKI_sk,
// cacerts/ca.pem and tlscacerts/ca.pem (the org's root), NodeOUs config.
// mspDir then holds the whole enrollment or what it held before.
func (c *CA) Write(mspDir string, e *caclient.Enrollment) error {
	tmp := mspDir + ".enrolling"
	if err := caclient.WriteMSP(tmp, e, caclient.SKI(&e.Key.PublicKey)+"_sk", c.root); err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := WriteOrgMSP(c.RootCert, tmp); err != nil {
		return err
	}
	if err := os.RemoveAll(mspDir); err != nil {
		return err
	}
	return os.Rename(tmp, mspDir)
}

// WriteNodeOUs writes the MSP config that classifies identities by the OU the
// Fabric CA puts in their certificate (client, peer, admin, orderer).
func WriteNodeOUs(mspDir string) error {
	var b strings.Builder
	b.WriteString("NodeOUs:\n  Enable: true\n")
	for _, ou := range []struct{ key, value string }{
		{"ClientOUIdentifier", "client"}, {"PeerOUIdentifier", "peer"},
		{"AdminOUIdentifier", "admin"}, {"OrdererOUIdentifier", "orderer"},
	} {
		fmt.Fprintf(&b, "  %s:\n    Certificate: cacerts/ca.pem\n    OrganizationalUnitIdentifier: %s\n", ou.key, ou.value)
	}
	return os.WriteFile(filepath.Join(mspDir, "config.yaml"), []byte(b.String()), 0o644)
}

// WriteOrgMSP writes an MSP folder's trust: the org's root CA as CA and TLS
// root CA, and the NodeOUs config. It is the org's channel MSP, and part of
// every enrolled folder.
func WriteOrgMSP(rootCert, mspDir string) error {
	root, err := os.ReadFile(rootCert)
	if err != nil {
		return err
	}
	for _, sub := range []string{"cacerts", "tlscacerts"} {
		if err := os.MkdirAll(filepath.Join(mspDir, sub), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(mspDir, sub, "ca.pem"), root, 0o644); err != nil {
			return err
		}
	}
	return WriteNodeOUs(mspDir)
}

// TLSFiles lays an enrolled TLS folder out as server.crt, server.key and ca.crt.
func TLSFiles(enrolledDir, tlsDir string) error {
	key, err := KeyFile(enrolledDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(tlsDir, 0o700); err != nil {
		return err
	}
	for dst, src := range map[string]string{
		"server.crt": filepath.Join(enrolledDir, "signcerts", "cert.pem"),
		"server.key": key,
		"ca.crt":     filepath.Join(enrolledDir, "cacerts", "ca.pem"),
	} {
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tlsDir, dst), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// KeyFile returns the single private key file of an enrolled MSP folder.
func KeyFile(mspDir string) (string, error) {
	keys, err := filepath.Glob(filepath.Join(mspDir, "keystore", "*_sk"))
	if err != nil {
		return "", err
	}
	if len(keys) != 1 {
		return "", fmt.Errorf("%s: expected one private key in keystore, found %d", mspDir, len(keys))
	}
	return keys[0], nil
}

// Enrolled reports whether mspDir holds an enrollment certificate.
func Enrolled(mspDir string) bool {
	_, err := os.Stat(filepath.Join(mspDir, "signcerts", "cert.pem"))
	return err == nil
}

// RegistrarName is the CA's bootstrap identity, which registers all others.
// It is not "admin": that name belongs to the org's own admin user.
const RegistrarName = "registrar"

// GenCRL is the CA's current CRL (PEM), asked as the bootstrap admin
// (which has hf.GenCRL); EnrollRegistrar first.
func (c *CA) GenCRL(ctx context.Context) ([]byte, error) {
	crl, err := c.client.GenCRL(ctx, c.registrar)
	if err != nil {
		return nil, fmt.Errorf("CRL of the CA of %s: %w", c.Org, err)
	}
	return crl, nil
}
