package claims

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/claims/wire"
)

// A line's own place of service is kept in the claim's record and read
// back; the lines without one take the claim's.
func TestLinePlaceOfServiceIsKept(t *testing.T) {
	e := newEnv(t)
	c := office("clm-1")
	c.Items = append([]wire.Item(nil), c.Items...)
	c.Items[1].PlaceOfService = "81" // an independent laboratory
	e.submitClaim(1, c)
	got := e.get(2, "clm-1")
	assert.Equal(t, "81", got.Input.Items[1].PlaceOfService)
	assert.Equal(t, "81", got.Input.Items[1].Place(got.Input.PlaceOfService))
	assert.Equal(t, "11", got.Input.Items[0].Place(got.Input.PlaceOfService))
}

// A line's place that is not a CMS code, or is the claim's own, is
// refused naming the line, and changes nothing.
func TestBadLinePlaceIsRefusedWithTheField(t *testing.T) {
	mut := func(pos string) wire.ClaimInput {
		c := office("clm-9")
		c.Items = append([]wire.Item(nil), c.Items...)
		c.Items[1].PlaceOfService = pos
		return c
	}
	refuseEachSubmit(t, map[string]refusedSubmit{
		"not a code":      {mut("8"), "item[1].placeOfService"},
		"letters":         {mut("LB"), "item[1].placeOfService"},
		"the claim's own": {mut("11"), "item[1].placeOfService"},
	})
}
