package consent

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Check answers whether a requester may act on a patient's data, evaluated
// at the transaction timestamp (which the skew guard keeps near the
// endorsing peer's clock). request is a Request in JSON; its requester
// defaults to the caller. The caller may check its own access (when its
// role counts in its org's part); the patient, a delegate, the regulator's
// auditor and the requester org's privacy officer may check anyone's.
//
// A consent permits only when its signature (by the patient or a delegate)
// verifies again now; a requester whose role counts in none of its org's
// parts is covered by no consent. A valid break-glass access of the
// requester permits what consents do not, when its classes, actions and
// purposes cover the request; each such permit is logged against the
// break-glass (ListBreakGlassUses). Other chaincodes call Check inside
// their own submitted transaction before they release anything, so the
// log commits with the release.
func (c *Contract) Check(ctx contractapi.TransactionContextInterface, request string) (*wire.Decision, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	var req wire.Request
	if err := validate.DecodeJSON("request", request, &req, maxInputBytes); err != nil {
		return nil, err
	}
	if req.Requester == (wire.Actor{}) {
		req.Requester = asActor(t.Caller)
	}
	if err := validateRequest(&req); err != nil {
		return nil, err
	}
	if err := t.mayCheck(req); err != nil {
		return nil, err
	}
	d, err := t.decideConsents(req)
	if err != nil || d.Permitted() {
		return &d, err
	}
	bg, err := t.honouredBreakGlass(req)
	if err != nil || bg == nil {
		return &d, err
	}
	if err := t.logUse(bg, req); err != nil {
		return nil, err
	}
	return &wire.Decision{Decision: wire.Permit, Basis: wire.BasisBreakGlass, BreakGlassID: bg.ID, EvaluatedAt: d.EvaluatedAt}, nil
}

// mayCheck: one's own access, or anyone's for the patient, a delegate,
// the auditor and the requester org's privacy officer.
func (t *tx) mayCheck(req wire.Request) error {
	self := func() (bool, error) {
		if req.Requester != asActor(t.Caller) {
			return false, nil
		}
		return t.roleCounts(t.Caller.MSPID, t.Caller.Role)
	}
	ok, err := anyOf(self, func() (bool, error) { return t.isPatient(req.Subject) }, t.isAuditor,
		func() (bool, error) { return t.isPrivacyOfficerOf(req.Requester.Org) },
		func() (bool, error) { return t.isDelegate(req.Subject) })
	if err != nil {
		return err
	}
	if !ok {
		return ccerr.Forbidden("caller %s (role %q) may check only its own access (asked for %s/%s)", t.Caller.Key(), t.Caller.Role, req.Requester.Org, req.Requester.ID)
	}
	return nil
}

// decideConsents evaluates the patient's consents that can apply to the
// request (see openScope) as Decide would: deny overrides permit, so every
// candidate that may deny is read first, and then those that may permit in
// order, only until one permits and its signature verifies now. Ten permits for
// the same grantee cost a check one of them.
func (t *tx) decideConsents(req wire.Request) (wire.Decision, error) {
	none := decide(nil, req, t.Now, nil)
	counts, err := t.roleCounts(req.Requester.Org, req.Requester.Role)
	if err != nil || !counts {
		return none, err
	}
	cands, err := t.applicableOpen(req)
	if err != nil {
		return none, err
	}
	loaded := make(map[string]*wire.Consent, len(cands)) // looked up, never ranged over
	var mayDeny []*wire.Consent
	for _, e := range cands {
		if !e.mayDeny() {
			continue
		}
		cs, err := t.load(e.ID)
		if err != nil {
			return none, err
		}
		loaded[e.ID], mayDeny = cs, append(mayDeny, cs)
	}
	if d := decide(mayDeny, req, t.Now, func(*wire.Consent) bool { return false }); d.Basis == wire.BasisConsent {
		return d, nil
	}
	return t.firstPermit(req, cands, loaded, none)
}

// applicableOpen reads the patient's open set and decodes the entries
// that can decide req (applicableIn).
func (t *tx) applicableOpen(req wire.Request) ([]openEntry, error) {
	key, err := t.subjectOpenKey(req.Subject)
	if err != nil {
		return nil, err
	}
	raw, err := t.Stub.GetPrivateData(Collection, key)
	if err != nil {
		return nil, ccerr.Internal("read open set: %v", err)
	}
	if len(raw) == 0 {
		return nil, nil
	}
	return applicableIn(raw, req, t.Now)
}

// firstPermit is the decision of the first candidate that permits req and
// whose signature verifies now, in the open set's order (none when there
// is none). No candidate denies: decideConsents has read all that may.
func (t *tx) firstPermit(req wire.Request, cands []openEntry, loaded map[string]*wire.Consent, none wire.Decision) (wire.Decision, error) {
	var failure error
	trusted := func(cs *wire.Consent) bool {
		err := t.verifiedConsent(cs)
		if err != nil && ccerr.CodeOf(err) != ccerr.CodeForbidden && failure == nil {
			failure = err
		}
		return err == nil
	}
	for _, e := range cands {
		if !e.mayPermit() {
			continue
		}
		cs, ok := loaded[e.ID]
		if !ok {
			var err error
			if cs, err = t.load(e.ID); err != nil {
				return none, err
			}
		}
		if d := decide([]*wire.Consent{cs}, req, t.Now, trusted); d.Permitted() {
			return d, failure
		}
	}
	return none, failure
}
