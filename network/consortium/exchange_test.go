package consortium

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/carechain/carechain/network/channelcfg"
	"github.com/carechain/carechain/network/proc"
)

// writeAdmin enrolls a self-made admin (its own CA) into org's wallet:
// signcerts/cert.pem and keystore/*_sk, as pki writes them.
func writeAdmin(t *testing.T, c *Consortium, org string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "admin", OrganizationalUnit: []string{"admin"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	msp := c.Home.UserMSP(org, "admin")
	for path, block := range map[string]*pem.Block{
		filepath.Join(msp, "signcerts", "cert.pem"): {Type: "CERTIFICATE", Bytes: der},
		filepath.Join(msp, "keystore", "k_sk"):      {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
		require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(block), 0o600))
	}
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert
}

func writeUpdateFile(t *testing.T, c *Consortium) string {
	t.Helper()
	cu, err := proto.Marshal(&cb.ConfigUpdate{ChannelId: "ch", WriteSet: &cb.ConfigGroup{Version: 1}})
	require.NoError(t, err)
	file := filepath.Join(c.Home.Updates("ch"), "config-2.pb")
	require.NoError(t, (&channelcfg.Update{Channel: "ch", ConfigUpdate: cu}).WriteFile(file))
	return file
}

// Each org signs the file with the admin key of its own folder; a second
// signature by the same admin adds nothing.
func TestEachOrgSignsTheUpdateFileFromItsOwnFolder(t *testing.T) {
	c := fakeConsortium(t)
	var out strings.Builder
	c.Out = &out
	certs := map[string]*x509.Certificate{"AMSP": writeAdmin(t, c, "a"), "OrdMSP": writeAdmin(t, c, "ord")}
	file := writeUpdateFile(t, c)

	for _, org := range []string{"a", "a", "ord"} {
		_, err := c.SignUpdateFile(file, org)
		require.NoError(t, err)
	}
	u, err := channelcfg.ReadUpdateFile(file)
	require.NoError(t, err)
	by, err := u.SignedBy()
	require.NoError(t, err)
	assert.Equal(t, []string{"AMSP", "OrdMSP"}, by)
	assert.Len(t, u.Signatures, 2, "signing twice adds nothing")
	for msp, cert := range certs {
		assert.True(t, u.SignedAs(msp, cert), msp)
	}
	assert.Contains(t, out.String(), "with the key in "+c.Home.UserMSP("a", "admin"))
}

// An org not in the topology, or whose folder holds no admin key, does
// not sign: the file keeps the signatures it had.
func TestAnUpdateFileIsNotSignedWithoutTheOrgsOwnKey(t *testing.T) {
	c := fakeConsortium(t)
	writeAdmin(t, c, "a")
	file := writeUpdateFile(t, c)
	_, err := c.SignUpdateFile(file, "a")
	require.NoError(t, err)

	_, err = c.SignUpdateFile(file, "nobody")
	var ee *ExchangeError
	require.True(t, errors.As(err, &ee), "got %v", err)
	assert.Equal(t, "sign", ee.Step)
	_, err = c.SignUpdateFile(file, "ord") // no admin enrolled in ord's folder
	require.ErrorContains(t, err, "sign "+file+" as the admin of ord")
	u, err := channelcfg.ReadUpdateFile(file)
	require.NoError(t, err)
	assert.Len(t, u.Signatures, 1)

	_, err = c.submitter("", nil)
	require.ErrorContains(t, err, "nobody signed the update")
}

// A state folder of an earlier carenet (every org's nodes in HOME/nodes)
// moves each node into its org's folder, only while nothing runs.
func TestSharedNodeFoldersMoveIntoTheirOrgs(t *testing.T) {
	c := fakeConsortium(t)
	old := filepath.Join(c.Home.SharedNodes(), "peer0.a", "msp", "keystore")
	require.NoError(t, os.MkdirAll(old, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(old, "k_sk"), []byte("key"), 0o600))

	pid := startFake(t, c, "o1.ord", c.tool("orderer"))
	err := c.moveSharedNodes()
	var le *LayoutError
	require.True(t, errors.As(err, &le), "got %v", err)
	require.NoError(t, os.Remove(c.Home.Pid("o1.ord")))
	require.NoError(t, killAndWait(pid))

	require.NoError(t, c.moveSharedNodes())
	data, err := os.ReadFile(filepath.Join(c.Home.NodeMSP("a", "peer0.a"), "keystore", "k_sk"))
	require.NoError(t, err)
	assert.Equal(t, "key", string(data))
	_, err = os.Stat(c.Home.SharedNodes())
	assert.True(t, os.IsNotExist(err))
}

func killAndWait(pid int) error {
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil {
		return err
	}
	deadline := time.Now().Add(5 * time.Second)
	for proc.Alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if proc.Alive(pid) {
		return errors.New("still alive")
	}
	return nil
}
