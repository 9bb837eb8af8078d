package consortium

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/parts/wire"
)

func TestRegistryChangesBringTheEntriesToTheTopology(t *testing.T) {
	provider := wire.Org{MSPID: "ProviderMSP", Name: "provider", Parts: []string{"provider", "pharmacy"}, Peer: true}
	payer := wire.Org{MSPID: "PayerMSP", Name: "payer", Parts: []string{"payer"}, Peer: true, Plans: []string{"silver", "gold"}}
	payer2 := wire.Org{MSPID: "Payer2MSP", Name: "payer2", Parts: []string{"payer"}, Peer: true, Plans: []string{"bronze"}}
	regulator := wire.Org{MSPID: "RegulatorMSP", Name: "regulator", Parts: []string{"regulator"}, Peer: true}

	// The registry normalises entries (sorted lists, a stamp): still the same.
	stored := payer
	stored.Plans, stored.Updated = []string{"gold", "silver"}, "2026-06-15T12:00:00Z"
	storedProvider := provider
	storedProvider.Parts = []string{"pharmacy", "provider"}
	assert.Empty(t, registryChanges([]wire.Org{storedProvider, stored, regulator}, []wire.Org{regulator, provider, payer}))

	// An org joins.
	got := registryChanges([]wire.Org{storedProvider, stored, regulator}, []wire.Org{provider, payer, payer2, regulator})
	assert.Equal(t, []wire.Change{{Set: &payer2}}, got)

	// An org leaves, another changes its plans: removals first.
	fewer := payer
	fewer.Plans = []string{"gold"}
	got = registryChanges([]wire.Org{storedProvider, stored, payer2, regulator}, []wire.Org{provider, fewer, regulator})
	assert.Equal(t, []wire.Change{{Remove: "Payer2MSP"}, {Set: &fewer}}, got)

	// A changed CA certificate is a change too.
	rotated := regulator
	rotated.RootCerts = []string{"-----BEGIN CERTIFICATE-----\n..."}
	assert.Equal(t, []wire.Change{{Set: &rotated}}, registryChanges([]wire.Org{regulator}, []wire.Org{rotated}))
}
