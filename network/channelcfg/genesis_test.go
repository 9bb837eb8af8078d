package channelcfg

import (
	"context"
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

	"github.com/hyperledger/fabric-config/configtx"
	"github.com/stretchr/testify/require"
)

// The genesis block configtxgen makes from a channel's description is
// what WantOf wants of it: a reconcile of an unchanged topology plans no
// update. Needs configtxgen (FABRIC_BIN, as scripts/fabric-bins.sh gives).
func TestTheGenesisBlockIsWhatIsWanted(t *testing.T) {
	bin := os.Getenv("FABRIC_BIN")
	if bin == "" {
		t.Skip("FABRIC_BIN is not set: no configtxgen")
	}
	k := newConsortium(t)
	ord := newTestOrg(t, "OrdererMSP")
	c := channel(k.a, k.b, k.patients)
	c.Batch = Batch{Timeout: 400 * time.Millisecond, MaxMessageCount: 50, PreferredMaxBytes: 1<<20 + 3}
	c.OrdererOrg = Org{Name: "orderer", MSPID: ord.mspID, MSPDir: ord.mspDir, OrdererEndpoints: []string{"127.0.0.1:7050"}}
	c.Consenters = []Consenter{{Host: "127.0.0.1", Port: 7050, TLSCert: tlsCert(t, ord)}}
	dir := t.TempDir()
	block := filepath.Join(dir, "genesis.block")
	require.NoError(t, GenesisBlock(context.Background(), filepath.Join(bin, "configtxgen"), dir, block, c))
	data, err := os.ReadFile(block)
	require.NoError(t, err)
	cfg, err := ConfigFromBlock(data)
	require.NoError(t, err)

	plan, err := NewPlan("care", cfg, want(t, c))
	require.NoError(t, err)
	require.True(t, plan.Empty(), "%s", plan)
	batch, err := BatchOf(cfg)
	require.NoError(t, err)
	require.Equal(t, Batch{Timeout: 400 * time.Millisecond, MaxMessageCount: 50, AbsoluteMaxBytes: 99 << 20, PreferredMaxBytes: 1<<20 + 3}, batch,
		"the genesis block has the described batching, defaults for what it leaves out")
	// An org added by an update gets the MSP configtxgen would give it.
	tx := configtx.New(cfg)
	inGenesis, err := tx.Application().Organization("BMSP").MSP().Configuration()
	require.NoError(t, err)
	read, err := ReadMSP("BMSP", k.b.mspDir)
	require.NoError(t, err)
	require.Equal(t, withoutEmpties(inGenesis), withoutEmpties(read))

	c2 := channel(k.a, k.b, k.patients, k.c)
	plan, err = NewPlan("care", cfg, want(t, c2))
	require.NoError(t, err)
	require.Equal(t, []string{"CMSP"}, plan.Added)
	signers, err := plan.Signers([]string{"AMSP", "BMSP", "PatientsMSP", "CMSP"})
	require.NoError(t, err)
	require.Equal(t, []string{"AMSP", "BMSP"}, signers, "MAJORITY Admins of three")
}

// tlsCert writes a TLS server certificate signed by the org's CA.
func tlsCert(t *testing.T, o testOrg) string {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	// A self-signed server certificate is enough for configtxgen.
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "orderer1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	path := filepath.Join(filepath.Dir(o.mspDir), "server.crt")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	return path
}

// withoutEmpties reads an empty list as none.
func withoutEmpties(m configtx.MSP) configtx.MSP {
	if len(m.IntermediateCerts) == 0 {
		m.IntermediateCerts = nil
	}
	if len(m.Admins) == 0 {
		m.Admins = nil
	}
	if len(m.RevocationList) == 0 {
		m.RevocationList = nil
	}
	if len(m.OrganizationalUnitIdentifiers) == 0 {
		m.OrganizationalUnitIdentifiers = nil
	}
	if len(m.TLSIntermediateCerts) == 0 {
		m.TLSIntermediateCerts = nil
	}
	return m
}
