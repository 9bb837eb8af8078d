package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/network/topology"
)

// The reference topology with payer2: a payer with its plans and claims
// staff in care, whose peer the care policies of parts (3 of 4), claims
// and baseline (2 of 4) count; the other chaincodes keep theirs.
func TestAddPayerToTheReferenceTopology(t *testing.T) {
	ref := filepath.Join("..", "..", "topology.yaml")
	var out bytes.Buffer
	require.NoError(t, run(&out, ref, "payer2", []string{"bronze"}))
	topo, err := topology.Parse(out.Bytes())
	require.NoError(t, err)
	o := topo.Org("payer2")
	require.NotNil(t, o)
	assert.Equal(t, "Payer2MSP", o.MSPID)
	assert.Equal(t, []string{"bronze"}, o.Plans)
	assert.Contains(t, topo.Channel("care").Orgs, "payer2")
	peers := "'ProviderMSP.peer', 'PayerMSP.peer', 'RegulatorMSP.peer', 'Payer2MSP.peer'"
	assert.Equal(t, "OutOf(3, "+peers+")", topo.Chaincode("parts").Channels["care"].Endorsement)
	assert.Equal(t, "OutOf(2, "+peers+")", topo.Chaincode("claims").Channels["care"].Endorsement)
	assert.Equal(t, "OutOf(2, "+peers+")", topo.Chaincode("baseline").Channels["care"].Endorsement)
	refTopo, err := topology.Load(ref)
	require.NoError(t, err)
	assert.Equal(t, refTopo.Chaincode("consent").Channels, topo.Chaincode("consent").Channels)
	assert.Equal(t, refTopo.Chaincode("parts").Channels["supply"], topo.Chaincode("parts").Channels["supply"])

	assert.ErrorContains(t, run(&out, ref, "payer", nil), "already an org")
	assert.ErrorContains(t, run(&out, ref, "", nil), "empty")
}
