//go:build e2e

// Consortium operations of issue 12: users registered, enrolled and
// revoked while the consortium runs, and chaincodes carechain did not
// write. Named to sort before teardown_test.go.

package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/network/topology"
)

// A physician registered by the provider's CA registrar while the
// consortium runs enrolls with a key made in a wallet of its own, acts
// through carectl as a user network.json does not list, and is listed by
// the registrar. Revoked at the CA, its certificate still works until the
// provider's CRL is in the channels (carenet crl provider, a config update
// the provider's admin signs); from then on the peers refuse its
// submissions and its queries, while the provider's other users go on.
func TestAUserRegisteredAtRuntimeTransactsUntilItsRevocationReachesTheChannel(t *testing.T) {
	wallet := t.TempDir()
	name := fmt.Sprintf("dr-e2e-%d", time.Now().UnixNano())
	var reg struct{ EnrollmentID, Secret, Role string }
	require.Zero(t, carectlRun(t, &reg, wallet, "provider", "registrar1", "users", "register", "--role", "physician", "--name", name))
	assert.Equal(t, name, reg.EnrollmentID)
	assert.Regexp(t, `^[0-9a-f]{32}$`, reg.Secret, "a one-time secret")
	var enrolled struct{ User, Role, MSPDir string }
	require.Zero(t, carectlRun(t, &enrolled, wallet, "provider", "admin", "enroll", "--name", name, "--secret", reg.Secret, "--as", "dr"))
	assert.Equal(t, "physician", enrolled.Role)
	assert.True(t, strings.HasPrefix(enrolled.MSPDir, wallet), "the key is in the user's wallet: %s", enrolled.MSPDir)

	var tx struct{ TxID string }
	require.Zero(t, carectlRun(t, &tx, wallet, "provider", "dr", "submit", "baseline", "Put", name+"-1", "v1"))
	assert.NotEmpty(t, tx.TxID)
	var ids []struct{ ID string }
	require.Zero(t, carectlRun(t, &ids, wallet, "provider", "registrar1", "users", "list"))
	assert.Contains(t, fmt.Sprint(ids), name)

	var revoked []struct{ Serial string }
	require.Zero(t, carectlRun(t, &revoked, wallet, "provider", "registrar1", "users", "revoke", "--name", name, "--reason", "keycompromise"))
	require.NotEmpty(t, revoked)
	require.Zero(t, carectlRun(t, &tx, wallet, "provider", "dr", "submit", "baseline", "Put", name+"-2", "v2"),
		"a revocation at the CA alone does not reach the peers")

	out, err := carenetOutput("crl", "provider")
	require.NoError(t, err, out)
	assert.Contains(t, out, "CRL of ProviderMSP on care")
	assert.Contains(t, out, "signed by the admins of [ProviderMSP]")

	var refused struct {
		Error struct{ Code, Message string }
	}
	assert.NotZero(t, carectlRun(t, &refused, wallet, "provider", "dr", "submit", "baseline", "Put", name+"-3", "v3"))
	assert.Equal(t, "ACCESS_DENIED", refused.Error.Code, refused.Error.Message)
	assert.Contains(t, refused.Error.Message, "access denied")
	assert.NotZero(t, carectlRun(t, &refused, wallet, "provider", "dr", "evaluate", "baseline", "Get", name+"-1"))
	assert.Equal(t, "ACCESS_DENIED", refused.Error.Code, "a revoked identity does not read either")
	require.Zero(t, carectlRun(t, &tx, wallet, "provider", "admin", "submit", "baseline", "Put", name+"-4", "v4"),
		"the provider's other identities are not revoked")

	out, err = carenetOutput("crl", "provider")
	require.NoError(t, err, out)
	assert.Contains(t, out, "holds this CRL of ProviderMSP already", "the same CRL changes nothing")
}

