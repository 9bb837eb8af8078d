package ccpackage

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func entries(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		assert.Equal(t, int64(0), h.ModTime.Unix(), h.Name)
		assert.Equal(t, 0, h.Uid, h.Name)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		out[h.Name] = b
	}
}

func TestBuildIsReproducible(t *testing.T) {
	a, err := Build("../..", "baseline", "./test/bench/baseline", "")
	require.NoError(t, err)
	b, err := Build("../..", "baseline", "./test/bench/baseline", "")
	require.NoError(t, err)
	assert.Equal(t, a.ID, b.ID)
	assert.Equal(t, a.Bytes, b.Bytes)
	assert.Regexp(t, `^baseline_[0-9a-f]{12}:[0-9a-f]{64}$`, a.ID)

	// A version stamp makes another package of the same source.
	c, err := Build("../..", "baseline", "./test/bench/baseline", "2")
	require.NoError(t, err)
	assert.NotEqual(t, a.ID, c.ID)
	_, err = Build("../..", "baseline", "./test/bench/baseline", "bad version!")
	assert.Error(t, err)
}

func TestPackageHoldsOnlyWhatTheChaincodeImports(t *testing.T) {
	pkg, err := Build("../..", "consent", "./chaincode/consent/cmd", "")
	require.NoError(t, err)
	outer := entries(t, pkg.Bytes)
	assert.Equal(t, []string{"code.tar.gz", "metadata.json"}, keys(outer))
	assert.JSONEq(t, `{"type":"carechain-go","label":"`+pkg.Label+`"}`, string(outer["metadata.json"]))
	code := entries(t, outer["code.tar.gz"])
	assert.Contains(t, code, "go.mod")
	assert.Contains(t, code, "go.sum")
	assert.Contains(t, code, "chaincode/consent/cmd/main.go")
	assert.Contains(t, code, "chaincode/consent/contract.go")
	assert.Contains(t, code, "chaincode/kit/state/state.go")
	assert.JSONEq(t, `{"main":"./chaincode/consent/cmd"}`, string(code[BuildFile]))
	for name := range code {
		assert.NotRegexp(t, `_test\.go$`, name)
		assert.NotRegexp(t, `^(client|network|test)/`, name)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestOverlayReplacesAPackagedFileAndChangesTheID(t *testing.T) {
	plain, err := Build("../..", "parts", "./chaincode/parts/cmd", "")
	require.NoError(t, err)
	genesis := []byte(`{"channels":{"care":{"orgs":[]}}}`)
	over, err := Build("../..", "parts", "./chaincode/parts/cmd", "", Overlay{Path: "chaincode/parts/genesis.json", Data: genesis})
	require.NoError(t, err)
	require.NotEqual(t, plain.ID, over.ID)
	again, err := Build("../..", "parts", "./chaincode/parts/cmd", "", Overlay{Path: "chaincode/parts/genesis.json", Data: genesis})
	require.NoError(t, err)
	require.Equal(t, over.ID, again.ID)
	_, err = Build("../..", "parts", "./chaincode/parts/cmd", "", Overlay{Path: "chaincode/parts/nope.json", Data: genesis})
	require.ErrorContains(t, err, "not a file of the package")
}

// A module of its own (its own go.mod, outside carechain's module) is
// packaged with its dependencies vendored and builds offline with
// -mod=vendor, as the builder builds it; the package is reproducible.
func TestAModuleOfItsOwnIsPackagedVendoredAndBuildsOffline(t *testing.T) {
	a, err := BuildModule("../../test/testdata/ccmodule", "ccmodule", ".", "")
	require.NoError(t, err)
	b, err := BuildModule("../../test/testdata/ccmodule", "ccmodule", ".", "")
	require.NoError(t, err)
	assert.Equal(t, a.ID, b.ID, "reproducible")
	code := entries(t, entries(t, a.Bytes)["code.tar.gz"])
	assert.Contains(t, code, "main.go")
	assert.Contains(t, code, "vendor/modules.txt")
	assert.Contains(t, code, "vendor/github.com/hyperledger/fabric-contract-api-go/v2/contractapi/contract_chaincode.go")
	assert.JSONEq(t, `{"main":".","vendor":true}`, string(code[BuildFile]))
	for name := range code {
		assert.NotContains(t, name, "carechain", "nothing of carechain's module")
	}

	dir := t.TempDir()
	for name, data := range code {
		path := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, data, 0o644))
	}
	cmd := exec.Command("go", "build", "-mod=vendor", "-o", filepath.Join(dir, "cc"), ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "offline build: %s", out)

	_, err = BuildModule(t.TempDir(), "nomod", ".", "")
	assert.ErrorIs(t, err, ErrNoModule)
}

// A service package is connection.json alone, under the ccaas type; no
// TLS root is refused.
func TestAServicePackageSaysWhereTheServerListensOverTLS(t *testing.T) {
	root := testRootPEM(t)
	pkg, err := BuildService("svc", Connection{Address: "127.0.0.1:9999", TLSRequired: true, RootCert: root})
	require.NoError(t, err)
	outer := entries(t, pkg.Bytes)
	assert.JSONEq(t, `{"type":"ccaas","label":"`+pkg.Label+`"}`, string(outer["metadata.json"]))
	code := entries(t, outer["code.tar.gz"])
	assert.Equal(t, []string{ConnectionFile}, keys(code))
	var c Connection
	require.NoError(t, json.Unmarshal(code[ConnectionFile], &c))
	assert.Equal(t, Connection{Address: "127.0.0.1:9999", DialTimeout: "10s", TLSRequired: true, RootCert: root}, c)

	other, err := BuildService("svc", Connection{Address: "127.0.0.1:9998", TLSRequired: true, RootCert: root})
	require.NoError(t, err)
	assert.NotEqual(t, pkg.ID, other.ID, "another address is another package")
	_, err = BuildService("svc", Connection{Address: "127.0.0.1:9999", TLSRequired: false, RootCert: root})
	assert.ErrorIs(t, err, ErrServiceTLS)
	_, err = BuildService("svc", Connection{Address: "127.0.0.1:9999", TLSRequired: true, RootCert: "not a PEM"})
	assert.ErrorIs(t, err, ErrServiceTLS)
	_, err = BuildService("svc", Connection{Address: "nowhere", TLSRequired: true, RootCert: root})
	assert.ErrorContains(t, err, "host:port")
}

func testRootPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test root"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
