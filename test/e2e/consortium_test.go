//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client"
)

func put(t *testing.T, s *client.Session, channel, key, value string) *client.Result {
	t.Helper()
	res, err := s.Submit(context.Background(), client.Call{Channel: channel, Chaincode: "baseline", Function: "Put", Args: []string{key, value}})
	require.NoError(t, err)
	require.NotEmpty(t, res.TxID)
	return res
}

func get(s *client.Session, channel, key string) (string, error) {
	res, err := s.Evaluate(context.Background(), client.Call{Channel: channel, Chaincode: "baseline", Function: "Get", Args: []string{key}})
	if err != nil {
		return "", err
	}
	return string(res.Payload), nil
}

// A transaction submitted through ProviderOrg's gateway is endorsed by
// peers of two orgs (the baseline policy on care needs 2 of 3) and is then
// held by every other member's peer, read through their own gateways.
func TestCommittedDataReachesOtherOrgsPeers(t *testing.T) {
	key := fmt.Sprintf("e2e-%d", time.Now().UnixNano())
	res := put(t, session(t, "provider", "physician1"), "care", key, "from-provider")

	info, err := session(t, "regulator", "auditor1").Transaction(context.Background(), "care", res.TxID)
	require.NoError(t, err)
	assert.Equal(t, "VALID", info.Validation)
	assert.Equal(t, "ProviderMSP", info.Creator)
	assert.GreaterOrEqual(t, len(info.Endorsers), 2, "endorsed by peers of at least two orgs: %v", info.Endorsers)

	for _, reader := range []struct{ org, user, peer string }{
		{"payer", "adjudicator1", "peer0.payer"},
		{"regulator", "auditor1", "peer0.regulator"},
	} {
		waitHeight(t, reader.peer, "care", res.Block)
		got, err := get(session(t, reader.org, reader.user), "care", key)
		require.NoError(t, err, reader.org)
		assert.Equal(t, "from-provider", got, reader.org)
	}

	// The same on the supply channel, written by the distributor.
	res = put(t, session(t, "distributor", "logistics1"), "supply", key, "from-distributor")
	waitHeight(t, "peer0.manufacturer", "supply", res.Block)
	got, err := get(session(t, "manufacturer", "quality1"), "supply", key)
	require.NoError(t, err)
	assert.Equal(t, "from-distributor", got)
}

// A patient has no peer: patients submit through a care member's gateway
// with an identity of their own org.
func TestPatientSubmitsThroughAMembersGateway(t *testing.T) {
	s := session(t, "patients", "patient1")
	res := put(t, s, "care", "patient-key", "mine")
	assert.NotZero(t, res.Block)
	got, err := get(s, "care", "patient-key")
	require.NoError(t, err)
	assert.Equal(t, "mine", got)
}

// An identity whose org is not a member of the channel is refused by the
// channel's peers, for queries and for transactions, and nothing is written.
func TestNonMemberOrgIsRefused(t *testing.T) {
	outsider := session(t, "manufacturer", "logistics1", client.SessionOptions{Gateway: "peer0.provider"})
	_, err := outsider.Submit(context.Background(), client.Call{Channel: "care", Chaincode: "baseline", Function: "Put", Args: []string{"outsider", "x"}})
	require.Error(t, err)
	assert.True(t, errors.Is(err, client.ErrAccessDenied), "got %v", err)

	_, err = get(outsider, "care", "outsider")
	assert.True(t, errors.Is(err, client.ErrAccessDenied), "got %v", err)

	_, err = get(session(t, "provider", "physician1"), "care", "outsider")
	assert.True(t, errors.Is(err, client.ErrNotFound), "got %v", err)
}

// A chaincode's own error reaches the client as a typed error.
func TestChaincodeErrorsAreTyped(t *testing.T) {
	s := session(t, "provider", "physician1")
	_, err := s.Submit(context.Background(), client.Call{Channel: "care", Chaincode: "baseline", Function: "Put", Args: []string{"", "x"}})
	var ce *client.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, client.CodeInvalidArgument, ce.Code)
	assert.Equal(t, "key", ce.Field)
}

// Every consortium process listens on loopback only.
func TestNodesListenOnLoopbackOnly(t *testing.T) {
	pids := consortiumPIDs()
	require.NotEmpty(t, pids)
	addrs := listeners(t, pids)
	// 7 CAs x 2, 3 orderers x 3, 5 peers x 3 at least.
	assert.GreaterOrEqual(t, len(addrs), 14+9+15)
	for _, a := range addrs {
		assert.True(t, loopback(a), "listener %s is not on loopback", a)
	}
}
