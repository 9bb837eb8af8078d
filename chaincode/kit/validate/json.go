package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// DefaultMaxJSONBytes is the input limit DecodeJSON applies when maxBytes is
// not positive.
const DefaultMaxJSONBytes = 64 << 10

// DecodeJSON strictly decodes the JSON document data into v, which must be a
// non-nil pointer. It refuses input longer than maxBytes (DefaultMaxJSONBytes
// if maxBytes <= 0), invalid UTF-8, a top-level null, object keys that appear
// twice in one object, fields that v does not declare, and anything but
// white space after the document. Errors name field, extended with the path
// of the offending member where encoding/json reports one; they quote only
// the name of an undeclared struct field, never input values.
//
// If a type's UnmarshalJSON returns a *ccerr.Error, that error is returned
// unchanged.
func DecodeJSON[D ~string | ~[]byte](field string, data D, v any, maxBytes int) error {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxJSONBytes
	}
	if len(data) > maxBytes {
		return ccerr.Invalid(field, "must be at most %d bytes of JSON", maxBytes)
	}
	raw := []byte(data)
	if !utf8.Valid(raw) {
		return ccerr.Invalid(field, "must be valid UTF-8")
	}
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) == 0:
		return ccerr.Invalid(field, "must not be empty")
	case string(trimmed) == "null":
		return ccerr.Invalid(field, "must not be null")
	}
	if err := checkDuplicateKeys(field, raw); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(field, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return ccerr.Invalid(field, "must contain a single JSON value")
	}
	return nil
}

// decodeError turns an encoding/json error into an INVALID_ARGUMENT error
// that does not quote input values.
func decodeError(field string, err error) error {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		invalid   *json.InvalidUnmarshalError
		ccErr     *ccerr.Error
		timeErr   *time.ParseError
	)
	switch {
	case errors.As(err, &ccErr):
		return ccErr
	case errors.As(err, &invalid):
		return ccerr.Internal("decode %s: %v", field, err)
	case errors.As(err, &syntaxErr):
		return ccerr.Invalid(field, "malformed JSON at byte %d", syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return ccerr.Invalid(field, "malformed JSON: unexpected end of input")
	case errors.As(err, &typeErr):
		path := field
		if typeErr.Field != "" {
			path = joinPath(field, typeErr.Field)
		}
		return ccerr.Invalid(path, "must be %s", jsonKind(typeErr.Type))
	case errors.As(err, &timeErr):
		return ccerr.Invalid(field, "contains a timestamp that is not RFC 3339")
	}
	if name, ok := unknownField(err); ok {
		return ccerr.Invalid(field, "unknown field %q", name)
	}
	return ccerr.Invalid(field, "contains an invalid value")
}

// unknownField extracts the member name from encoding/json's error for a
// field that the target does not declare.
func unknownField(err error) (string, bool) {
	const prefix = "json: unknown field "
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return "", false
	}
	name, uerr := strconv.Unquote(msg[len(prefix):])
	if uerr != nil {
		return "", false
	}
	return name, true
}

func joinPath(field, member string) string {
	if field == "" {
		return member
	}
	return field + "." + member
}

// jsonKind describes the JSON value expected for a Go type.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a different JSON type"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	default:
		return "a different JSON type"
	}
}

// checkDuplicateKeys walks the tokens of data and rejects an object that has
// the same key twice; encoding/json would silently keep the last one, while
// other parsers keep the first.
func checkDuplicateKeys(field string, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var w keyWalker
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return decodeError(field, err)
		}
		done, dup := w.step(tok)
		if dup {
			return ccerr.Invalid(field, "contains an object with a duplicate key")
		}
		if done {
			// The top-level value is complete; anything after it is
			// reported by the strict decode.
			return nil
		}
	}
}

// keyFrame is one open object or array of a keyWalker.
type keyFrame struct {
	object    bool
	expectKey bool
	keys      map[string]struct{}
}

// keyWalker follows the nesting of a JSON token stream and the keys seen in
// each open object.
type keyWalker struct {
	stack []*keyFrame
}

// step takes the next token; it reports whether the top-level value is
// complete and whether the token repeats a key of its object.
func (w *keyWalker) step(tok json.Token) (done, dup bool) {
	if d, ok := tok.(json.Delim); ok {
		return w.delim(d), false
	}
	if top := w.top(); top != nil && top.object && top.expectKey {
		key, _ := tok.(string)
		if _, seen := top.keys[key]; seen {
			return false, true
		}
		top.keys[key] = struct{}{}
		top.expectKey = false
		return false, false
	}
	if len(w.stack) == 0 {
		return true, false
	}
	w.valueDone()
	return false, false
}

func (w *keyWalker) delim(d json.Delim) (done bool) {
	switch d {
	case '{':
		w.stack = append(w.stack, &keyFrame{object: true, expectKey: true, keys: map[string]struct{}{}})
	case '[':
		w.stack = append(w.stack, &keyFrame{})
	default:
		w.stack = w.stack[:len(w.stack)-1]
		if len(w.stack) == 0 {
			return true
		}
		w.valueDone()
	}
	return false
}

func (w *keyWalker) top() *keyFrame {
	if n := len(w.stack); n > 0 {
		return w.stack[n-1]
	}
	return nil
}

// valueDone marks a value of the innermost object complete: a key comes next.
func (w *keyWalker) valueDone() {
	if top := w.top(); top != nil && top.object {
		top.expectKey = true
	}
}
