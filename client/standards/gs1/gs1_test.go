package gs1

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func table(t *testing.T, prefixes ...string) *Table {
	t.Helper()
	tb, err := TableFromPrefixes(prefixes...)
	require.NoError(t, err)
	return tb
}

func TestCheckDigit(t *testing.T) {
	for body, want := range map[string]byte{
		"0950600013435": '2', "1061414112345": '9', "10614141234567890": '8', "061414112345": '2', "0": '0',
	} {
		got, err := CheckDigit(body)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), body)
	}
	_, err := CheckDigit("12a")
	assert.Error(t, err)
	assert.NoError(t, CheckGTIN("09506000134352"))
	assert.ErrorContains(t, CheckGTIN("09506000134353"), "check digit is 2")
	assert.Error(t, CheckSSCC("10614141234567890"))
}

func TestNormalizeGTIN(t *testing.T) {
	for in, want := range map[string]string{
		"9506000134352": "09506000134352", "614141000036": "00614141000036", "96385074": "00000096385074", "09506000134352": "09506000134352",
	} {
		got, err := NormalizeGTIN(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, bad := range []string{"950600013435", "123", "9506000134353", "0950600013435a"} {
		_, err := NormalizeGTIN(bad)
		assert.Error(t, err, bad)
	}
}

// TDS 2.x examples (section 6.3 and its annex): the URN and the element
// string of the same key.
var epcExamples = []struct {
	urn string
	key Key
}{
	{"urn:epc:id:sgtin:0614141.112345.400", Key{Kind: SGTIN, Value: "10614141123459", Serial: "400"}},
	{"urn:epc:id:sgtin:0614141.112345.A%2Fb%25%22c", Key{Kind: SGTIN, Value: "10614141123459", Serial: `A/b%"c`}},
	{"urn:epc:id:sgtin:0614141.112345.a.b", Key{Kind: SGTIN, Value: "10614141123459", Serial: "a.b"}},
	{"urn:epc:id:sscc:0614141.1234567890", Key{Kind: SSCC, Value: "106141412345678908"}},
	{"urn:epc:id:sgln:0614141.12345.400", Key{Kind: SGLN, Value: "0614141123452", Extension: "400"}},
	{"urn:epc:id:sgln:0614141.12345.0", Key{Kind: SGLN, Value: "0614141123452"}},
	{"urn:epc:id:pgln:0614141.12345", Key{Kind: PGLN, Value: "0614141123452"}},
	{"urn:epc:id:grai:0614141.12345.400", Key{Kind: GRAI, Value: "00614141123452", Serial: "400"}},
	{"urn:epc:id:giai:0614141.12345400", Key{Kind: GIAI, Value: "061414112345400"}},
	{"urn:epc:id:gsrn:0614141.1234567890", Key{Kind: GSRN, Value: "061414112345678902"}},
	{"urn:epc:class:lgtin:0614141.112345.L-1", Key{Kind: LGTIN, Value: "10614141123459", Lot: "L-1"}},
	{"urn:epc:idpat:sgtin:0614141.112345.*", Key{Kind: GTIN, Value: "10614141123459"}},
	{"urn:epc:id:sgtin:950600013.0435.7", Key{Kind: SGTIN, Value: "09506000134352", Serial: "7"}},
}

func TestEPCURIRoundTrip(t *testing.T) {
	tb := table(t, "0614141", "950600013")
	for _, ex := range epcExamples {
		k, err := ParseEPCURI(ex.urn)
		require.NoError(t, err, ex.urn)
		assert.Equal(t, ex.key, k, ex.urn)
		back, err := EPCURI(k, tb)
		require.NoError(t, err, ex.urn)
		assert.Equal(t, ex.urn, back)
	}
}

func TestEPCURIPartitionComesFromTheTable(t *testing.T) {
	k := Key{Kind: SGTIN, Value: "09506000134352", Serial: "7"}
	_, err := EPCURI(k, nil)
	assert.ErrorIs(t, err, ErrUnknownPrefix)
	_, err = EPCURI(k, table(t, "0614141"))
	assert.ErrorIs(t, err, ErrUnknownPrefix)
	// The same GTIN under a 7-digit and a 9-digit prefix: different URNs,
	// one key.
	seven, err := EPCURI(k, table(t, "9506000"))
	require.NoError(t, err)
	nine, err := EPCURI(k, table(t, "950600013"))
	require.NoError(t, err)
	assert.Equal(t, "urn:epc:id:sgtin:9506000.013435.7", seven)
	assert.Equal(t, "urn:epc:id:sgtin:950600013.0435.7", nine)
	// The longest rule wins; GCP length rules cover ranges.
	tb, err := NewTable(Rule{Prefix: "95", Length: 7}, Rule{Prefix: "9506000", Length: 9})
	require.NoError(t, err)
	got, err := EPCURI(k, tb)
	require.NoError(t, err)
	assert.Equal(t, nine, got)
	_, err = NewTable(Rule{Prefix: "95", Length: 7}, Rule{Prefix: "95", Length: 8})
	assert.Error(t, err)
	_, err = NewTable(Rule{Prefix: "95", Length: 13})
	assert.Error(t, err)
}

func TestEPCURIRefusals(t *testing.T) {
	for _, bad := range []string{
		"urn:epc:id:sgtin:0614141.112345",                       // no serial
		"urn:epc:id:sgtin:0614141.12345.400",                    // 12 digits
		"urn:epc:id:sgtin:06141.1123456.400",                    // 5-digit prefix
		"urn:epc:id:sgtin:0614141.112345.a/b",                   // unescaped /
		"urn:epc:id:sgtin:0614141.112345.a%41",                  // not an escape a URN uses
		"urn:epc:id:sgtin:0614141.112345.a%2",                   // truncated
		"urn:epc:id:sgtin:0614141.112345.",                      // empty serial
		"urn:epc:id:sgtin:0614141.112345.123456789012345678901", // 21 characters
		"urn:epc:id:sscc:0614141.123456789",
		"urn:epc:id:sgln:0614141.1234.0",
		"urn:epc:id:foo:1.2",
		"urn:epc:idpat:sgtin:0614141.112345.400",
		"urn:epc:id:sgtin:0614141.112345.é",
		"http://example.com/01/09506000134352",
	} {
		_, err := ParseEPCURI(bad)
		assert.Error(t, err, bad)
	}
}

func TestDigitalLink(t *testing.T) {
	for s, want := range map[string]Key{
		"https://id.gs1.org/01/09506000134352/21/7":                         {Kind: SGTIN, Value: "09506000134352", Serial: "7"},
		"https://id.gs1.org/01/9506000134352/10/ABC%2F1/21/x%2By?17=261231": {Kind: SGTIN, Value: "09506000134352", Serial: "x+y", Lot: "ABC/1"},
		"https://example.com/dl/path/01/09506000134352/10/L1":               {Kind: LGTIN, Value: "09506000134352", Lot: "L1"},
		"https://id.gs1.org/01/09506000134352":                              {Kind: GTIN, Value: "09506000134352"},
		"https://id.gs1.org/00/106141412345678908":                          {Kind: SSCC, Value: "106141412345678908"},
		"https://id.gs1.org/414/0614141123452/254/400":                      {Kind: SGLN, Value: "0614141123452", Extension: "400"},
		"https://id.gs1.org/417/0614141123452":                              {Kind: PGLN, Value: "0614141123452"},
		"https://id.example.com/8003/00614141123452400":                     {Kind: GRAI, Value: "00614141123452", Serial: "400"},
	} {
		k, err := ParseURI(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, k, s)
	}
	dl, err := ParseDigitalLink("https://brand.example/a/01/09506000134352/21/7?17=261231&linkType=gs1:pip")
	require.NoError(t, err)
	assert.Equal(t, "https://brand.example/a", dl.Base)
	exp, _ := dl.Elements.Get("17")
	assert.Equal(t, "261231", exp)
	assert.Equal(t, "gs1:pip", dl.Params.Get("linkType"))
	assert.Equal(t, "https://brand.example/a/01/09506000134352/21/7?17=261231&linkType=gs1%3Apip", dl.String())

	for _, bad := range []string{
		"https://id.gs1.org/01/09506000134353/21/7",       // check digit
		"https://id.gs1.org/01/09506000134352/21/7/10/L1", // qualifiers out of order
		"https://id.gs1.org/01/09506000134352/21",         // no value
		"https://id.gs1.org/99/123",
		"ftp://id.gs1.org/01/09506000134352",
		"https://id.gs1.org/01/09506000134352?17=261332", // no month 13
		"https://id.gs1.org/01/09506000134352/21/7#x",
		"https://id.gs1.org/01/09506000134352/21/x%20y", // a space is outside set 82
		"https://id.gs1.org/01/09506000134352/21/" + strings.Repeat("x", 21),
	} {
		_, err := ParseURI(bad)
		assert.Error(t, err, bad)
	}
}

func TestDigitalLinkURI(t *testing.T) {
	k := Key{Kind: SGTIN, Value: "09506000134352", Serial: "A/1", Lot: "L+2"}
	s, err := DigitalLinkURI(k, "", Element{AI: "17", Value: "261231"})
	require.NoError(t, err)
	assert.Equal(t, "https://id.gs1.org/01/09506000134352/10/L%2B2/21/A%2F1?17=261231", s)
	back, err := ParseURI(s)
	require.NoError(t, err)
	assert.Equal(t, k, back)
	_, err = DigitalLinkURI(Key{Kind: SGTIN, Value: "09506000134352"}, "")
	assert.Error(t, err, "an SGTIN needs a serial")
}

func TestElementStrings(t *testing.T) {
	want := ElementString{{"01", "09506000134352"}, {"17", "261231"}, {"10", "ABC123"}, {"21", "xyz(1)"}}
	for _, in := range []string{
		"]d20109506000134352172612311" + "0ABC123" + GS + "21xyz(1)",
		"0109506000134352172612311" + "0ABC123" + GS + "21xyz(1)",
		GS + "0109506000134352172612311" + "0ABC123" + GS + "21xyz(1)\r\n",
		"(01)09506000134352(17)261231(10)ABC123(21)xyz(1)",
	} {
		s, err := ParseScan(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, s.Elements, in)
		assert.Equal(t, Key{Kind: SGTIN, Value: "09506000134352", Serial: "xyz(1)", Lot: "ABC123"}, s.Key)
	}
	raw, err := want.Encode(SymbologyDataMatrix)
	require.NoError(t, err)
	assert.Equal(t, "]d20109506000134352172612311"+"0ABC123"+GS+"21xyz(1)", raw)
	assert.Equal(t, "(01)09506000134352(17)261231(10)ABC123(21)xyz(1)", want.HRI())

	for _, bad := range []string{
		"]d1010950600013435221x", // not a GS1 symbology
		"0109506000134353",       // check digit
		"01095060001343",         // short
		"0109506000134352" + "21" + strings.Repeat("a", 21),
		"0109506000134352172613321" + "0A",      // no month 13
		"0109506000134352" + "21a" + GS + "21b", // AI twice
		"0109506000134352" + "5512",             // unknown AI
		"(01)0950600013435",
		"(77)1",
		"",
		"0109506000134352" + "21a é",
	} {
		_, err := ParseScan(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestProductIdentifier(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	s, err := ParseScan("https://id.gs1.org/01/09506000134352/10/L1/21/S1?17=270200")
	require.NoError(t, err)
	pi, err := s.ProductIdentifier(now)
	require.NoError(t, err)
	assert.Equal(t, ProductIdentifier{GTIN: "09506000134352", Serial: "S1", Lot: "L1", Expiry: "2027-02-28"}, *pi)
	es, err := pi.Elements()
	require.NoError(t, err)
	assert.Equal(t, "(01)09506000134352(17)270228(10)L1(21)S1", es.HRI())

	s, err = ParseScan("(01)09506000134352(21)S1")
	require.NoError(t, err)
	_, err = s.ProductIdentifier(now)
	assert.ErrorContains(t, err, "(10) lot and (17) expiry")
	s, err = ParseScan("(01)09506000134352(10)L1")
	require.NoError(t, err)
	_, err = s.ProductIdentifier(now)
	assert.ErrorContains(t, err, "serialized")
}

func TestParseDateCentury(t *testing.T) {
	ref := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"261231": "2026-12-31", "760101": "2076-01-01", "770101": "1977-01-01", "990101": "1999-01-01",
		"240200": "2024-02-29", "250200": "2025-02-28", "000101": "2000-01-01",
	} {
		d, err := ParseDate(in, ref)
		require.NoError(t, err, in)
		assert.Equal(t, want, d.Format("2006-01-02"), in)
	}
	for _, bad := range []string{"250230", "251301", "2512", "25123a", "250000"[:5]} {
		_, err := ParseDate(bad, ref)
		assert.Error(t, err, bad)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	_, err := ParseEPCURI("urn:epc:id:sgtin:0614141.112345.a/b")
	var ue *URIError
	assert.True(t, errors.As(err, &ue))
	_, err = ParseElementString("0109506000134353")
	var ee *ElementError
	assert.True(t, errors.As(err, &ee))
	var ke *KeyError
	assert.True(t, errors.As(err, &ke))
}
