//go:build e2e

package e2e

import (
	"path/filepath"
	"strings"
)

// nodeDir is a node's folder, inside its org's own folder (node ids are
// NAME.ORG): the org keeps its nodes' keys and ledgers.
func nodeDir(id string) string {
	_, org, _ := strings.Cut(id, ".")
	return filepath.Join(home, "orgs", org, "nodes", id)
}
