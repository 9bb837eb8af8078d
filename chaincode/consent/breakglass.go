package consent

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Limits of emergency access. A break-glass lasts at most MaxBreakGlass
// from its own transaction. A clinician's break-glass on a patient that
// starts less than RenewalGap after their previous one ended renews it:
// an episode is the first access and at most MaxRenewals renewals, and
// ends EpisodeSpan after it began (72 hours: three days of continuous
// emergency care) whatever the renewals ask. After that, the clinician
// must go RenewalGap without access before a new episode: a longer need is
// what consent, from the patient or a guardian, is for.
const (
	MaxBreakGlass = 24 * time.Hour
	MaxRenewals   = 2
	EpisodeSpan   = time.Duration(MaxRenewals+1) * MaxBreakGlass
	RenewalGap    = 24 * time.Hour
	maxReasonLen  = 500
)

// episode is a clinician's current break-glass episode on a patient: it
// points at the latest access and counts the renewals.
type episode struct {
	Start    string `json:"start"`
	Renewals int    `json:"renewals"`
	LastID   string `json:"lastId"`
	LastEnd  string `json:"lastEnd"`
	Updated  string `json:"updated"`
	Salt     string `json:"salt"`
}

func validateBreakGlass(in *wire.BreakGlassInput) error {
	if err := validatePatientID("subject", in.Subject); err != nil {
		return err
	}
	if err := validate.Required("reason", in.Reason); err != nil {
		return err
	}
	if err := validate.MaxLen("reason", in.Reason, maxReasonLen); err != nil {
		return err
	}
	if err := validate.Range("minutes", in.Minutes, 1, int64(MaxBreakGlass/time.Minute)); err != nil {
		return err
	}
	if len(in.Purposes) == 0 {
		return ccerr.Invalid("purpose", "name the purposes of the emergency access: %v", wire.BreakGlassPurposes())
	}
	if err := validateList("purpose", in.Purposes, wire.BreakGlassPurposes()); err != nil {
		return err
	}
	if len(in.Actions) == 0 {
		in.Actions = []string{"access"}
	}
	if err := validateList("action", in.Actions, wire.BreakGlassActions()); err != nil {
		return err
	}
	if len(in.DataClasses) == 0 {
		return ccerr.Invalid("class", "name the data classes the emergency access needs")
	}
	return validateList("class", in.DataClasses, nil)
}

// BreakGlass records a clinician's emergency access to a patient's data
// without consent, from the transient input "breakglass"
// (BreakGlassInput). Only a physician or nurse of an org playing the
// provider's part breaks the glass; a reason, purposes (emergency,
// treatment) and data classes are required; the access starts at this
// transaction and lasts at most 24 hours; renewals are limited (see
// MaxRenewals). It raises a "consent.break-glass" event naming the
// clinician's org.
func (c *Contract) BreakGlass(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := registry.Require(t.Stub, t.Caller, parts.PartProvider, parts.ClinicianRoles()...); err != nil {
		return nil, err
	}
	var in wire.BreakGlassInput
	if err := t.transient(wire.TransientBreakGlass, &in); err != nil {
		return nil, err
	}
	if err := validateBreakGlass(&in); err != nil {
		return nil, err
	}
	ekey, err := t.episodeKey(in.Subject, t.Caller.Key())
	if err != nil {
		return nil, err
	}
	ep, found, err := state.GetPrivateOptional[episode](t.Stub, Collection, ekey)
	if err != nil {
		return nil, err
	}
	if err := t.NotBefore("break-glass episode of "+t.Caller.Key(), ep.Updated); err != nil {
		return nil, err
	}
	bg, err := t.window(in, ep, found)
	if err != nil {
		return nil, err
	}
	if err := t.saveBreakGlass(ekey, bg); err != nil {
		return nil, err
	}
	t.Events.Add("consent.break-glass", bg.ID, map[string]string{"org": t.Caller.MSPID, "role": t.Caller.Role})
	return &wire.Receipt{ID: bg.ID, End: bg.End, TxID: bg.TxID}, t.finish()
}

