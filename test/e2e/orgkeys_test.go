//go:build e2e

package e2e

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/network/channelcfg"
)

// nodeDir is a node's folder, inside its org's own folder (node ids are
// NAME.ORG): the org keeps its nodes' keys and ledgers.
func nodeDir(id string) string {
	_, org, _ := strings.Cut(id, ".")
	return filepath.Join(home, "orgs", org, "nodes", id)
}

// keyFile is a PEM private key found in the state folder.
type keyFile struct {
	path string
	pub  crypto.PublicKey
}

// pemFiles calls fn with every PEM block of every file under dir (files
// over 4 MB, ledgers' block files, are skipped: no key is written there).
func pemFiles(t *testing.T, dir string, fn func(path string, b *pem.Block)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		if info, err := d.Info(); err != nil || info.Size() > 4<<20 {
			return err
		}
		rest, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(rest, []byte("-----BEGIN")) {
			return err
		}
		for {
			var b *pem.Block
			if b, rest = pem.Decode(rest); b == nil {
				return nil
			}
			fn(path, b)
		}
	})
	require.NoError(t, err)
}

// privateKeys are the PEM private keys under dir, parsed.
func privateKeys(t *testing.T, dir string) []keyFile {
	t.Helper()
	var out []keyFile
	pemFiles(t, dir, func(path string, b *pem.Block) {
		if !strings.Contains(b.Type, "PRIVATE KEY") {
			return
		}
		key, err := parsePrivateKey(b)
		require.NoError(t, err, "%s: a private key that does not parse", path)
		out = append(out, keyFile{path: path, pub: key.Public()})
	})
	return out
}

func parsePrivateKey(b *pem.Block) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		return k.(crypto.Signer), nil
	}
	if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	return x509.ParsePKCS1PrivateKey(b.Bytes)
}

// orgCerts are, by org, the certificates its CA issued (or is) found
// anywhere in the state folder: an org is known by its published root.
func orgCerts(t *testing.T) map[string][]*x509.Certificate {
	t.Helper()
	roots := map[string]*x509.Certificate{}
	entries, err := os.ReadDir(filepath.Join(home, "orgs"))
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(home, "public", e.Name(), "ca-cert.pem"))
		require.NoError(t, err, "org %s publishes its CA root", e.Name())
		b, _ := pem.Decode(data)
		require.NotNil(t, b)
		roots[e.Name()], err = x509.ParseCertificate(b.Bytes)
		require.NoError(t, err)
	}
	out := map[string][]*x509.Certificate{}
	pemFiles(t, home, func(path string, b *pem.Block) {
		if b.Type != "CERTIFICATE" {
			return
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return
		}
		for org, root := range roots {
			if cert.Equal(root) || cert.CheckSignatureFrom(root) == nil {
				out[org] = append(out[org], cert)
			}
		}
	})
	return out
}

// assertEachOrgKeepsItsOwnKeys walks the state folder: no private key
// outside the orgs' folders, and none in an org's folder whose public
// key is that of a certificate of another org (its CA's, its nodes',
// its users'). Each org's folder does hold its admin's key, so the walk
// sees the keys it is looking for.
func assertEachOrgKeepsItsOwnKeys(t *testing.T) {
	t.Helper()
	certs := orgCerts(t)
	for _, k := range privateKeys(t, home) {
		rel, err := filepath.Rel(filepath.Join(home, "orgs"), k.path)
		require.NoError(t, err)
		holder, _, _ := strings.Cut(rel, string(filepath.Separator))
		if strings.HasPrefix(rel, "..") {
			t.Errorf("%s: a private key outside every org's folder", k.path)
			continue
		}
		for org, cs := range certs {
			for _, c := range cs {
				if org != holder && publicKeyEqual(c.PublicKey, k.pub) {
					t.Errorf("%s: the folder of %s holds the private key of %s's certificate %q", k.path, holder, org, c.Subject.CommonName)
				}
			}
		}
	}
	assertOrgFoldersOwnerOnly(t)
	for org := range certs {
		admin := readCert(t, filepath.Join(home, "orgs", org, "users", "admin", "msp", "signcerts", "cert.pem"))
		found := false
		for _, k := range privateKeys(t, filepath.Join(home, "orgs", org)) {
			found = found || publicKeyEqual(admin.PublicKey, k.pub)
		}
		assert.True(t, found, "the walk finds the admin key of %s in its folder", org)
	}
}

// assertOrgFoldersOwnerOnly checks that no other user of the machine can
// enter an org's folder: its keys are protected by the folder (some files
// inside, fabric-ca-server's Idemix issuer keys and its database, are
// written world-readable by the CA itself).
func assertOrgFoldersOwnerOnly(t *testing.T) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(home, "orgs"))
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		info, err := os.Stat(filepath.Join(home, "orgs", e.Name()))
		require.NoError(t, err)
		assert.Zero(t, info.Mode().Perm()&0o077, "orgs/%s is %v: only its owner may enter it", e.Name(), info.Mode().Perm())
	}
}

func publicKeyEqual(a, b crypto.PublicKey) bool {
	ak, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ak.Equal(b)
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	b, _ := pem.Decode(data)
	require.NotNil(t, b, path)
	cert, err := x509.ParseCertificate(b.Bytes)
	require.NoError(t, err)
	return cert
}

// updateSigned matches reconcile's line for a channel update it applied.
var updateSigned = regexp.MustCompile(`(?m)^  (\S+): config update signed by the admins of \[([^\]]*)\], each from its own folder, submitted by \S+ \((\S+)\)$`)

// assertSignedFromOwnFolders checks the update file reconcile applied to
// channel: each signature is by the admin certificate in its org's own
// folder (whose key, assertEachOrgKeepsItsOwnKeys shows, is in that
// folder only), and carenet signed it there, for each org its policy
// needed.
func assertSignedFromOwnFolders(t *testing.T, out, channel string, orgOfMSP map[string]string) {
	t.Helper()
	var file string
	var signers []string
	for _, m := range updateSigned.FindAllStringSubmatch(out, -1) {
		if m[1] == channel {
			signers, file = strings.Fields(m[2]), m[3]
		}
	}
	require.NotEmpty(t, file, "reconcile reports the update of %s it applied", channel)
	u, err := channelcfg.ReadUpdateFile(file)
	require.NoError(t, err)
	by, err := u.SignedBy()
	require.NoError(t, err)
	assert.Equal(t, signers, by)
	for _, msp := range by {
		org := orgOfMSP[msp]
		require.NotEmpty(t, org, msp)
		mspDir := filepath.Join(home, "orgs", org, "users", "admin", "msp")
		assert.True(t, u.SignedAs(msp, readCert(t, filepath.Join(mspDir, "signcerts", "cert.pem"))), "%s signed with its admin's key", msp)
		assert.Contains(t, out, filepath.Base(file)+" signed as the admin of "+org+" ("+msp+") with the key in "+mspDir)
	}
}
