package claims

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
)

// detailed is a coverage with every detail a published Coverage carries
// (after HL7's example 9876B1).
func detailed(id string) wire.Coverage {
	return wire.Coverage{ID: id, Member: pt2, Plan: "gold", Period: wire.Period{Start: "2026-01-01", End: "2026-12-31"},
		Identifiers:  []wire.Identifier{{System: "http://benefitsinc.com/certificate", Value: "12345"}},
		Kind:         &wire.Coding{System: "http://terminology.hl7.org/CodeSystem/v3-ActCode", Code: "EHCPOL"},
		SubscriberID: "AB9876", Dependent: "0",
		PolicyHolder: &wire.Party{Reference: "http://benefitsinc.com/FHIR/Organization/CBI35"},
		Classes: []wire.CoverageClass{{Type: "group", Value: "CB135", Name: "Corporate Baker's Inc. Local #35"},
			{Type: "rxbin", Value: "987654"}, {Type: "sequence", Value: "9"}, {Type: "sequence", Value: "9"}}}
}

// A coverage's identifiers, type, subscriber id, dependent number, policy
// holder and classes are kept in the payer's collection and read back as
// given; none reaches public state, the response or the event.
func TestCoverageDetailsAreKeptPrivately(t *testing.T) {
	e := newEnv(t)
	res := e.Submit(enrollment, 1, wire.TransientCoverage, detailed("cov-9"), "RegisterCoverage")
	e.Must(res, nil)
	var got wire.Coverage
	e.Must(e.Query(adjudicator, 2, "GetCoverage", "PayerMSP", "cov-9"), &got)
	want := detailed("cov-9")
	assert.Equal(t, want.Identifiers, got.Identifiers)
	assert.Equal(t, want.Kind, got.Kind)
	assert.Equal(t, want.PolicyHolder, got.PolicyHolder)
	assert.Equal(t, want.Classes, got.Classes)
	assert.Equal(t, []string{"AB9876", "0"}, []string{got.SubscriberID, got.Dependent})
	for _, secret := range []string{"12345", "AB9876", "CB135", "benefitsinc", "987654"} {
		for _, k := range e.Peer.Keys("claims") {
			v, _ := e.Peer.State("claims", k)
			assert.NotContains(t, string(v), secret, k)
			assert.NotContains(t, k, secret)
		}
		assert.NotContains(t, string(res.Payload), secret)
		assert.NotContains(t, string(res.Event.Payload), secret)
	}
}

// A coverage without details reads back without them (the fields are
// optional and omitted).
func TestCoverageWithoutDetailsOmitsThem(t *testing.T) {
	e := newEnv(t)
	var got wire.Coverage
	e.Must(e.Query(adjudicator, 2, "GetCoverage", "PayerMSP", "cov-1"), &got)
	assert.Nil(t, got.Identifiers)
	assert.Nil(t, got.Kind)
	assert.Nil(t, got.PolicyHolder)
	assert.Nil(t, got.Classes)
}

// Bad details are refused naming the field with its index, and change
// nothing: the coverage is not registered.
func TestBadCoverageDetailsAreRefusedWithTheField(t *testing.T) {
	mut := func(f func(*wire.Coverage)) wire.Coverage { c := detailed("cov-9"); f(&c); return c }
	cases := map[string]struct {
		cov   wire.Coverage
		field string
	}{
		"identifier relative": {mut(func(c *wire.Coverage) { c.Identifiers[0].System = "certificate" }), "identifier[0].system"},
		"identifier twice":    {mut(func(c *wire.Coverage) { c.Identifiers = append(c.Identifiers, c.Identifiers[0]) }), "identifier[1]"},
		"identifier space":    {mut(func(c *wire.Coverage) { c.Identifiers[0].Value = "12 345" }), "identifier[0].value"},
		"type no system":      {mut(func(c *wire.Coverage) { c.Kind.System = "" }), "type.system"},
		"type no code":        {mut(func(c *wire.Coverage) { c.Kind.Code = "" }), "type.code"},
		"subscriber control":  {mut(func(c *wire.Coverage) { c.SubscriberID = "AB\x009876" }), "subscriberId"},
		"dependent long":      {mut(func(c *wire.Coverage) { c.Dependent = strings.Repeat("1", 129) }), "dependent"},
		"holder both":         {mut(func(c *wire.Coverage) { c.PolicyHolder.System, c.PolicyHolder.Value = "urn:x", "1" }), "policyHolder"},
		"holder relative":     {mut(func(c *wire.Coverage) { c.PolicyHolder.Reference = "Organization/CBI35" }), "policyHolder.reference"},
		"holder no value": {mut(func(c *wire.Coverage) {
			c.PolicyHolder = &wire.Party{System: "urn:carechain:msp"}
		}), "policyHolder.value"},
		"class plan":         {mut(func(c *wire.Coverage) { c.Classes[1].Type = "plan" }), "class[1].type"},
		"class unknown":      {mut(func(c *wire.Coverage) { c.Classes[2].Type = "tier" }), "class[2].type"},
		"class no value":     {mut(func(c *wire.Coverage) { c.Classes[3].Value = "" }), "class[3].value"},
		"class name spaced":  {mut(func(c *wire.Coverage) { c.Classes[0].Name = " Local" }), "class[0].name"},
		"class name control": {mut(func(c *wire.Coverage) { c.Classes[0].Name = "Local\n35" }), "class[0].name"},
		"too many classes": {mut(func(c *wire.Coverage) {
			for len(c.Classes) <= maxCoverageClasses {
				c.Classes = append(c.Classes, wire.CoverageClass{Type: "group", Value: "g"})
			}
		}), "class"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			before := e.Peer.Snapshot()
			e.Refused(before, e.Submit(enrollment, 1, wire.TransientCoverage, tc.cov, "RegisterCoverage"), `INVALID_ARGUMENT: field "`+tc.field+`"`)
			res := e.Query(adjudicator, 2, "GetCoverage", "PayerMSP", "cov-9")
			require.True(t, strings.HasPrefix(res.Message, "NOT_FOUND"), res.Message)
		})
	}
}
