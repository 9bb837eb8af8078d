package consent

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
)

func TestOpenSetEncodingRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		set := openSet{Salt: "c2FsdA-_"}
		for i := range rng.IntN(5) {
			in := randomGrant(rng, "id-"+string(rune('a'+i)))
			cs := wire.GrantedConsent(in)
			set.Consents = append(set.Consents, entryOf(&cs))
		}
		got, err := decodeOpenSet(encodeOpenSet(set))
		require.NoError(t, err)
		assert.Equal(t, set, got)
	}
}

// A set written as JSON before the text encoding still reads, its entries
// without a scope (so Check loads them).
func TestOpenSetWrittenAsJSONStillReads(t *testing.T) {
	raw, err := json.Marshal(map[string]any{"consents": []map[string]string{{"id": "c1", "end": "2027-01-01T00:00:00Z"}}, "salt": "s"})
	require.NoError(t, err)
	set, err := decodeOpenSet(raw)
	require.NoError(t, err)
	assert.Equal(t, openSet{Salt: "s", Consents: []openEntry{{ID: "c1", End: "2027-01-01T00:00:00Z"}}}, set)
}

// Decoding never panics, and whatever it accepts encodes back to itself.
func FuzzDecodeOpenSet(f *testing.F) {
	f.Add([]byte(openSetHeader + "salt\nc1\tpermit\t0\t2026-01-01T00:00:00Z\t\tProviderMSP\taccess\ttreatment\tlabs,imaging\t\n"))
	f.Add([]byte(`{"consents":[{"id":"x"}],"salt":"s"}`))
	f.Add([]byte(openSetHeader + "s\nbad line\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		set, err := decodeOpenSet(raw)
		if err != nil || !strings.HasPrefix(string(raw), openSetHeader) {
			return
		}
		again, err := decodeOpenSet(encodeOpenSet(set))
		require.NoError(t, err)
		assert.Equal(t, set, again)
	})
}
