package consent

import (
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
)

// Readers of a consent: the patient, a delegate and the regulator's
// auditor read all of it; a grantee it names (whose role counts in its
// org's part) and the privacy officer of an org it names read a redacted
// view, the part that concerns them.
const (
	readNone = iota
	readRedacted
	readFull
)

// readAccess decides how much of cs the caller reads, and which grantees a
// redacted view keeps.
func (t *tx) readAccess(cs *wire.Consent) (int, func(wire.Actor) bool, error) {
	full, err := anyOf(func() (bool, error) { return t.isPatient(cs.Subject) }, t.isAuditor,
		func() (bool, error) { return t.isDelegate(cs.Subject) })
	if err != nil || full {
		return readFull, nil, err
	}
	self := asActor(t.Caller)
	officer, err := t.isPrivacyOfficerOf(self.Org)
	if err != nil {
		return readNone, nil, err
	}
	ofOrg := func(a wire.Actor) bool { return a.Org == self.Org }
	if officer && namesActor(&cs.Provision, ofOrg) {
		return readRedacted, ofOrg, nil
	}
	counts, err := t.roleCounts(self.Org, self.Role)
	if err != nil {
		return readNone, nil, err
	}
	mine := func(a wire.Actor) bool { return covers(a, self) }
	if counts && namesActor(&cs.Provision, mine) {
		return readRedacted, mine, nil
	}
	return readNone, nil, nil
}

// namesActor reports whether a provision or one of its exceptions names an
// actor keep accepts.
func namesActor(p *wire.Provision, keep func(wire.Actor) bool) bool {
	for _, a := range p.Actors {
		if keep(a) {
			return true
		}
	}
	for i := range p.Provisions {
		if namesActor(&p.Provisions[i], keep) {
			return true
		}
	}
	return false
}

// Get returns a consent to whoever may read it (see readAccess).
func (c *Contract) Get(ctx contractapi.TransactionContextInterface, id string) (*wire.View, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := t.load(id)
	if err != nil {
		return nil, err
	}
	level, keep, err := t.readAccess(cs)
	if err != nil {
		return nil, err
	}
	switch level {
	case readFull:
		return t.view(cs), nil
	case readRedacted:
		return t.redacted(cs, keep), nil
	}
	return nil, ccerr.Forbidden("caller %s (role %q) may not read consent %s", t.Caller.Key(), t.Caller.Role, cs.ID)
}

func (t *tx) view(cs *wire.Consent) *wire.View {
	v := &wire.View{Consent: *cs}
	v.EffectiveStatus, v.EffectiveReason = cs.EffectiveStatus(t.Now)
	return v
}

// redacted is the view of cs a grantee reads: its decision, period and
// the provisions that concern the actors keep accepts, nothing else.
func (t *tx) redacted(cs *wire.Consent, keep func(wire.Actor) bool) *wire.View {
	r := wire.Consent{ResourceType: cs.ResourceType, ID: cs.ID, Status: cs.Status, StatusReason: cs.StatusReason,
		Subject: cs.Subject, Decision: cs.Decision, Period: cs.Period, Provision: prune(cs.Provision, keep),
		Version: cs.Version, Created: cs.Created, Updated: cs.Updated}
	v := t.view(&r)
	v.Redacted = true
	return v
}

// prune keeps, of p's actors, those keep accepts, and of its exceptions
// those that name no actor or one keep accepts.
func prune(p wire.Provision, keep func(wire.Actor) bool) wire.Provision {
	out := p
	out.Actors, out.Provisions = nil, nil
	for _, a := range p.Actors {
		if keep(a) {
			out.Actors = append(out.Actors, a)
		}
	}
	for _, sub := range p.Provisions {
		if len(sub.Actors) == 0 || namesActor(&wire.Provision{Actors: sub.Actors}, keep) {
			out.Provisions = append(out.Provisions, prune(sub, keep))
		}
	}
	return out
}

// History returns a page of a consent's versions, newest first, for the
// patient, a delegate and the regulator's auditor. The bookmark is the
// version the page starts at.
func (c *Contract) History(ctx contractapi.TransactionContextInterface, id string, pageSize int32, bookmark string) (*wire.VersionPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := t.load(id)
	if err != nil {
		return nil, err
	}
	if level, _, err := t.readAccess(cs); err != nil || level != readFull {
		return nil, forbiddenOr(err, "caller %s may not read the versions of consent %s", t.Caller.Key(), id)
	}
	size, err := state.PageSize(pageSize)
	if err != nil {
		return nil, err
	}
	from := cs.Version
	if bookmark != "" {
		if from, err = strconv.Atoi(bookmark); err != nil || from < 1 || from > cs.Version {
			return nil, ccerr.Invalid("bookmark", "is not a bookmark of this query")
		}
	}
	out := &wire.VersionPage{Items: []wire.Consent{}}
	for v := from; v >= 1 && len(out.Items) < int(size); v-- {
		key, err := t.versionKey(id, v)
		if err != nil {
			return nil, err
		}
		version, err := state.GetPrivate[wire.Consent](t.Stub, Collection, key)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, version)
	}
	if next := from - int(size); next >= 1 {
		out.Bookmark = strconv.Itoa(next)
	}
	return out, nil
}

