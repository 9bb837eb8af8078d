package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
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
