// Package validate checks chaincode arguments. Every check returns nil or an
// INVALID_ARGUMENT *ccerr.Error that names the offending field.
//
// Messages describe what was expected and never echo the rejected value, so
// that protected health information passed by mistake does not end up in
// error messages, peer logs or client responses.
//
// The package imports only the standard library and package ccerr (itself
// standard library only), so that clients can check what they send the way
// the chaincode will.
package validate

import (
	"encoding/base64"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// MaxIdentifierLen is the maximum length of an identifier, in bytes.
const MaxIdentifierLen = 128

// Required checks that value is not empty or only white space.
func Required(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return ccerr.Invalid(field, "must not be empty")
	}
	return nil
}

// MaxLen checks that value is valid UTF-8 of at most limit characters.
func MaxLen(field, value string, limit int) error {
	if !utf8.ValidString(value) {
		return ccerr.Invalid(field, "must be valid UTF-8")
	}
	if utf8.RuneCountInString(value) > limit {
		return ccerr.Invalid(field, "must be at most %d characters", limit)
	}
	return nil
}

// Identifier checks that v matches ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$. Such
// identifiers are safe as composite key attributes: they contain neither
// U+0000 nor U+10FFFF and are valid UTF-8.
func Identifier(field, v string) error {
	if v == "" {
		return ccerr.Invalid(field, "must not be empty")
	}
	ok := len(v) <= MaxIdentifierLen && isAlnum(v[0])
	for i := 1; ok && i < len(v); i++ {
		c := v[i]
		ok = isAlnum(c) || c == '.' || c == '_' || c == ':' || c == '-'
	}
	if !ok {
		return ccerr.Invalid(field, "must be 1 to %d characters from A-Z, a-z, 0-9, '.', '_', ':', '-', starting with a letter or digit", MaxIdentifierLen)
	}
	return nil
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// OneOf checks that v equals one of allowed.
func OneOf(field, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return ccerr.Invalid(field, "must be one of [%s]", strings.Join(allowed, ", "))
}

// Timestamp parses s as an RFC 3339 timestamp (fractional seconds allowed)
// and returns it in UTC.
func Timestamp(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, ccerr.Invalid(field, "must not be empty")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, ccerr.Invalid(field, "must be an RFC 3339 timestamp such as 2024-05-01T12:00:00Z")
	}
	return t.UTC(), nil
}

// Period parses a start timestamp and an optional end timestamp. An empty end
// means an open-ended period and yields the zero time; otherwise end must be
// strictly after start.
func Period(startField, start, endField, end string) (from, to time.Time, err error) {
	from, err = Timestamp(startField, start)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if end == "" {
		return from, time.Time{}, nil
	}
	to, err = Timestamp(endField, end)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if !to.After(from) {
		return time.Time{}, time.Time{}, ccerr.Invalid(endField, "must be after %s", startField)
	}
	return from, to, nil
}

// SHA256Hex checks that v is a SHA-256 digest written as 64 lower-case
// hexadecimal characters.
func SHA256Hex(field, v string) error {
	ok := len(v) == 64
	for i := 0; ok && i < len(v); i++ {
		c := v[i]
		ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
	}
	if !ok {
		return ccerr.Invalid(field, "must be 64 lower-case hexadecimal characters (a SHA-256 digest)")
	}
	return nil
}

// Range checks that lo <= v <= hi.
func Range(field string, v, lo, hi int64) error {
	if v < lo || v > hi {
		return ccerr.Invalid(field, "must be between %d and %d", lo, hi)
	}
	return nil
}

// Size checks that a collection has between lo and hi items.
func Size(field string, n, lo, hi int) error {
	if n < lo || n > hi {
		return ccerr.Invalid(field, "must have between %d and %d items", lo, hi)
	}
	return nil
}

// Base64 decodes v as padded standard base64 (RFC 4648 section 4) and checks
// that the decoded data has at most maxBytes bytes.
func Base64(field, v string, maxBytes int) ([]byte, error) {
	if len(v) > base64.StdEncoding.EncodedLen(maxBytes) {
		return nil, ccerr.Invalid(field, "must decode to at most %d bytes", maxBytes)
	}
	b, err := base64.StdEncoding.Strict().DecodeString(v)
	if err != nil {
		return nil, ccerr.Invalid(field, "must be standard base64 with padding")
	}
	if len(b) > maxBytes {
		return nil, ccerr.Invalid(field, "must decode to at most %d bytes", maxBytes)
	}
	return b, nil
}
