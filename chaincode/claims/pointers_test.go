package claims

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
)

// pointed is office(id) with its lines' diagnosis pointers and the
// provider's business identifier.
func pointed(id string) wire.ClaimInput {
	c := office(id)
	c.Items = append([]wire.Item(nil), c.Items...)
	c.Items[0].DiagnosisPointers = []int{2, 1}
	c.Items[1].DiagnosisPointers = []int{1}
	c.Identifiers = []wire.Identifier{{System: "http://happypdocs.com/claim", Value: "8612345"}}
	return c
}

// A line's diagnosis pointers and the claim's business identifiers are
// kept in the claim's record, as given, and never reach public state, a
// response or an event.
func TestPointersAndIdentifiersAreKeptPrivately(t *testing.T) {
	e := newEnv(t)
	res := e.Submit(billing, 1, wire.TransientClaim, pointed("clm-1"), "Submit")
	e.Must(res, nil)
	c := e.get(2, "clm-1")
	assert.Equal(t, []int{2, 1}, c.Input.Items[0].DiagnosisPointers)
	assert.Equal(t, []int{1}, c.Input.Items[1].DiagnosisPointers)
	assert.Equal(t, pointed("clm-1").Identifiers, c.Input.Identifiers)
	for _, k := range e.Peer.Keys("claims") {
		v, _ := e.Peer.State("claims", k)
		assert.NotContains(t, string(v), "8612345", k)
		assert.NotContains(t, k, "8612345")
	}
	assert.NotContains(t, string(res.Payload), "8612345")
	assert.NotContains(t, string(res.Event.Payload), "8612345")
}

// Claims without pointers or identifiers read back without them (the
// fields are optional, and omitted).
func TestClaimsWithoutPointersOmitThem(t *testing.T) {
	e := newEnv(t)
	e.submitClaim(1, office("clm-1"))
	c := e.get(2, "clm-1")
	assert.Nil(t, c.Input.Items[0].DiagnosisPointers)
	assert.Nil(t, c.Input.Identifiers)
}

// Bad pointers and identifiers are refused naming the field with its
// indexes, and change nothing.
func TestBadPointersAndIdentifiersAreRefusedWithTheField(t *testing.T) {
	mut := func(f func(*wire.ClaimInput)) wire.ClaimInput { c := pointed("clm-9"); f(&c); return c }
	cases := map[string]refusedSubmit{
		"pointer zero":          {mut(func(c *wire.ClaimInput) { c.Items[1].DiagnosisPointers = []int{1, 0} }), "item[1].diagnosisSequence[1]"},
		"pointer past the list": {mut(func(c *wire.ClaimInput) { c.Items[0].DiagnosisPointers = []int{3} }), "item[0].diagnosisSequence[0]"},
		"pointer negative":      {mut(func(c *wire.ClaimInput) { c.Items[0].DiagnosisPointers = []int{-1} }), "item[0].diagnosisSequence[0]"},
		"pointer twice":         {mut(func(c *wire.ClaimInput) { c.Items[0].DiagnosisPointers = []int{2, 2} }), "item[0].diagnosisSequence[1]"},
		"too many pointers": {mut(func(c *wire.ClaimInput) {
			c.Items[0].DiagnosisPointers = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
		}), "item[0].diagnosisSequence"},
		"identifier no system": {mut(func(c *wire.ClaimInput) { c.Identifiers[0].System = "" }), "identifier[0].system"},
		"identifier relative":  {mut(func(c *wire.ClaimInput) { c.Identifiers[0].System = "claims" }), "identifier[0].system"},
		"identifier no value":  {mut(func(c *wire.ClaimInput) { c.Identifiers[0].Value = "" }), "identifier[0].value"},
		"identifier control": {mut(func(c *wire.ClaimInput) {
			c.Identifiers = append(c.Identifiers, wire.Identifier{System: "urn:x", Value: "a\nb"})
		}), "identifier[1].value"},
		"identifier long": {mut(func(c *wire.ClaimInput) { c.Identifiers[0].Value = strings.Repeat("9", 129) }), "identifier[0].value"},
		"identifier twice": {mut(func(c *wire.ClaimInput) {
			c.Identifiers = append(c.Identifiers, c.Identifiers[0])
		}), "identifier[1]"},
		"too many identifiers": {mut(func(c *wire.ClaimInput) {
			for i := 0; i < 5; i++ {
				c.Identifiers = append(c.Identifiers, wire.Identifier{System: "urn:x", Value: string(rune('a' + i))})
			}
		}), "identifier"},
	}
	refuseEachSubmit(t, cases)
	e := newEnv(t)
	e.submitClaim(1, pointed("clm-ok"))
	require.Equal(t, wire.StatusAdjudicated, e.get(2, "clm-ok").Status)
}
