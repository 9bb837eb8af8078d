package ccbuilder

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/network/ccpackage"
)

// untar writes a gzipped tar's files into dir, as the peer does.
func untar(t *testing.T, data []byte, dir string) map[string][]byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		out[h.Name] = b
		require.NoError(t, os.WriteFile(filepath.Join(dir, h.Name), b, 0o644))
	}
}

// A service package goes through detect, build and release as the peer
// calls them, and ends as chaincode/server/connection.json, where the
// peer looks for a chaincode server; a connection.json without TLS is
// refused at build.
func TestAServicePackageIsReleasedAsTheServersConnection(t *testing.T) {
	pkg, err := ccpackage.BuildService("svc", ccpackage.Connection{Address: "127.0.0.1:9999", TLSRequired: true, RootCert: rootPEM(t)})
	require.NoError(t, err)
	meta, src, build, release := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	outer := untar(t, pkg.Bytes, meta)
	untar(t, outer["code.tar.gz"], src)
	require.NoError(t, Detect([]string{src, meta}))
	require.NoError(t, Build([]string{src, meta, build}))
	require.NoError(t, Release([]string{build, release}))
	got, err := os.ReadFile(filepath.Join(release, "chaincode", "server", "connection.json"))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(src, ccpackage.ConnectionFile))
	require.NoError(t, err)
	assert.Equal(t, want, got)

	require.NoError(t, os.WriteFile(filepath.Join(src, ccpackage.ConnectionFile),
		[]byte(`{"address":"127.0.0.1:9999","dial_timeout":"10s","tls_required":false}`), 0o644))
	assert.ErrorIs(t, Build([]string{src, meta, t.TempDir()}), ccpackage.ErrServiceTLS)

	require.NoError(t, os.WriteFile(filepath.Join(meta, "metadata.json"), []byte(`{"type":"golang","label":"x"}`), 0o644))
	assert.Error(t, Detect([]string{src, meta}), "a package type of no builder here")
	assert.NoError(t, Release([]string{t.TempDir(), t.TempDir()}), "a built chaincode releases nothing")
}

func rootPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "root"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
