package claims

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCodeSyntax(t *testing.T) {
	for _, c := range []string{"E11.9", "I10", "S72.001A", "Z00.00", "F32.A"} {
		assert.NoError(t, checkICD10("dx", c), c)
	}
	for _, c := range []string{"", "U07.1", "E1", "e11.9", "E11.", "E11.12345", "11.9", "E11-9"} {
		assert.Error(t, checkICD10("dx", c), c)
	}
	for _, c := range []string{"99213", "0001F", "0042T", "J1100", "A0428"} {
		assert.NoError(t, checkProcedure("code", c), c)
	}
	for _, c := range []string{"", "9921", "992134", "W1234", "J110", "0001X"} {
		assert.Error(t, checkProcedure("code", c), c)
	}
}

func TestNPI(t *testing.T) {
	// Valid NPIs (check digit per the CMS algorithm).
	for _, n := range []string{"1234567893", "1245319599", "1003000126"} {
		assert.NoError(t, checkNPI("npi", n), n)
	}
	for _, n := range []string{"1234567890", "123456789", "3234567893", "12345678a3", ""} {
		assert.Error(t, checkNPI("npi", n), n)
	}
}
