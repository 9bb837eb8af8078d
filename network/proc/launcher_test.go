package proc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A node started through a launcher counts as running the moment Start
// returns, although the launcher took a while before it ran the binary:
// the pid file names the node's own process, not a launcher's.
func TestStartThroughALauncherReturnsOnceTheBinaryRuns(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary:", err)
	}
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "node.pid")
	spec := Spec{Binary: sleep, Args: []string{"300"}, Dir: dir, LogFile: filepath.Join(dir, "node.log"), PidFile: pidFile,
		Launcher: []string{"sh", "-c", `sleep 0.3; echo "launched $0 with $*"; exec "$@"`, "launcher"}}
	pid, err := Start(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Stop(pidFile, sleep, time.Second) })
	if got, ok := Running(pidFile, sleep); !ok || got != pid {
		t.Fatalf("Running = %d, %v right after Start returned %d", got, ok, pid)
	}
	log, _ := os.ReadFile(spec.LogFile)
	if !strings.Contains(string(log), "launched launcher with "+sleep+" 300") {
		t.Errorf("the launcher did not get the binary and its arguments: %q", log)
	}
	if err := Stop(pidFile, sleep, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, ok := Running(pidFile, sleep); ok {
		t.Error("still running after Stop")
	}
}

// A launcher that gives up before it runs the binary is a failed start,
// with no pid file left to name a process.
func TestALauncherThatNeverRunsTheBinaryFailsTheStart(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary:", err)
	}
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "node.pid")
	_, err = Start(Spec{Binary: sleep, Args: []string{"300"}, Dir: dir, LogFile: filepath.Join(dir, "node.log"), PidFile: pidFile,
		Launcher: []string{"sh", "-c", "exit 3"}})
	if err == nil || !strings.Contains(err.Error(), "exited before it ran") {
		t.Fatalf("Start = %v, want the launcher's exit", err)
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("a pid file is left: %v", err)
	}
}
