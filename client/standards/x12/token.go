package x12

import (
	"bytes"
	"fmt"
	"strings"
)

// Delimiters are an interchange's separators, declared by its ISA segment:
// the element separator is ISA's fourth byte, the repetition separator
// ISA11 (version 00501 and later), the component separator ISA16 and the
// segment terminator the byte after it.
type Delimiters struct {
	Element    byte
	Repetition byte // 0 when the interchange declares none (version 00401)
	Component  byte
	Segment    byte
}

// DefaultDelimiters are the ones carechain writes: * ^ : ~.
var DefaultDelimiters = Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~'}

// Segment is one segment: its id and its elements, Elements[0] being
// element 01. Elements keep their composites and repetitions unsplit.
type Segment struct {
	ID       string
	Elements []string
}

// Seg builds a segment from its id and elements.
func Seg(id string, elements ...string) Segment { return Segment{ID: id, Elements: elements} }

// Element is element n (1-based), or "" when the segment has fewer.
func (s Segment) Element(n int) string {
	if n < 1 || n > len(s.Elements) {
		return ""
	}
	return s.Elements[n-1]
}

// Component is component c (1-based) of element n, split with sep.
func (s Segment) Component(n, c int, sep byte) string {
	parts := strings.Split(s.Element(n), string(sep))
	if c < 1 || c > len(parts) {
		return ""
	}
	return parts[c-1]
}

// SyntaxError is an interchange that cannot be tokenized: no ISA, or
// delimiters that cannot be told apart.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("x12: at byte %d: %s", e.Offset, e.Msg) }

const isaLength = 106

// Tokenize splits an interchange into segments. Whitespace (and a UTF-8
// byte order mark) before the ISA and between segments is skipped; a
// segment id must be two or three capital letters or digits.
func Tokenize(data []byte) ([]Segment, Delimiters, error) {
	start := skipSpace(bytes.TrimPrefix(skipSpace(data, 0), []byte("\ufeff")), 0)
	offset := len(data) - len(start)
	d, err := delimiters(start, offset)
	if err != nil {
		return nil, d, err
	}
	var segs []Segment
	for pos := 0; pos < len(start); {
		end := bytes.IndexByte(start[pos:], d.Segment)
		if end < 0 {
			if len(bytes.TrimSpace(start[pos:])) == 0 {
				break
			}
			return nil, d, &SyntaxError{Offset: offset + pos, Msg: "segment without terminator"}
		}
		raw := string(start[pos : pos+end])
		if seg, ok, err := splitSegment(raw, d, offset+pos); err != nil {
			return nil, d, err
		} else if ok {
			segs = append(segs, seg)
		}
		pos = len(start) - len(skipSpace(start, pos+end+1))
	}
	return segs, d, nil
}

// skipSpace returns b[from:] without its leading ASCII whitespace.
func skipSpace(b []byte, from int) []byte {
	for from < len(b) && isSpace(b[from]) {
		from++
	}
	return b[from:]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isAlnum(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// delimiters reads the ISA's separators.
func delimiters(b []byte, offset int) (Delimiters, error) {
	if len(b) < isaLength || string(b[:3]) != "ISA" {
		return Delimiters{}, &SyntaxError{Offset: offset, Msg: "an interchange starts with a 106-character ISA segment"}
	}
	d := Delimiters{Element: b[3], Component: b[104], Segment: b[105]}
	fields := bytes.Split(b[:105], []byte{d.Element})
	if len(fields) != 17 || len(fields[16]) != 1 {
		return d, &SyntaxError{Offset: offset, Msg: "ISA must have 16 fixed-length elements"}
	}
	if rep := fields[11]; len(rep) == 1 && !isAlnum(rep[0]) {
		d.Repetition = rep[0]
	}
	return d, checkDelimiters(d, offset)
}

func checkDelimiters(d Delimiters, offset int) error {
	seps := []byte{d.Element, d.Component, d.Segment}
	if d.Repetition != 0 {
		seps = append(seps, d.Repetition)
	}
	for i, c := range seps {
		if isAlnum(c) || c == ' ' || bytes.IndexByte(seps[i+1:], c) >= 0 {
			return &SyntaxError{Offset: offset, Msg: fmt.Sprintf("delimiter %q is alphanumeric, a space or used twice", c)}
		}
	}
	return nil
}

func splitSegment(raw string, d Delimiters, offset int) (Segment, bool, error) {
	if strings.TrimSpace(raw) == "" {
		return Segment{}, false, nil
	}
	parts := strings.Split(raw, string(d.Element))
	if !validID(parts[0]) {
		return Segment{}, false, &SyntaxError{Offset: offset, Msg: fmt.Sprintf("%q is not a segment id", parts[0])}
	}
	return Segment{ID: parts[0], Elements: parts[1:]}, true, nil
}

func validID(id string) bool {
	if len(id) < 2 || len(id) > 3 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !(id[i] >= 'A' && id[i] <= 'Z' || id[i] >= '0' && id[i] <= '9') {
			return false
		}
	}
	return true
}

// Encode writes segments with the delimiters, one segment a line (unless
// the terminator is itself a line break). An element that holds the
// element separator or the segment terminator cannot be written.
func Encode(segs []Segment, d Delimiters) ([]byte, error) {
	if err := checkDelimiters(d, 0); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for i, s := range segs {
		if !validID(s.ID) {
			return nil, fmt.Errorf("x12: segment %d: %q is not a segment id", i+1, s.ID)
		}
		b.WriteString(s.ID)
		for j, e := range s.Elements {
			if strings.IndexByte(e, d.Element) >= 0 || strings.IndexByte(e, d.Segment) >= 0 {
				return nil, fmt.Errorf("x12: %s%02d holds a delimiter", s.ID, j+1)
			}
			b.WriteByte(d.Element)
			b.WriteString(e)
		}
		b.WriteByte(d.Segment)
		if !isSpace(d.Segment) {
			b.WriteByte('\n')
		}
	}
	return b.Bytes(), nil
}
