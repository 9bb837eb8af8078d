package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Error is a document that cannot be read, with the path of the member
// at fault (epcisBody.eventList[2].epcList[0]).
type Error struct {
	Path   string
	Reason string
	Err    error
}

func (e *Error) Error() string {
	s := e.Path + ": " + e.Reason
	if e.Path == "" {
		s = e.Reason
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// object reads one JSON object member by member; the first error sticks
// and the members not taken are what rest returns.
type object struct {
	path string
	m    map[string]json.RawMessage
	err  *error
}

func newObject(path string, raw json.RawMessage, err *error) *object {
	o := &object{path: path, m: map[string]json.RawMessage{}, err: err}
	if *err != nil {
		return o
	}
	if raw == nil || json.Unmarshal(raw, &o.m) != nil || o.m == nil {
		*err = &Error{Path: path, Reason: "is not a JSON object"}
	}
	return o
}

func (o *object) at(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

func (o *object) fail(key, format string, args ...any) {
	if *o.err == nil {
		*o.err = &Error{Path: o.at(key), Reason: fmt.Sprintf(format, args...)}
	}
}

func (o *object) failErr(key, reason string, err error) {
	if *o.err == nil {
		*o.err = &Error{Path: o.at(key), Reason: reason, Err: err}
	}
}

// raw takes a member as written (nil when absent).
func (o *object) raw(key string) json.RawMessage {
	v, ok := o.m[key]
	if !ok {
		return nil
	}
	delete(o.m, key)
	if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		o.fail(key, "is null")
	}
	return v
}

func (o *object) has(key string) bool { _, ok := o.m[key]; return ok }

// str takes a string member ("" when absent).
func (o *object) str(key string) string {
	v := o.raw(key)
	if v == nil {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		o.fail(key, "is not a string")
	} else if s == "" {
		o.fail(key, "is empty")
	}
	return s
}

// required takes a string member that must be there.
func (o *object) required(key string) string {
	if !o.has(key) {
		o.fail(key, "is missing")
		return ""
	}
	return o.str(key)
}

// uri takes a member that must be an absolute URI when present.
func (o *object) uri(key string) string {
	s := o.str(key)
	if s != "" {
		if err := checkURI(s); err != nil {
			o.failErr(key, "is not an absolute URI", err)
		}
	}
	return s
}

// timestamp takes an RFC 3339 date-time member.
func (o *object) timestamp(key string) string {
	s := o.str(key)
	if s != "" {
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			o.fail(key, "%q is not an RFC 3339 date-time", s)
		}
	}
	return s
}

// list takes an array member, its elements as written.
func (o *object) list(key string) []json.RawMessage {
	v := o.raw(key)
	if v == nil {
		return nil
	}
	var l []json.RawMessage
	if json.Unmarshal(v, &l) != nil || l == nil {
		o.fail(key, "is not an array")
	}
	return l
}

// vocab takes a member of a vocabulary.
func (o *object) vocab(key string, voc *vocabulary) Vocab {
	s := o.str(key)
	if s == "" {
		return Vocab{}
	}
	v, err := voc.Parse(s)
	if err != nil {
		o.failErr(key, "is not a "+voc.name, err)
	}
	return v
}

// rest returns the members not taken: namespaced ones (a prefix or a
// scheme before a colon) are extensions; any other is refused.
func (o *object) rest() Extensions {
	if len(o.m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(o.m))
	for k := range o.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !namespaced(k) {
			o.fail(k, "is not a member of this object (an extension member is namespaced, prefix:name or a URI)")
		}
	}
	return o.m
}

// closed refuses any member left: the object allows no extensions.
func (o *object) closed() {
	for _, k := range sortedNames(o.m) {
		o.fail(k, "is not a member of this object (which takes no extensions)")
	}
}

func sortedNames[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var schemeForm = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

func namespaced(k string) bool { return schemeForm.MatchString(k) && len(k) > strings.Index(k, ":")+1 }

// CheckURI accepts an absolute URI, as EPCIS members that are URIs must
// be: a scheme, then no spaces, controls or characters a URI cannot hold.
func CheckURI(s string) error { return checkURI(s) }

func checkURI(s string) error {
	if !schemeForm.MatchString(s) {
		return fmt.Errorf("%q has no scheme", s)
	}
	if strings.ContainsAny(s, " \t\r\n<>\"{}|\\^`") {
		return fmt.Errorf("%q has characters a URI cannot hold", s)
	}
	if _, err := url.Parse(s); err != nil {
		return err
	}
	return nil
}

// index names a list element's path.
func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// vocabList takes an array of vocabulary values.
func (o *object) vocabList(key string, voc *vocabulary) []Vocab {
	var out []Vocab
	for i, raw := range o.list(key) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			o.fail(index(key, i), "is not a string")
			return nil
		}
		v, err := voc.Parse(s)
		if err != nil {
			o.failErr(index(key, i), "is not a "+voc.name, err)
			return nil
		}
		out = append(out, v)
	}
	return out
}

// number takes a JSON number member, as written.
func (o *object) number(key string) *json.Number {
	v := o.raw(key)
	if v == nil {
		return nil
	}
	var n json.Number
	if bytes.HasPrefix(bytes.TrimSpace(v), []byte(`"`)) || json.Unmarshal(v, &n) != nil {
		o.fail(key, "is not a number")
		return nil
	}
	return &n
}

// boolean takes a JSON true or false member.
func (o *object) boolean(key string) *bool {
	v := o.raw(key)
	if v == nil {
		return nil
	}
	var b bool
	if json.Unmarshal(v, &b) != nil {
		o.fail(key, "is not true or false")
		return nil
	}
	return &b
}
