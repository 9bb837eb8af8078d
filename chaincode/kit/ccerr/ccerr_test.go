package ccerr_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

func TestErrorWireFormat(t *testing.T) {
	tests := []struct {
		name string
		err  *ccerr.Error
		want string
	}{
		{"invalid with field", ccerr.Invalid("patientId", "must not be empty"), `INVALID_ARGUMENT: field "patientId": must not be empty`},
		{"invalid without field", ccerr.Invalid("", "bad input"), "INVALID_ARGUMENT: bad input"},
		{"field needing quotes", ccerr.Invalid(`a"b`, "x"), `INVALID_ARGUMENT: field "a\"b": x`},
		{"not found", ccerr.NotFound("consent %q not found", "c1"), `NOT_FOUND: consent "c1" not found`},
		{"forbidden", ccerr.Forbidden("role %q not allowed", "nurse"), `FORBIDDEN: role "nurse" not allowed`},
		{"conflict", ccerr.Conflict("exists"), "CONFLICT: exists"},
		{"precondition", ccerr.Precondition("already revoked"), "FAILED_PRECONDITION: already revoked"},
		{"internal", ccerr.Internal("get state: %v", errors.New("boom")), "INTERNAL: get state: boom"},
		{"new with field", ccerr.New(ccerr.CodeConflict, "id", "taken"), `CONFLICT: field "id": taken`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestConstructorsSetCode(t *testing.T) {
	tests := []struct {
		err  *ccerr.Error
		code ccerr.Code
	}{
		{ccerr.Invalid("f", "m"), ccerr.CodeInvalidArgument},
		{ccerr.NotFound("m"), ccerr.CodeNotFound},
		{ccerr.Forbidden("m"), ccerr.CodeForbidden},
		{ccerr.Conflict("m"), ccerr.CodeConflict},
		{ccerr.Precondition("m"), ccerr.CodeFailedPrecondition},
		{ccerr.Internal("m"), ccerr.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			assert.Equal(t, tt.code, tt.err.Code)
			assert.True(t, tt.code.Valid())
			assert.Equal(t, "m", tt.err.Message)
		})
	}
	assert.Equal(t, "f", ccerr.Invalid("f", "m").Field)
	assert.False(t, ccerr.Code("NOPE").Valid())
	assert.Len(t, ccerr.Codes(), 6)
}

func TestErrorsAs(t *testing.T) {
	wrapped := fmt.Errorf("grant consent: %w", ccerr.Invalid("scope", "unknown scope"))
	var e *ccerr.Error
	require.ErrorAs(t, wrapped, &e)
	assert.Equal(t, ccerr.CodeInvalidArgument, e.Code)
	assert.Equal(t, "scope", e.Field)
	assert.Equal(t, "unknown scope", e.Message)
}

func TestCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want ccerr.Code
	}{
		{"nil", nil, ""},
		{"direct", ccerr.NotFound("x"), ccerr.CodeNotFound},
		{"wrapped", fmt.Errorf("ctx: %w", ccerr.Conflict("x")), ccerr.CodeConflict},
		{"parsed from gateway message", errors.New(`chaincode response 500, FORBIDDEN: role "x" not allowed`), ccerr.CodeForbidden},
		{"plain error", errors.New("connection refused"), ccerr.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ccerr.CodeOf(tt.err))
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *ccerr.Error
	}{
		{"bare", "NOT_FOUND: consent \"c1\" not found", &ccerr.Error{Code: ccerr.CodeNotFound, Message: `consent "c1" not found`}},
		{"with field", `INVALID_ARGUMENT: field "x": must not be empty`, &ccerr.Error{Code: ccerr.CodeInvalidArgument, Field: "x", Message: "must not be empty"}},
		{"wrapped by gateway", `chaincode response 500, INVALID_ARGUMENT: field "x": must not be empty`, &ccerr.Error{Code: ccerr.CodeInvalidArgument, Field: "x", Message: "must not be empty"}},
		{"escaped field", `CONFLICT: field "a\"b": taken`, &ccerr.Error{Code: ccerr.CodeConflict, Field: `a"b`, Message: "taken"}},
		{"first code wins", "INTERNAL: calling records: NOT_FOUND: gone", &ccerr.Error{Code: ccerr.CodeInternal, Message: "calling records: NOT_FOUND: gone"}},
		{"skips code glued to word", "XNOT_FOUND: a, CONFLICT: b", &ccerr.Error{Code: ccerr.CodeConflict, Message: "b"}},
		{"skips code without colon", "NOT_FOUND happened, FORBIDDEN: no", &ccerr.Error{Code: ccerr.CodeForbidden, Message: "no"}},
		{"unterminated field is message", `INVALID_ARGUMENT: field "x: oops`, &ccerr.Error{Code: ccerr.CodeInvalidArgument, Message: `field "x: oops`}},
		{"field without colon is message", `INVALID_ARGUMENT: field "x" oops`, &ccerr.Error{Code: ccerr.CodeInvalidArgument, Message: `field "x" oops`}},
		{"empty field is message", `INVALID_ARGUMENT: field "": oops`, &ccerr.Error{Code: ccerr.CodeInvalidArgument, Message: `field "": oops`}},
		{"empty message", "CONFLICT: ", &ccerr.Error{Code: ccerr.CodeConflict}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ccerr.Parse(tt.in)
			require.True(t, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseNoError(t *testing.T) {
	for _, in := range []string{"", "something failed", "NOT_FOUND", "NOT_FOUND:x", "not_found: x", "AINTERNAL: x", "NOT_FOUNDX: y"} {
		t.Run(in, func(t *testing.T) {
			got, ok := ccerr.Parse(in)
			assert.False(t, ok)
			assert.Nil(t, got)
		})
	}
}

func TestParseRoundTrip(t *testing.T) {
	for _, e := range []*ccerr.Error{
		ccerr.Invalid("consent.scope[0]", "unknown scope"),
		ccerr.Forbidden("caller role %q is not one of [admin]", "nurse"),
		ccerr.Internal("multi\nline"),
		ccerr.Invalid("ünïcode\x00", "m"),
	} {
		got, ok := ccerr.Parse("prefix: " + e.Error())
		require.True(t, ok)
		assert.Equal(t, e, got)
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`chaincode response 500, INVALID_ARGUMENT: field "x": must not be empty`,
		"NOT_FOUND: gone",
		`CONFLICT: field "a\"b": taken`,
		`INVALID_ARGUMENT: field "\xff": x`,
		"FORBIDDEN: field `x`: y",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, ok := ccerr.Parse(s)
		if !ok {
			require.Nil(t, e)
			return
		}
		require.True(t, e.Code.Valid())
		// Rendering a parsed error and parsing it again is stable.
		again, ok := ccerr.Parse(e.Error())
		require.True(t, ok)
		require.Equal(t, e, again)
		// The message is a suffix of the input.
		require.True(t, strings.HasSuffix(s, e.Message))
	})
}

func FuzzErrorRoundTrip(f *testing.F) {
	f.Add(uint8(0), "field", "message")
	f.Add(uint8(3), "", `field "x": y`)
	f.Fuzz(func(t *testing.T, codeIndex uint8, field, msg string) {
		all := ccerr.Codes()
		e := &ccerr.Error{Code: all[int(codeIndex)%len(all)], Field: field, Message: msg}
		got, ok := ccerr.Parse(e.Error())
		require.True(t, ok)
		require.Equal(t, e.Code, got.Code)
		if field != "" {
			require.Equal(t, field, got.Field)
			require.Equal(t, msg, got.Message)
		}
	})
}
