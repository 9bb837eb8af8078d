package proc

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// sleeper starts a shell that sleeps, in its own process group with cwd
// dir and args extra, and kills it at the end of the test.
func sleeper(t *testing.T, dir string, extra ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sh", append([]string{"-c", "sleep 300; :", "sleeper"}, extra...)...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait() }()
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	return cmd
}

func pids(ps []Process) []int {
	var out []int
	for _, p := range ps {
		out = append(out, p.Pid)
	}
	return out
}

// Within finds a process by its working folder or by an argument inside
// the folder, and nothing in a folder whose name merely starts the same.
func TestWithinFindsTheFoldersProcesses(t *testing.T) {
	root := t.TempDir()
	home := filepath.Join(root, "home")
	sibling := filepath.Join(root, "home2")
	for _, d := range []string{filepath.Join(home, "nodes", "x"), sibling} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	byCwd := sleeper(t, filepath.Join(home, "nodes", "x"))
	byArg := sleeper(t, root, "--config="+filepath.Join(home, "core.yaml"))
	other := sleeper(t, sibling, filepath.Join(sibling, "x"))

	ps, err := Within(home)
	if err != nil {
		t.Fatal(err)
	}
	got := pids(ps)
	for _, want := range []*exec.Cmd{byCwd, byArg} {
		if !slices.Contains(got, want.Process.Pid) {
			t.Errorf("pid %d (%v) not found in %s: %v", want.Process.Pid, want.Args, home, got)
		}
	}
	if slices.Contains(got, other.Process.Pid) {
		t.Errorf("pid %d works in %s, not in %s", other.Process.Pid, sibling, home)
	}
	if slices.Contains(got, os.Getpid()) {
		t.Error("the caller is never listed")
	}
}

// Terminate stops a group leader with its group (a node and its
// chaincode), and reports nothing left.
func TestTerminateStopsTheGroup(t *testing.T) {
	home := t.TempDir()
	leader := exec.Command("sh", "-c", "sleep 300 & sleep 300; wait")
	leader.Dir = home
	leader.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := leader.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = leader.Wait() }()
	t.Cleanup(func() { _ = syscall.Kill(-leader.Process.Pid, syscall.SIGKILL) })
	deadline := time.Now().Add(5 * time.Second)
	for len(GroupMembers(leader.Process.Pid)) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	ps, err := Within(home)
	if err != nil {
		t.Fatal(err)
	}
	var found []Process
	for _, p := range ps {
		if p.Pid == leader.Process.Pid {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("the leader is not found in %s: %v", home, ps)
	}
	if left := Terminate(found, 2*time.Second); len(left) > 0 {
		t.Fatalf("still running: %v", left)
	}
	deadline = time.Now().Add(3 * time.Second)
	for GroupAlive(leader.Process.Pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if m := GroupMembers(leader.Process.Pid); len(m) > 0 {
		t.Fatalf("members of the group still run: %v", m)
	}
}
