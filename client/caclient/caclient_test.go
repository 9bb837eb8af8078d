package caclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnrollGeneratesTheKeyAndAcceptsOnlyItsCertificate(t *testing.T) {
	f, c := newFakeCA(t)
	ctx := context.Background()
	e, err := c.Enroll(ctx, "registrar", "boot", CSR{Hosts: []string{"127.0.0.1", "peer0.a"}, Profile: "tls"})
	require.NoError(t, err)
	assert.Equal(t, "registrar", e.Cert.Subject.CommonName)
	assert.Equal(t, []string{"peer0.a"}, e.Cert.DNSNames)
	assert.Len(t, e.Cert.IPAddresses, 1)
	assert.True(t, e.Cert.PublicKey.(*ecdsa.PublicKey).Equal(&e.Key.PublicKey))
	require.NoError(t, e.Cert.CheckSignatureFrom(f.root))
	assert.Contains(t, string(e.CAChainPEM), "BEGIN CERTIFICATE")

	_, err = c.Enroll(ctx, "registrar", "wrong", CSR{})
	var ce *Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 401, ce.Status)
	assert.ErrorIs(t, err, ErrAuthentication)
	assert.NotErrorIs(t, err, ErrAlreadyRegistered)
}

func TestRegisterWithTokenThenEnrollOnce(t *testing.T) {
	_, c := newFakeCA(t)
	ctx := context.Background()
	boot, err := c.Enroll(ctx, "registrar", "boot", CSR{})
	require.NoError(t, err)
	secret, err := c.Register(ctx, boot.Identity(), Registration{Name: "p1", Secret: "s3cret", MaxEnrollments: 1,
		Attrs: []Attribute{{Name: "role", Value: "patient", ECert: true}}})
	require.NoError(t, err)
	assert.Equal(t, "s3cret", secret)

	_, err = c.Register(ctx, boot.Identity(), Registration{Name: "p1"})
	assert.ErrorIs(t, err, ErrAlreadyRegistered)

	_, err = c.Enroll(ctx, "p1", secret, CSR{})
	require.NoError(t, err)
	_, err = c.Enroll(ctx, "p1", secret, CSR{})
	assert.ErrorIs(t, err, ErrAuthentication, "a one-time secret enrolls once")
}

func TestTokenIsRefusedWhenSignedByAnotherKey(t *testing.T) {
	_, c := newFakeCA(t)
	ctx := context.Background()
	boot, err := c.Enroll(ctx, "registrar", "boot", CSR{})
	require.NoError(t, err)
	other, err := c.Enroll(ctx, "registrar", "boot", CSR{})
	require.NoError(t, err)
	forged := KeyIdentity(boot.CertPEM, other.Key)
	_, err = c.Register(ctx, forged, Registration{Name: "x"})
	assert.ErrorIs(t, err, ErrAuthentication)
}

// A signer that returns high-S signatures (valid ECDSA, refused by Fabric)
// still makes an accepted token: Token lowers S.
func TestTokenLowersS(t *testing.T) {
	f, c := newFakeCA(t)
	ctx := context.Background()
	boot, err := c.Enroll(ctx, "registrar", "boot", CSR{})
	require.NoError(t, err)
	high := Identity{CertPEM: boot.CertPEM, Sign: func(digest []byte) ([]byte, error) {
		r, s, err := ecdsa.Sign(rand.Reader, boot.Key, digest)
		if err != nil {
			return nil, err
		}
		n := boot.Key.Curve.Params().N
		if s.Cmp(new(big.Int).Rsh(n, 1)) <= 0 {
			s.Sub(n, s)
		}
		return asn1.Marshal(ecdsaSig{R: r, S: s})
	}}
	ids, err := c.Identities(ctx, high)
	require.NoError(t, err)
	assert.Equal(t, "/api/v1/identities", f.lastURI)
	require.Len(t, ids, 1)
	assert.Equal(t, "registrar", ids[0].ID)
}

func TestRevokeAndNotFound(t *testing.T) {
	_, c := newFakeCA(t)
	ctx := context.Background()
	boot, err := c.Enroll(ctx, "registrar", "boot", CSR{})
	require.NoError(t, err)
	_, err = c.Register(ctx, boot.Identity(), Registration{Name: "u1", Secret: "x"})
	require.NoError(t, err)
	revoked, err := c.Revoke(ctx, boot.Identity(), Revocation{Name: "u1", Reason: "keycompromise"})
	require.NoError(t, err)
	assert.Len(t, revoked, 1)
	_, err = c.Revoke(ctx, boot.Identity(), Revocation{Name: "nobody"})
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestUnreachableAndUntrusted(t *testing.T) {
	_, c := newFakeCA(t)
	stranger, err := New(c.URL(), otherRootPEM(t), Options{})
	require.NoError(t, err)
	_, err = stranger.Enroll(context.Background(), "registrar", "boot", CSR{})
	assert.ErrorIs(t, err, ErrUnreachable, "a CA whose TLS certificate the root does not sign is not talked to")

	_, err = New("http://127.0.0.1:1", otherRootPEM(t), Options{})
	assert.Error(t, err, "plain http is refused")
}

func otherRootPEM(t *testing.T) []byte {
	other, _ := newFakeCA(t)
	return encodeCert(other.root.Raw)
}

func TestWriteMSPReplacesAWholeFolder(t *testing.T) {
	_, c := newFakeCA(t)
	e, err := c.Enroll(context.Background(), "registrar", "boot", CSR{})
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "wallet", "org", "u", "msp")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "keystore"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keystore", "old_sk"), []byte("old"), 0o600))
	require.NoError(t, WriteMSP(dir, e, WalletKeyFile, e.CAChainPEM))
	keys, _ := filepath.Glob(filepath.Join(dir, "keystore", "*"))
	assert.Equal(t, []string{filepath.Join(dir, "keystore", WalletKeyFile)}, keys)
	fi, err := os.Stat(keys[0])
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	cert, err := os.ReadFile(filepath.Join(dir, CertFile))
	require.NoError(t, err)
	assert.Equal(t, e.CertPEM, cert)
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".msp-*"))
	assert.Empty(t, leftovers)
	assert.True(t, errors.Is(&Error{Status: 409}, ErrAlreadyRegistered))
}

func TestReenrollNeedsNoSecret(t *testing.T) {
	f, c := newFakeCA(t)
	ctx := context.Background()
	boot, err := c.Enroll(ctx, "registrar", "boot", CSR{})
	require.NoError(t, err)
	tlsCert, err := c.Reenroll(ctx, boot.Identity(), CSR{Profile: "tls", Hosts: []string{"node.a"}})
	require.NoError(t, err)
	assert.Equal(t, "registrar", tlsCert.Cert.Subject.CommonName)
	assert.Equal(t, []string{"node.a"}, tlsCert.Cert.DNSNames)
	assert.False(t, tlsCert.Key.Equal(boot.Key), "a new key")
	assert.Equal(t, 1, f.users["registrar"].enrolled, "no enrollment used")
}
