package consortium

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/carechain/carechain/network/pki"
	"github.com/carechain/carechain/network/topology"
)

// publishOrg writes what an org gives the others into the shared area:
// its CA root and its channel MSP, copies of certificates only. Every
// other org, and every channel config, trusts it by these; none of them
// reads the org's own folder.
func (c *Consortium) publishOrg(org *topology.Org) error {
	root := c.Home.CAServerCert(org.Name)
	if err := copyFile(root, c.Home.CACert(org.Name)); err != nil {
		return fmt.Errorf("publish the CA root of %s: %w", org.Name, err)
	}
	if err := pki.WriteOrgMSP(root, c.Home.OrgMSP(org.Name)); err != nil {
		return fmt.Errorf("publish the MSP of %s: %w", org.Name, err)
	}
	return nil
}

// publishTLSCert publishes an orderer's TLS certificate: channel configs
// list it as a Raft consenter, written by whichever org makes them.
func (c *Consortium) publishTLSCert(n topology.Node) error {
	if n.Kind != topology.KindOrderer {
		return nil
	}
	src := filepath.Join(c.Home.NodeTLS(n.Org.Name, n.ID()), "server.crt")
	return copyFile(src, c.Home.PublishedTLSCert(n.Org.Name, n.ID()))
}

// writeCLIConfig gives an org's admin a core.yaml of its own for the peer
// CLI (every setting it needs comes from its environment: carenet env), so
// an org without peers never borrows another org's node config.
func (c *Consortium) writeCLIConfig(org *topology.Org) error {
	return copyFile(filepath.Join(c.Templates, "core.yaml"), filepath.Join(c.Home.CLIConfig(org.Name), "core.yaml"))
}

// copyFile copies a public file, replacing what dst held.
func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// LayoutError is a state folder in an earlier carenet's layout (every
// org's nodes in one shared folder) whose processes still run.
type LayoutError struct {
	Dir     string
	Running int
}

func (e *LayoutError) Error() string {
	return fmt.Sprintf("%s keeps every org's nodes in one folder (an earlier carenet's layout) and %d of the consortium's processes run: "+
		"run `carenet down`, then `carenet up` moves each node into its org's own folder", e.Dir, e.Running)
}

// moveSharedNodes moves the node folders an earlier carenet kept in one
// shared folder (HOME/nodes/NODE, NODE being NAME.ORG) into their orgs'
// folders, where their keys belong. Only a stopped consortium moves: a
// running node would lose its files under its feet.
func (c *Consortium) moveSharedNodes() error {
	entries, err := os.ReadDir(c.Home.SharedNodes())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	running, err := c.Lingering()
	if err != nil {
		return err
	}
	if len(running) > 0 {
		return &LayoutError{Dir: c.Home.SharedNodes(), Running: len(running)}
	}
	for _, e := range entries {
		_, org, ok := strings.Cut(e.Name(), ".")
		if !ok || !e.IsDir() {
			return fmt.Errorf("%s: %s is not a node folder NAME.ORG", c.Home.SharedNodes(), e.Name())
		}
		dst := c.Home.Node(org, e.Name())
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(c.Home.SharedNodes(), e.Name()), dst); err != nil {
			return err
		}
		fmt.Fprintf(c.Out, "  moved %s into the folder of %s\n", e.Name(), org)
	}
	return os.Remove(c.Home.SharedNodes())
}
