package consortium

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/carechain/carechain/network/topology"
)

// portsFile is the state folder's record of every node's ports.
func portsFile(h string) string { return filepath.Join(h, "ports.json") }

// loadPorts reads the state folder's port record, and how to tell a port
// is free for a new node. A folder without one starts from an empty
// record for base: a new folder, whose nodes skip taken ports, or one an
// earlier carenet made, which assigned ports in file order from the base
// (its running nodes hold them: no port is checked).
func loadPorts(h string, base int) (*topology.Ports, func(string, int) bool, error) {
	data, err := os.ReadFile(portsFile(h))
	if errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(h, "port-base")); err == nil {
			return topology.NewPorts(base), nil, nil
		}
		return topology.NewPorts(base), portFree, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var p topology.Ports
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", portsFile(h), err)
	}
	if p.Base != base {
		return nil, nil, fmt.Errorf("%s was made with port base %d, not %d: run `make clean` first", portsFile(h), p.Base, base)
	}
	if err := p.Check(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", portsFile(h), err)
	}
	return &p, portFree, nil
}

// portFree reports whether a listener could take port on host now; a host
// that is not this machine's answers free (its own carenet checks there).
func portFree(host string, port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return !errors.Is(err, syscall.EADDRINUSE)
	}
	ln.Close()
	return true
}

// savePorts writes the port record (through a temporary file, so a
// crash leaves the old record or the new one).
func (c *Consortium) savePorts() error {
	data, err := json.MarshalIndent(c.ports, "", "  ")
	if err != nil {
		return err
	}
	path := portsFile(string(c.Home))
	if err := os.WriteFile(path+".tmp", append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// Retired are the nodes of the state folder that the topology no longer
// has: stopped by up, kept until clean.
func (c *Consortium) Retired() []topology.RetiredNode { return c.Topo.Retired(c.ports) }

// binaryOfKind is the program a node of that kind runs.
func (c *Consortium) binaryOfKind(k topology.Kind) string {
	switch k {
	case topology.KindCA:
		return c.tool("fabric-ca-server")
	case topology.KindOrderer:
		return c.tool("orderer")
	default:
		return c.tool("peer")
	}
}

// commission records every topology node as part of the consortium (the
// supervisor watches commissioned nodes only) once up succeeded.
func (c *Consortium) commission(context.Context) error {
	var ids []string
	for _, n := range c.Nodes() {
		if c.local(n) || c.commissioned(n) {
			ids = append(ids, n.ID())
		}
	}
	c.ports.Commission(ids...)
	return c.savePorts()
}

// commissioned reports whether a node has been part of a consortium that
// came up.
func (c *Consortium) commissioned(n topology.Node) bool { return c.ports.Nodes[n.ID()].Commissioned }

// movePorts gives a node that this run added to the port record, and that
// exited because one of its ports was taken, new free ports, and writes
// its configuration again. ok is false for any other node.
func (c *Consortium) movePorts(n topology.Node) (moved topology.Node, ok bool, err error) {
	if !c.fresh[n.ID()] || !strings.Contains(logCause(c.Home.Log(n.ID())), "address already in use") {
		return n, false, nil
	}
	c.portsMu.Lock()
	defer c.portsMu.Unlock()
	rec, err := c.ports.Reassign(n.ID(), portFree)
	if err != nil {
		return n, false, err
	}
	n.Port, n.AdminPort, n.ChaincodePort, n.OperationsPort = rec.Port, rec.AdminPort, rec.ChaincodePort, rec.OperationsPort
	for i := range c.nodes {
		if c.nodes[i].ID() == n.ID() {
			c.nodes[i] = n
		}
	}
	if err := c.savePorts(); err != nil {
		return n, false, err
	}
	return n, true, c.writeNodeConfig(n)
}
