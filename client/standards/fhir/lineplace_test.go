package fhir

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
)

// A line given at another place than the claim's first line (its
// locationCodeableConcept, 837P SV105) keeps its own place: the claim's is
// the first line's, the line's its own; the R4 Claim and the
// ExplanationOfBenefit carechain writes put each line at its place, and the
// Claim reads back to the same input.
func TestLineKeepsItsOwnPlaceOfService(t *testing.T) {
	doc := strings.Replace(ownClaim, "\"code\":\"11\"}]},\n   \"quantity\":{\"value\":2}", "\"code\":\"22\"}]},\n   \"quantity\":{\"value\":2}", 1)
	require.NotEqual(t, ownClaim, doc)
	res, err := ClaimInput([]byte(doc), recorded)
	require.NoError(t, err)
	require.Equal(t, "11", res.Input.PlaceOfService)
	require.Equal(t, []string{"", "22"}, []string{res.Input.Items[0].PlaceOfService, res.Input.Items[1].PlaceOfService})

	out, err := ClaimResource(res.Input, res.Provider, "2026-03-01")
	require.NoError(t, err)
	require.Equal(t, []string{"11", "22"}, itemPlaces(t, out))
	back, err := ClaimInput(out, recorded)
	require.NoError(t, err)
	require.Equal(t, res.Input, back.Input)

	eob, err := ExplanationOfBenefit(cl.Claim{Input: res.Input, Provider: res.Provider, Status: cl.StatusPended,
		Submitted: "2026-03-01T10:00:00Z", Updated: "2026-03-01T10:00:00Z"})
	require.NoError(t, err)
	require.Equal(t, []string{"11", "22"}, itemPlaces(t, eob))

	res, err = ClaimInput([]byte(ownClaim), recorded)
	require.NoError(t, err)
	require.Empty(t, res.Input.Items[1].PlaceOfService, "a line at the claim's place keeps none of its own")
}

func itemPlaces(t *testing.T, data []byte) []string {
	t.Helper()
	var out []string
	for _, it := range jsonOf(t, data)["item"].([]any) {
		out = append(out, codesOf(it.(map[string]any)["locationCodeableConcept"])[0])
	}
	for i := range out {
		out[i] = strings.TrimPrefix(out[i], systemPOS+"|")
	}
	return out
}
