//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	gw "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client"
)

// rawGateway is a fabric-gateway connection as the session's user, for
// what the client library does not offer (block events).
func rawGateway(t *testing.T, s *client.Session) *gw.Gateway {
	t.Helper()
	conn, err := client.NewPool().Conn(s.Peer)
	require.NoError(t, err)
	g, err := gw.Connect(s.Identity.ID, gw.WithSign(s.Identity.Sign), gw.WithHash(hash.SHA256), gw.WithClientConnection(conn))
	require.NoError(t, err)
	return g
}

// firstBlock reads block 0 of care as the session's user: it reports
// whether a block arrived before the stream closed or timed out.
func firstBlock(t *testing.T, s *client.Session) bool {
	t.Helper()
	g := rawGateway(t, s)
	defer g.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	blocks, err := g.GetNetwork("care").BlockEvents(ctx, gw.WithStartBlock(0))
	if err != nil {
		return false
	}
	b, ok := <-blocks
	return ok && b != nil
}

// Patients submit and evaluate through a member's gateway and learn the
// outcome of their own transactions, but read no block: not through block
// events, not through qscc. A physician (a Reader) does, as a control.
func TestPatientsAreNotReaders(t *testing.T) {
	ctx := context.Background()
	patient := session(t, "patients", "patient2")
	res, err := patient.Submit(ctx, client.Call{Channel: "care", Chaincode: "baseline", Function: "Put",
		Args: []string{fmt.Sprintf("patient-%d", time.Now().UnixNano()), "v"}})
	require.NoError(t, err, "a patient's submit must learn its commit status")
	require.NotEmpty(t, res.TxID)

	_, err = patient.Evaluate(ctx, client.Call{Channel: "care", Chaincode: "qscc", Function: "GetChainInfo", Args: []string{"care"}})
	require.ErrorContains(t, err, "access denied")
	require.False(t, firstBlock(t, patient), "a patient received a block")

	physician := session(t, "provider", "physician1")
	_, err = physician.Evaluate(ctx, client.Call{Channel: "care", Chaincode: "qscc", Function: "GetChainInfo", Args: []string{"care"}})
	require.NoError(t, err)
	require.True(t, firstBlock(t, physician), "the control: a member's physician reads blocks")
}
