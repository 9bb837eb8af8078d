// Package ccbuilder is carechain's Fabric external builder: the peer hands it
// a carechain-go package, it compiles the chaincode with the Go toolchain and
// runs it as a process that connects back to the peer over mutual TLS. No
// Docker is involved. The peer calls four programs, bin/detect, bin/build,
// bin/release and bin/run, which Install writes as one-line scripts that call
// back into the carenet binary.
package ccbuilder

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/carechain/carechain/network/ccpackage"
)

// Install writes the builder's bin/ scripts into dir, calling carenetBin.
func Install(dir, carenetBin string) error {
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	// Copy carenet next to the scripts, so the builder keeps working while
	// the repository's build output changes.
	self := filepath.Join(dir, "carenet")
	if err := copyFile(carenetBin, self, 0o755); err != nil {
		return err
	}
	for _, step := range []string{"detect", "build", "release", "run"} {
		script := fmt.Sprintf("#!/bin/sh\nexec %q builder %s \"$@\"\n", self, step)
		if err := os.WriteFile(filepath.Join(bin, step), []byte(script), 0o755); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// Detect accepts carechain-go packages and chaincode-as-a-service
// (ccaas) packages: bin/detect SOURCE METADATA.
func Detect(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("detect: want SOURCE METADATA")
	}
	m, err := ccpackage.ReadMetadata(args[1])
	if err != nil {
		return err
	}
	if m.Type != ccpackage.Type && m.Type != ccpackage.ServiceType {
		return fmt.Errorf("detect: package type %q is neither %s nor %s", m.Type, ccpackage.Type, ccpackage.ServiceType)
	}
	return nil
}

// Build compiles the chaincode, or for a service keeps its
// connection.json (checked): bin/build SOURCE METADATA OUTPUT.
func Build(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("build: want SOURCE METADATA OUTPUT")
	}
	src, out := args[0], args[2]
	m, err := ccpackage.ReadMetadata(args[1])
	if err != nil {
		return err
	}
	if m.Type == ccpackage.ServiceType {
		return buildService(src, out)
	}
	return buildGo(src, out)
}

// buildGo compiles the carechain-go chaincode of a source folder into
// out/chaincode, through the build cache.
func buildGo(src, out string) error {
	data, err := os.ReadFile(filepath.Join(src, ccpackage.BuildFile))
	if err != nil {
		return err
	}
	var spec ccpackage.BuildSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("build: %s: %w", ccpackage.BuildFile, err)
	}
	// -s -w: no symbol table and no DWARF (stack traces keep their
	// function names and lines), about half the link's time, which is
	// most of a build once Go's build cache holds the packages.
	ldflags := "-s -w"
	if spec.Version != "" {
		ldflags += " -X main.buildVersion=" + spec.Version
	}
	mod := "-mod=readonly"
	if spec.Vendor {
		mod = "-mod=vendor" // a module of its own, its dependencies in the package
	}
	goArgs := []string{"build", "-trimpath", mod, "-ldflags=" + ldflags}
	// The same package on every peer (and in every state folder) builds
	// once: the binary is kept under the hash of its whole source and Go
	// settings (see compileCached).
	err = compileCached(src, filepath.Join(out, "chaincode"), append(goArgs, spec.Main), func(dst string) error {
		cmd := exec.Command("go", append(append(goArgs, "-o", dst), spec.Main)...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		return cmd.Run()
	})
	if err != nil {
		return fmt.Errorf("build: go build %s: %w", spec.Main, err)
	}
	return nil
}

// buildService checks a service package's connection.json and keeps it
// for Release.
func buildService(src, out string) error {
	data, err := os.ReadFile(filepath.Join(src, ccpackage.ConnectionFile))
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	var c ccpackage.Connection
	if err := json.Unmarshal(data, &c); err != nil {
		return fmt.Errorf("build: %s: %w", ccpackage.ConnectionFile, err)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("build: %s: %w", ccpackage.ConnectionFile, err)
	}
	return os.WriteFile(filepath.Join(out, ccpackage.ConnectionFile), data, 0o644)
}

// Release releases a service's connection.json where the peer looks for
// it (chaincode/server/connection.json: the peer then connects to the
// server and calls no bin/run); a built chaincode has nothing to release
// (LevelDB needs no index definitions). bin/release BUILD RELEASE.
func Release(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("release: want BUILD RELEASE")
	}
	data, err := os.ReadFile(filepath.Join(args[0], ccpackage.ConnectionFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	dir := filepath.Join(args[1], "chaincode", "server")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ccpackage.ConnectionFile), data, 0o644)
}

// RunMetadata is the chaincode.json the peer gives bin/run.
type RunMetadata struct {
	ChaincodeID string `json:"chaincode_id"`
	PeerAddress string `json:"peer_address"`
	ClientCert  string `json:"client_cert"`
	ClientKey   string `json:"client_key"`
	RootCert    string `json:"root_cert"`
	MSPID       string `json:"mspid"`
}

// Run starts the chaincode in place of this process: bin/run BUILD RUNMETADATA.
// The peer keeps the process for as long as the chaincode lives.
func Run(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("run: want BUILD RUN_METADATA")
	}
	build, metaDir := args[0], args[1]
	data, err := os.ReadFile(filepath.Join(metaDir, "chaincode.json"))
	if err != nil {
		return err
	}
	var m RunMetadata
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("run: chaincode.json: %w", err)
	}
	// The peer removes the run metadata folder when the chaincode stops,
	// keys included.
	tlsDir := metaDir
	files := map[string]string{"client.crt": m.ClientCert, "client.key": m.ClientKey, "root.crt": m.RootCert}
	for name, pem := range files {
		if err := os.WriteFile(filepath.Join(tlsDir, name), []byte(pem), 0o600); err != nil {
			return err
		}
	}
	bin := filepath.Join(build, "chaincode")
	env := append(os.Environ(),
		"CORE_CHAINCODE_ID_NAME="+m.ChaincodeID,
		"CORE_PEER_LOCALMSPID="+m.MSPID,
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_TLS_CLIENT_CERT_FILE="+filepath.Join(tlsDir, "client.crt"),
		"CORE_TLS_CLIENT_KEY_FILE="+filepath.Join(tlsDir, "client.key"),
		"CORE_PEER_TLS_ROOTCERT_FILE="+filepath.Join(tlsDir, "root.crt"),
	)
	return syscall.Exec(bin, []string{bin, "-peer.address=" + m.PeerAddress}, env)
}
