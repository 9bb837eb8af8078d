package channelcfg

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

// identityOf is an identity of org o with the given OU, issued by o's CA
// and claiming the MSP id mspID.
func identityOf(t *testing.T, o testOrg, mspID, ou string) *configtx.SigningIdentity {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: ou + "1", OrganizationalUnit: []string{ou}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, o.caCert, &key.PublicKey, o.caKey)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return &configtx.SigningIdentity{Certificate: cert, PrivateKey: key, MSPID: mspID}
}

func adminOf(t *testing.T, o testOrg) *configtx.SigningIdentity {
	t.Helper()
	s, err := SignerFromMSP(o.mspID, o.adminDir)
	require.NoError(t, err)
	return s
}

// addC is care (A, B, patients) and the update that adds C: MAJORITY
// Admins of three, so two admins must sign.
func addC(t *testing.T, k consortium) (*cb.Config, *Update) {
	t.Helper()
	current := configOf(t, want(t, channel(k.a, k.b, k.patients)))
	plan, err := NewPlan("care", current, want(t, channel(k.a, k.b, k.patients, k.c)))
	require.NoError(t, err)
	u, err := plan.Update()
	require.NoError(t, err)
	return current, u
}

// signedThroughFiles has each signer sign the update where it is, as the
// file travels from one org's folder to the next.
func signedThroughFiles(t *testing.T, u *Update, signers ...*configtx.SigningIdentity) *Update {
	t.Helper()
	file := filepath.Join(t.TempDir(), "config-update.pb")
	require.NoError(t, u.WriteFile(file))
	for _, s := range signers {
		got, err := ReadUpdateFile(file)
		require.NoError(t, err)
		require.NoError(t, Sign(got, s))
		require.NoError(t, got.WriteFile(file))
	}
	out, err := ReadUpdateFile(file)
	require.NoError(t, err)
	return out
}

func TestAnUpdateSignedByTheAdminsItsPoliciesNeedMayBeSubmitted(t *testing.T) {
	k := newConsortium(t)
	current, u := addC(t, k)
	signed := signedThroughFiles(t, u, adminOf(t, k.b), adminOf(t, k.a))
	by, err := Check(current, signed)
	require.NoError(t, err)
	assert.Equal(t, []string{"BMSP", "AMSP"}, by)
	assert.True(t, signed.SignedAs("AMSP", adminOf(t, k.a).Certificate))
	assert.False(t, signed.SignedAs("PatientsMSP", adminOf(t, k.patients).Certificate))
}

// Too few signatures: the error names the policy and the orgs of which
// one more admin must sign; an update nobody signed lacks two.
func TestAMissingSignatureIsNamed(t *testing.T) {
	k := newConsortium(t)
	current, u := addC(t, k)
	_, err := Check(current, signedThroughFiles(t, u, adminOf(t, k.a)))
	var unsigned *UnsignedError
	require.True(t, errors.As(err, &unsigned), "got %v", err)
	assert.Equal(t, []string{"BMSP", "PatientsMSP"}, unsigned.Orgs())
	assert.EqualError(t, err, "channel care: the update lacks signatures: /Channel/Application/Admins needs the admins of 2 of [AMSP BMSP PatientsMSP], signed by [AMSP]: 1 more of [BMSP PatientsMSP]")

	_, err = Check(current, u)
	require.True(t, errors.As(err, &unsigned))
	assert.Equal(t, 2, unsigned.Lacks[0].Need-len(unsigned.Lacks[0].Have))

	// The same admin twice is one org.
	_, err = Check(current, signedThroughFiles(t, u, adminOf(t, k.a), adminOf(t, k.a)))
	require.True(t, errors.As(err, &unsigned), "got %v", err)
}

// A change inside one org's group is that org's to sign: another
// member's admin does not stand in for it.
func TestAnOrgsOwnChangeNeedsItsOwnAdmin(t *testing.T) {
	k := newConsortium(t)
	c := channel(k.a, k.b, k.patients)
	current := configOf(t, want(t, c))
	c.Members[1].Anchors = []string{"10.0.0.2:7051"}
	plan, err := NewPlan("care", current, want(t, c))
	require.NoError(t, err)
	u, err := plan.Update()
	require.NoError(t, err)
	_, err = Check(current, signedThroughFiles(t, u, adminOf(t, k.a), adminOf(t, k.patients)))
	require.ErrorContains(t, err, "/Channel/Application/BMSP/Admins needs the admins of 1 of [BMSP], signed by []: 1 more of [BMSP]")
	_, err = Check(current, signedThroughFiles(t, u, adminOf(t, k.b)))
	require.NoError(t, err)
}

// Signatures that do not count are refused, each with its reason, even
// when the others would be enough.
func TestSignaturesThatDoNotCountAreRefused(t *testing.T) {
	k := newConsortium(t)
	current, u := addC(t, k)
	for name, tc := range map[string]struct {
		signer *configtx.SigningIdentity
		reason string
	}{
		"a client of B, not its admin":      {identityOf(t, k.b, "BMSP", "client"), "not an admin of BMSP (its certificate has OUs [client])"},
		"A's admin claiming to be B's":      {identityOf(t, k.a, "BMSP", "admin"), "its certificate was not issued by the CA of BMSP"},
		"C, which is not in the channel":    {adminOf(t, k.c), "not an org of the channel"},
		"an admin cert of a CA B never had": {identityOf(t, newTestOrg(t, "BMSP"), "BMSP", "admin"), "its certificate was not issued by the CA of BMSP"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Check(current, signedThroughFiles(t, u, adminOf(t, k.a), adminOf(t, k.patients), tc.signer))
			var bad *SignatureError
			require.True(t, errors.As(err, &bad), "got %v", err)
			assert.Equal(t, 2, bad.Index)
			assert.Equal(t, tc.reason, bad.Reason)
		})
	}
}

// An update changed after it was signed (here: another org's anchor
// peer slipped into the write set) fails every signature made before.
func TestAnUpdateChangedAfterSigningIsRefused(t *testing.T) {
	k := newConsortium(t)
	current, u := addC(t, k)
	signed := signedThroughFiles(t, u, adminOf(t, k.a), adminOf(t, k.b))
	var cu cb.ConfigUpdate
	require.NoError(t, proto.Unmarshal(signed.ConfigUpdate, &cu))
	cu.WriteSet.Groups[configtx.ApplicationGroupKey].Groups["CMSP"].ModPolicy = "Readers"
	tampered, err := proto.Marshal(&cu)
	require.NoError(t, err)
	signed.ConfigUpdate = tampered

	_, err = Check(current, signed)
	var bad *SignatureError
	require.True(t, errors.As(err, &bad), "got %v", err)
	assert.Equal(t, 0, bad.Index)
	assert.Equal(t, "AMSP", bad.MSPID)
	assert.Contains(t, bad.Error(), "does not verify over the update")
}