// window makes the break-glass record: a new episode, or a renewal of the
// current one within its limits.
func (t *tx) window(in wire.BreakGlassInput, ep episode, found bool) (*wire.BreakGlass, error) {
	txID := t.Stub.GetTxID()
	end := t.Now.Add(time.Duration(in.Minutes) * time.Minute)
	bg := &wire.BreakGlass{ID: "bg-" + txID[:min(24, len(txID))], Subject: in.Subject, Requester: asActor(t.Caller),
		Reason: in.Reason, Purposes: in.Purposes, Actions: in.Actions, DataClasses: in.DataClasses,
		Start: t.Stamp(), Episode: t.Stamp(), TxID: txID}
	if found {
		lastEnd, err1 := time.Parse(time.RFC3339Nano, ep.LastEnd)
		start, err2 := time.Parse(time.RFC3339Nano, ep.Start)
		if err1 != nil || err2 != nil {
			return nil, ccerr.Internal("stored break-glass episode is malformed")
		}
		if t.Now.Before(lastEnd.Add(RenewalGap)) {
			if ep.Renewals >= MaxRenewals || !t.Now.Before(start.Add(EpisodeSpan)) {
				return nil, ccerr.Precondition("this emergency access was renewed %d times (at most %d, %s in all): no new one before %s; ask for the patient's consent",
					ep.Renewals, MaxRenewals, EpisodeSpan, lastEnd.Add(RenewalGap).Format(time.RFC3339))
			}
			bg.Episode, bg.Renewal = ep.Start, ep.Renewals+1
			if limit := start.Add(EpisodeSpan); end.After(limit) {
				end = limit
			}
		}
	}
	bg.End = end.Format(time.RFC3339Nano)
	return bg, nil
}

func (t *tx) saveBreakGlass(ekey string, bg *wire.BreakGlass) error {
	key, err := t.breakGlassKey(bg.ID)
	if err != nil {
		return err
	}
	if bg.Salt, err = t.salt(key); err != nil {
		return err
	}
	if err := state.PutPrivate(t.Stub, Collection, key, bg); err != nil {
		return err
	}
	ep := episode{Start: bg.Episode, Renewals: bg.Renewal, LastID: bg.ID, LastEnd: bg.End, Updated: bg.Start}
	if ep.Salt, err = t.salt(ekey); err != nil {
		return err
	}
	if err := state.PutPrivate(t.Stub, Collection, ekey, ep); err != nil {
		return err
	}
	if err := t.putIndex(ixBGSubject, bg.Subject, bg.Start, bg.ID); err != nil {
		return err
	}
	return t.putIndex(ixBGOrg, bg.Requester.Org, bg.Start, bg.ID)
}

// honouredBreakGlass returns the requester's break-glass that permits the
// request now, re-checked in full: the requester is still a clinician of
// an org playing the provider's part, the window covers now and lasts at
// most MaxBreakGlass, and its purposes, actions and classes cover the
// request.
func (t *tx) honouredBreakGlass(req wire.Request) (*wire.BreakGlass, error) {
	r := req.Requester
	if r.ID == "" || req.DataClass == "" || !slices.Contains(parts.ClinicianRoles(), r.Role) {
		return nil, nil
	}
	if ok, err := t.orgAllows(r.Org, parts.PartProvider, r.Role); err != nil || !ok {
		return nil, err
	}
	ekey, err := t.episodeKey(req.Subject, r.Org+"/"+r.ID)
	if err != nil {
		return nil, err
	}
	ep, found, err := state.GetPrivateOptional[episode](t.Stub, Collection, ekey)
	if err != nil || !found {
		return nil, err
	}
	key, err := t.breakGlassKey(ep.LastID)
	if err != nil {
		return nil, err
	}
	bg, found, err := state.GetPrivateOptional[wire.BreakGlass](t.Stub, Collection, key)
	if err != nil || !found || !t.permits(&bg, req) {
		return nil, err
	}
	return &bg, nil
}

// permits evaluates a break-glass record against a request at the
// transaction time.
func (t *tx) permits(bg *wire.BreakGlass, req wire.Request) bool {
	start, err1 := time.Parse(time.RFC3339Nano, bg.Start)
	end, err2 := time.Parse(time.RFC3339Nano, bg.End)
	if err1 != nil || err2 != nil || end.Sub(start) > MaxBreakGlass || t.Now.Before(start) || !t.Now.Before(end) {
		return false
	}
	return bg.Subject == req.Subject && bg.Requester == req.Requester &&
		slices.Contains(bg.Purposes, req.Purpose) && slices.Contains(wire.BreakGlassPurposes(), req.Purpose) &&
		slices.Contains(bg.Actions, req.Action) && slices.Contains(wire.BreakGlassActions(), req.Action) &&
		slices.Contains(bg.DataClasses, req.DataClass)
}

