package consent

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// An open set is read by every Check, so its encoding is a plain text of
// one line per consent rather than JSON: decoding a hundred entries with
// encoding/json cost more than the rest of a check together. Every field
// is an identifier, a vocabulary word or an RFC 3339 time (validated
// before a consent is stored), none of which holds a tab, a comma or a
// newline. Sets written as JSON (before this encoding) still decode.
//
//	open/2 SALT
//	ID \t DECISION \t NESTED \t START \t END \t ORGS \t ACTIONS \t PURPOSES \t CLASSES \t RECORDS
//
// NESTED is 1 or 0; a list is comma-separated, empty when it restricts
// nothing.
const openSetHeader = "open/2 "

// openSetFields is the number of tab-separated fields of an entry line.
const openSetFields = 10

func encodeOpenSet(set openSet) []byte {
	var b strings.Builder
	b.WriteString(openSetHeader + set.Salt + "\n")
	for _, e := range set.Consents {
		sc := e.Scope
		if sc == nil {
			sc = &openScope{}
		}
		nested := "0"
		if e.Nested {
			nested = "1"
		}
		fields := []string{e.ID, e.Decision, nested, e.Start, e.End, strings.Join(sc.Orgs, ","), strings.Join(sc.Actions, ","),
			strings.Join(sc.Purposes, ","), strings.Join(sc.Classes, ","), strings.Join(sc.Records, ",")}
		b.WriteString(strings.Join(fields, "\t") + "\n")
	}
	return []byte(b.String())
}

func decodeOpenSet(raw []byte) (openSet, error) {
	if !bytes.HasPrefix(raw, []byte(openSetHeader)) {
		var set openSet
		if err := json.Unmarshal(raw, &set); err != nil {
			return openSet{}, ccerr.Internal("decode open set: %v", err)
		}
		return set, nil
	}
	head, body, _ := strings.Cut(string(raw), "\n")
	set := openSet{Salt: strings.TrimPrefix(head, openSetHeader)}
	for n := 0; body != ""; n++ {
		var line string
		line, body, _ = strings.Cut(body, "\n")
		e, err := decodeOpenEntry(line)
		if err != nil {
			return openSet{}, ccerr.Internal("decode open set, entry %d: %v", n, err)
		}
		set.Consents = append(set.Consents, e)
	}
	return set, nil
}

func decodeOpenEntry(line string) (openEntry, error) {
	f := strings.Split(line, "\t")
	if len(f) != openSetFields || f[0] == "" || (f[2] != "0" && f[2] != "1") {
		return openEntry{}, ccerr.Internal("malformed line %q", line)
	}
	return openEntry{ID: f[0], Decision: f[1], Nested: f[2] == "1", Start: f[3], End: f[4],
		Scope: &openScope{Orgs: list(f[5]), Actions: list(f[6]), Purposes: list(f[7]), Classes: list(f[8]), Records: list(f[9])}}, nil
}

// list splits a comma-separated list; empty is no list.
func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Field numbers of an entry line that Check filters on before decoding.
const (
	fieldOrgs     = 5
	fieldActions  = 6
	fieldPurposes = 7
)

// applicableIn returns the entries of an encoded open set that can decide
// req at t, in the set's order, as applicable does on the decoded set. An
// entry whose grantee orgs, actions or purposes exclude the request is
// skipped on its fields alone, without being decoded, so a check costs
// the same whether the patient's other open consents are none or a
// hundred: it decodes only those that can apply.
func applicableIn(raw []byte, req wire.Request, t time.Time) ([]openEntry, error) {
	if !bytes.HasPrefix(raw, []byte(openSetHeader)) {
		set, err := decodeOpenSet(raw)
		return set.applicable(req, t), err
	}
	_, body, _ := strings.Cut(string(raw), "\n")
	var out []openEntry
	for n := 0; body != ""; n++ {
		var line string
		line, body, _ = strings.Cut(body, "\n")
		if !fieldAdmits(line, fieldOrgs, req.Requester.Org) || !fieldAdmits(line, fieldActions, req.Action) ||
			!fieldAdmits(line, fieldPurposes, req.Purpose) {
			continue
		}
		e, err := decodeOpenEntry(line)
		if err != nil {
			return nil, ccerr.Internal("decode open set, entry %d: %v", n, err)
		}
		if e.mayApply(req, t) {
			out = append(out, e)
		}
	}
	return out, nil
}

// fieldAdmits reports whether field i of an entry line, a comma-separated
// list, is empty (restricts nothing) or holds v, reading the line in place.
// A line too short to have the field admits (decodeOpenEntry refuses it).
func fieldAdmits(line string, i int, v string) bool {
	for range i {
		_, rest, ok := strings.Cut(line, "\t")
		if !ok {
			return true
		}
		line = rest
	}
	field, _, _ := strings.Cut(line, "\t")
	if field == "" {
		return true
	}
	for field != "" {
		var item string
		item, field, _ = strings.Cut(field, ",")
		if item == v {
			return true
		}
	}
	return false
}
