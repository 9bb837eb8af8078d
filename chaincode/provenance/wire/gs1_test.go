package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGS1CheckDigits(t *testing.T) {
	// GS1's own examples.
	for _, g := range []string{"00614141123452", "10614141123459", "00012345678905"} {
		assert.NoError(t, CheckGTIN("gtin", g), g)
	}
	for _, g := range []string{"00614141123453", "0061414112345", "0061414112345X", ""} {
		assert.Error(t, CheckGTIN("gtin", g), g)
	}
	assert.NoError(t, CheckSSCC("sscc", "106141411234567897"))
	assert.Error(t, CheckSSCC("sscc", "106141411234567890"))
	assert.NoError(t, CheckGLN("gln", "0614141000012"))
	assert.Error(t, CheckGLN("gln", "0614141000011"))
	assert.NoError(t, CheckSerial("serial", "A1b2C3"))
	assert.Error(t, CheckSerial("serial", "ABCDEFGHIJKLMNOPQRSTU"), "21 characters")
	assert.Error(t, CheckSerial("serial", "a b"))
}

func TestEPCURIsRoundTrip(t *testing.T) {
	uri := SGTINURI("10614141123459", "SN0001")
	assert.Equal(t, "urn:epc:id:sgtin:0614141.112345.SN0001", uri)
	kind, id, err := ParseEPC("epc", uri)
	require.NoError(t, err)
	assert.Equal(t, "unit", kind)
	assert.Equal(t, "10614141123459.SN0001", id)

	uri = SSCCURI("106141411234567897")
	assert.Equal(t, "urn:epc:id:sscc:0614141.1123456789", uri)
	kind, id, err = ParseEPC("epc", uri)
	require.NoError(t, err)
	assert.Equal(t, "container", kind)
	assert.Equal(t, "106141411234567897", id)

	for _, bad := range []string{"urn:epc:id:sgtin:0614141.112345", "urn:epc:id:sgtin:061414.112345.X", "urn:epc:id:gln:1", "x"} {
		_, _, err := ParseEPC("epc", bad)
		assert.Error(t, err, bad)
	}
}

func FuzzParseEPC(f *testing.F) {
	f.Add("urn:epc:id:sgtin:0614141.112345.SN0001")
	f.Add("urn:epc:id:sscc:0614141.1123456789")
	f.Fuzz(func(t *testing.T, s string) {
		kind, id, err := ParseEPC("epc", s)
		if err != nil {
			return
		}
		switch kind {
		case "unit":
			g, serial, err := ParseSGTIN("id", id)
			if err != nil || SGTINURI(g, serial) != s {
				t.Fatalf("%q → %q does not round-trip", s, id)
			}
		case "container":
			if CheckSSCC("id", id) != nil || SSCCURI(id) != s {
				t.Fatalf("%q → %q does not round-trip", s, id)
			}
		}
	})
}

func FuzzCheckGTIN(f *testing.F) {
	f.Add("00614141123452")
	f.Fuzz(func(t *testing.T, s string) {
		if CheckGTIN("gtin", s) == nil && (len(s) != 14 || CheckDigit(s[:13]) != s[13]) {
			t.Fatalf("accepted %q", s)
		}
	})
}
