package validate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// requireInvalid asserts that err is an INVALID_ARGUMENT error about field.
func requireInvalid(t *testing.T, err error, field string) *ccerr.Error {
	t.Helper()
	require.Error(t, err)
	var e *ccerr.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, ccerr.CodeInvalidArgument, e.Code)
	assert.Equal(t, field, e.Field)
	return e
}

func TestRequired(t *testing.T) {
	tests := []struct {
		in   string
		good bool
	}{
		{"x", true},
		{" x ", true},
		{"", false},
		{" \t\n", false},
	}
	for _, tt := range tests {
		err := validate.Required("name", tt.in)
		if tt.good {
			assert.NoError(t, err, "%q", tt.in)
			continue
		}
		e := requireInvalid(t, err, "name")
		assert.Equal(t, "must not be empty", e.Message)
	}
}

func TestMaxLen(t *testing.T) {
	tests := []struct {
		in   string
		good bool
	}{
		{"", true},
		{"abc", true},
		{"äöü", true}, // three characters, six bytes
		{"abcd", false},
		{"\xff", false},
	}
	for _, tt := range tests {
		err := validate.MaxLen("note", tt.in, 3)
		if tt.good {
			assert.NoError(t, err, "%q", tt.in)
		} else {
			requireInvalid(t, err, "note")
		}
	}
}

func TestIdentifier(t *testing.T) {
	tests := []struct {
		in   string
		good bool
	}{
		{"a", true},
		{"patient-001", true},
		{"urn:care:P.1_2", true},
		{"9", true},
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{"", false},
		{"-abc", false},
		{".abc", false},
		{"a b", false},
		{"a/b", false},
		{"a\x00b", false},
		{"a\U0010FFFF", false},
		{"é", false},
		{"a\xff", false},
	}
	for _, tt := range tests {
		err := validate.Identifier("patientId", tt.in)
		if tt.good {
			assert.NoError(t, err, "%q", tt.in)
			continue
		}
		e := requireInvalid(t, err, "patientId")
		if tt.in != "" {
			assert.NotContains(t, e.Message, tt.in, "message must not echo the value")
		}
	}
}

func TestOneOf(t *testing.T) {
	require.NoError(t, validate.OneOf("scope", "read", "read", "write"))
	e := requireInvalid(t, validate.OneOf("scope", "delete", "read", "write"), "scope")
	assert.Equal(t, "must be one of [read, write]", e.Message)
	requireInvalid(t, validate.OneOf("scope", "", "read"), "scope")
}

func TestTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		good bool
	}{
		{"2024-05-01T12:00:00Z", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), true},
		{"2024-05-01T14:00:00+02:00", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), true},
		{"2024-05-01T12:00:00.123456789Z", time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.UTC), true},
		{"", time.Time{}, false},
		{"2024-05-01", time.Time{}, false},
		{"2024-05-01 12:00:00Z", time.Time{}, false},
		{"2024-13-01T12:00:00Z", time.Time{}, false},
		{"1714564800", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := validate.Timestamp("at", tt.in)
		if !tt.good {
			requireInvalid(t, err, "at")
			continue
		}
		require.NoError(t, err, tt.in)
		assert.True(t, tt.want.Equal(got), "%s: got %s", tt.in, got)
		assert.Equal(t, time.UTC, got.Location())
	}
}

func TestPeriod(t *testing.T) {
	tests := []struct {
		name, start, end string
		badField         string
		openEnded        bool
	}{
		{name: "closed", start: "2024-01-01T00:00:00Z", end: "2024-02-01T00:00:00Z"},
		{name: "open ended", start: "2024-01-01T00:00:00Z", openEnded: true},
		{name: "end equals start", start: "2024-01-01T00:00:00Z", end: "2024-01-01T00:00:00Z", badField: "validUntil"},
		{name: "end before start", start: "2024-01-02T00:00:00Z", end: "2024-01-01T00:00:00Z", badField: "validUntil"},
		{name: "bad start", start: "yesterday", end: "2024-01-01T00:00:00Z", badField: "validFrom"},
		{name: "missing start", end: "2024-01-01T00:00:00Z", badField: "validFrom"},
		{name: "bad end", start: "2024-01-01T00:00:00Z", end: "soon", badField: "validUntil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to, err := validate.Period("validFrom", tt.start, "validUntil", tt.end)
			if tt.badField != "" {
				requireInvalid(t, err, tt.badField)
				return
			}
			require.NoError(t, err)
			assert.False(t, from.IsZero())
			assert.Equal(t, tt.openEnded, to.IsZero())
		})
	}
}

func TestSHA256Hex(t *testing.T) {
	good := strings.Repeat("0123456789abcdef", 4)
	require.NoError(t, validate.SHA256Hex("digest", good))
	for _, bad := range []string{"", good[:63], good + "0", strings.ToUpper(good), strings.Repeat("g", 64)} {
		requireInvalid(t, validate.SHA256Hex("digest", bad), "digest")
	}
}

func TestRangeAndSize(t *testing.T) {
	require.NoError(t, validate.Range("amount", 1, 1, 10))
	require.NoError(t, validate.Range("amount", 10, 1, 10))
	e := requireInvalid(t, validate.Range("amount", 0, 1, 10), "amount")
	assert.Equal(t, "must be between 1 and 10", e.Message)
	requireInvalid(t, validate.Range("amount", 11, 1, 10), "amount")

	require.NoError(t, validate.Size("codes", 0, 0, 2))
	requireInvalid(t, validate.Size("codes", 3, 0, 2), "codes")
}

func TestBase64(t *testing.T) {
	got, err := validate.Base64("blob", "aGVsbG8=", 5)
	require.NoError(t, err)
	assert.Equal(t, []byte("hello"), got)

	for _, tt := range []struct{ in string }{
		{"aGVsbG8"},        // missing padding
		{"aGVsbG8=\n"},     // trailing newline
		{"aGVsbG8hIQ=="},   // too long once decoded
		{"!!!!"},           // not base64
		{"aGVsbG9"},        // bad length
		{"aGVsbG8hIQ===="}, // too long encoded
	} {
		_, err := validate.Base64("blob", tt.in, 5)
		requireInvalid(t, err, "blob")
	}
}