// A chaincode in a Go module of its own (test/testdata/ccmodule, copied
// to a folder outside the repository) deploys and answers through carectl.
// Its upgrade is approved by each org separately: with the provider's
// approval only it does not commit, and the readiness names who is
// missing; with the payer's too it commits (the lifecycle majority); the
// regulator approves the committed definition later. With
// CARECHAIN_E2E_ASSET_TRANSFER_BASIC naming the Fabric samples'
// asset-transfer-basic/chaincode-go folder, that unmodified module is
// deployed and used too.
func TestAChaincodeOfItsOwnModuleDeploysAndEachOrgApprovesItsUpgrade(t *testing.T) {
	mod := filepath.Join(t.TempDir(), "ccmodule")
	require.NoError(t, os.CopyFS(mod, os.DirFS(filepath.Join(repo, "test", "testdata", "ccmodule"))))
	topo := referenceTopology(t)
	topo.Chaincodes = append(topo.Chaincodes, careChaincode("e2emod", topology.Chaincode{Module: mod}))
	atb := os.Getenv("CARECHAIN_E2E_ASSET_TRANSFER_BASIC")
	if atb != "" {
		topo.Chaincodes = append(topo.Chaincodes, careChaincode("atb", topology.Chaincode{Module: atb}))
	}
	file := writeTopology(t, t.TempDir(), "topology.yaml", topo)
	out, err := carenetOutput("--topology", file, "deploy", "e2emod")
	require.NoError(t, err, out)
	assert.Contains(t, out, "e2emod committed on care at sequence 1")
	assetRoundTrip(t, "e2emod", []string{"m1", "alice", "7"}, `"Owner":"alice"`)
	if atb != "" {
		out, err := carenetOutput("--topology", file, "deploy", "atb")
		require.NoError(t, err, out)
		assetRoundTrip(t, "atb", []string{"atb1", "blue", "5", "Tomoko", "300"}, `"Owner":"Tomoko"`)
	}

	v2 := []string{"--topology", file, "--cc-version", "e2emod=2"}
	r := approve(t, v2, "provider")
	assert.Equal(t, map[string]bool{"ProviderMSP": true, "PayerMSP": false, "RegulatorMSP": false}, r.Approvals)
	assert.Equal(t, int64(2), r.Sequence)
	out, err = carenetOutput(append(v2, "commit", "e2emod")...)
	require.Error(t, err, "one approval of three does not commit")
	assert.Contains(t, out, "still to approve: [PayerMSP RegulatorMSP]")
	r = assertCommittedSequence(t, v2, 2, false)
	assert.Equal(t, map[string]bool{"ProviderMSP": true, "PayerMSP": false, "RegulatorMSP": false}, r.Approvals, "nothing committed")

	r = approve(t, v2, "payer")
	assert.False(t, r.Committed)
	out, err = carenetOutput(append(v2, "commit", "e2emod")...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "e2emod committed on care at sequence 2")
	assertCommittedSequence(t, v2, 2, true)
	r = approve(t, v2, "regulator")
	assert.True(t, r.Committed, "the regulator approves the committed definition")
	assert.Equal(t, map[string]bool{"ProviderMSP": true, "PayerMSP": true, "RegulatorMSP": true}, r.Approvals)
	assetRoundTrip(t, "e2emod", []string{"m2", "bob", "8"}, `"Owner":"bob"`)
	var asset map[string]any
	require.Zero(t, carectlRun(t, &asset, "", "regulator", "admin", "evaluate", "e2emod", "ReadAsset", "m1"))
	assert.Contains(t, fmt.Sprint(asset), "alice", "the upgrade keeps the state")
}

// A chaincode run as a service (the same module's binary, started here as
// a TLS server with the package id carenet computes) deploys and answers
// through carectl; the peers reach it over TLS verified against the root
// the topology names.
func TestAChaincodeServiceDeploysAndAnswers(t *testing.T) {
	dir := t.TempDir()
	root, cert, key := serviceTLS(t, dir)
	addr := freeAddress(t)
	topo := referenceTopology(t)
	topo.Chaincodes = append(topo.Chaincodes, careChaincode("e2esvc", topology.Chaincode{
		Service: &topology.ChaincodeService{Address: addr, TLSRoot: root}}))
	file := writeTopology(t, dir, "topology.yaml", topo)
	var pkg struct{ PackageID string }
	require.NoError(t, json.Unmarshal(carenetStdout(t, "--topology", file, "package", "e2esvc", "--json"), &pkg))
	require.Regexp(t, `^e2esvc_[0-9a-f]{12}:[0-9a-f]{64}$`, pkg.PackageID)

	bin := filepath.Join(dir, "ccmodule")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join(repo, "test", "testdata", "ccmodule")
	build.Env = append(os.Environ(), "GOWORK=off")
	outBuild, err := build.CombinedOutput()
	require.NoError(t, err, "%s", outBuild)
	server := exec.Command(bin)
	server.Env = append(os.Environ(), "CHAINCODE_SERVER_ADDRESS="+addr, "CHAINCODE_ID="+pkg.PackageID,
		"CHAINCODE_TLS_CERT="+cert, "CHAINCODE_TLS_KEY="+key)
	var serverLog bytes.Buffer
	server.Stdout, server.Stderr = &serverLog, &serverLog
	require.NoError(t, server.Start())
	t.Cleanup(func() {
		_ = server.Process.Kill()
		_ = server.Wait()
		t.Logf("chaincode server log: %s", serverLog.String())
	})

	out, err := carenetOutput("--topology", file, "deploy", "e2esvc")
	require.NoError(t, err, out)
	assert.Contains(t, out, "e2esvc committed on care at sequence 1")
	assetRoundTrip(t, "e2esvc", []string{"s1", "carol", "3"}, `"Owner":"carol"`)
}

