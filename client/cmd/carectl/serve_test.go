package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// carectl serve refuses a non-loopback address without TLS and client
// certificates before it opens anything: here the network does not even
// exist.
func TestServeRefusesAnInsecureListen(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none")
	for name, args := range map[string][]string{
		"clear":          {"--listen", "0.0.0.0:0"},
		"all interfaces": {"--listen", ":0"},
		"cert, no CA":    {"--listen", "0.0.0.0:0", "--tls-cert", "c.pem", "--tls-key", "k.pem"},
		"missing files":  {"--listen", "0.0.0.0:0", "--tls-cert", "c.pem", "--tls-key", "k.pem", "--client-ca", "ca.pem"},
		"bad address":    {"--listen", "8080"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"serve", "--network", missing}, args...), &stdout, &stderr)
		assert.Equal(t, 1, code, name)
		assert.NotContains(t, stderr.String(), "none", "%s: refused before the network is read: %s", name, stderr.String())
	}
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 1, run([]string{"serve", "--network", missing, "--listen", "0.0.0.0:0"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "non-loopback address needs TLS with client-certificate authentication")
	stderr.Reset()
	assert.Equal(t, 1, run([]string{"serve", "--network", missing, "--listen", "127.0.0.1:0"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "none", "loopback passes the check and reaches the network")
}

// --directory is read strictly (a misspelt member is an error, not a
// directory that silently resolves nothing) and its FHIR entries resolve
// literal references.
func TestServeDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"x12":{"payers":{"999996666":"InsurerMSP"}},
		"fhir":{"Patient/f001":"urn:carechain:patient|subj-1","Patient/bad":"nobar"}}`), 0o600))
	d, err := serveFlags{directory: path}.readDirectory()
	require.NoError(t, err)
	require.Equal(t, "InsurerMSP", d.X12.Payers["999996666"])
	sys, v, ok := d.fhir()("Patient/f001")
	require.True(t, ok)
	require.Equal(t, []string{"urn:carechain:patient", "subj-1"}, []string{sys, v})
	_, _, ok = d.fhir()("Patient/bad")
	require.False(t, ok)
	_, _, ok = d.fhir()("Patient/none")
	require.False(t, ok)
	require.NoError(t, os.WriteFile(path, []byte(`{"x12":{"payer":{}}}`), 0o600))
	_, err = serveFlags{directory: path}.readDirectory()
	require.ErrorContains(t, err, "unknown field")
}
