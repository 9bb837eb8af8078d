package gs1

import (
	"fmt"
	"strings"
)

// GS is the group separator a scanner transmits for FNC1 between a
// variable-length element and the next.
const GS = "\x1d"

// Symbology identifiers (ISO/IEC 15424) of the GS1 data carriers: a
// scanner configured to send them prefixes the data with one.
const (
	SymbologyDataMatrix = "]d2"
	SymbologyGS1128     = "]C1"
	SymbologyQR         = "]Q3"
	SymbologyDataBar    = "]e0"
	SymbologyDotCode    = "]J1"
)

var gs1Symbologies = []string{SymbologyDataMatrix, SymbologyGS1128, SymbologyQR, SymbologyDataBar, SymbologyDotCode}

// Element is one application identifier and its value.
type Element struct {
	AI    string `json:"ai"`
	Value string `json:"value"`
}

// ElementString is a GS1 element string: elements in the order they were
// read or are to be written, each AI at most once.
type ElementString []Element

// Get returns the value of ai.
func (es ElementString) Get(ai string) (string, bool) {
	for _, e := range es {
		if e.AI == ai {
			return e.Value, true
		}
	}
	return "", false
}

// Validate checks every element's value and that no AI repeats.
func (es ElementString) Validate() error {
	seen := map[string]bool{}
	for i, e := range es {
		if seen[e.AI] {
			return &ElementError{Index: i, AI: e.AI, Reason: "appears twice"}
		}
		seen[e.AI] = true
		if err := checkValue(e.AI, e.Value); err != nil {
			return &ElementError{Index: i, AI: e.AI, Reason: "is invalid", Err: err}
		}
	}
	return nil
}

// ElementError is an element string that cannot be read.
type ElementError struct {
	Index  int // the element's position, or the byte offset while scanning
	AI     string
	Reason string
	Err    error
}

func (e *ElementError) Error() string {
	s := fmt.Sprintf("element %d", e.Index)
	if e.AI != "" {
		s += " (" + e.AI + ")"
	}
	s += " " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *ElementError) Unwrap() error { return e.Err }

// HRI writes the human-readable form, (01)09506000134352(17)261231(10)A1.
func (es ElementString) HRI() string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString("(" + e.AI + ")" + e.Value)
	}
	return b.String()
}

// Encode writes the string a scanner transmits for es: symbology (one of
// the Symbology constants, or "" for none), then the elements with a GS
// after each one of no predefined length except the last.
func (es ElementString) Encode(symbology string) (string, error) {
	if err := es.Validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(symbology)
	for i, e := range es {
		b.WriteString(e.AI + e.Value)
		if _, spec, _ := specOf(e.AI); !spec.predefined && i < len(es)-1 {
			b.WriteString(GS)
		}
	}
	return b.String(), nil
}

// ParseElementString reads what a scanner delivers: the human-readable
// form (elements in parentheses), or the transmitted data with or
// without a GS1 symbology identifier, FNC1 sent as GS. Values are
// validated (check digits, dates, lengths, character set 82); an AI this
// package does not know stops the scan, as its length is unknown.
func ParseElementString(s string) (ElementString, error) {
	var es ElementString
	var err error
	if strings.HasPrefix(s, "(") {
		es, err = parseHRI(s)
	} else {
		es, err = parseRaw(s)
	}
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, &ElementError{Reason: "is missing: no element"}
	}
	return es, es.Validate()
}

func parseRaw(s string) (ElementString, error) {
	if strings.HasPrefix(s, "]") {
		sym := ""
		for _, p := range gs1Symbologies {
			if strings.HasPrefix(s, p) {
				sym = p
			}
		}
		if sym == "" {
			return nil, &ElementError{Reason: fmt.Sprintf("cannot start with symbology identifier %.3q: not GS1 data", s)}
		}
		s = s[len(sym):]
	}
	s = strings.TrimPrefix(s, GS) // FNC1 in first position, as some scanners send it
	var es ElementString
	for pos := 0; pos < len(s); {
		e, next, err := nextElement(s, pos)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
		pos = next
	}
	return es, nil
}

// nextElement reads the element at pos and returns where the next starts.
func nextElement(s string, pos int) (Element, int, error) {
	ai, spec, ok := specOf(s[pos:])
	if !ok {
		return Element{}, 0, &ElementError{Index: pos, Reason: fmt.Sprintf("at byte %d: %.4q is not an application identifier this reader knows", pos, s[pos:])}
	}
	start := pos + len(ai)
	if spec.fixed > 0 {
		end := start + spec.fixed
		if end > len(s) {
			return Element{}, 0, &ElementError{Index: pos, AI: ai, Reason: fmt.Sprintf("needs %d characters", spec.fixed)}
		}
		next := end
		if next < len(s) && s[next:next+1] == GS {
			next++ // a GS after a fixed-length element is tolerated
		}
		return Element{AI: ai, Value: s[start:end]}, next, nil
	}
	end := strings.Index(s[start:], GS)
	if end < 0 {
		return Element{AI: ai, Value: s[start:]}, len(s), nil
	}
	return Element{AI: ai, Value: s[start : start+end]}, start + end + 1, nil
}

func parseHRI(s string) (ElementString, error) {
	var es ElementString
	for pos := 0; pos < len(s); {
		closing := strings.IndexByte(s[pos:], ')')
		if s[pos] != '(' || closing < 0 {
			return nil, &ElementError{Index: pos, Reason: fmt.Sprintf("at byte %d: expected (AI)", pos)}
		}
		ai := s[pos+1 : pos+closing]
		if !KnownAI(ai) {
			return nil, &ElementError{Index: pos, AI: ai, Reason: "is not an application identifier this reader knows"}
		}
		start := pos + closing + 1
		end := nextHRI(s, start)
		es = append(es, Element{AI: ai, Value: s[start:end]})
		pos = end
	}
	return es, nil
}

// nextHRI finds where the value starting at start ends: at the next
// "(AI)" with a known AI (a value may hold parentheses of its own).
func nextHRI(s string, start int) int {
	for i := start; i < len(s); i++ {
		if s[i] != '(' {
			continue
		}
		if j := strings.IndexByte(s[i:], ')'); j > 0 && KnownAI(s[i+1:i+j]) {
			return i
		}
	}
	return len(s)
}
