package client

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/caclient"
	"github.com/carechain/carechain/client/profile"
)

// testCA issues enrollments as an org's CA would.
type testCA struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
	pem  []byte
}

func newTestCA(t *testing.T) *testCA {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, _ := x509.ParseCertificate(der)
	return &testCA{key: key, cert: cert, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

func (ca *testCA) issue(t *testing.T, cn string) *caclient.Enrollment {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	cert, _ := x509.ParseCertificate(der)
	return &caclient.Enrollment{CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), Cert: cert, Key: key}
}

// walletClient is a client of a profile with one org, "patients", whose CA
// is ca and whose profile lists the user "admin" (enrolled in the state folder).
func walletClient(t *testing.T, ca *testCA) *Client {
	dir := t.TempDir()
	root := filepath.Join(dir, "ca-cert.pem")
	require.NoError(t, os.WriteFile(root, ca.pem, 0o644))
	po := profile.Org{Name: "patients", MSPID: "PatientsMSP", UsersDir: filepath.Join(dir, "users"),
		Users: []profile.User{{Name: "admin", Type: "admin"}}, CA: &profile.CA{URL: "https://127.0.0.1:1", TLSRootCert: root, RootCert: root}}
	require.NoError(t, caclient.WriteMSP(po.UserMSP("admin"), ca.issue(t, "admin"), "x_sk", ca.pem))
	return New(&profile.Profile{Orgs: []profile.Org{po}})
}

func TestWalletUsersAreFoundAfterTheProfiles(t *testing.T) {
	ca := newTestCA(t)
	c := walletClient(t, ca)
	w := Wallet(t.TempDir())
	_, err := w.Put("patients", "patient1", ca.issue(t, "p0123456789abcdef0123456789abcdef"), ca.pem)
	require.NoError(t, err)
	assert.True(t, w.Has("patients", "patient1"))
	users, err := w.Users("patients")
	require.NoError(t, err)
	assert.Equal(t, []string{"patient1"}, users)

	id, err := c.Identity("patients", "patient1", SessionOptions{Wallet: w})
	require.NoError(t, err)
	assert.Equal(t, "patient1", id.Name)
	assert.Equal(t, "p0123456789abcdef0123456789abcdef", id.EnrollmentID())
	assert.Equal(t, w.MSP("patients", "patient1"), id.MSPDir)
	key, err := os.Stat(filepath.Join(id.MSPDir, "keystore", caclient.WalletKeyFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), key.Mode().Perm())

	_, err = c.Identity("patients", "patient1")
	assert.ErrorContains(t, err, "has no user", "without a wallet, only the profile's users")
	_, err = c.Identity("patients", "nobody", SessionOptions{Wallet: w})
	assert.ErrorContains(t, err, "nor in wallet")

	// The profile's users come from the state folder, even when a wallet
	// holds the name too.
	_, err = w.Put("patients", "admin", ca.issue(t, "admin"), ca.pem)
	require.NoError(t, err)
	admin, err := c.Identity("patients", "admin", SessionOptions{Wallet: w})
	require.NoError(t, err)
	assert.NotEqual(t, w.MSP("patients", "admin"), admin.MSPDir)
}

func TestWalletEntryOfAnotherCAIsRefused(t *testing.T) {
	c := walletClient(t, newTestCA(t))
	other := newTestCA(t)
	w := Wallet(t.TempDir())
	_, err := w.Put("patients", "patient1", other.issue(t, "p1"), other.pem)
	require.NoError(t, err)
	_, err = c.Identity("patients", "patient1", SessionOptions{Wallet: w})
	assert.ErrorContains(t, err, "another consortium")
}

func TestWalletNamesStayInside(t *testing.T) {
	ca := newTestCA(t)
	w := Wallet(t.TempDir())
	for _, bad := range []string{"", "..", "a/b", "."} {
		_, err := w.Put("patients", bad, ca.issue(t, "x"), nil)
		assert.Error(t, err, "%q", bad)
	}
	t.Setenv(WalletEnv, "/tmp/some-wallet")
	assert.Equal(t, Wallet("/tmp/some-wallet"), DefaultWallet())
}