func forbiddenOr(err error, format string, args ...any) error {
	if err != nil {
		return err
	}
	return ccerr.Forbidden(format, args...)
}

// ListBySubject lists a patient's consents, every status, newest first,
// for the patient, a delegate and the regulator's auditor.
func (c *Contract) ListBySubject(ctx contractapi.TransactionContextInterface, subject string, pageSize int32, bookmark string) (*wire.ConsentPage, error) {
	t, err := c.beginPatientRead(ctx, subject)
	if err != nil {
		return nil, err
	}
	return t.listConsents(ixBySubject, subject, pageSize, bookmark, func(cs *wire.Consent) *wire.View { return t.view(cs) })
}

// ListGrants lists, newest first, the active permits that grant something
// to a grantee (org, optionally narrowed to a role or one identity), for
// the grantee itself (whose role counts in its org's part) and its org's
// privacy officer, who read redacted views, and the regulator's auditor.
func (c *Contract) ListGrants(ctx contractapi.TransactionContextInterface, org, role, id string, pageSize int32, bookmark string) (*wire.ConsentPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	q := wire.Actor{Org: org, Role: role, ID: id}
	if err := validateActor("grantee", q); err != nil {
		return nil, err
	}
	full, keep, err := t.grantsAccess(q)
	if err != nil {
		return nil, err
	}
	return t.listConsents(ixByGrantee, org, pageSize, bookmark, func(cs *wire.Consent) *wire.View {
		if status, _ := cs.EffectiveStatus(t.Now); cs.Decision != wire.Permit || status != wire.StatusActive || !cs.Period.Covers(t.Now) ||
			!namesActor(&cs.Provision, func(a wire.Actor) bool { return grants(a, q) }) {
			return nil
		}
		if full {
			return t.view(cs)
		}
		return t.redacted(cs, keep)
	})
}

// grants reports whether a permit's actor a grants something to the
// grantee query q.
func grants(a, q wire.Actor) bool {
	return a.Org == q.Org && (q.Role == "" || a.Role == "" || a.Role == q.Role) && (q.ID == "" || a.ID == "" || a.ID == q.ID)
}

// grantsAccess decides who may list the grants to q, and what they see.
func (t *tx) grantsAccess(q wire.Actor) (full bool, keep func(wire.Actor) bool, err error) {
	if ok, err := t.isAuditor(); err != nil || ok {
		return ok, nil, err
	}
	if q == asActor(t.Caller) {
		counts, err := t.roleCounts(q.Org, q.Role)
		if err != nil || counts {
			return false, func(a wire.Actor) bool { return grants(a, q) }, err
		}
	}
	if ok, err := t.isPrivacyOfficerOf(q.Org); err != nil || ok {
		return false, func(a wire.Actor) bool { return a.Org == q.Org }, err
	}
	return false, nil, ccerr.Forbidden("caller %s may list only the grants to itself (its org, role and id), or its org's as privacy officer", t.Caller.Key())
}

// listConsents pages an index of consents and returns the views show
// makes (nil leaves a consent out). A page may hold fewer items than
// asked; the bookmark continues.
func (t *tx) listConsents(index, attr string, pageSize int32, bookmark string, show func(*wire.Consent) *wire.View) (*wire.ConsentPage, error) {
	entries, next, err := t.pageIndex(index, attr, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &wire.ConsentPage{Items: []wire.View{}, Bookmark: next}
	for _, e := range entries {
		cs, err := t.load(e.ID)
		if err != nil {
			return nil, err
		}
		if v := show(cs); v != nil {
			out.Items = append(out.Items, *v)
		}
	}
	return out, nil
}

// beginPatientRead starts a read of what is listed by patient, for the
// patient, a delegate and the regulator's auditor.
func (c *Contract) beginPatientRead(ctx contractapi.TransactionContextInterface, subject string) (*tx, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validatePatientID("subject", subject); err != nil {
		return nil, err
	}
	return t, t.mayReadPatient(subject)
}
