package profile

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// consortium is the reference consortium's shape: two channels, a peerless
// patients org borrowing care members' gateways, two provider peers.
func consortium() *Profile {
	peer := func(id string) Node { return Node{ID: id, Address: id + ":7051"} }
	return &Profile{
		Orgs: []Org{
			{Name: "provider", MSPID: "ProviderMSP", Peers: []Node{peer("peer0.provider"), peer("peer1.provider")}, Gateways: []string{"peer0.provider", "peer1.provider"}},
			{Name: "payer", MSPID: "PayerMSP", Peers: []Node{peer("peer0.payer")}, Gateways: []string{"peer0.payer"}},
			{Name: "manufacturer", MSPID: "ManufacturerMSP", Peers: []Node{peer("peer0.manufacturer")}, Gateways: []string{"peer0.manufacturer"}},
			{Name: "regulator", MSPID: "RegulatorMSP", Peers: []Node{peer("peer0.regulator")}, Gateways: []string{"peer0.regulator"}},
			{Name: "patients", MSPID: "PatientsMSP", Gateways: []string{"peer0.payer", "peer0.provider"}},
		},
		Channels: []Channel{
			{Name: "care", Orgs: []string{"provider", "payer", "regulator", "patients"}},
			{Name: "supply", Orgs: []string{"manufacturer", "provider", "regulator"}},
		},
	}
}

func ids(gs []GatewayPeer) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.ID)
	}
	return out
}

func TestGatewaysOwnOrgFirstThenChannelMembers(t *testing.T) {
	p := consortium()
	gs, err := p.Gateways("payer")
	require.NoError(t, err)
	assert.Equal(t, []string{"peer0.payer", "peer0.provider", "peer1.provider", "peer0.regulator"}, ids(gs))
	assert.Equal(t, "PayerMSP", gs[0].MSPID)
	assert.Equal(t, "ProviderMSP", gs[1].MSPID)
	assert.Equal(t, []string{"care"}, gs[1].Channels, "payer shares only care with provider")
	assert.True(t, gs[1].Serves("care"))
	assert.False(t, gs[1].Serves("supply"))

	gs, err = p.Gateways("manufacturer")
	require.NoError(t, err)
	assert.Equal(t, []string{"peer0.manufacturer", "peer0.provider", "peer1.provider", "peer0.regulator"}, ids(gs),
		"payer shares no channel with manufacturer")
	assert.Equal(t, []string{"supply"}, gs[3].Channels)
}

func TestGatewaysOfAPeerlessOrgKeepItsBorrowedOrder(t *testing.T) {
	gs, err := consortium().Gateways("patients")
	require.NoError(t, err)
	assert.Equal(t, []string{"peer0.payer", "peer0.provider", "peer1.provider", "peer0.regulator"}, ids(gs))
	for _, g := range gs {
		assert.NotEqual(t, "PatientsMSP", g.MSPID)
		assert.Equal(t, []string{"care"}, g.Channels, g.ID)
	}
}

func TestGatewayPeersExplicitOrder(t *testing.T) {
	p := consortium()
	gs, err := p.GatewayPeers("provider", "peer0.manufacturer", "peer0.payer")
	require.NoError(t, err)
	assert.Equal(t, []string{"peer0.manufacturer", "peer0.payer"}, ids(gs))
	assert.Equal(t, []string{"supply"}, gs[0].Channels)
	assert.Equal(t, []string{"care"}, gs[1].Channels)

	gs, err = p.GatewayPeers("manufacturer", "peer0.payer")
	require.NoError(t, err)
	assert.False(t, gs[0].Serves("care"), "no shared channel: serves none")
	assert.NotNil(t, gs[0].Channels)

	_, err = p.GatewayPeers("provider", "peer9.nowhere")
	assert.ErrorContains(t, err, `unknown peer "peer9.nowhere"`)
	_, err = p.Gateways("nobody")
	assert.ErrorContains(t, err, `unknown org "nobody"`)
}

func TestGatewaysWithoutChannelsServeAnyChannel(t *testing.T) {
	p := consortium()
	p.Channels = nil
	gs, err := p.Gateways("provider")
	require.NoError(t, err)
	assert.Equal(t, []string{"peer0.provider", "peer1.provider"}, ids(gs))
	assert.Nil(t, gs[0].Channels)
	assert.True(t, gs[0].Serves("anything"))
}
