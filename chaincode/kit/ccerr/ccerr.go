// Package ccerr defines chaincode errors that carry a stable, machine-readable
// code.
//
// The peer hands only the error message to the client, so the Error string of
// an *Error is the wire format: "CODE: message" or, when the error concerns
// one argument, `CODE: field "name": message`. Parse recovers an *Error from
// such a string even when the gateway has wrapped it in a longer message.
//
// The package imports only the standard library so that client code can use
// it as well. Messages must not contain protected health information; name
// records by their identifiers only.
package ccerr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Code classifies an error. Its string form is part of the wire format and
// never changes.
type Code string

// The error codes. They mirror the gRPC codes of the same name.
const (
	// CodeInvalidArgument means the caller supplied a malformed argument.
	CodeInvalidArgument Code = "INVALID_ARGUMENT"
	// CodeNotFound means a requested record does not exist.
	CodeNotFound Code = "NOT_FOUND"
	// CodeForbidden means the caller is not allowed to perform the operation.
	CodeForbidden Code = "FORBIDDEN"
	// CodeConflict means the operation conflicts with existing state, such as
	// creating a record that already exists.
	CodeConflict Code = "CONFLICT"
	// CodeFailedPrecondition means the state of a record does not allow the
	// operation, such as revoking an already revoked consent.
	CodeFailedPrecondition Code = "FAILED_PRECONDITION"
	// CodeInternal means an unexpected failure, typically of the ledger.
	CodeInternal Code = "INTERNAL"
)

// codes lists every defined code.
var codes = [...]Code{
	CodeInvalidArgument,
	CodeNotFound,
	CodeForbidden,
	CodeConflict,
	CodeFailedPrecondition,
	CodeInternal,
}

// Codes returns every defined code.
func Codes() []Code {
	out := make([]Code, len(codes))
	copy(out, codes[:])
	return out
}

// Valid reports whether c is one of the defined codes.
func (c Code) Valid() bool {
	for _, known := range codes {
		if c == known {
			return true
		}
	}
	return false
}

// String returns the wire form of the code.
func (c Code) String() string { return string(c) }

// Error is a chaincode error with a stable code. Field, when set, names the
// argument or field the error is about.
type Error struct {
	Code    Code
	Field   string
	Message string
}

// fieldPrefix introduces the field name in the wire format.
const fieldPrefix = "field "

// Error returns the wire format: "CODE: message" or
// `CODE: field "name": message`. The field name is quoted with strconv.Quote.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(fieldPrefix)
		b.WriteString(strconv.Quote(e.Field))
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// New returns an error with the given code and field; field may be empty.
// The message is formatted with fmt.Sprintf.
func New(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an INVALID_ARGUMENT error about the named field.
func Invalid(field, format string, args ...any) *Error {
	return New(CodeInvalidArgument, field, format, args...)
}

// NotFound returns a NOT_FOUND error.
func NotFound(format string, args ...any) *Error {
	return New(CodeNotFound, "", format, args...)
}

// Forbidden returns a FORBIDDEN error.
func Forbidden(format string, args ...any) *Error {
	return New(CodeForbidden, "", format, args...)
}

// Conflict returns a CONFLICT error.
func Conflict(format string, args ...any) *Error {
	return New(CodeConflict, "", format, args...)
}

// Precondition returns a FAILED_PRECONDITION error.
func Precondition(format string, args ...any) *Error {
	return New(CodeFailedPrecondition, "", format, args...)
}

// Internal returns an INTERNAL error, for unexpected failures such as a
// ledger call that fails.
func Internal(format string, args ...any) *Error {
	return New(CodeInternal, "", format, args...)
}

// CodeOf returns the code of err: "" for nil, the code of the first *Error in
// err's chain, else the code of an error found in err's message by Parse, and
// CodeInternal for any other error.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if parsed, ok := Parse(err.Error()); ok {
		return parsed.Code
	}
	return CodeInternal
}

// Parse finds the first error in wire format inside s, which may be a longer
// message such as `chaincode response 500, NOT_FOUND: consent "c1" not found`.
// A code is recognised only at the start of s or after a character that
// cannot be part of a code, and must be followed by ": ". The message runs
// to the end of s. Parse reports false when s contains no such error.
func Parse(s string) (*Error, bool) {
	for start := 0; start < len(s); {
		i, code := nextCode(s[start:])
		if i < 0 {
			return nil, false
		}
		pos := start + i
		rest := s[pos+len(code):]
		if (pos == 0 || !isCodeByte(s[pos-1])) && strings.HasPrefix(rest, ": ") {
			field, msg := splitField(rest[2:])
			return &Error{Code: code, Field: field, Message: msg}, true
		}
		start = pos + 1
	}
	return nil, false
}

// nextCode returns the index of the earliest code in s and that code, or -1.
func nextCode(s string) (int, Code) {
	best, found := -1, Code("")
	for _, c := range codes {
		if i := strings.Index(s, string(c)); i >= 0 && (best < 0 || i < best) {
			best, found = i, c
		}
	}
	return best, found
}

// splitField separates an optional `field "name": ` prefix from the message.
func splitField(s string) (field, msg string) {
	if !strings.HasPrefix(s, fieldPrefix) {
		return "", s
	}
	quoted, err := strconv.QuotedPrefix(s[len(fieldPrefix):])
	if err != nil || quoted[0] != '"' {
		return "", s
	}
	after := s[len(fieldPrefix)+len(quoted):]
	if !strings.HasPrefix(after, ": ") {
		return "", s
	}
	name, err := strconv.Unquote(quoted)
	if err != nil || name == "" {
		return "", s
	}
	return name, after[2:]
}

// isCodeByte reports whether b can appear in a code.
func isCodeByte(b byte) bool {
	return b == '_' || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
}
