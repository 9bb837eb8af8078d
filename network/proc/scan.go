package proc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Process is a live process as /proc shows it.
type Process struct {
	Pid  int
	PPid int
	Pgid int
	Exe  string // the program's path ("" when unreadable)
	Cwd  string
	Args []string
}

func (p Process) String() string {
	return fmt.Sprintf("pid %d (%s)", p.Pid, strings.Join(p.Args[:min(len(p.Args), 4)], " "))
}

// inside reports whether path is dir or below it.
func inside(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// Within lists the live processes that work in dir: their working folder
// or program is inside dir, or an argument names a path inside it. The
// caller and its ancestors are left out (a shell or make that runs
// carenet from the folder is not one of its processes).
func Within(dir string) ([]Process, error) {
	dir = filepath.Clean(dir)
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	skip := ancestors(os.Getpid())
	var out []Process
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || skip[pid] {
			continue
		}
		p, ok := Read(pid)
		if ok && p.uses(dir) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (p Process) uses(dir string) bool {
	if inside(p.Cwd, dir) || inside(p.Exe, dir) {
		return true
	}
	for _, a := range p.Args {
		if inside(a, dir) || strings.Contains(a, dir+"/") || strings.HasSuffix(a, "="+dir) {
			return true
		}
	}
	return false
}

// Read reads a live (not zombie) process from /proc.
func Read(pid int) (Process, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Process{}, false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return Process{}, false
	}
	// After the command: state, ppid, pgrp.
	f := strings.Fields(s[i+1:])
	if len(f) < 3 || f[0] == "Z" {
		return Process{}, false
	}
	p := Process{Pid: pid}
	p.PPid, _ = strconv.Atoi(f[1])
	p.Pgid, _ = strconv.Atoi(f[2])
	p.Exe, _ = os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	p.Exe = strings.TrimSuffix(p.Exe, " (deleted)")
	p.Cwd, _ = os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil {
		p.Args = strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	}
	return p, true
}

// ancestors are pid and its parents up to init.
func ancestors(pid int) map[int]bool {
	out := map[int]bool{}
	for pid > 1 && !out[pid] {
		out[pid] = true
		p, ok := Read(pid)
		if !ok {
			break
		}
		pid = p.PPid
	}
	return out
}

// Terminate stops processes found by Within: SIGTERM, then after grace
// SIGKILL. A process that leads its process group, or whose group's
// leader is gone (a killed node's chaincode), is stopped with its whole
// group; any other only by itself. The caller's own group is never
// signalled. It returns the processes still alive afterwards.
func Terminate(ps []Process, grace time.Duration) []Process {
	own := syscall.Getpgrp()
	signal := func(sig syscall.Signal) {
		for _, p := range ps {
			target := p.Pid
			if p.Pgid != own && (p.Pgid == p.Pid || !Alive(p.Pgid)) {
				target = -p.Pgid
			}
			if err := syscall.Kill(target, sig); err != nil && !errors.Is(err, syscall.ESRCH) && target < 0 {
				_ = syscall.Kill(p.Pid, sig)
			}
		}
	}
	signal(syscall.SIGTERM)
	if left := waitGone(ps, grace); len(left) == 0 {
		return nil
	}
	signal(syscall.SIGKILL)
	return waitGone(ps, 2*time.Second)
}

// waitGone waits up to d for the processes to exit, and returns those alive.
func waitGone(ps []Process, d time.Duration) []Process {
	deadline := time.Now().Add(d)
	for {
		var left []Process
		for _, p := range ps {
			if q, ok := Read(p.Pid); ok && q.Exe == p.Exe {
				left = append(left, p)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}
