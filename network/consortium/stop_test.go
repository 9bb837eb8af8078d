package consortium

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/network/home"
	"github.com/carechain/carechain/network/proc"
	"github.com/carechain/carechain/network/topology"
)

const fakeTopology = `
portBase: 9000
orgs:
  - {name: ord, mspId: OrdMSP, orderers: [o1], users: [{name: admin, type: admin}]}
  - {name: a, mspId: AMSP, peers: [peer0], users: [{name: admin, type: admin}]}
channels: [{name: ch, orgs: [a]}]
`

// fakeConsortium is a consortium whose Fabric binaries are copies of
// sleep, with a retired peer (peer0.gone) in its port record.
func fakeConsortium(t *testing.T) *Consortium {
	t.Helper()
	topo, err := topology.Parse([]byte(fakeTopology))
	require.NoError(t, err)
	dir := t.TempDir()
	bin := filepath.Join(dir, "fabric-bin")
	for _, name := range []string{"peer", "orderer", "fabric-ca-server"} {
		copyProgram(t, "sleep", filepath.Join(bin, name))
	}
	ports := topology.NewPorts(9000)
	nodes, err := topo.Assign(ports, nil)
	require.NoError(t, err)
	ports.Nodes["peer0.gone"] = topology.NodePorts{Kind: topology.KindPeer, Port: 9100, ChaincodePort: 9101, OperationsPort: 9102}
	return &Consortium{Home: home.Dir(filepath.Join(dir, "home")), Topo: topo, Bin: bin, Out: io.Discard, ports: ports, nodes: nodes}
}

func copyProgram(t *testing.T, name, dst string) {
	t.Helper()
	src, err := exec.LookPath(name)
	require.NoError(t, err)
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
	require.NoError(t, os.WriteFile(dst, data, 0o755))
}

// startFake starts binary as node id would run (its own group, cwd in
// the node's folder, a pid file) and returns its pid.
func startFake(t *testing.T, c *Consortium, id, binary string) int {
	t.Helper()
	_, org, _ := strings.Cut(id, ".") // ids are NAME.ORG
	dir := c.Home.Node(org, id)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	pid, err := proc.Start(proc.Spec{Binary: binary, Args: []string{"300"}, Dir: dir, LogFile: c.Home.Log(id), PidFile: c.Home.Pid(id)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = syscall.Kill(-pid, syscall.SIGKILL) })
	return pid
}

func waitExited(t *testing.T, pid int) bool {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for proc.Alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	return !proc.Alive(pid)
}

// Down stops the topology's nodes, a node removed from the topology and a
// process no pid file names (a chaincode left by a failed step), and
// leaves alone a program that is not the consortium's (a shell in the
// folder).
func TestDownStopsEveryProcessOfTheStateFolder(t *testing.T) {
	c := fakeConsortium(t)
	node := startFake(t, c, "peer0.a", c.tool("peer"))
	retired := startFake(t, c, "peer0.gone", c.tool("peer"))
	chaincode := filepath.Join(c.Home.NodeData("a", "peer0.a"), "externalbuilder", "chaincode")
	copyProgram(t, "sleep", chaincode)
	orphan := startFake(t, c, "orphan", chaincode)
	require.NoError(t, os.Remove(c.Home.Pid("orphan")))
	bystander := exec.Command("sleep", "300")
	bystander.Dir = string(c.Home)
	require.NoError(t, bystander.Start())
	t.Cleanup(func() { _ = bystander.Process.Kill(); _ = bystander.Wait() })

	require.NoError(t, c.Down(context.Background()))
	for name, pid := range map[string]int{"node": node, "retired node": retired, "orphan": orphan} {
		assert.True(t, waitExited(t, pid), "the %s (pid %d) still runs", name, pid)
	}
	assert.True(t, proc.Alive(bystander.Process.Pid), "a program that is not the consortium's is left alone")
	left, err := c.Lingering()
	require.NoError(t, err)
	assert.Empty(t, left)
}

// Clean never removes a state folder while one of its nodes runs.
func TestCleanKeepsTheFolderWhileANodeRuns(t *testing.T) {
	c := fakeConsortium(t)
	pid := startFake(t, c, "o1.ord", c.tool("orderer"))
	require.NoError(t, os.Remove(c.Home.Pid("o1.ord"))) // forgotten by a failed step

	err := c.removeState()
	var running *RunningError
	require.True(t, errors.As(err, &running), "got %v", err)
	require.Len(t, running.Processes, 1)
	assert.Equal(t, pid, running.Processes[0].Pid)
	_, statErr := os.Stat(string(c.Home))
	require.NoError(t, statErr, "the folder is kept")

	require.NoError(t, c.Clean(context.Background()))
	assert.True(t, waitExited(t, pid))
	_, statErr = os.Stat(string(c.Home))
	assert.True(t, os.IsNotExist(statErr), "clean removes the folder once nothing runs")
}
