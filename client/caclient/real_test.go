package caclient

import (
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fabricCAServer finds a built fabric-ca-server: $FABRIC_BIN, or a build in
// carechain's cache (scripts/fabric-bins.sh); "" when there is none.
func fabricCAServer() string {
	dirs := []string{os.Getenv("FABRIC_BIN")}
	cache := os.Getenv("CARECHAIN_CACHE")
	if cache == "" {
		if home, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(home, "carechain")
		}
	}
	builds, _ := filepath.Glob(filepath.Join(cache, "fabric-*", "bin"))
	for _, d := range append(dirs, builds...) {
		if fi, err := os.Stat(filepath.Join(d, "fabric-ca-server")); d != "" && err == nil && !fi.IsDir() {
			return filepath.Join(d, "fabric-ca-server")
		}
	}
	return ""
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startRealCA runs fabric-ca-server with TLS in a temporary folder.
func startRealCA(t *testing.T, bin string) *Client {
	dir := t.TempDir()
	port, ops := freePort(t), freePort(t)
	cmd := exec.Command(bin, "start", "-H", dir, "-b", "registrar:boot", "--address", "127.0.0.1",
		"--port", fmt.Sprint(port), "--tls.enabled", "--csr.hosts", "127.0.0.1,localhost", "--ca.name", "ca-test")
	cmd.Env = append(os.Environ(), fmt.Sprintf("FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS=127.0.0.1:%d", ops))
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile.Name())
			t.Fatalf("fabric-ca-server did not listen: %s", log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	root, err := os.ReadFile(filepath.Join(dir, "ca-cert.pem"))
	require.NoError(t, err)
	c, err := New(fmt.Sprintf("https://127.0.0.1:%d", port), root, Options{})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// certAttrs reads the attributes Fabric CA writes into a certificate.
func certAttrs(t *testing.T, cert *x509.Certificate) map[string]string {
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(asn1.ObjectIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 1}) {
			var v struct {
				Attrs map[string]string `json:"attrs"`
			}
			require.NoError(t, json.Unmarshal(ext.Value, &v))
			return v.Attrs
		}
	}
	return nil
}

// Against the real fabric-ca-server (v1.5.15, built by scripts/fabric-bins.sh):
// a sub-registrar with hf.Registrar.Roles=client registers a patient with a
// one-time secret; the patient enrolls once with a key made here; the
// sub-registrar lists and revokes; what it may not do is refused.
func TestRealFabricCA(t *testing.T) {
	bin := fabricCAServer()
	if bin == "" {
		t.Skip("fabric-ca-server not built (scripts/fabric-bins.sh)")
	}
	c := startRealCA(t, bin)
	ctx := context.Background()
	boot, err := c.Enroll(ctx, "registrar", "boot", CSR{})
	require.NoError(t, err)
	_, err = c.Register(ctx, boot.Identity(), Registration{Name: "registrar1", Secret: "r1", Attrs: []Attribute{
		{Name: "hf.Registrar.Roles", Value: "client"}, {Name: "hf.Registrar.Attributes", Value: "role,npi"},
		{Name: "hf.Revoker", Value: "true"}, {Name: "role", Value: "registrar", ECert: true}}})
	require.NoError(t, err)
	reg, err := c.Enroll(ctx, "registrar1", "r1", CSR{})
	require.NoError(t, err)
	assert.Equal(t, "registrar", certAttrs(t, reg.Cert)["role"])

	secret, err := c.Register(ctx, reg.Identity(), Registration{Name: "p1", MaxEnrollments: 1,
		Attrs: []Attribute{{Name: "role", Value: "patient", ECert: true}}})
	require.NoError(t, err)
	require.NotEmpty(t, secret, "the CA makes the secret when none is given")
	p1, err := c.Enroll(ctx, "p1", secret, CSR{})
	require.NoError(t, err)
	assert.Equal(t, "patient", certAttrs(t, p1.Cert)["role"])
	_, err = c.Enroll(ctx, "p1", secret, CSR{})
	assert.ErrorIs(t, err, ErrAuthentication, "the one-time secret is used up")

	_, err = c.Register(ctx, reg.Identity(), Registration{Name: "p1"})
	assert.ErrorIs(t, err, ErrAlreadyRegistered)
	_, err = c.Register(ctx, reg.Identity(), Registration{Name: "peer9", Type: "peer"})
	assert.ErrorIs(t, err, ErrAuthorization, "a client-only registrar registers no peer")
	_, err = c.Register(ctx, reg.Identity(), Registration{Name: "x", Attrs: []Attribute{{Name: "patient_id", Value: "pt-1", ECert: true}}})
	assert.ErrorIs(t, err, ErrAuthorization, "only role and npi")
	_, err = c.Register(ctx, p1.Identity(), Registration{Name: "y"})
	assert.ErrorIs(t, err, ErrAuthorization, "a patient is no registrar")

	tlsCert, err := c.Enroll(ctx, "registrar", "boot", CSR{Profile: "tls", Hosts: []string{"127.0.0.1", "peer0.test"}})
	require.NoError(t, err)
	assert.Contains(t, tlsCert.Cert.DNSNames, "peer0.test")
	// A used-up one-time secret does not stop a reenrollment with the
	// enrollment itself, for a TLS certificate.
	p1TLS, err := c.Reenroll(ctx, p1.Identity(), CSR{Profile: "tls", Hosts: []string{"p1.test"}})
	require.NoError(t, err)
	assert.Contains(t, p1TLS.Cert.DNSNames, "p1.test")
	assert.Contains(t, p1TLS.Cert.ExtKeyUsage, x509.ExtKeyUsageServerAuth)

	ids, err := c.Identities(ctx, reg.Identity())
	require.NoError(t, err)
	names := map[string]string{}
	for _, id := range ids {
		names[id.ID] = id.Attr("role")
	}
	assert.Equal(t, "patient", names["p1"])
	revoked, err := c.Revoke(ctx, reg.Identity(), Revocation{Name: "p1", Reason: "keycompromise"})
	require.NoError(t, err)
	assert.Len(t, revoked, 2, "the enrollment certificate and the TLS one")
	_, err = c.Reenroll(ctx, p1.Identity(), CSR{})
	assert.ErrorIs(t, err, ErrAuthentication, "a revoked identity cannot reenroll")
}
