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

// decideConsents evaluates the patient's live consents; a permit counts
// only when the consent's signature verifies now.
func (t *tx) decideConsents(req wire.Request) (wire.Decision, error) {
	none := decide(nil, req, t.Now, nil)
	counts, err := t.roleCounts(req.Requester.Org, req.Requester.Role)
	if err != nil || !counts {
		return none, err
	}
	set, _, err := t.openSet(req.Subject)
	if err != nil {
		return none, err
	}
	live := set.live(t.Now)
	consents := make([]*wire.Consent, 0, len(live))
	for _, id := range live {
		cs, err := t.load(id)
		if err != nil {
			return none, err
		}
		consents = append(consents, cs)
	}
	var failure error
	d := decide(consents, req, t.Now, func(cs *wire.Consent) bool {
		err := t.verifiedConsent(cs)
		if err != nil && ccerr.CodeOf(err) != ccerr.CodeForbidden && failure == nil {
			failure = err
		}
		return err == nil
	})
	return d, failure
}
