package gs1

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DefaultResolver is GS1's own Digital Link domain.
const DefaultResolver = "https://id.gs1.org"

// qualifiers are the key qualifiers a Digital Link path may give after
// each primary key, in the order they must appear (GS1 Digital Link URI
// Syntax 1.2, section 4).
var qualifiers = map[string][]string{
	"01": {"22", "10", "21"}, "00": nil, "414": {"254"}, "417": nil,
	"8003": nil, "8004": nil, "8018": {"8019"}, "8006": {"21"},
}

// ErrNoPrimaryKey says an http(s) URI has no GS1 primary key in its path, so
// it is no Digital Link (it may still be a valid identifier of another
// kind).
var ErrNoPrimaryKey = errors.New("no GS1 primary key (01, 00, 414, 417, 8003, 8004, 8006, 8018) in the path")

// DigitalLink is a GS1 Digital Link URI as read.
type DigitalLink struct {
	// Base is the scheme, host and any path before the primary key
	// (https://id.gs1.org, https://example.com/dl).
	Base string `json:"base"`
	// Elements are the primary key, its qualifiers (path order) and the
	// data attributes of the query (?17=261231), in that order.
	Elements ElementString `json:"elements"`
	// Params are query parameters that are no AI (linkType, ...).
	Params url.Values `json:"params,omitempty"`
}

// IsDigitalLink reports whether s looks like an uncompressed GS1 Digital
// Link: an http(s) URI with a primary key AI in its path.
func IsDigitalLink(s string) bool {
	_, err := ParseDigitalLink(s)
	return err == nil
}

// ParseDigitalLink reads an uncompressed GS1 Digital Link URI on any
// domain: the first path segment that is a primary key AI followed by a
// value starts the key; qualifiers follow in their order; AIs in the
// query are data attributes. Values are percent-decoded and validated.
func ParseDigitalLink(s string) (*DigitalLink, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" {
		return nil, &URIError{URI: s, Reason: "is not an http(s) URI without a fragment", Err: err}
	}
	segs := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	at := primaryAt(segs)
	if at < 0 {
		return nil, &URIError{URI: s, Reason: "is no Digital Link", Err: ErrNoPrimaryKey}
	}
	if indexOf(segs[:at], "") >= 0 {
		return nil, &URIError{URI: s, Reason: "has an empty path segment before its key"}
	}
	if indexOf(segs[:at], "") >= 0 {
		return nil, &URIError{URI: s, Reason: "has an empty path segment before its key"}
	}
	dl := &DigitalLink{Base: u.Scheme + "://" + u.Host + strings.TrimSuffix("/"+strings.Join(segs[:at], "/"), "/")}
	if dl.Elements, err = pathElements(segs[at:]); err != nil {
		return nil, &URIError{URI: s, Reason: "has a malformed path", Err: err}
	}
	if err := dl.readQuery(u.RawQuery); err != nil {
		return nil, &URIError{URI: s, Reason: "has a malformed query", Err: err}
	}
	if err := dl.Elements.Validate(); err != nil {
		return nil, &URIError{URI: s, Reason: "names an invalid key", Err: err}
	}
	return dl, nil
}

// primaryAt is the index of the segment that starts the key: a primary
// key AI whose remaining segments come in pairs.
func primaryAt(segs []string) int {
	for i := 0; i+1 < len(segs); i++ {
		if _, ok := qualifiers[segs[i]]; ok && (len(segs)-i)%2 == 0 {
			return i
		}
	}
	return -1
}

func pathElements(segs []string) (ElementString, error) {
	allowed := qualifiers[segs[0]]
	var es ElementString
	for i := 0; i < len(segs); i += 2 {
		v, err := url.PathUnescape(segs[i+1])
		if err != nil {
			return nil, err
		}
		ai := segs[i]
		if i > 0 {
			j := indexOf(allowed, ai)
			if j < 0 {
				return nil, fmt.Errorf("/%s/ is not a qualifier of (%s) here (after it: %v, in that order)", ai, segs[0], allowed)
			}
			allowed = allowed[j+1:]
		}
		if ai == "01" {
			if v, err = NormalizeGTIN(v); err != nil {
				return nil, err
			}
		}
		es = append(es, Element{AI: ai, Value: v})
	}
	return es, nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func (dl *DigitalLink) readQuery(raw string) error {
	if raw == "" {
		return nil
	}
	for _, pair := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return err
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return err
		}
		if digits(key) {
			dl.Elements = append(dl.Elements, Element{AI: key, Value: val})
			continue
		}
		if dl.Params == nil {
			dl.Params = url.Values{}
		}
		dl.Params.Add(key, val)
	}
	return nil
}

// Key is the identifier the link names.
func (dl *DigitalLink) Key() (Key, error) { return KeyOf(dl.Elements) }

// String writes the link: Base, the key path, the attributes as query.
func (dl *DigitalLink) String() string {
	var path, query []string
	primary := ""
	for i, e := range dl.Elements {
		if i == 0 {
			primary = e.AI
		}
		if i == 0 || indexOf(qualifiers[primary], e.AI) >= 0 {
			path = append(path, e.AI, dlEscape(e.Value))
		} else {
			query = append(query, e.AI+"="+dlEscape(e.Value))
		}
	}
	for _, k := range sortedKeys(dl.Params) {
		for _, v := range dl.Params[k] {
			query = append(query, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	s := strings.TrimSuffix(dl.Base, "/") + "/" + strings.Join(path, "/")
	if len(query) > 0 {
		s += "?" + strings.Join(query, "&")
	}
	return s
}

// dlEscape percent-encodes every character outside RFC 3986's unreserved
// set, as GS1 Digital Link requires of AI values.
func dlEscape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// DigitalLinkURI writes k as a Digital Link on base (DefaultResolver when
// ""), with data attributes (such as {17, YYMMDD}) in the query.
func DigitalLinkURI(k Key, base string, attrs ...Element) (string, error) {
	es, err := k.Elements()
	if err != nil {
		return "", err
	}
	if base == "" {
		base = DefaultResolver
	}
	dl := &DigitalLink{Base: base, Elements: append(es, attrs...)}
	if err := dl.Elements.Validate(); err != nil {
		return "", err
	}
	return dl.String(), nil
}
