//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client"
)

// `make down && make up` keeps every ledger: what was written before is
// read back afterwards, through every member's peer.
func TestDownUpKeepsLedgers(t *testing.T) {
	key := fmt.Sprintf("restart-%d", time.Now().UnixNano())
	res := put(t, session(t, "provider", "nurse1"), "care", key, "before-restart")
	waitHeight(t, "peer0.payer", "care", res.Block)
	waitHeight(t, "peer0.regulator", "care", res.Block)
	sres := put(t, session(t, "manufacturer", "quality1"), "supply", key, "supply-before")
	waitHeight(t, "peer0.distributor", "supply", sres.Block)

	require.NoError(t, carenet("down"))
	assert.Empty(t, consortiumPIDs(), "processes left after down")
	require.NoError(t, carenet("up"))

	for _, r := range []struct{ org, user string }{{"provider", "physician1"}, {"payer", "adjudicator1"}, {"regulator", "auditor1"}} {
		got, err := get(session(t, r.org, r.user), "care", key)
		require.NoError(t, err, r.org)
		assert.Equal(t, "before-restart", got, r.org)
	}
	got, err := get(session(t, "distributor", "logistics1"), "supply", key)
	require.NoError(t, err)
	assert.Equal(t, "supply-before", got)

	// And the restarted network takes new transactions.
	put(t, session(t, "payer", "adjudicator1"), "care", key+"-after", "after-restart")
}

// Upgrading a chaincode (a new package, sequence + 1) keeps its state.
func TestUpgradeKeepsState(t *testing.T) {
	s := session(t, "provider", "physician1")
	key := fmt.Sprintf("upgrade-%d", time.Now().UnixNano())
	put(t, s, "care", key, "v1-data")

	version := fmt.Sprintf("e2e%d", time.Now().Unix())
	require.NoError(t, carenet("--cc-version", "baseline="+version, "deploy", "baseline"))

	res, err := s.Evaluate(context.Background(), client.Call{Channel: "care", Chaincode: "baseline", Function: "Version"})
	require.NoError(t, err)
	assert.Equal(t, version, string(res.Payload), "the upgraded build answers")
	got, err := get(s, "care", key)
	require.NoError(t, err)
	assert.Equal(t, "v1-data", got)

	// Deploying the same source again changes nothing (idempotent).
	require.NoError(t, carenet("--cc-version", "baseline="+version, "deploy", "baseline"))
}
