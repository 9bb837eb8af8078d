//go:build e2e

// Package e2e runs carechain end to end: TestMain brings up a real
// consortium in a fresh state folder with its own port range (carenet up,
// exactly as `make up` does), registers the test patients at run time as
// the patients' registrar does (CA registration, a private link on chain,
// enrollment into a wallet outside the state folder), the tests act
// through carectl's client library on fabric-gateway, and the last test
// takes the consortium down and removes it. Run with `make e2e`
// (scripts/e2e.sh).
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/consent"
	"github.com/carechain/carechain/network/consortium"
)

var (
	repo  string
	home  string
	cl    *client.Client
	ports = "27000"
	// wallet holds the patients' identities, outside the state folder:
	// their keys are made there, never in the operator's folder.
	wallet client.Wallet
)

// patients are registered after carenet up with the subjects the tests
// know them by; each enrolls into the wallet under its name here (its
// enrollment id is random).
var patients = []struct{ user, subject string }{
	{"patient1", "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3"},
	{"patient2", "pt-9b27d3f5a0c84e1d6f3b2a7c9e05d1f8"},
	{"guardian1", "pt-1d6f80c2b7e94a35c0d2f6a8b1e37c49"},
}

// patientRegistrar is the patients' org's CA registrar (topology caRegistrar).
const patientRegistrar = "registrar1"

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
	} else if err := carenet("clean"); err != nil { // a folder of an earlier run; a fresh one is empty: carenet refuses to clean a folder that is no state folder
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
	removeWallet, err := registerPatients(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: registering the patients:", err)
		_ = carenet("clean")
		return 1
	}
	defer removeWallet()
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

// registerPatients registers, links and enrolls the test patients into a
// new wallet outside the state folder, and returns its removal.
func registerPatients(ctx context.Context) (func(), error) {
	dir, err := os.MkdirTemp("", "carechain-e2e-wallet-")
	if err != nil {
		return nil, err
	}
	remove := func() { _ = os.RemoveAll(dir) }
	wallet = client.Wallet(dir)
	for _, p := range patients {
		if _, err := registerPatient(ctx, p.user, p.subject, wallet); err != nil {
			remove()
			return nil, fmt.Errorf("%s: %w", p.user, err)
		}
	}
	return remove, nil
}

// registerPatient registers a patient as the patients' registrar (a random
// enrollment id, a one-time secret), links the enrollment to subject on
// chain, and enrolls it into w as user, as the patient's carectl would
// (carectl users register, carectl enroll).
func registerPatient(ctx context.Context, user, subject string, w client.Wallet) (*client.Registered, error) {
	registrar, err := cl.Identity("patients", patientRegistrar)
	if err != nil {
		return nil, err
	}
	r, err := cl.Register(ctx, registrar, "patients", client.Registration{Role: client.RolePatient})
	if err != nil {
		return nil, err
	}
	if err := linkPatient(ctx, r.EnrollmentID, subject); err != nil {
		return nil, err
	}
	_, err = cl.Enroll(ctx, "patients", client.EnrollRequest{Name: r.EnrollmentID, Secret: r.Secret, As: user}, w)
	return r, err
}

// linkPatient links an enrollment to its subject as the patients'
// registrar (consent LinkPatient), as carectl users register does.
func linkPatient(ctx context.Context, enrollmentID, subject string) error {
	s, err := cl.Session("patients", patientRegistrar)
	if err != nil {
		return err
	}
	defer s.Close()
	_, err = consent.New(s, "care").LinkPatient(ctx, enrollmentID, subject)
	return err
}

// session opens a session for org's user or fails the test; users the
// profile does not list (patients) come from the test wallet.
func session(t *testing.T, org, user string, opts ...client.SessionOptions) *client.Session {
	t.Helper()
	if len(opts) == 0 {
		opts = []client.SessionOptions{{}}
	}
	if opts[0].Wallet == "" {
		opts[0].Wallet = wallet
	}
	var options []client.SessionOption
	for _, o := range opts {
		options = append(options, o)
	}
	s, err := cl.Session(org, user, options...)
	if err != nil {
		t.Fatalf("session %s/%s: %v", org, user, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
