package supervise_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/carechain/carechain/network/proc"
	"github.com/carechain/carechain/network/supervise"
)

// TestMain doubles as a fake node: with FAKE_NODE_DIR set, the test binary
// serves /healthz on a loopback port it writes to DIR/addr and starts a
// child in its process group (as a peer starts chaincode), whose pid it
// writes to DIR/child.
func TestMain(m *testing.M) {
	if dir := os.Getenv("FAKE_NODE_DIR"); dir != "" {
		fakeNode(dir)
		return
	}
	os.Exit(m.Run())
}

func fakeNode(dir string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(3)
	}
	child := exec.Command("sleep", "300")
	if err := child.Start(); err != nil {
		os.Exit(4)
	}
	_ = os.WriteFile(filepath.Join(dir, "child"), []byte(strconv.Itoa(child.Process.Pid)), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "addr"), []byte(ln.Addr().String()), 0o644)
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"status":"OK"}`)) })
	_ = http.Serve(ln, mux)
}

func healthy(ctx context.Context, dir string) bool {
	addr, err := os.ReadFile(filepath.Join(dir, "addr"))
	if err != nil {
		return false
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+string(addr)+"/healthz", nil)
	resp, err := (&http.Client{Timeout: time.Second}).Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// A fake node killed with SIGKILL is running and healthy again within
// seconds, and the child its dead process group left is gone.
func TestKilledProcessIsBackAndHealthy(t *testing.T) {
	dir := t.TempDir()
	spec, start := fakeNodeSpec(t, dir)
	if err := start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proc.Stop(spec.PidFile, spec.Binary, time.Second) })
	waitFor(t, 10*time.Second, func() bool { return healthy(context.Background(), dir) })

	back := make(chan supervise.Event, 10)
	s := &supervise.Supervisor{Interval: 50 * time.Millisecond, OnEvent: func(e supervise.Event) { back <- e },
		Targets: []supervise.Target{{ID: "fake", Start: start,
			Running: func() bool { _, ok := proc.Running(spec.PidFile, spec.Binary); return ok },
			Healthy: func(ctx context.Context) bool { return healthy(ctx, dir) }}}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = s.Run(ctx) }()

	oldChild := readPid(t, filepath.Join(dir, "child"))
	killed := time.Now()
	if err := syscall.Kill(proc.Pid(spec.PidFile), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for e := range back {
		seen = append(seen, string(e.Kind))
		if e.Kind == supervise.Back {
			break
		}
	}
	if took := time.Since(killed); took > 10*time.Second {
		t.Errorf("healthy again after %v, want < 10s", took)
	}
	if strings.Join(seen, ",") != "exited,restarted,back" {
		t.Errorf("events %v", seen)
	}
	if proc.Alive(oldChild) {
		t.Errorf("the dead node's child %d still runs", oldChild)
	}
	fmt.Fprintf(os.Stderr, "fake node back and healthy %.2fs after SIGKILL\n", time.Since(killed).Seconds())
}

// fakeNodeSpec is this test binary as a node in dir, and how the
// supervisor starts it again (as carenet does: reap, then start).
func fakeNodeSpec(t *testing.T, dir string) (proc.Spec, func(context.Context) error) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	spec := proc.Spec{Binary: self, Env: []string{"FAKE_NODE_DIR=" + dir}, Dir: dir,
		LogFile: filepath.Join(dir, "node.log"), PidFile: filepath.Join(dir, "node.pid")}
	return spec, func(context.Context) error {
		if err := proc.Reap(spec.PidFile, spec.Binary); err != nil {
			return err
		}
		_ = os.Remove(filepath.Join(dir, "addr"))
		_, err := proc.Start(spec)
		return err
	}
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(string(data))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func waitFor(t *testing.T, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
