package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NAME and the flags come in either order; approve without --org is
// refused (no org approves for another), as is a missing or second name.
func TestLifecycleArgs(t *testing.T) {
	name, org, asJSON, err := lifecycleArgs("approve", []string{"basic", "--org", "payer", "--json"})
	require.NoError(t, err)
	assert.Equal(t, []any{"basic", "payer", true}, []any{name, org, asJSON})
	name, org, _, err = lifecycleArgs("approve", []string{"--org", "payer", "basic"})
	require.NoError(t, err)
	assert.Equal(t, []string{"basic", "payer"}, []string{name, org})
	_, _, _, err = lifecycleArgs("approve", []string{"basic"})
	assert.ErrorContains(t, err, "--org")
	_, _, _, err = lifecycleArgs("commit", nil)
	assert.ErrorContains(t, err, "one chaincode name")
	_, _, _, err = lifecycleArgs("commit", []string{"a", "b"})
	assert.ErrorContains(t, err, "one chaincode name")
	name, _, _, err = lifecycleArgs("commit", []string{"basic"})
	require.NoError(t, err)
	assert.Equal(t, "basic", name)
}
