package caclient

import (
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/caclient/catest"
)

// startRealCA runs fabric-ca-server (or skips) and returns a client of it.
func startRealCA(t *testing.T) *Client {
	srv := catest.Start(t, "registrar", "boot")
	root, err := os.ReadFile(srv.RootCert)
	require.NoError(t, err)
	c, err := New(srv.URL, root, Options{CAName: "ca-test"})
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
	c := startRealCA(t)
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

	// The CRL lists the revoked certificates, signed by the CA's root; a
	// registrar without hf.GenCRL may not ask for it.
	crlPEM, err := c.GenCRL(ctx, boot.Identity())
	require.NoError(t, err)
	block, _ := pem.Decode(crlPEM)
	require.NotNil(t, block, "a PEM CRL")
	crl, err := x509.ParseRevocationList(block.Bytes)
	require.NoError(t, err)
	listed := map[string]bool{}
	for _, e := range crl.RevokedCertificateEntries {
		listed[e.SerialNumber.Text(16)] = true
	}
	assert.True(t, listed[p1.Cert.SerialNumber.Text(16)], "the revoked enrollment certificate is in the CRL")
	assert.False(t, listed[reg.Cert.SerialNumber.Text(16)])
	_, err = c.GenCRL(ctx, reg.Identity())
	assert.ErrorIs(t, err, ErrAuthorization, "no hf.GenCRL")
}
