package consortium

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/carechain/carechain/network/collections"
	"github.com/carechain/carechain/network/topology"
)

// collectionsConfig is the collections config of a chaincode on a channel
// whose topology entry names one: for the chaincodes whose collections
// follow the parts (package network/collections: claims), generated from
// the topology's orgs on the channel and written to the state folder, so
// an org that joins brings its collections with the next definition;
// else the named file. It returns the file's path and content, or "" and
// nil when the chaincode has no collections there.
func (c *Consortium) collectionsConfig(cc topology.Chaincode, ch string) (string, []byte, error) {
	file := cc.Channels[ch].Collections
	if file == "" {
		return "", nil, nil
	}
	orgs := collections.FromTopology(c.Topo, ch)
	defs, generated := collections.For(cc.Name, orgs)
	if !generated {
		path := filepath.Join(c.Repo, file)
		data, err := os.ReadFile(path)
		return path, data, err
	}
	dir := c.Home.Chaincode()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%s-collections.json", cc.Name, ch))
	defs, err := retainDefined(path, defs, orgs)
	if err != nil {
		return "", nil, err
	}
	data, err := collections.Marshal(defs)
	if err != nil {
		return "", nil, err
	}
	return path, data, os.WriteFile(path, data, 0o644)
}

// retainDefined keeps in defs the collections that the config written
// last at path defined (collections.Retain): one that left with an org
// stays, as Fabric requires of every later definition.
func retainDefined(path string, defs []collections.Definition, orgs []collections.Org) ([]collections.Definition, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return defs, nil
	} else if err != nil {
		return nil, err
	}
	previous, err := collections.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return collections.Retain(previous, defs, orgs)
}
