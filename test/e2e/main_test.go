//go:build e2e

// Package e2e runs carechain end to end: TestMain brings up a real
// consortium in a fresh state folder with its own port range (carenet up,
// exactly as `make up` does), the tests act through carectl's client
// library on fabric-gateway, and the last test takes the consortium down and
// removes it. Run with `make e2e` (scripts/e2e.sh).
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/network/consortium"
)

var (
	repo  string
	home  string
	cl    *client.Client
	ports = "27000"
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if repo, err = filepath.Abs("../.."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if p := os.Getenv("CARECHAIN_E2E_PORT_BASE"); p != "" {
		ports = p
	}
	home = os.Getenv("CARECHAIN_E2E_HOME")
	if home == "" {
		if home, err = os.MkdirTemp("", "carechain-e2e-"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	if err := carenet("clean"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: clean before start:", err)
		return 1
	}
	if err := carenet("up"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: consortium did not come up:", err)
		_ = carenet("logs")
		_ = carenet("clean")
		return 1
	}
	if cl, err = client.Open(home); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	_ = cl.Close()
	if code != 0 {
		printLogTails()
	}
	if os.Getenv("CARECHAIN_E2E_KEEP") != "" {
		fmt.Printf("e2e: consortium left running in %s (CARECHAIN_E2E_KEEP)\n", home)
		return code
	}
	// The teardown test already cleaned up; this is for a failed run.
	_ = carenet("clean")
	return code
}

// printLogTails shows the end of every node's log, for a failed run.
func printLogTails() {
	logs, _ := filepath.Glob(filepath.Join(home, "logs", "*.log"))
	for _, l := range logs {
		lines, err := consortium.Tail(l, 25)
		if err != nil {
			continue
		}
		fmt.Printf("==> %s <==\n%s\n", l, strings.Join(lines, "\n"))
	}
}

// carenet runs scripts/carenet.sh against the test consortium.
func carenet(args ...string) error {
	cmd := exec.Command(filepath.Join(repo, "scripts", "carenet.sh"), args...)
	cmd.Env = append(os.Environ(), "CARECHAIN_HOME="+home, "CARECHAIN_PORT_BASE="+ports)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// session opens a session for org's user or fails the test.
func session(t *testing.T, org, user string, opts ...client.SessionOptions) *client.Session {
	t.Helper()
	s, err := cl.Session(org, user, opts...)
	if err != nil {
		t.Fatalf("session %s/%s: %v", org, user, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
