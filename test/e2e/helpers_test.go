//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/network/health"
	"github.com/carechain/carechain/network/proc"
)

// waitHeight waits until peer has committed block (height > block): the
// gateway's commit status covers its own peer only.
func waitHeight(t *testing.T, peerID, channel string, block uint64) {
	t.Helper()
	node, err := cl.Profile.Peer(peerID)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = health.Poll(ctx, 100*time.Millisecond, func(ctx context.Context) (bool, error) {
		samples, err := health.Metrics(ctx, node.Operations)
		if err != nil {
			return false, nil
		}
		h, _ := health.Value(samples, "ledger_blockchain_height", map[string]string{"channel": channel})
		return uint64(h) > block, nil
	})
	if err != nil {
		t.Fatalf("%s never reached block %d on %s: %v", peerID, block, channel, err)
	}
}

// consortiumPIDs lists every live process of the consortium: each node's
// process group, chaincode processes included.
func consortiumPIDs() []int {
	pidFiles, _ := filepath.Glob(filepath.Join(home, "run", "*.pid"))
	var out []int
	for _, f := range pidFiles {
		if pid := proc.Pid(f); pid > 0 {
			out = append(out, proc.GroupMembers(pid)...)
		}
	}
	return out
}

// processesUsing lists live processes whose command line or environment
// mentions dir (the state folder): nodes and chaincode started from it.
func processesUsing(dir string) []string {
	entries, _ := os.ReadDir("/proc")
	var out []string
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		for _, f := range []string{"cmdline", "environ"} {
			data, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, f))
			if err == nil && strings.Contains(string(data), dir) {
				out = append(out, fmt.Sprintf("%d %s", pid, strings.ReplaceAll(string(data[:min(len(data), 120)]), "\x00", " ")))
				break
			}
		}
	}
	return out
}

// listeners returns the local addresses of the listening TCP sockets owned by pids.
func listeners(t *testing.T, pids []int) []string {
	t.Helper()
	inodes := map[string]bool{}
	for _, pid := range pids {
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		for _, fd := range fds {
			link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
			if err == nil && strings.HasPrefix(link, "socket:[") {
				inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
			}
		}
	}
	var out []string
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			// local_address is f[1], st is f[3] (0A = LISTEN), inode is f[9].
			if len(f) < 10 || f[3] != "0A" || !inodes[f[9]] {
				continue
			}
			out = append(out, f[1])
		}
	}
	return out
}

// loopback reports whether a /proc/net/tcp{,6} local address is a loopback one.
func loopback(addr string) bool {
	host, _, _ := strings.Cut(addr, ":")
	switch len(host) {
	case 8: // IPv4, little-endian hex: 127.x.x.x ends in 7F
		return strings.HasSuffix(host, "7F")
	case 32: // IPv6 ::1, or ::ffff:127.x.x.x
		return host == "00000000000000000000000001000000" ||
			(strings.HasPrefix(host, "0000000000000000FFFF0000") && strings.HasSuffix(host, "7F"))
	}
	return false
}

// enrollmentID is a test patient's enrollment id at the patients' CA (a
// random "p" and 32 hex digits; the tests name patients by their wallet
// entry, e.g. patient1): what a delegate or a creator check names.
func enrollmentID(t *testing.T, user string) string {
	t.Helper()
	id, err := cl.Identity("patients", user, client.SessionOptions{Wallet: wallet})
	if err != nil {
		t.Fatalf("identity patients/%s: %v", user, err)
	}
	return id.EnrollmentID()
}

// filesContaining lists the regular files under dir that contain any needle.
func filesContaining(t *testing.T, dir string, needles ...[]byte) []string {
	t.Helper()
	var hits []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil // sockets, a file removed meanwhile
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for _, n := range needles {
			if bytes.Contains(data, n) {
				hits = append(hits, path)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}
