package consent

import (
	"slices"
	"time"

	"github.com/carechain/carechain/chaincode/consent/wire"
)

// openScope is what a consent's top-level provision restricts, kept in
// its patient's open set so that Check loads only the consents that can
// apply to a request: a request outside the top-level provision is
// outside every nested exception too (evaluate matches the top level
// first), so a consent whose scope excludes the request cannot decide it.
// An empty list restricts nothing. Orgs are the grantee actors' orgs (a
// superset of what the actors cover: roles and ids are checked when the
// consent is loaded). Without the index, Check read and decoded every one
// of a patient's open consents — 658 answers/s with one, 432/s with fifty.
type openScope struct {
	Orgs     []string `json:"orgs,omitempty"`
	Actions  []string `json:"actions,omitempty"`
	Purposes []string `json:"purposes,omitempty"`
	Classes  []string `json:"classes,omitempty"`
	Records  []string `json:"records,omitempty"`
}

// entryOf is a consent's entry in its patient's open set.
func entryOf(cs *wire.Consent) openEntry {
	p := cs.Provision
	sc := &openScope{Actions: p.Actions, Purposes: p.Purposes, Classes: p.DataClasses, Records: p.Records}
	for _, a := range p.Actors {
		if !slices.Contains(sc.Orgs, a.Org) {
			sc.Orgs = append(sc.Orgs, a.Org)
		}
	}
	return openEntry{ID: cs.ID, Decision: cs.Decision, Nested: len(p.Provisions) > 0,
		Start: cs.Period.Start, End: cs.Period.End, Scope: sc}
}

// mayApply reports whether the consent of this entry can decide req at t.
// An entry without a scope (written before the scope was kept) may apply.
func (e openEntry) mayApply(req wire.Request, t time.Time) bool {
	if (wire.Period{End: e.End}).Ended(t) {
		return false
	}
	if e.Start != "" && !(wire.Period{Start: e.Start}).Covers(t) {
		return false
	}
	sc := e.Scope
	if sc == nil {
		return true
	}
	return anyOrHas(sc.Orgs, req.Requester.Org) && anyOrHas(sc.Actions, req.Action) &&
		anyOrHas(sc.Purposes, req.Purpose) && sc.coversData(req)
}

// coversData: the same rule as matches for classes and records.
func (sc *openScope) coversData(req wire.Request) bool {
	if len(sc.Classes) == 0 && len(sc.Records) == 0 {
		return true
	}
	return (req.DataClass != "" && slices.Contains(sc.Classes, req.DataClass)) ||
		(req.Record != "" && slices.Contains(sc.Records, req.Record))
}

// anyOrHas: an empty list restricts nothing.
func anyOrHas(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }

// mayDeny: a deny, a consent with exceptions (an exception of a permit
// denies), or an entry that does not say.
func (e openEntry) mayDeny() bool { return e.Decision != wire.Permit || e.Nested }

// mayPermit: the same for permits.
func (e openEntry) mayPermit() bool { return e.Decision != wire.Deny || e.Nested }

// applicable returns the entries of the consents in the set that can
// decide req at t, in the set's order (the order Decide evaluates them in).
func (s openSet) applicable(req wire.Request, t time.Time) []openEntry {
	var out []openEntry
	for _, e := range s.Consents {
		if e.mayApply(req, t) {
			out = append(out, e)
		}
	}
	return out
}