// referenceTopology is network/topology.yaml.
func referenceTopology(t *testing.T) *topology.Topology {
	t.Helper()
	topo, err := topology.Load(filepath.Join(repo, "network", "topology.yaml"))
	require.NoError(t, err)
	return topo
}

// careChaincode is cc on care, endorsed by two of the three peer orgs.
func careChaincode(name string, cc topology.Chaincode) topology.Chaincode {
	cc.Name = name
	cc.Channels = map[string]topology.ChaincodeChannel{"care": {
		Endorsement: "OutOf(2, 'ProviderMSP.peer', 'PayerMSP.peer', 'RegulatorMSP.peer')"}}
	return cc
}

// assetRoundTrip creates an asset through carectl as the provider's admin
// and reads it back as the payer's.
func assetRoundTrip(t *testing.T, cc string, create []string, want string) {
	t.Helper()
	var tx struct {
		TxID  string
		Block uint64
	}
	require.Zero(t, carectlRun(t, &tx, "", "provider", "admin", append([]string{"submit", cc, "CreateAsset"}, create...)...))
	assert.NotEmpty(t, tx.TxID)
	waitHeight(t, "peer0.payer", "care", tx.Block)
	var read struct{ Result json.RawMessage }
	require.Zero(t, carectlRun(t, &read, "", "payer", "admin", "evaluate", cc, "ReadAsset", create[0]))
	assert.Contains(t, strings.ReplaceAll(string(read.Result), " ", ""), want)
	var dup struct{ Error struct{ Message string } }
	assert.NotZero(t, carectlRun(t, &dup, "", "provider", "admin", append([]string{"submit", cc, "CreateAsset"}, create...)...))
	assert.Contains(t, dup.Error.Message, "already exists", "the chaincode's own refusal comes back")
}

// readiness is what carenet approve --json prints for one channel.
type readiness struct {
	Sequence  int64
	Approvals map[string]bool
	Committed bool
}

func approve(t *testing.T, flags []string, org string) readiness {
	t.Helper()
	var rs []readiness
	require.NoError(t, json.Unmarshal(carenetStdout(t, append(flags, "approve", "e2emod", "--org", org, "--json")...), &rs))
	require.Len(t, rs, 1, "one channel")
	return rs[0]
}

// assertCommittedSequence checks the definition on care as carenet
// readiness reads it (checkcommitreadiness, querycommitted).
func assertCommittedSequence(t *testing.T, flags []string, seq int64, committed bool) readiness {
	t.Helper()
	var rs []readiness
	require.NoError(t, json.Unmarshal(carenetStdout(t, append(flags, "readiness", "e2emod", "--json")...), &rs))
	require.Len(t, rs, 1, "one channel")
	assert.Equal(t, seq, rs[0].Sequence)
	assert.Equal(t, committed, rs[0].Committed)
	return rs[0]
}

// carenetStdout runs carenet and returns its standard output.
func carenetStdout(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(filepath.Join(repo, "scripts", "carenet.sh"), args...)
	cmd.Env = append(os.Environ(), "CARECHAIN_HOME="+home, "CARECHAIN_PORT_BASE="+ports)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "carenet %v: %s", args, stderr.String())
	return out
}

// carectlRun runs carectl --output json as org's user (from wallet when
// given), decodes its output into out and returns its exit code.
func carectlRun(t *testing.T, out any, wallet, org, user string, args ...string) int {
	t.Helper()
	bin, err := carectlBin()
	require.NoError(t, err)
	flags := []string{"--network", home, "--org", org, "--user", user, "-o", "json"}
	if wallet != "" {
		flags = append(flags, "--wallet", wallet)
	}
	cmd := exec.Command(bin, append(flags, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		require.NoError(t, err)
	}
	doc := stdout.Bytes()
	if len(doc) == 0 && cmd.ProcessState.ExitCode() != 0 {
		doc = stderr.Bytes() // carectl -o json: an error is one JSON document on standard error
	}
	require.NoError(t, json.Unmarshal(doc, out), "carectl %v: stdout %s stderr %s", args, stdout.String(), stderr.String())
	return cmd.ProcessState.ExitCode()
}

// serviceTLS writes a CA and a server certificate for 127.0.0.1 signed by
// it, and returns the files: root, certificate, key.
func serviceTLS(t *testing.T, dir string) (root, cert, key string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "e2e chaincode service CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "e2esvc"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, ca, &srvKey.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(srvKey)
	require.NoError(t, err)
	root, cert, key = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
	for path, b := range map[string]*pem.Block{root: {Type: "CERTIFICATE", Bytes: caDER},
		cert: {Type: "CERTIFICATE", Bytes: srvDER}, key: {Type: "PRIVATE KEY", Bytes: keyDER}} {
		require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(b), 0o600))
	}
	return root, cert, key
}

// freeAddress is a loopback address no one listens on now.
func freeAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}
