package memstub

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCAIssuesCertificatesThatChainToItsRoot(t *testing.T) {
	ca := NewCA("PatientsMSP")
	id := ca.Issue("patient1", map[string]string{"role": "patient", "patient_id": "pt-1"})
	assert.Equal(t, "PatientsMSP", id.MSPID)
	assert.Equal(t, "patient1", id.Cert.Subject.CommonName)

	block, _ := pem.Decode([]byte(ca.CertPEM()))
	require.NotNil(t, block)
	root, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(root)
	_, err = id.Cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	require.NoError(t, err)

	// Another CA's root does not verify it, nor does a self-signed identity chain.
	other := x509.NewCertPool()
	other.AddCert(NewCA("PatientsMSP").Cert())
	_, err = id.Cert.Verify(x509.VerifyOptions{Roots: other, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	assert.Error(t, err)
	_, err = NewIdentity("PatientsMSP", "p", nil).Cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	assert.Error(t, err)

	// The attribute extension reads as NewIdentity's does.
	attrs, err := attrmgr.New().GetAttributesFromCert(id.Cert)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"role": "patient", "patient_id": "pt-1", "hf.EnrollmentID": "patient1",
		"hf.Type": "client", "hf.Affiliation": ""}, attrs.Attrs)
	assert.Equal(t, []string{"client"}, id.Cert.Subject.OrganizationalUnit)
}

func TestIdentitySignVerifiesWithItsCertificate(t *testing.T) {
	id := NewCA("PatientsMSP").Issue("patient1", nil)
	msg := []byte("canonical consent")
	sig := id.Sign(msg)
	digest := sha256.Sum256(msg)
	pub, ok := id.Cert.PublicKey.(*ecdsa.PublicKey)
	require.True(t, ok)
	assert.True(t, ecdsa.VerifyASN1(pub, digest[:], sig))
	other := sha256.Sum256([]byte("another consent"))
	assert.False(t, ecdsa.VerifyASN1(pub, other[:], sig))
	assert.Equal(t, pub, id.PublicKey())
}
