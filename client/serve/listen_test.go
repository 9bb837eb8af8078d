package serve

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:0": true, "127.9.9.9:1": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:1": false, "10.0.0.1:80": false, "example.org:443": false,
	} {
		got, err := Loopback(addr)
		require.NoError(t, err, addr)
		assert.Equal(t, want, got, addr)
	}
	_, err := Loopback("8080")
	assert.Error(t, err)
}

func TestNonLoopbackNeedsTLSWithClientCertificates(t *testing.T) {
	pki := newPKI(t)
	full, err := pki.files.Config()
	require.NoError(t, err)
	noClientAuth := full.Clone()
	noClientAuth.ClientAuth = tls.RequestClientCert
	noCA := full.Clone()
	noCA.ClientCAs = nil
	for name, cfg := range map[string]*tls.Config{"clear": nil, "no client auth": noClientAuth, "no client CA": noCA} {
		assert.ErrorIs(t, CheckListen("0.0.0.0:0", cfg), ErrInsecureListen, name)
		ln, err := Listen(":0", cfg)
		assert.ErrorIs(t, err, ErrInsecureListen, name)
		assert.Nil(t, ln)
	}
	assert.NoError(t, CheckListen("0.0.0.0:0", full))
	assert.NoError(t, CheckListen("127.0.0.1:0", nil))
	_, err = TLSFiles{Cert: pki.files.Cert, Key: pki.files.Key}.Config()
	assert.ErrorContains(t, err, "client CA")
	_, err = TLSFiles{Cert: pki.files.Cert, Key: pki.files.Key, ClientCA: pki.files.Key}.Config()
	assert.ErrorContains(t, err, "no PEM certificate")
}

func TestTLSServerRefusesAClientWithoutCertificate(t *testing.T) {
	pki := newPKI(t)
	cfg, err := pki.files.Config()
	require.NoError(t, err)
	ln, err := Listen("127.0.0.1:0", cfg)
	require.NoError(t, err)
	h := newHarness(t, WithHealth(func(context.Context) error { return nil }))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, ln, h.srv, 5*time.Second) }()
	url := "https://" + ln.Addr().String() + "/healthz"

	anonymous := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.roots}}}
	_, err = anonymous.Get(url)
	assert.Error(t, err, "a client without a certificate must not be served")

	authed := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.roots, Certificates: []tls.Certificate{pki.client}}}}
	resp, err := authed.Get(url)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)

	cancel()
	require.NoError(t, <-done, "a shutdown is graceful")
	_, err = authed.Get(url)
	assert.Error(t, err, "nothing listens after the shutdown")
}

func TestShutdownWaitsForARequestInFlight(t *testing.T) {
	ln, err := Listen("127.0.0.1:0", nil)
	require.NoError(t, err)
	entered, release := make(chan struct{}), make(chan struct{})
	h := newHarness(t, WithHealth(func(context.Context) error { close(entered); <-release; return nil }))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, ln, h.srv, 5*time.Second) }()
	got := make(chan int, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
		if err != nil {
			got <- 0
			return
		}
		_ = resp.Body.Close()
		got <- resp.StatusCode
	}()
	<-entered
	cancel()
	select {
	case <-done:
		t.Fatal("Run returned with a request in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	assert.Equal(t, 200, <-got)
	assert.NoError(t, <-done)
}

type pki struct {
	files  TLSFiles
	roots  *x509.CertPool
	client tls.Certificate
}

// newPKI writes a CA, a server certificate for 127.0.0.1 and a client
// certificate, all signed by the CA.
func newPKI(t *testing.T) *pki {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, usage x509.ExtKeyUsage) ([]byte, *ecdsa.PrivateKey) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "leaf"}, NotBefore: time.Now().Add(-time.Hour),
			NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
			KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		require.NoError(t, err)
		return der, key
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
		return p
	}
	keyDER := func(k *ecdsa.PrivateKey) []byte {
		d, err := x509.MarshalECPrivateKey(k)
		require.NoError(t, err)
		return d
	}
	srvDER, srvKey := issue(2, x509.ExtKeyUsageServerAuth)
	cliDER, cliKey := issue(3, x509.ExtKeyUsageClientAuth)
	out := &pki{files: TLSFiles{Cert: write("srv.pem", "CERTIFICATE", srvDER), Key: write("srv.key", "EC PRIVATE KEY", keyDER(srvKey)),
		ClientCA: write("ca.pem", "CERTIFICATE", caDER)}, roots: x509.NewCertPool()}
	out.roots.AddCert(ca)
	out.client = tls.Certificate{Certificate: [][]byte{cliDER}, PrivateKey: cliKey}
	return out
}
