package channelcfg

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigtxRefusesAnAnchorItCannotRead(t *testing.T) {
	for _, bad := range []string{"127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:0", "127.0.0.1:70000"} {
		c := Channel{Name: "care", Members: []Org{{MSPID: "ProviderMSP", Anchors: []string{"127.0.0.1:7051", bad}}}}
		_, err := Configtx(c)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "org ProviderMSP: anchor peer [1]", bad)
	}
	data, err := Configtx(Channel{Name: "care", Members: []Org{{MSPID: "ProviderMSP", Anchors: []string{"127.0.0.1:7051"}}}})
	require.NoError(t, err)
	assert.Contains(t, string(data), "Port: 7051")
}
