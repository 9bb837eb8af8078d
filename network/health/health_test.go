package health

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMetrics(t *testing.T) {
	text := `# HELP ledger_blockchain_height Height of the chain in blocks.
# TYPE ledger_blockchain_height gauge
ledger_blockchain_height{channel="care"} 7
ledger_blockchain_height{channel="supply"} 3
consensus_etcdraft_is_leader{channel="care"} 1
weird{a="x,y",b="q\"uote"} 2.5
plain_metric 42
broken{x="1" notanumber
`
	samples, err := ParseMetrics(strings.NewReader(text))
	require.NoError(t, err)
	require.Len(t, samples, 5)

	v, ok := Value(samples, "ledger_blockchain_height", map[string]string{"channel": "supply"})
	assert.True(t, ok)
	assert.Equal(t, 3.0, v)

	v, ok = Value(samples, "weird", map[string]string{"a": "x,y", "b": `q"uote`})
	assert.True(t, ok)
	assert.Equal(t, 2.5, v)

	v, ok = Value(samples, "plain_metric", nil)
	assert.True(t, ok)
	assert.Equal(t, 42.0, v)

	_, ok = Value(samples, "ledger_blockchain_height", map[string]string{"channel": "other"})
	assert.False(t, ok)
}
