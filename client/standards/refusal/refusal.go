// Package refusal holds what the standards mappings answer when a document
// says something carechain cannot represent: the elements refused, each
// named where the document says it (a FHIR element path with indexes such
// as Claim.item[2].productOrService, an X12 segment and element such as
// CLM05-3), with the reason. A mapping refuses the whole document and
// lists every element it refused, never only the first, so that a sender
// learns at once what to change.
package refusal

import (
	"errors"
	"fmt"
	"strings"
)

// Issue is one refused element.
type Issue struct {
	// Path names the element where the document carries it.
	Path string `json:"path"`
	// Reason says why carechain refuses it.
	Reason string `json:"reason"`
}

func (i Issue) String() string { return i.Path + ": " + i.Reason }

// Error refuses a document: Doc names it (Claim/860150, claim 26463774),
// Issues lists every refused element in document order.
type Error struct {
	Doc    string  `json:"document"`
	Issues []Issue `json:"issues"`
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Issues))
	for i, is := range e.Issues {
		parts[i] = is.String()
	}
	return fmt.Sprintf("%s refused: %s", e.Doc, strings.Join(parts, "; "))
}

// Paths lists the refused elements' paths.
func (e *Error) Paths() []string {
	out := make([]string, len(e.Issues))
	for i, is := range e.Issues {
		out[i] = is.Path
	}
	return out
}

// Issues returns the issues of err when it is (or wraps) an *Error.
func Issues(err error) []Issue {
	var e *Error
	if errors.As(err, &e) {
		return e.Issues
	}
	return nil
}

// List collects issues while a document is read.
type List struct{ issues []Issue }

// Add records that the element at path is refused, for the reason format
// and args say.
func (l *List) Add(path, format string, args ...any) {
	l.issues = append(l.issues, Issue{Path: path, Reason: fmt.Sprintf(format, args...)})
}

// Append records issues found elsewhere.
func (l *List) Append(issues ...Issue) { l.issues = append(l.issues, issues...) }

// Len is the number of issues so far.
func (l *List) Len() int { return len(l.issues) }

// Issues returns the issues so far.
func (l *List) Issues() []Issue { return l.issues }

// Err is nil when nothing was refused, otherwise an *Error naming doc
// with each refused element once (its first reason).
func (l *List) Err(doc string) error {
	if len(l.issues) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []Issue
	for _, is := range l.issues {
		if !seen[is.Path] {
			seen[is.Path] = true
			out = append(out, is)
		}
	}
	return &Error{Doc: doc, Issues: out}
}
