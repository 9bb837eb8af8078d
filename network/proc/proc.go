// Package proc starts consortium nodes as detached processes, each the leader
// of its own process group with its output in a log file and its pid in a
// file, and stops them again, children included (a peer's chaincode
// processes run in the peer's group).
package proc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Spec is a process to start.
type Spec struct {
	Binary  string
	Args    []string
	Env     []string // added to a minimal environment (PATH, HOME, Go's variables)
	Dir     string
	LogFile string
	PidFile string
	// Launcher, when set, is the command the process is started through,
	// with the binary and its arguments appended: for example one that
	// enters the network and mount namespaces of the node's host. It
	// must exec the binary in the end, so that the pid stays the node's.
	Launcher []string
}

// Start launches the process detached from the caller. It returns once the
// process has been created; health is the caller's to check.
func Start(s Spec) (int, error) {
	for _, d := range []string{filepath.Dir(s.LogFile), filepath.Dir(s.PidFile)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return 0, err
		}
	}
	logf, err := os.OpenFile(s.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "\n==== carenet start %s %s\n", time.Now().UTC().Format(time.RFC3339), s.Binary)
	cmd := exec.Command(s.Binary, s.Args...)
	if len(s.Launcher) > 0 {
		cmd = exec.Command(s.Launcher[0], append(append(s.Launcher[1:len(s.Launcher):len(s.Launcher)], s.Binary), s.Args...)...)
	}
	cmd.Dir = s.Dir
	cmd.Env = append(BaseEnv(), s.Env...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	pid := cmd.Process.Pid
	// Reap the child if it exits while we still run; otherwise init adopts it.
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	if len(s.Launcher) > 0 {
		if err := awaitExec(pid, s.Binary, exited, launchTimeout); err != nil {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			return 0, fmt.Errorf("launcher %s: %w", s.Launcher[0], err)
		}
	}
	if err := os.WriteFile(s.PidFile, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		return 0, err
	}
	return pid, nil
}

// launchTimeout bounds how long a launcher takes to exec its binary.
const launchTimeout = 10 * time.Second

// awaitExec waits until the launched process runs binary: until then its
// pid would not count as the node's (Running), and a node that looked dead
// right after its start would be started twice.
func awaitExec(pid int, binary string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err == nil && filepath.Base(strings.TrimSuffix(exe, " (deleted)")) == filepath.Base(binary) {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("exited before it ran %s", binary)
		case <-deadline:
			return fmt.Errorf("did not run %s within %s", binary, timeout)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// BaseEnv is the environment every node gets: enough for the Go toolchain
// that the chaincode builder runs, nothing of the caller's secrets.
func BaseEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "GOPATH", "GOCACHE", "GOMODCACHE", "GOPROXY", "GOFLAGS", "GONOSUMDB", "GOPRIVATE", "GOTOOLCHAIN", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// Pid reads a pid file; 0 when there is none.
func Pid(pidFile string) int {
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0
	}
	return pid
}

// Running reports whether the process of a pid file is alive and still runs
// the given binary (a recycled pid does not count).
func Running(pidFile, binary string) (int, bool) {
	pid := Pid(pidFile)
	if pid <= 0 {
		return 0, false
	}
	if err := syscall.Kill(pid, 0); err != nil {
		return pid, false
	}
	if !Alive(pid) {
		return pid, false
	}
	exe, ok := program(pid)
	return pid, ok && filepath.Base(exe) == filepath.Base(binary)
}

// program is the first word of a live process's command line. Right
// after an exec the kernel has closed the parent's close-on-exec pipe (so
// exec.Cmd.Start has returned) before it has set up the new program's
// arguments: an empty command line is read again for a while, then the
// program's path is taken from /proc/PID/exe.
func program(pid int) (string, bool) {
	for i := 0; i < 50; i++ {
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			return "", false
		}
		if len(cmdline) > 0 {
			return strings.SplitN(string(cmdline), "\x00", 2)[0], true
		}
		time.Sleep(2 * time.Millisecond)
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	return strings.TrimSuffix(exe, " (deleted)"), err == nil
}

// Stop sends SIGTERM to the process group of the pid file, waits up to
// grace for it to exit, then kills the group. The pid file is removed.
func Stop(pidFile, binary string, grace time.Duration) error {
	pid, alive := Running(pidFile, binary)
	defer os.Remove(pidFile)
	if !alive {
		if pid > 0 {
			// The leader is gone; make sure no child of its group lingers.
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
		return nil
	}
	if err := syscall.Kill(-pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if _, ok := Running(pidFile, binary); !ok && !GroupAlive(pid) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	for i := 0; i < 40 && GroupAlive(pid); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if GroupAlive(pid) {
		return fmt.Errorf("process group %d did not exit", pid)
	}
	return nil
}

// Alive reports whether pid is a live process (a zombie, which has exited
// and waits for its parent to reap it, is not).
func Alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] != 'Z'
}

// GroupAlive reports whether any live (non-zombie) process is in group pgid.
func GroupAlive(pgid int) bool {
	return len(GroupMembers(pgid)) > 0
}

// GroupMembers lists the live processes of a process group.
func GroupMembers(pgid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		// fields[0] is the state, fields[2] the process group.
		if len(fields) < 3 || fields[0] == "Z" {
			continue
		}
		if g, err := strconv.Atoi(fields[2]); err == nil && g == pgid {
			out = append(out, pid)
		}
	}
	return out
}

// ErrRunning is Reap refusing to clear a process that still runs.
var ErrRunning = errors.New("process still runs")

// Reap clears what a node that is gone left behind, before it is started
// again: the rest of its process group (a killed peer's chaincode
// processes) and its pid file. It refuses while the process runs. A pid
// recycled by another program is left alone: its group is not the node's.
func Reap(pidFile, binary string) error {
	pid, alive := Running(pidFile, binary)
	if alive {
		return fmt.Errorf("%s: %w (pid %d)", pidFile, ErrRunning, pid)
	}
	// While any member of a group lives, Linux gives its id to no new
	// process: a dead leader's pid still names only its own group.
	if pid > 0 && !Alive(pid) {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
	if err := os.Remove(pidFile); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// KillGroup kills the process group a pid file names, at once, and waits
// (up to two seconds) for it to be gone: for a process this program has
// just started, whose pid cannot have been recycled.
func KillGroup(pidFile string) {
	pid := Pid(pidFile)
	if pid <= 0 {
		return
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	for i := 0; i < 40 && GroupAlive(pid); i++ {
		time.Sleep(50 * time.Millisecond)
	}
}
