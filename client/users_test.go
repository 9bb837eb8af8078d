package client

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/caclient"
	"github.com/carechain/carechain/client/caclient/catest"
	"github.com/carechain/carechain/client/profile"
)

// realCAProfile starts fabric-ca-server (or skips) and returns a client of
// a profile whose org "patients" (the patient registry) has it as CA, with
// its bootstrap registrar enrolled in the org's users folder as "registrar".
func realCAProfile(t *testing.T) *Client {
	srv := catest.Start(t, "registrar", "boot")
	po := profile.Org{Name: "patients", MSPID: "PatientsMSP", UsersDir: filepath.Join(srv.Dir, "users"),
		Parts: []string{PartPatientRegistry}, Users: []profile.User{{Name: "registrar", Type: "client"}},
		CA: &profile.CA{URL: srv.URL, Name: "ca-test", TLSRootCert: srv.RootCert, RootCert: srv.RootCert}}
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
	c := realCAProfile(t)
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
