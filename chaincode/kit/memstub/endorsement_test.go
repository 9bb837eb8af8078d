package memstub_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two simulations of one proposal on the same committed state endorse the
// same thing; once a key it reads has changed (an endorser a block
// behind the other, as under load), the read set, write set and response
// differ: what the gateway refuses as ENDORSEMENT_MISMATCH.
func TestEndorsementsOfOneProposal(t *testing.T) {
	p, id := bookPeer(t)
	valid(t, p, tx(id, 1, nil, "put", "k", "1"))
	proposal := tx(id, 2, nil, "inc", "k")
	proposal.TxID = "tx-inc"
	behind := p.Simulate(proposal).Endorsement()
	require.Equal(t, behind, p.Simulate(proposal).Endorsement())
	assert.Equal(t, []string{`kv//"k"@1.0`}, behind.Reads)
	assert.Equal(t, []string{`kv//"k" value="2"`}, behind.Writes)

	valid(t, p, tx(id, 3, nil, "put", "k", "5"))
	ahead := p.Simulate(proposal).Endorsement()
	assert.Equal(t, []string{`kv//"k"@2.0`}, ahead.Reads)
	assert.Equal(t, []string{`kv//"k" value="6"`}, ahead.Writes)
}
