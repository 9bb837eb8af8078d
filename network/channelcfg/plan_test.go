package channelcfg

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/carechain/carechain/network/pki"
)

// testOrg is an org with a CA of its own: its channel MSP folder and an
// admin's MSP folder, signed by that CA.
type testOrg struct {
	mspID, mspDir, adminDir string
	caCert                  *x509.Certificate
	caKey                   *ecdsa.PrivateKey
}

func newTestOrg(t *testing.T, mspID string) testOrg {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + mspID},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	caCert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	rootFile := filepath.Join(dir, "ca-cert.pem")
	require.NoError(t, os.WriteFile(rootFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	o := testOrg{mspID: mspID, mspDir: filepath.Join(dir, "msp"), adminDir: filepath.Join(dir, "admin"), caCert: caCert, caKey: caKey}
	require.NoError(t, pki.WriteOrgMSP(rootFile, o.mspDir))

	adminKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	adminTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "admin", OrganizationalUnit: []string{"admin"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	adminDER, err := x509.CreateCertificate(rand.Reader, adminTmpl, caCert, &adminKey.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(adminKey)
	require.NoError(t, err)
	for path, block := range map[string]*pem.Block{
		filepath.Join(o.adminDir, "signcerts", "cert.pem"): {Type: "CERTIFICATE", Bytes: adminDER},
		filepath.Join(o.adminDir, "keystore", "admin_sk"):  {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
		require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(block), 0o600))
	}
	return o
}

// consortium: two peer orgs, a submit-only org without peers, and a
// third peer org (C) that joins later.
type consortium struct{ a, b, patients, c testOrg }

func newConsortium(t *testing.T) consortium {
	return consortium{newTestOrg(t, "AMSP"), newTestOrg(t, "BMSP"), newTestOrg(t, "PatientsMSP"), newTestOrg(t, "CMSP")}
}

// channel describes the channel with the given members, as carenet's
// channelSpec does (peer orgs have one anchor peer each).
func channel(orgs ...testOrg) Channel {
	c := Channel{Name: "care"}
	for i, o := range orgs {
		m := Org{Name: o.mspID, MSPID: o.mspID, MSPDir: o.mspDir, SubmitOnly: o.mspID == "PatientsMSP"}
		if !m.SubmitOnly {
			m.Anchors = []string{fmt.Sprintf("127.0.0.1:%d", 7051+100*i)}
			c.PeerMSPs = append(c.PeerMSPs, o.mspID)
		}
		c.Members = append(c.Members, m)
	}
	return c
}

func want(t *testing.T, c Channel) Want {
	t.Helper()
	w, err := WantOf(c)
	require.NoError(t, err)
	return w
}

// configOf is a channel config with w's application side, made by
// planning w on an empty application group (as a genesis block has it).
func configOf(t *testing.T, w Want) *cb.Config {
	t.Helper()
	empty := &cb.Config{ChannelGroup: &cb.ConfigGroup{Groups: map[string]*cb.ConfigGroup{
		configtx.ApplicationGroupKey: {Groups: map[string]*cb.ConfigGroup{}, Values: map[string]*cb.ConfigValue{},
			Policies: map[string]*cb.ConfigPolicy{}, ModPolicy: configtx.AdminsPolicyKey},
	}}}
	p, err := NewPlan("care", empty, w)
	require.NoError(t, err)
	return p.Updated()
}

func applicationOf(t *testing.T, cfg *cb.Config) configtx.Application {
	t.Helper()
	tx := configtx.New(cfg)
	app, err := tx.Application().Configuration()
	require.NoError(t, err)
	return app
}

func TestAnOrgThatJoinsIsAddedWithTheMajoritiesItChanges(t *testing.T) {
	k := newConsortium(t)
	current := configOf(t, want(t, channel(k.a, k.b, k.patients)))

	plan, err := NewPlan("care", current, want(t, channel(k.a, k.b, k.patients, k.c)))
	require.NoError(t, err)
	assert.Equal(t, []string{"CMSP"}, plan.Added)
	assert.Empty(t, plan.Removed)
	assert.ElementsMatch(t, []string{"policy CommitStatus", "policy Endorsement", "policy LifecycleEndorsement"}, plan.Changed)

	app := applicationOf(t, plan.Updated())
	assert.Equal(t, "OUTOF(2, 'AMSP.peer', 'BMSP.peer', 'CMSP.peer')", app.Policies["Endorsement"].Rule)
	assert.Equal(t, "OUTOF(2, 'AMSP.peer', 'BMSP.peer', 'CMSP.peer')", app.Policies["LifecycleEndorsement"].Rule)
	var added configtx.Organization
	for _, o := range app.Organizations {
		if o.Name == "CMSP" {
			added = o
		}
	}
	require.Equal(t, "CMSP", added.MSP.Name)
	assert.True(t, added.MSP.RootCerts[0].Equal(k.c.caCert))
	assert.True(t, added.MSP.NodeOUs.Enable)
	assert.Equal(t, []configtx.Address{{Host: "127.0.0.1", Port: 7351}}, added.AnchorPeers)
	same, err := samePolicy(added.Policies["Admins"], configtx.Policy{Type: configtx.SignaturePolicyType, Rule: "OR('CMSP.admin')"})
	require.NoError(t, err)
	assert.True(t, same, "the new org's admins: %v", added.Policies["Admins"])

	// MAJORITY Admins of the three members: two admins sign, in the order given.
	signers, err := plan.Signers([]string{"BMSP", "PatientsMSP", "AMSP", "CMSP"})
	require.NoError(t, err)
	assert.Equal(t, []string{"BMSP", "PatientsMSP"}, signers)
	_, err = plan.Signers([]string{"AMSP", "CMSP"})
	require.ErrorContains(t, err, "/Channel/Application/Admins needs the admins of 2 of [AMSP BMSP PatientsMSP]")

	// What the change gives is what is wanted: planning again changes nothing.
	again, err := NewPlan("care", plan.Updated(), want(t, channel(k.a, k.b, k.patients, k.c)))
	require.NoError(t, err)
	assert.True(t, again.Empty(), "%s", again)
}

func TestAnOrgThatLeavesIsRemovedAndAFailedAddRollsBack(t *testing.T) {
	k := newConsortium(t)
	before := configOf(t, want(t, channel(k.a, k.b, k.patients)))
	add, err := NewPlan("care", before, want(t, channel(k.a, k.b, k.patients, k.c)))
	require.NoError(t, err)
	after := add.Updated()

	// Back to the config before: the org leaves, the majorities return.
	undo, err := WantFrom(before)
	require.NoError(t, err)
	back, err := NewPlan("care", after, undo)
	require.NoError(t, err)
	assert.Equal(t, []string{"CMSP"}, back.Removed)
	assert.Equal(t, applicationOf(t, before).Policies, applicationOf(t, back.Updated()).Policies)
	assert.ElementsMatch(t, applicationOf(t, before).Organizations, applicationOf(t, back.Updated()).Organizations)

	// Four members: three admins sign; the leaving org's last, so not needed.
	signers, err := back.Signers([]string{"AMSP", "BMSP", "PatientsMSP", "CMSP"})
	require.NoError(t, err)
	assert.Equal(t, []string{"AMSP", "BMSP", "PatientsMSP"}, signers)
}

// A change inside one org's group needs only that org's admin.
func TestMovingAnAnchorPeerNeedsOnlyItsOrg(t *testing.T) {
	k := newConsortium(t)
	c := channel(k.a, k.b, k.patients)
	current := configOf(t, want(t, c))
	c.Members[1].Anchors = []string{"10.0.0.2:7051"}
	plan, err := NewPlan("care", current, want(t, c))
	require.NoError(t, err)
	assert.Equal(t, []string{"anchor peers of BMSP"}, plan.Changed)
	signers, err := plan.Signers([]string{"AMSP", "BMSP", "PatientsMSP"})
	require.NoError(t, err)
	assert.Equal(t, []string{"BMSP"}, signers)
	app := applicationOf(t, plan.Updated())
	for _, o := range app.Organizations {
		if o.Name == "BMSP" {
			assert.Equal(t, []configtx.Address{{Host: "10.0.0.2", Port: 7051}}, o.AnchorPeers)
		}
	}
}

// The update travels as a CONFIG_UPDATE envelope; each admin adds a
// signature that verifies with its certificate over the update.
func TestEachAdminSignsTheUpdateWithItsOwnKey(t *testing.T) {
	k := newConsortium(t)
	plan, err := NewPlan("care", configOf(t, want(t, channel(k.a, k.b, k.patients))), want(t, channel(k.a, k.b, k.patients, k.c)))
	require.NoError(t, err)
	u, err := plan.Update()
	require.NoError(t, err)
	for _, o := range []testOrg{k.a, k.b} {
		signer, err := SignerFromMSP(o.mspID, o.adminDir)
		require.NoError(t, err)
		data, err := u.Marshal()
		require.NoError(t, err)
		if u, err = ParseUpdate(data); err != nil { // as if the file travelled to the next org
			t.Fatal(err)
		}
		require.NoError(t, Sign(u, signer))
	}
	by, err := u.SignedBy()
	require.NoError(t, err)
	assert.Equal(t, []string{"AMSP", "BMSP"}, by)
	assert.Equal(t, "care", u.Channel)
	for i, o := range []testOrg{k.a, k.b} {
		s := u.Signatures[i]
		cert, err := parseCert(mustRead(t, filepath.Join(o.adminDir, "signcerts", "cert.pem")))
		require.NoError(t, err)
		digest := sha256.Sum256(append(append([]byte{}, s.SignatureHeader...), u.ConfigUpdate...))
		assert.True(t, ecdsa.VerifyASN1(cert.PublicKey.(*ecdsa.PublicKey), digest[:], s.Signature), "signature of %s", o.mspID)
	}
	var update cb.ConfigUpdate
	require.NoError(t, proto.Unmarshal(u.ConfigUpdate, &update))
	assert.Contains(t, update.WriteSet.Groups[configtx.ApplicationGroupKey].Groups, "CMSP")

	_, err = plan.Signers(nil)
	require.Error(t, err)
	empty, err := NewPlan("care", plan.Updated(), want(t, channel(k.a, k.b, k.patients, k.c)))
	require.NoError(t, err)
	_, err = empty.Update()
	require.ErrorContains(t, err, "nothing to update")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}
