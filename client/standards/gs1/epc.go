package gs1

import (
	"fmt"
	"strings"
)

// EPC pure-identity URI schemes (GS1 Tag Data Standard 2.x, section 6).
const (
	urnID    = "urn:epc:id:"
	urnClass = "urn:epc:class:lgtin:"
	urnPat   = "urn:epc:idpat:sgtin:"
)

// epcScheme describes one URN scheme: how many digits the company prefix
// and the reference after it add up to, and how they make the key.
type epcScheme struct {
	kind   Kind
	digits int  // company prefix + reference digits
	tail   bool // a third component (serial, extension) follows
}

var epcSchemes = map[string]epcScheme{
	"sgtin": {SGTIN, 13, true},
	"sscc":  {SSCC, 17, false},
	"sgln":  {SGLN, 12, true},
	"pgln":  {PGLN, 12, false},
	"grai":  {GRAI, 12, true},
	"giai":  {GIAI, 0, false},
	"gsrn":  {GSRN, 17, false},
}

// IsEPCURI reports whether s is written as an EPC URN this package reads.
func IsEPCURI(s string) bool {
	return strings.HasPrefix(s, urnID) || strings.HasPrefix(s, urnClass) || strings.HasPrefix(s, urnPat)
}

// ParseEPCURI reads an EPC pure-identity URI (urn:epc:id:sgtin, sscc,
// sgln, pgln, grai, giai, gsrn) or class URI (urn:epc:class:lgtin,
// urn:epc:idpat:sgtin:CP.REF.*): the URI itself says where the company
// prefix ends, and the check digit is recomputed.
func ParseEPCURI(uri string) (Key, error) {
	switch {
	case strings.HasPrefix(uri, urnClass):
		return parseGTINURI(uri, LGTIN, strings.TrimPrefix(uri, urnClass))
	case strings.HasPrefix(uri, urnPat):
		return parseGTINURI(uri, GTIN, strings.TrimPrefix(uri, urnPat))
	case strings.HasPrefix(uri, urnID):
		rest := strings.TrimPrefix(uri, urnID)
		scheme, body, _ := strings.Cut(rest, ":")
		s, ok := epcSchemes[scheme]
		if !ok {
			return Key{}, &URIError{URI: uri, Reason: "is not an EPC scheme this reader knows (sgtin, sscc, sgln, pgln, grai, giai, gsrn)"}
		}
		if s.kind == SGTIN {
			return parseGTINURI(uri, SGTIN, body)
		}
		return parseIDURI(uri, s, body)
	}
	return Key{}, &URIError{URI: uri, Reason: "is not an EPC URN"}
}

// URIError is a malformed identifier URI.
type URIError struct {
	URI, Reason string
	Err         error
}

func (e *URIError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%q %s: %v", e.URI, e.Reason, e.Err)
	}
	return fmt.Sprintf("%q %s", e.URI, e.Reason)
}

func (e *URIError) Unwrap() error { return e.Err }

// splitPrefix checks the company prefix and reference of a URN: digits,
// a prefix of 6 to 12, n digits together.
func splitPrefix(uri, cp, ref string, n int) error {
	if !digits(cp) || len(cp) < 6 || len(cp) > 12 {
		return &URIError{URI: uri, Reason: "has no 6- to 12-digit company prefix"}
	}
	if (ref != "" && !digits(ref)) || len(cp)+len(ref) != n {
		return &URIError{URI: uri, Reason: fmt.Sprintf("company prefix and reference are not %d digits together", n)}
	}
	return nil
}

func parseGTINURI(uri string, kind Kind, body string) (Key, error) {
	parts := strings.SplitN(body, ".", 3) // a serial or lot may hold dots
	if len(parts) != 3 || parts[1] == "" {
		return Key{}, &URIError{URI: uri, Reason: "is not CompanyPrefix.IndicatorItemRef.Serial"}
	}
	if err := splitPrefix(uri, parts[0], parts[1], 13); err != nil {
		return Key{}, err
	}
	k := Key{Kind: kind, Value: withCheck(parts[1][:1] + parts[0] + parts[1][1:])}
	var err error
	switch kind {
	case SGTIN:
		k.Serial, err = unescapeURN(parts[2])
	case LGTIN:
		k.Lot, err = unescapeURN(parts[2])
	default:
		if parts[2] != "*" {
			err = fmt.Errorf("a GTIN pattern ends in .*")
		}
	}
	if err != nil {
		return Key{}, &URIError{URI: uri, Reason: "is malformed", Err: err}
	}
	return k, wrapURI(uri, k.Validate())
}

