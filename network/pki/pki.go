// Package pki runs each org's Fabric CA and issues every identity of the
// consortium through it: node enrollment and TLS certificates, org admins,
// and users with their role attributes in the enrollment certificate.
package pki

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// CA is a running fabric-ca-server as seen by its registrar.
type CA struct {
	Org        string
	URL        string // https://host:port
	Host       string
	RootCert   string // the CA's root certificate (PEM file)
	Registrar  string // fabric-ca-client home of the bootstrap admin
	ClientBin  string // fabric-ca-client
	bootSecret []byte
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

// NewCA describes an org's CA for enrollment.
func NewCA(org, host string, port int, rootCert, registrarHome, clientBin string) (*CA, error) {
	secret, err := BootstrapSecret(registrarHome)
	if err != nil {
		return nil, err
	}
	return &CA{Org: org, URL: fmt.Sprintf("https://%s:%d", host, port), Host: host, RootCert: rootCert,
		Registrar: registrarHome, ClientBin: clientBin, bootSecret: []byte(secret)}, nil
}

// secretFor derives an identity's enrollment secret from the bootstrap
// secret, so an interrupted setup can enroll again without storing secrets.
func (c *CA) secretFor(name string) string {
	m := hmac.New(sha256.New, c.bootSecret)
	m.Write([]byte(c.Org + "/" + name))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

func (c *CA) run(ctx context.Context, args ...string) (string, error) {
	args = append(args, "--tls.certfiles", c.RootCert)
	cmd := exec.CommandContext(ctx, c.ClientBin, args...)
	cmd.Env = append(os.Environ(), "FABRIC_CA_CLIENT_HOME="+c.Registrar)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("fabric-ca-client %s (CA of %s): %w: %s", args[0], c.Org, err, lastLines(string(out), 3))
	}
	return string(out), nil
}

// EnrollRegistrar enrolls the bootstrap admin once.
func (c *CA) EnrollRegistrar(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(c.Registrar, "msp", "signcerts", "cert.pem")); err == nil {
		return nil
	}
	u := strings.Replace(c.URL, "https://", "https://"+RegistrarName+":"+string(c.bootSecret)+"@", 1)
	_, err := c.run(ctx, "enroll", "-u", u, "-H", c.Registrar)
	return err
}

// Identity is what to register with the CA.
type Identity struct {
	Name  string
	Type  string            // client, admin, peer, orderer
	Attrs map[string]string // put into the enrollment certificate
}

// Register registers an identity; an identity already registered is fine.
func (c *CA) Register(ctx context.Context, id Identity) error {
	args := []string{"register", "-u", c.URL, "-H", c.Registrar,
		"--id.name", id.Name, "--id.secret", c.secretFor(id.Name), "--id.type", id.Type}
	if len(id.Attrs) > 0 {
		keys := make([]string, 0, len(id.Attrs))
		for k := range id.Attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var attrs []string
		for _, k := range keys {
			if strings.ContainsAny(id.Attrs[k], ",=\"") {
				return fmt.Errorf("attribute %s of %s: value must not contain , = or \"", k, id.Name)
			}
			attrs = append(attrs, k+"="+id.Attrs[k]+":ecert")
		}
		args = append(args, "--id.attrs", strings.Join(attrs, ","))
	}
	out, err := c.run(ctx, args...)
	if err != nil && strings.Contains(out, "already registered") {
		return nil
	}
	return err
}

// Enroll enrolls a registered identity into mspDir. With tls set it asks the
// CA's TLS profile for a certificate valid for hosts.
func (c *CA) Enroll(ctx context.Context, name, mspDir string, tls bool, hosts []string) error {
	// A half-written folder from an interrupted run would hold two keys.
	if err := os.RemoveAll(mspDir); err != nil {
		return err
	}
	u := strings.Replace(c.URL, "https://", "https://"+name+":"+c.secretFor(name)+"@", 1)
	args := []string{"enroll", "-u", u, "-M", mspDir}
	if tls {
		args = append(args, "--enrollment.profile", "tls")
	}
	if len(hosts) > 0 {
		args = append(args, "--csr.hosts", strings.Join(hosts, ","))
	}
	args = append(args, "--csr.cn", name)
	if _, err := c.run(ctx, args...); err != nil {
		return err
	}
	return c.normalise(mspDir)
}

// normalise gives an enrolled folder the layout Fabric's MSP expects with
// fixed names: cacerts/ca.pem and tlscacerts/ca.pem, NodeOUs config.
func (c *CA) normalise(mspDir string) error {
	for _, sub := range []string{"cacerts", "tlscacerts", "intermediatecerts", "user"} {
		if err := os.RemoveAll(filepath.Join(mspDir, sub)); err != nil {
			return err
		}
	}
	for _, f := range []string{"IssuerPublicKey", "IssuerRevocationPublicKey"} {
		_ = os.Remove(filepath.Join(mspDir, f))
	}
	return WriteOrgMSP(c.RootCert, mspDir)
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

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// RegistrarName is the CA's bootstrap identity, which registers all others.
// It is not "admin": that name belongs to the org's own admin user.
const RegistrarName = "registrar"
