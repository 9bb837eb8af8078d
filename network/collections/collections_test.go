package collections

import (
	"flag"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	claims "github.com/carechain/carechain/chaincode/claims/wire"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/network/topology"
)

var update = flag.Bool("update", false, "rewrite chaincode/claims/collections.json from network/topology.yaml")

const claimsFile = "../../chaincode/claims/collections.json"

// The claims chaincode's collections.json (which its unit tests and the
// privacy audit read) is what the generator makes of the reference
// topology's care channel.
func TestReferenceTopologyGivesTheCommittedFile(t *testing.T) {
	topo, err := topology.Load("../topology.yaml")
	require.NoError(t, err)
	defs, ok := For(claims.Chaincode, FromTopology(topo, "care"))
	require.True(t, ok)
	got, err := Marshal(defs)
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile(claimsFile, got, 0o644))
	}
	want, err := os.ReadFile(claimsFile)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "go test ./network/collections -update rewrites it")
	var names []string
	for _, d := range defs {
		names = append(names, d.Name)
	}
	assert.Equal(t, []string{"claims_ProviderMSP_PayerMSP", "claimsPayer_PayerMSP", "claimsPayers"}, names)
}

func names(defs []Definition) []string {
	out := make([]string, len(defs))
	for i, d := range defs {
		out[i] = d.Name
	}
	return out
}

func byName(t *testing.T, defs []Definition, name string) Definition {
	t.Helper()
	i := slices.IndexFunc(defs, func(d Definition) bool { return d.Name == name })
	require.GreaterOrEqual(t, i, 0, "no collection %s in %v", name, names(defs))
	return defs[i]
}

// Two providers and two payers: a collection per pair, per payer and the
// payers'; members and policies as the chaincode expects them.
func TestEveryProviderWithEveryPayer(t *testing.T) {
	orgs := []Org{
		{MSPID: "PayerMSP", Parts: []string{"payer"}, Peer: true},
		{MSPID: "ClinicMSP", Parts: []string{"provider"}, Peer: true},
		{MSPID: "RegulatorMSP", Parts: []string{"regulator"}, Peer: true},
		{MSPID: "ProviderMSP", Parts: []string{"pharmacy", "provider"}, Peer: true},
		{MSPID: "MutualMSP", Parts: []string{"payer"}, Peer: true},
		{MSPID: "PatientsMSP", Parts: []string{"patient-registry"}},
	}
	defs := Claims(orgs)
	assert.Equal(t, []string{
		"claims_ClinicMSP_MutualMSP", "claims_ClinicMSP_PayerMSP", "claims_ProviderMSP_MutualMSP", "claims_ProviderMSP_PayerMSP",
		"claimsPayer_MutualMSP", "claimsPayer_PayerMSP", "claimsPayers"}, names(defs))
	pair := byName(t, defs, "claims_ProviderMSP_MutualMSP")
	assert.Equal(t, []string{"ProviderMSP", "MutualMSP"}, pair.Members())
	assert.Equal(t, "AND('ProviderMSP.peer', 'MutualMSP.peer')", pair.EndorsementPolicy.SignaturePolicy)
	assert.True(t, pair.MemberOnlyRead && pair.MemberOnlyWrite)
	assert.Equal(t, 1, pair.RequiredPeerCount)
	payer := byName(t, defs, "claimsPayer_MutualMSP")
	assert.Equal(t, []string{"MutualMSP", "ClinicMSP", "ProviderMSP"}, payer.Members())
	assert.Equal(t, "AND('MutualMSP.peer', OR('ClinicMSP.peer', 'ProviderMSP.peer'))", payer.EndorsementPolicy.SignaturePolicy)
	payers := byName(t, defs, claims.PayersCollection)
	assert.Equal(t, []string{"MutualMSP", "PayerMSP"}, payers.Members())
	assert.Equal(t, "OR('MutualMSP.peer', 'PayerMSP.peer')", payers.EndorsementPolicy.SignaturePolicy)

	// The same orgs in another order give the same definitions.
	reversed := slices.Clone(orgs)
	slices.Reverse(reversed)
	assert.Equal(t, defs, Claims(reversed))
}

// An org without peers holds no private data; an org that is both a
// provider and a payer never bills itself; a lone payer's collections
// need its peer only.
func TestEdgeCases(t *testing.T) {
	defs := Claims([]Org{
		{MSPID: "SystemMSP", Parts: []string{"provider", "payer"}, Peer: true},
		{MSPID: "PaperMSP", Parts: []string{"provider"}},
	})
	assert.Equal(t, []string{"claimsPayer_SystemMSP", "claimsPayers"}, names(defs))
	lone := byName(t, defs, "claimsPayer_SystemMSP")
	assert.Equal(t, "AND('SystemMSP.peer')", lone.EndorsementPolicy.SignaturePolicy)
	assert.Equal(t, 0, lone.RequiredPeerCount)
	assert.Empty(t, Claims([]Org{{MSPID: "ProviderMSP", Parts: []string{"provider"}, Peer: true}}))

	_, ok := For("provenance", nil)
	assert.False(t, ok, "provenance's collections are a file")
	data, err := Marshal(nil)
	require.NoError(t, err)
	assert.Equal(t, "[]\n", string(data))
}

// An org that leaves takes no collection out of the definition (Fabric
// refuses that) and is no member of what stays (Fabric refuses that too).
func TestRetainKeepsCollectionsOfOrgsThatLeft(t *testing.T) {
	provider := Org{MSPID: "ProviderMSP", Parts: []string{parts.PartProvider}, Peer: true}
	payer := Org{MSPID: "PayerMSP", Parts: []string{parts.PartPayer}, Peer: true}
	payer2 := Org{MSPID: "Payer2MSP", Parts: []string{parts.PartPayer}, Peer: true}
	two, one := Claims([]Org{provider, payer, payer2}), Claims([]Org{provider, payer})
	names := func(defs []Definition) []string {
		var out []string
		for _, d := range defs {
			out = append(out, d.Name)
		}
		return out
	}
	kept, err := Retain(two, one, []Org{provider, payer})
	require.NoError(t, err)
	require.Len(t, kept, len(two))
	assert.Equal(t, names(one), names(kept)[:len(one)], "the generated ones first, as generated")
	for _, d := range two {
		assert.Contains(t, names(kept), d.Name)
	}
	for _, d := range kept {
		assert.NotContains(t, d.Members(), "Payer2MSP", d.Name)
		assert.NotContains(t, d.EndorsementPolicy.SignaturePolicy, "Payer2MSP", d.Name)
	}
	pair := kept[slices.IndexFunc(kept, func(d Definition) bool { return d.Name == "claims_ProviderMSP_Payer2MSP" })]
	assert.Equal(t, []string{"ProviderMSP"}, pair.Members())
	assert.Equal(t, "AND('ProviderMSP.peer')", pair.EndorsementPolicy.SignaturePolicy)
	again, err := Retain(kept, one, []Org{provider, payer})
	require.NoError(t, err)
	assert.Equal(t, kept, again, "retaining is stable from one definition to the next")
	back, err := Retain(one, two, []Org{provider, payer, payer2})
	require.NoError(t, err)
	assert.Equal(t, two, back, "an org that comes back gets its collections as generated")
	_, err = Retain(two, Claims([]Org{payer}), []Org{payer})
	require.ErrorContains(t, err, "claims_ProviderMSP_Payer2MSP", "no member left")
	data, err := Marshal(kept)
	require.NoError(t, err)
	read, err := Unmarshal(data)
	require.NoError(t, err)
	assert.Equal(t, kept, read)
}
