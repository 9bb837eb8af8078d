package pki

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/caclient"
	"github.com/carechain/carechain/client/caclient/catest"
)

// startCA runs fabric-ca-server as carenet does (or skips) and returns the
// CA as carenet sees it.
func startCA(t *testing.T) *CA {
	reg := filepath.Join(t.TempDir(), "registrar")
	secret, err := BootstrapSecret(reg)
	require.NoError(t, err)
	srv := catest.Start(t, RegistrarName, secret)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	port, err := strconv.Atoi(u.Port())
	require.NoError(t, err)
	ca, err := NewCA("a", "127.0.0.1", port, srv.RootCert, reg)
	require.NoError(t, err)
	t.Cleanup(ca.Close)
	require.NoError(t, ca.EnrollRegistrar(context.Background()))
	return ca
}

// Against the real fabric-ca-server: many identities registered and
// enrolled at once, each folder in Fabric's MSP layout, registration
// idempotent; a CA registrar registers with its own enrollment.
func TestConcurrentEnrollmentLaysOutMSPs(t *testing.T) {
	ca := startCA(t)
	ctx := context.Background()
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("user%d", i)
			id := Identity{Name: name, Type: "client", Attrs: map[string]string{"role": "nurse"}, Registrar: i == 0}
			if err := ca.Register(ctx, id); err != nil {
				errs <- err
				return
			}
			errs <- ca.Register(ctx, id) // again: fine
			ecert, _, err := ca.Enroll(ctx, name, nil)
			if err == nil {
				err = ca.Write(filepath.Join(dir, name, "msp"), ecert)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	msp := filepath.Join(dir, "user3", "msp")
	assert.True(t, Enrolled(msp))
	key, err := KeyFile(msp)
	assert.Regexp(t, `/[0-9a-f]{64}_sk$`, key)
	require.NoError(t, err)
	for _, f := range []string{"cacerts/ca.pem", "tlscacerts/ca.pem", "config.yaml"} {
		assert.FileExists(t, filepath.Join(msp, f))
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*", "*.enrolling"))
	assert.Empty(t, leftovers)

	tlsDir := filepath.Join(dir, "node", "tls-enrollment")
	require.NoError(t, ca.Register(ctx, Identity{Name: "peer0.a", Type: "peer"}))
	_, tls, err := ca.Enroll(ctx, "peer0.a", []string{"127.0.0.1", "peer0.a", "localhost"})
	require.NoError(t, err)
	assert.Contains(t, tls.Cert.DNSNames, "peer0.a")
	assert.Contains(t, tls.Cert.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
	require.NoError(t, ca.Write(tlsDir, tls))
	require.NoError(t, TLSFiles(tlsDir, filepath.Join(dir, "node", "tls")))
	assert.FileExists(t, filepath.Join(dir, "node", "tls", "server.key"))

	reg, err := LoadIdentity(filepath.Join(dir, "user0", "msp"))
	require.NoError(t, err)
	_, err = ca.client.Register(ctx, reg, caRegistration("patient1"))
	require.NoError(t, err, "a caRegistrar user registers clients")
	other, err := LoadIdentity(filepath.Join(dir, "user1", "msp"))
	require.NoError(t, err)
	_, err = ca.client.Register(ctx, other, caRegistration("patient2"))
	assert.Error(t, err, "a user who is no CA registrar cannot")
}

func caRegistration(name string) caclient.Registration {
	return caclient.Registration{Name: name, MaxEnrollments: 1,
		Attrs: []caclient.Attribute{{Name: "role", Value: "patient", ECert: true}}}
}
