package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/caclient"
	"github.com/carechain/carechain/client/caclient/catest"
	"github.com/carechain/carechain/client/profile"
)

// caNetwork writes a profile whose org "provider" has a real CA and lists
// its bootstrap registrar as user "registrar" (enrolled in the org's users
// folder), and returns the profile's path.
func caNetwork(t *testing.T) string {
	srv := catest.Start(t, "registrar", "boot")
	po := profile.Org{Name: "provider", MSPID: "ProviderMSP", UsersDir: filepath.Join(srv.Dir, "users"),
		Parts: []string{"provider"}, Users: []profile.User{{Name: "registrar", Type: "client"}},
		CA: &profile.CA{URL: srv.URL, Name: "ca-test", TLSRootCert: srv.RootCert, RootCert: srv.RootCert}}
	ca, err := caclient.New(srv.URL, mustRead(t, srv.RootCert), caclient.Options{})
	require.NoError(t, err)
	defer ca.Close()
	boot, err := ca.Enroll(context.Background(), "registrar", "boot", caclient.CSR{})
	require.NoError(t, err)
	require.NoError(t, caclient.WriteMSP(po.UserMSP("registrar"), boot, "boot_sk", nil))
	path := filepath.Join(srv.Dir, profile.FileName)
	require.NoError(t, (&profile.Profile{Orgs: []profile.Org{po}}).Save(path))
	return path
}

// carectl runs carectl and decodes its JSON output (or, when it failed,
// its JSON error) into out.
func carectl(t *testing.T, out any, args ...string) int {
	var stdout, stderr bytes.Buffer
	code := run(append(args, "-o", "json"), &stdout, &stderr)
	doc := stdout.Bytes()
	if code != 0 && len(doc) == 0 {
		doc = stderr.Bytes() // an error: one JSON document on standard error
	}
	if out != nil {
		require.NoError(t, json.Unmarshal(doc, out), "stdout: %s stderr: %s", stdout.String(), stderr.String())
	}
	return code
}

// users register, enroll (with --as), whoami, a second enroll refused,
// users list, against a real fabric-ca-server.
func TestRegisterEnrollWhoami(t *testing.T) {
	network := caNetwork(t)
	wallet := t.TempDir()
	base := []string{"--network", network, "--wallet", wallet, "--org", "provider"}
	var reg registerOutput
	require.Zero(t, carectl(t, &reg, append(base, "--user", "registrar", "users", "register",
		"--role", "physician", "--name", "physician3", "--attr", "npi=1234567893")...))
	assert.Equal(t, "physician3", reg.EnrollmentID)
	assert.Len(t, reg.Secret, 32)
	assert.Empty(t, reg.Subject)

	var id identityOutput
	require.Zero(t, carectl(t, &id, append(base, "enroll", "--name", "physician3", "--secret", reg.Secret, "--as", "doc")...))
	assert.Equal(t, "doc", id.User)
	assert.Equal(t, "physician", id.Role)
	assert.Equal(t, filepath.Join(wallet, "provider", "doc", "msp"), id.MSPDir)

	var who identityOutput
	require.Zero(t, carectl(t, &who, append(base, "--user", "doc", "whoami")...))
	assert.Equal(t, "physician3", who.EnrollmentID)

	var failed struct{ Error jsonError }
	assert.Equal(t, 1, carectl(t, &failed, append(base, "enroll", "--name", "physician3", "--secret", reg.Secret)...))
	assert.Equal(t, "UNAUTHENTICATED", failed.Error.Code)
	assert.Equal(t, 1, carectl(t, &failed, append(base, "--user", "registrar", "users", "register", "--role", "nurse", "--name", "physician3")...))
	assert.Equal(t, "ALREADY_EXISTS", failed.Error.Code)
	assert.Equal(t, 1, carectl(t, &failed, append(base, "--user", "registrar", "users", "register", "--role", "patient")...))
	assert.Contains(t, failed.Error.Message, "not the patient registry")

	var ids []caclient.IdentityInfo
	require.Zero(t, carectl(t, &ids, append(base, "--user", "registrar", "users", "list")...))
	var names []string
	for _, i := range ids {
		names = append(names, i.ID)
	}
	assert.Contains(t, names, "physician3")
}

func mustRead(t *testing.T, path string) []byte {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// A role counts only with a part of the org that allows it, as the
// chaincodes check: the registration warns about one that none allows.
func TestRoleAllowedFollowsTheOrgsParts(t *testing.T) {
	assert.True(t, roleAllowed([]string{"provider"}, "physician"))
	assert.True(t, roleAllowed([]string{"pharmacy", "provider"}, "pharmacist"))
	assert.False(t, roleAllowed([]string{"provider"}, "adjudicator"), "a payer's role at a provider")
	assert.False(t, roleAllowed(nil, "physician"))
}
