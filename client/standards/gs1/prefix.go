package gs1

import (
	"errors"
	"fmt"
	"sort"
)

// ErrUnknownPrefix is returned when a Table does not know the GS1 company
// prefix of a key, so its EPC URI cannot be written.
var ErrUnknownPrefix = errors.New("GS1 company prefix length unknown")

// Rule says that GS1 keys whose company-prefix digits begin with Prefix
// have a company prefix of Length digits (6 to 12). It is the form of
// GS1's GCP length table (the "GCP length prefix list" GS1 publishes for
// the prefixes its member organisations issued: a prefix of the key and
// the length of the company prefixes under it); a licensed company prefix
// itself is the rule {Prefix: p, Length: len(p)}.
type Rule struct {
	Prefix string `json:"prefix"`
	Length int    `json:"gcpLength"`
}

// Table finds the company prefix length of GS1 keys from its rules: the
// rule with the longest matching prefix wins. The zero Table knows none.
type Table struct {
	rules []Rule // longest prefix first
}

// NewTable checks rules and returns their table: a prefix is 1 to 12
// digits, a length 6 to 12 (a GCP length rule's prefix may be shorter
// than the company prefixes under it: GS1 lists ranges). Two rules for
// the same prefix with different lengths are refused.
func NewTable(rules ...Rule) (*Table, error) {
	seen := map[string]int{}
	t := &Table{}
	for i, r := range rules {
		if !digits(r.Prefix) || len(r.Prefix) > 12 {
			return nil, fmt.Errorf("rules[%d]: prefix %q is not 1 to 12 digits", i, r.Prefix)
		}
		if r.Length < 6 || r.Length > 12 {
			return nil, fmt.Errorf("rules[%d]: company prefix length %d is not 6 to 12", i, r.Length)
		}
		if l, dup := seen[r.Prefix]; dup {
			if l != r.Length {
				return nil, fmt.Errorf("rules[%d]: prefix %s has lengths %d and %d", i, r.Prefix, l, r.Length)
			}
			continue
		}
		seen[r.Prefix] = r.Length
		t.rules = append(t.rules, r)
	}
	sort.SliceStable(t.rules, func(a, b int) bool { return len(t.rules[a].Prefix) > len(t.rules[b].Prefix) })
	return t, nil
}

// TableFromPrefixes is the table of licensed GS1 company prefixes (as the
// parts registry lists a manufacturer's companyPrefixes): each prefix is
// its own length.
func TableFromPrefixes(prefixes ...string) (*Table, error) {
	rules := make([]Rule, 0, len(prefixes))
	for _, p := range prefixes {
		rules = append(rules, Rule{Prefix: p, Length: len(p)})
	}
	return NewTable(rules...)
}

// PrefixLength returns the company prefix length of a key's company-prefix
// digits (a GTIN without its indicator, an SSCC without its extension
// digit, a GLN, ...).
func (t *Table) PrefixLength(body string) (int, error) {
	if t != nil {
		for _, r := range t.rules {
			if len(body) >= len(r.Prefix) && body[:len(r.Prefix)] == r.Prefix && r.Length <= len(body) {
				return r.Length, nil
			}
		}
	}
	return 0, fmt.Errorf("%s: %w", body, ErrUnknownPrefix)
}
