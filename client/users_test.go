package client

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/caclient"
	"github.com/carechain/carechain/client/profile"
)

// caServer finds a built fabric-ca-server ($FABRIC_BIN or carechain's cache).
func caServer() string {
	cache := os.Getenv("CARECHAIN_CACHE")
	if cache == "" {
		if home, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(home, "carechain")
		}
	}
	builds, _ := filepath.Glob(filepath.Join(cache, "fabric-*", "bin"))
	for _, d := range append([]string{os.Getenv("FABRIC_BIN")}, builds...) {
		if _, err := os.Stat(filepath.Join(d, "fabric-ca-server")); d != "" && err == nil {
			return filepath.Join(d, "fabric-ca-server")
		}
	}
	return ""
}

func listenPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// realCAProfile starts fabric-ca-server and returns a profile whose org
// "patients" (the patient registry) has it as CA, and its bootstrap
// registrar enrolled in the org's users folder as "registrar".
func realCAProfile(t *testing.T, bin string) *Client {
	dir := t.TempDir()
	port, ops := listenPort(t), listenPort(t)
	cmd := exec.Command(bin, "start", "-H", filepath.Join(dir, "ca"), "-b", "registrar:boot", "--address", "127.0.0.1",
		"--port", fmt.Sprint(port), "--tls.enabled", "--csr.hosts", "127.0.0.1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS=127.0.0.1:%d", ops))
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	root := filepath.Join(dir, "ca", "ca-cert.pem")
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
		}
		_, ferr := os.Stat(root)
		return err == nil && ferr == nil
	}, 30*time.Second, 100*time.Millisecond)
	po := profile.Org{Name: "patients", MSPID: "PatientsMSP", UsersDir: filepath.Join(dir, "users"),
		Parts: []string{PartPatientRegistry}, Users: []profile.User{{Name: "registrar", Type: "client"}},
		CA: &profile.CA{URL: fmt.Sprintf("https://127.0.0.1:%d", port), TLSRootCert: root, RootCert: root}}
	c := New(&profile.Profile{Orgs: []profile.Org{po}})
	ca, _, err := c.CA("patients")
	require.NoError(t, err)
	defer ca.Close()
	boot, err := ca.Enroll(context.Background(), "registrar", "boot", caclient.CSR{})
	require.NoError(t, err)
	require.NoError(t, caclient.WriteMSP(po.UserMSP("registrar"), boot, "boot_sk", nil))
	return c
}

// Register and Enroll against the real fabric-ca-server: a patient gets a
// random enrollment id and a one-time secret, enrolls into a wallet under
// a name of its choosing, and cannot enroll twice.
func TestRegisterAndEnrollWithTheRealCA(t *testing.T) {
	bin := caServer()
	if bin == "" {
		t.Skip("fabric-ca-server not built (scripts/fabric-bins.sh)")
	}
	c := realCAProfile(t, bin)
	ctx := context.Background()
	registrar, err := c.Identity("patients", "registrar")
	require.NoError(t, err)
	r, err := c.Register(ctx, registrar, "patients", Registration{Role: RolePatient})
	require.NoError(t, err)
	assert.Regexp(t, `^p[0-9a-f]{32}$`, r.EnrollmentID)
	assert.Regexp(t, `^[0-9a-f]{32}$`, r.Secret)
	assert.Equal(t, "PatientsMSP", r.MSPID)

	w := Wallet(t.TempDir())
	id, err := c.Enroll(ctx, "patients", EnrollRequest{Name: r.EnrollmentID, Secret: r.Secret, As: "me"}, w)
	require.NoError(t, err)
	assert.Equal(t, "patient", id.Attrs()["role"])
	assert.NotContains(t, id.Attrs(), "patient_id")
	assert.Equal(t, r.EnrollmentID, id.EnrollmentID())
	again, err := c.Identity("patients", "me", SessionOptions{Wallet: w})
	require.NoError(t, err)
	assert.Equal(t, id.Cert.Raw, again.Cert.Raw)

	_, err = c.Enroll(ctx, "patients", EnrollRequest{Name: r.EnrollmentID, Secret: r.Secret, As: "me2"}, w)
	assert.ErrorIs(t, err, caclient.ErrAuthentication)
	assert.False(t, w.Has("patients", "me2"))

	_, err = c.Register(ctx, registrar, "patients", Registration{Role: "physician"})
	assert.Error(t, err, "only patients get a random name")
	ids, err := c.CAIdentities(ctx, registrar, "patients")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(ids), 2)
	revoked, err := c.Revoke(ctx, registrar, "patients", r.EnrollmentID, "")
	require.NoError(t, err)
	assert.Len(t, revoked, 1)
}
