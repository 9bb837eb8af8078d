// Package catest runs a real fabric-ca-server for tests: the binary that
// scripts/fabric-bins.sh builds ($FABRIC_BIN, or carechain's cache). Tests
// skip when it is not built.
package catest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Server is a running fabric-ca-server with TLS on 127.0.0.1.
type Server struct {
	URL string
	// RootCert is the CA's root certificate file (also its TLS root).
	RootCert string
	// Registrar and Secret are the bootstrap identity.
	Registrar, Secret string
	Dir               string
}

// Binary finds a built fabric-ca-server, or "".
func Binary() string {
	cache := os.Getenv("CARECHAIN_CACHE")
	if cache == "" {
		if home, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(home, "carechain")
		}
	}
	builds, _ := filepath.Glob(filepath.Join(cache, "fabric-*", "bin"))
	for _, d := range append([]string{os.Getenv("FABRIC_BIN")}, builds...) {
		if fi, err := os.Stat(filepath.Join(d, "fabric-ca-server")); d != "" && err == nil && !fi.IsDir() {
			return filepath.Join(d, "fabric-ca-server")
		}
	}
	return ""
}

// Start runs a CA whose bootstrap identity is registrar:secret, for the
// test's life; it skips the test when no fabric-ca-server is built.
func Start(t testing.TB, registrar, secret string) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		t.Skip("fabric-ca-server not built (scripts/fabric-bins.sh)")
	}
	dir := t.TempDir()
	port, ops := freePort(t), freePort(t)
	cmd := exec.Command(bin, "start", "-H", filepath.Join(dir, "ca"), "-b", registrar+":"+secret, "--address", "127.0.0.1",
		"--port", fmt.Sprint(port), "--tls.enabled", "--csr.hosts", "127.0.0.1,localhost", "--ca.name", "ca-test")
	cmd.Env = append(os.Environ(), fmt.Sprintf("FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS=127.0.0.1:%d", ops))
	log := filepath.Join(dir, "server.log")
	out, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); out.Close() })
	s := &Server{URL: fmt.Sprintf("https://127.0.0.1:%d", port), RootCert: filepath.Join(dir, "ca", "ca-cert.pem"),
		Registrar: registrar, Secret: secret, Dir: dir}
	s.wait(t, port, log)
	return s
}

// wait waits until the CA listens and its root is written.
func (s *Server) wait(t testing.TB, port int, log string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			conn.Close()
			if _, err := os.Stat(s.RootCert); err == nil {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	data, _ := os.ReadFile(log)
	t.Fatalf("fabric-ca-server did not start: %s", data)
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
