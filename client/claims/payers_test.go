package claims

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/events"
	"github.com/carechain/carechain/client"
)

// A claims event's changes become ClaimEvents, claim changes only, in
// order; anything else in the payload is left out.
func TestClaimEvents(t *testing.T) {
	env := events.Envelope{TxID: "tx1", Timestamp: time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC), Changes: []events.Change{
		{Type: "claim.replaced", ID: "clm-1", Attrs: map[string]string{"provider": "ProviderMSP", "payer": "PayerMSP"}},
		{Type: "coverage.registered", ID: "tx1", Attrs: map[string]string{"payer": "PayerMSP"}},
		{Type: "claim.pended", ID: "clm-2", Attrs: map[string]string{"provider": "ProviderMSP", "payer": "MutualMSP"}},
		{Type: "claim.exploded", ID: "clm-3"},
	}}
	payload, err := json.Marshal(env)
	require.NoError(t, err)
	got := ClaimEvents(client.Event{Block: 7, TxID: "tx1", Chaincode: Chaincode, Name: "claims", Payload: payload})
	assert.Equal(t, []ClaimEvent{
		{Block: 7, TxID: "tx1", Claim: "clm-1", Status: cl.StatusReplaced, Provider: "ProviderMSP", Payer: "PayerMSP"},
		{Block: 7, TxID: "tx1", Claim: "clm-2", Status: cl.StatusPended, Provider: "ProviderMSP", Payer: "MutualMSP"},
	}, got)
	assert.Empty(t, ClaimEvents(client.Event{Payload: []byte("not json")}))
}
