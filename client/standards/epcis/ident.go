package epcis

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/carechain/carechain/client/standards/gs1"
)

// ParseIdentifier reads an identifier URI: an EPC URN or a Digital Link
// gives its GS1 key (and must be well formed); any other absolute URI is
// kept without a key, as is an EPC URN of a scheme gs1 does not read
// (urn:epc:id:gdti, ...).
func ParseIdentifier(s string) (Identifier, error) {
	if err := checkURI(s); err != nil {
		return Identifier{}, err
	}
	id := Identifier{URI: s}
	var k gs1.Key
	var err error
	switch {
	case gs1.IsEPCURI(s):
		k, err = gs1.ParseEPCURI(s)
		if err != nil && !knownEPCScheme(s) {
			return id, nil
		}
	case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		k, err = gs1.ParseURI(s)
		if errors.Is(err, gs1.ErrNoPrimaryKey) {
			return id, nil
		}
	default:
		return id, nil
	}
	if err != nil {
		return Identifier{}, err
	}
	id.Key = &k
	return id, nil
}

// knownEPCScheme reports whether s is of an EPC scheme gs1 reads, whose
// malformed URIs are errors rather than opaque identifiers.
func knownEPCScheme(s string) bool {
	for _, p := range []string{"sgtin:", "sscc:", "sgln:", "pgln:", "grai:", "giai:", "gsrn:"} {
		if strings.HasPrefix(s, "urn:epc:id:"+p) {
			return true
		}
	}
	return strings.HasPrefix(s, "urn:epc:class:lgtin:") || strings.HasPrefix(s, "urn:epc:idpat:sgtin:")
}

func (o *object) identifier(key string) *Identifier {
	s := o.str(key)
	if s == "" {
		return nil
	}
	id, err := ParseIdentifier(s)
	if err != nil {
		o.failErr(key, "is not an identifier", err)
	}
	return &id
}

func (o *object) identifiers(key string) []Identifier {
	raws := o.list(key)
	if raws == nil {
		return nil
	}
	out := make([]Identifier, 0, len(raws))
	first := map[string]int{}
	for i, r := range raws {
		var s string
		if json.Unmarshal(r, &s) != nil {
			o.fail(index(key, i), "is not a string")
			return nil
		}
		id, err := ParseIdentifier(s)
		if err != nil {
			o.failErr(index(key, i), "is not an identifier", err)
			return nil
		}
		if j, dup := first[s]; dup {
			o.fail(index(key, i), "repeats %s[%d]", key, j)
			return nil
		}
		first[s] = i
		out = append(out, id)
	}
	return out
}