// logUse records a decision the break-glass permitted, under it.
func (t *tx) logUse(bg *wire.BreakGlass, req wire.Request) error {
	use := wire.BreakGlassUse{BreakGlassID: bg.ID, TxID: t.Stub.GetTxID(), At: t.Stamp(), Caller: t.Caller.Key(),
		Action: req.Action, Purpose: req.Purpose, DataClass: req.DataClass, Record: req.Record}
	key, err := t.indexKey(ixBGUses, bg.ID, use.At, use.TxID)
	if err != nil {
		return err
	}
	if use.Salt, err = t.salt(key); err != nil {
		return err
	}
	data, err := json.Marshal(use)
	if err != nil {
		return ccerr.Internal("encode break-glass use: %v", err)
	}
	if err := t.Stub.PutPrivateData(Collection, key, data); err != nil {
		return ccerr.Internal("write break-glass use: %v", err)
	}
	return nil
}

// ListBreakGlass lists a patient's emergency accesses, newest first, for
// the patient, a delegate and the regulator's auditor.
func (c *Contract) ListBreakGlass(ctx contractapi.TransactionContextInterface, subject string, pageSize int32, bookmark string) (*wire.BreakGlassPage, error) {
	t, err := c.beginPatientRead(ctx, subject)
	if err != nil {
		return nil, err
	}
	return t.listBreakGlass(ixBGSubject, subject, pageSize, bookmark)
}

// ListBreakGlassByOrg lists the emergency accesses by an org's clinicians,
// newest first, for that org's privacy officer and the regulator's auditor.
func (c *Contract) ListBreakGlassByOrg(ctx contractapi.TransactionContextInterface, org string, pageSize int32, bookmark string) (*wire.BreakGlassPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Identifier("org", org); err != nil {
		return nil, err
	}
	if ok, err := anyOf(t.isAuditor, func() (bool, error) { return t.isPrivacyOfficerOf(org) }); err != nil || !ok {
		return nil, forbiddenOr(err, "only %s's privacy officer or the regulator's auditor may list its break-glass accesses", org)
	}
	return t.listBreakGlass(ixBGOrg, org, pageSize, bookmark)
}

func (t *tx) listBreakGlass(index, attr string, pageSize int32, bookmark string) (*wire.BreakGlassPage, error) {
	entries, next, err := t.pageIndex(index, attr, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &wire.BreakGlassPage{Items: []wire.BreakGlass{}, Bookmark: next}
	for _, e := range entries {
		key, err := t.breakGlassKey(e.ID)
		if err != nil {
			return nil, err
		}
		bg, err := state.GetPrivate[wire.BreakGlass](t.Stub, Collection, key)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, bg)
	}
	return out, nil
}

// ListBreakGlassUses lists, newest first, every decision a break-glass
// access permitted, for the patient, a delegate, the privacy officer of
// the clinician's org and the regulator's auditor.
func (c *Contract) ListBreakGlassUses(ctx contractapi.TransactionContextInterface, id string, pageSize int32, bookmark string) (*wire.UsePage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	key, err := t.breakGlassKey(id)
	if err != nil {
		return nil, err
	}
	bg, found, err := state.GetPrivateOptional[wire.BreakGlass](t.Stub, Collection, key)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("break-glass %s", id)
	}
	if err := t.mayReadUses(&bg); err != nil {
		return nil, err
	}
	return t.listUses(id, pageSize, bookmark)
}

func (t *tx) mayReadUses(bg *wire.BreakGlass) error {
	ok, err := anyOf(func() (bool, error) { return t.isPatient(bg.Subject) }, t.isAuditor,
		func() (bool, error) { return t.isPrivacyOfficerOf(bg.Requester.Org) },
		func() (bool, error) { return t.isDelegate(bg.Subject) })
	if err != nil || !ok {
		return forbiddenOr(err, "caller %s (role %q) may not read the uses of break-glass %s", t.Caller.Key(), t.Caller.Role, bg.ID)
	}
	return nil
}

func (t *tx) listUses(id string, pageSize int32, bookmark string) (*wire.UsePage, error) {
	entries, next, err := t.pageIndex(ixBGUses, id, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &wire.UsePage{Items: []wire.BreakGlassUse{}, Bookmark: next}
	for _, e := range entries {
		var u wire.BreakGlassUse
		if err := json.Unmarshal(e.Value, &u); err != nil {
			return nil, ccerr.Internal("stored break-glass use: %v", err)
		}
		out.Items = append(out.Items, u)
	}
	return out, nil
}
