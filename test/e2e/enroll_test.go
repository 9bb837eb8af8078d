//go:build e2e

// Named to sort before teardown_test.go: files run in name order and the
// teardown removes the consortium.

package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cc "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/caclient"
	"github.com/carechain/carechain/client/consent"
)

// A patient registered during the test — by the patients' registrar, with
// a random enrollment id and a one-time secret, linked on chain to a new
// pseudonym — enrolls through carectl's enroll code path (client.Enroll)
// into a wallet of its own: the secret works once, the patient transacts
// and grants a consent with its own key, and that key is in no file of the
// operator's state folder.
func TestRegisteredPatientEnrollsOnceAndActsWithAKeyOnlyItHolds(t *testing.T) {
	ctx := context.Background()
	registrar, err := cl.Identity("patients", patientRegistrar)
	require.NoError(t, err)
	r, err := cl.Register(ctx, registrar, "patients", client.Registration{Role: client.RolePatient})
	require.NoError(t, err)
	assert.Regexp(t, `^p[0-9a-f]{32}$`, r.EnrollmentID)
	subject := client.NewSubject()
	require.NoError(t, linkPatient(ctx, r.EnrollmentID, subject))

	w := client.Wallet(t.TempDir())
	id, err := cl.Enroll(ctx, "patients", client.EnrollRequest{Name: r.EnrollmentID, Secret: r.Secret, As: "newcomer"}, w)
	require.NoError(t, err)
	assert.Equal(t, client.RolePatient, id.Attrs()["role"])
	assert.NotContains(t, id.Attrs(), "patient_id", "no pseudonym in the certificate")
	_, err = cl.Enroll(ctx, "patients", client.EnrollRequest{Name: r.EnrollmentID, Secret: r.Secret, As: "again"}, w)
	assert.ErrorIs(t, err, caclient.ErrAuthentication, "a one-time secret enrolls once")
	assert.False(t, w.Has("patients", "again"))

	s, err := cl.Session("patients", "newcomer", client.SessionOptions{Wallet: w})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	res := put(t, s, "care", "newcomer-key", "mine")
	assert.NotZero(t, res.Block)
	now := time.Now().UTC()
	grant, err := consent.New(s, "care").Grant(ctx, cc.GrantInput{ID: fmt.Sprintf("e2e-newcomer-%d", now.UnixNano()), Subject: subject, Decision: cc.Permit,
		Period: cc.Period{Start: now.Add(-time.Minute).Format(time.RFC3339), End: now.Add(time.Hour).Format(time.RFC3339)},
		Provision: cc.Provision{Actors: []cc.Actor{{Org: "ProviderMSP", Role: "physician"}}, Actions: []string{"access"},
			Purposes: []string{"treatment"}, DataClasses: []string{"labs"}}})
	require.NoError(t, err, "the linked patient grants with its own signature")
	assert.NotEmpty(t, grant.TxID)

	assertKeyOnlyInWallet(t, id, w)
}

// assertKeyOnlyInWallet checks that the identity's private key (PEM, PKCS
// #8 DER, the raw scalar) is in no file of the state folder, and is in the wallet.
func assertKeyOnlyInWallet(t *testing.T, id *client.Identity, w client.Wallet) {
	t.Helper()
	keyPEM, err := os.ReadFile(filepath.Join(id.MSPDir, "keystore", caclient.WalletKeyFile))
	require.NoError(t, err)
	block, _ := pem.Decode(keyPEM)
	require.NotNil(t, block)
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	key, ok := parsed.(*ecdsa.PrivateKey)
	require.True(t, ok, "an ECDSA key")
	ec, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	d, err := key.Bytes()
	require.NoError(t, err)
	needles := [][]byte{keyPEM, block.Bytes, ec, d}
	assert.Empty(t, filesContaining(t, home, needles...), "the patient's key is in the state folder")
	assert.NotEmpty(t, filesContaining(t, string(w), keyPEM), "positive control: the scan finds the key where it is")
}

// The suite's own patients were registered the same way: random
// enrollment ids, no pseudonym in their certificates, keys in a wallet
// outside the state folder.
func TestSuitePatientsHoldTheirOwnKeys(t *testing.T) {
	rel, err := filepath.Rel(home, string(wallet))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(rel, ".."), "wallet %s is outside the state folder %s", wallet, home)
	for _, p := range patients {
		assert.Regexp(t, `^p[0-9a-f]{32}$`, enrollmentID(t, p.user))
		id, err := cl.Identity("patients", p.user, client.SessionOptions{Wallet: wallet})
		require.NoError(t, err)
		assert.NotContains(t, id.Attrs(), "patient_id")
		subject, err := consent.New(session(t, "patients", p.user), "care").PatientSubject(context.Background())
		require.NoError(t, err)
		assert.Equal(t, p.subject, subject, "%s is linked to its subject", p.user)
	}
}
