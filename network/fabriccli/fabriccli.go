// Package fabriccli runs Fabric's own admin tools — the peer CLI and
// osnadmin — as an org's admin identity, for the operations that only they
// offer: joining channels and the chaincode lifecycle.
package fabriccli

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// PeerAdmin acts as an org admin against one of the org's peers.
type PeerAdmin struct {
	Bin         string // the peer binary
	MSPID       string
	MSPDir      string // the admin's enrolled MSP
	PeerAddress string
	PeerTLSRoot string
	// ConfigDir holds a core.yaml for the CLI (any of the org's peer configs).
	ConfigDir string
}

// Env is the peer CLI's environment for this admin.
func (a PeerAdmin) Env() []string {
	return []string{
		"FABRIC_CFG_PATH=" + a.ConfigDir,
		"CORE_PEER_LOCALMSPID=" + a.MSPID,
		"CORE_PEER_MSPCONFIGPATH=" + a.MSPDir,
		"CORE_PEER_ADDRESS=" + a.PeerAddress,
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_PEER_TLS_ROOTCERT_FILE=" + a.PeerTLSRoot,
		"FABRIC_LOGGING_SPEC=warning",
	}
}

// Run runs `peer ARGS...` and returns its standard output.
func (a PeerAdmin) Run(ctx context.Context, args ...string) ([]byte, error) {
	return run(ctx, a.Bin, a.Env(), args)
}

// OrdererAdmin acts as the orderer org's admin on the channel participation API.
type OrdererAdmin struct {
	Bin        string // the osnadmin binary
	CACert     string // the orderers' TLS root
	ClientCert string // the admin's TLS client certificate
	ClientKey  string
}

// Run runs `osnadmin channel ARGS... -o adminAddress` with the admin's TLS
// identity and returns the JSON body. osnadmin exits 0 whatever the HTTP
// status, so the status line it prints is checked here.
func (o OrdererAdmin) Run(ctx context.Context, adminAddress string, args ...string) ([]byte, error) {
	full := append([]string{"channel"}, args...)
	full = append(full, "-o", adminAddress, "--ca-file", o.CACert, "--client-cert", o.ClientCert, "--client-key", o.ClientKey)
	out, err := run(ctx, o.Bin, nil, full)
	if err != nil {
		return out, err
	}
	status, body, _ := strings.Cut(string(out), "\n")
	var code int
	if _, err := fmt.Sscanf(status, "Status: %d", &code); err != nil {
		return out, fmt.Errorf("osnadmin %s: unexpected answer %q", args[0], status)
	}
	if code < 200 || code > 299 {
		return []byte(body), fmt.Errorf("osnadmin %s at %s: HTTP %d: %s", args[0], adminAddress, code, strings.TrimSpace(body))
	}
	return []byte(body), nil
}

func run(ctx context.Context, bin string, env []string, args []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(cmd.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = strings.TrimSpace(stdout.String())
		}
		return stdout.Bytes(), fmt.Errorf("%s %s: %w: %s", filepath.Base(bin), strings.Join(args[:min(3, len(args))], " "), err, msg)
	}
	return stdout.Bytes(), nil
}
