//go:build e2e

package e2e

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/network/proc"
)

// Runs last (files run in name order): after down and clean, no process of
// the consortium is left and its state is gone.
func TestDownAndCleanLeaveNothing(t *testing.T) {
	if os.Getenv("CARECHAIN_E2E_KEEP") != "" {
		t.Skip("CARECHAIN_E2E_KEEP: the consortium stays up")
	}
	before := consortiumPIDs()
	require.NotEmpty(t, before, "the consortium should be running before teardown")
	require.NoError(t, carenet("down"))
	assert.Empty(t, consortiumPIDs())
	require.NoError(t, carenet("clean"))
	for _, pid := range before {
		assert.False(t, proc.Alive(pid), "process %d still runs", pid)
	}
	assert.Empty(t, processesUsing(home), "processes still use %s", home)
	_, err := os.Stat(home)
	assert.True(t, os.IsNotExist(err), "state folder %s still exists", home)
}
