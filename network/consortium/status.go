package consortium

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/carechain/carechain/network/health"
	"github.com/carechain/carechain/network/proc"
	"github.com/carechain/carechain/network/topology"
)

// NodeStatus is one node's state as Status reports it.
type NodeStatus struct {
	ID      string
	Kind    topology.Kind
	Address string
	Pid     int
	Running bool
	Healthy bool
	// Heights is the block height per channel (peers and orderers).
	Heights map[string]int
}

// Statuses reads every local node's process, health and block heights.
func (c *Consortium) Statuses(ctx context.Context) []NodeStatus {
	var out []NodeStatus
	for _, n := range c.Nodes() {
		if !c.local(n) {
			continue
		}
		s := NodeStatus{ID: n.ID(), Kind: n.Kind, Address: n.Address(), Heights: map[string]int{}}
		s.Pid, s.Running = proc.Running(c.Home.Pid(n.ID()), c.binaryOf(n))
		if s.Running {
			s.Healthy, _ = health.Healthy(ctx, n.OperationsAddress())
			if n.Kind != topology.KindCA {
				if samples, err := health.Metrics(ctx, n.OperationsAddress()); err == nil {
					for _, smp := range samples {
						if smp.Name == "ledger_blockchain_height" && smp.Labels["channel"] != "" {
							s.Heights[smp.Labels["channel"]] = int(smp.Value)
						}
					}
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// Status prints which nodes run and their block height per channel.
func (c *Consortium) Status(ctx context.Context, w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "NODE\tKIND\tADDRESS\tSTATE\tBLOCK HEIGHT\n")
	running := 0
	statuses := c.Statuses(ctx)
	for _, s := range statuses {
		state := "stopped"
		if s.Running {
			running++
			state = fmt.Sprintf("running (pid %d)", s.Pid)
			if !s.Healthy {
				state = fmt.Sprintf("unhealthy (pid %d)", s.Pid)
			}
		}
		var heights []string
		for ch, h := range s.Heights {
			heights = append(heights, fmt.Sprintf("%s=%d", ch, h))
		}
		sort.Strings(heights)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Kind, s.Address, state, strings.Join(heights, " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d of %d nodes running; state in %s\n", running, len(statuses), c.Home)
	c.printRetired(w)
	return nil
}

// printRetired lists the nodes removed from the topology, whose state the
// folder keeps until clean.
func (c *Consortium) printRetired(w io.Writer) {
	var names []string
	for _, r := range c.Retired() {
		state := "stopped"
		if pid, ok := proc.Running(c.Home.Pid(r.ID), c.binaryOfKind(r.Kind)); ok {
			state = fmt.Sprintf("still running, pid %d: `make up` stops it", pid)
		}
		names = append(names, fmt.Sprintf("%s (%s)", r.ID, state))
	}
	if len(names) > 0 {
		fmt.Fprintf(w, "removed from the topology, state kept until clean: %s\n", strings.Join(names, ", "))
	}
}

// Logs lists the nodes' log files, or prints the last lines of the named ones.
func (c *Consortium) Logs(w io.Writer, nodes ...string) error {
	if len(nodes) == 0 {
		files, _ := filepath.Glob(filepath.Join(string(c.Home), "logs", "*.log"))
		if len(files) == 0 {
			fmt.Fprintf(w, "no logs in %s\n", filepath.Join(string(c.Home), "logs"))
		}
		for _, f := range files {
			fi, err := os.Stat(f)
			if err == nil {
				fmt.Fprintf(w, "%-60s %8d KiB\n", f, fi.Size()/1024)
			}
		}
		return nil
	}
	for _, id := range nodes {
		lines, err := Tail(c.Home.Log(id), 100)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "==> %s <==\n%s\n", c.Home.Log(id), strings.Join(lines, "\n"))
	}
	return nil
}

// Tail returns the last n lines of a file.
func Tail(path string, n int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return lines, sc.Err()
}