func parseIDURI(uri string, s epcScheme, body string) (Key, error) {
	want := 2
	if s.tail {
		want = 3
	}
	parts := strings.SplitN(body, ".", want) // the last component may hold dots
	if len(parts) != want {
		return Key{}, &URIError{URI: uri, Reason: fmt.Sprintf("has fewer than %d dot-separated components", want)}
	}
	if s.kind == GIAI {
		return parseGIAI(uri, parts[0], parts[1])
	}
	if err := splitPrefix(uri, parts[0], parts[1], s.digits); err != nil {
		return Key{}, err
	}
	k := Key{Kind: s.kind}
	cp, ref := parts[0], parts[1]
	switch s.kind {
	case SSCC:
		k.Value = withCheck(ref[:1] + cp + ref[1:])
	case SGLN, PGLN, GSRN:
		k.Value = withCheck(cp + ref)
	case GRAI:
		k.Value = withCheck("0" + cp + ref)
	}
	if s.tail {
		tail, err := unescapeURN(parts[2])
		if err != nil {
			return Key{}, &URIError{URI: uri, Reason: "is malformed", Err: err}
		}
		if s.kind == SGLN && tail != "0" {
			k.Extension = tail
		} else if s.kind == GRAI {
			k.Serial = tail
		}
	}
	return k, wrapURI(uri, k.Validate())
}

func parseGIAI(uri, cp, ref string) (Key, error) {
	if !digits(cp) || len(cp) < 6 || len(cp) > 12 {
		return Key{}, &URIError{URI: uri, Reason: "has no 6- to 12-digit company prefix"}
	}
	v, err := unescapeURN(ref)
	if err != nil {
		return Key{}, &URIError{URI: uri, Reason: "is malformed", Err: err}
	}
	k := Key{Kind: GIAI, Value: cp + v}
	return k, wrapURI(uri, k.Validate())
}

func wrapURI(uri string, err error) error {
	if err == nil {
		return nil
	}
	return &URIError{URI: uri, Reason: "names an invalid key", Err: err}
}

// urnEscapes are the characters of set 82 a URN component escapes (TDS
// section 6.3 / table A-1).
var urnEscapes = map[byte]string{'"': "%22", '%': "%25", '&': "%26", '/': "%2F", '<': "%3C", '>': "%3E", '?': "%3F"}

func escapeURN(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if e, ok := urnEscapes[s[i]]; ok {
			b.WriteString(e)
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func unescapeURN(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if _, ok := urnEscapes[c]; ok && c != '%' {
			return "", fmt.Errorf("%q must be escaped in a URN (at %d)", c, i)
		}
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+3 > len(s) {
			return "", fmt.Errorf("truncated escape at %d", i)
		}
		d, ok := urnUnescape[strings.ToUpper(s[i:i+3])]
		if !ok {
			return "", fmt.Errorf("%s at %d is not an escape a URN uses", s[i:i+3], i)
		}
		b.WriteByte(d)
		i += 2
	}
	return b.String(), nil
}

var urnUnescape = func() map[string]byte {
	m := map[string]byte{}
	for c, e := range urnEscapes {
		m[e] = c
	}
	return m
}()

// EPCURI writes a key as its EPC URN, the company prefix length taken
// from t (ErrUnknownPrefix when t does not know it). An SGTIN's lot is
// not part of its URN.
func EPCURI(k Key, t *Table) (string, error) {
	if err := k.Validate(); err != nil {
		return "", err
	}
	body, head := cpDigits(k)
	n, err := t.PrefixLength(body)
	if err != nil {
		return "", err
	}
	cp, ref := body[:n], head+body[n:]
	switch k.Kind {
	case SGTIN:
		return urnID + "sgtin:" + cp + "." + ref + "." + escapeURN(k.Serial), nil
	case LGTIN:
		return urnClass + cp + "." + ref + "." + escapeURN(k.Lot), nil
	case GTIN:
		return urnPat + cp + "." + ref + ".*", nil
	case SGLN:
		ext := "0"
		if k.Extension != "" {
			ext = escapeURN(k.Extension)
		}
		return urnID + "sgln:" + cp + "." + ref + "." + ext, nil
	case GRAI:
		return urnID + "grai:" + cp + "." + ref + "." + escapeURN(k.Serial), nil
	case GIAI:
		return urnID + "giai:" + cp + "." + escapeURN(k.Value[n:]), nil
	}
	return urnID + string(k.Kind) + ":" + cp + "." + ref, nil // SSCC, PGLN, GSRN
}

// cpDigits returns the digits of a key that begin with its company
// prefix, and the digit that stands before them in the URN's reference
// (a GTIN's indicator, an SSCC's extension digit).
func cpDigits(k Key) (body, head string) {
	v := k.Value
	switch k.Kind {
	case SGTIN, LGTIN, GTIN:
		return v[1:13], v[:1]
	case SSCC:
		return v[1:17], v[:1]
	case SGLN, PGLN:
		return v[:12], ""
	case GRAI:
		return v[1:13], ""
	case GSRN:
		return v[:17], ""
	}
	i := 0
	for i < len(v) && i < 12 && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	return v[:i], "" // GIAI: the prefix is among its leading digits
}
