package consent

import (
	"slices"
	"time"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

func validateRequest(r *wire.Request) error {
	if err := validatePatientID("subject", r.Subject); err != nil {
		return err
	}
	if err := validateActor("requester", r.Requester); err != nil {
		return err
	}
	if err := validate.OneOf("action", r.Action, Actions...); err != nil {
		return err
	}
	if err := validate.OneOf("purpose", r.Purpose, Purposes...); err != nil {
		return err
	}
	if r.DataClass == "" && r.Record == "" {
		return ccerr.Invalid("class", "name a data class or a record (data)")
	}
	if r.DataClass != "" {
		if err := validate.Identifier("class", r.DataClass); err != nil {
			return err
		}
	}
	if r.Record != "" {
		if err := validate.Identifier("data", r.Record); err != nil {
			return err
		}
	}
	return nil
}

// Decide evaluates the subject's consents for a request at time t,
// trusting every consent given (Check gives only the ones whose signature
// it verified the right to permit; see decide). Deny overrides permit: the
// first applicable deny (in the order given) decides; otherwise the first
// applicable permit; otherwise the default deny.
func Decide(consents []*wire.Consent, req wire.Request, t time.Time) wire.Decision {
	return decide(consents, req, t, func(*wire.Consent) bool { return true })
}

// decide is Decide where a consent's permit counts only when trusted says
// so (its patient's signature verified); an untrusted consent still
// denies, since denying needs no one's authority (fail closed).
func decide(consents []*wire.Consent, req wire.Request, t time.Time, trusted func(*wire.Consent) bool) wire.Decision {
	d := wire.Decision{Decision: wire.Deny, Basis: wire.BasisDefault, EvaluatedAt: t.UTC().Format(time.RFC3339Nano)}
	var permit string
	for _, c := range consents {
		if c.Subject != req.Subject {
			continue
		}
		if status, _ := c.EffectiveStatus(t); status != wire.StatusActive || !c.Period.Covers(t) {
			continue
		}
		effect, ok := evaluate(&c.Provision, req, c.Decision, t, 1)
		if !ok {
			continue
		}
		if effect == wire.Deny {
			d.Basis, d.ConsentID = wire.BasisConsent, c.ID
			return d
		}
		if permit == "" && trusted(c) {
			permit = c.ID
		}
	}
	if permit != "" {
		d.Decision, d.Basis, d.ConsentID = wire.Permit, wire.BasisConsent, permit
	}
	return d
}

// evaluate applies a provision with its effect to a request: when the
// request falls within the provision, the most deeply nested matching
// exception decides, each nesting level flipping the effect. An exception
// that restricts nothing matches nothing (validation refuses it; a stored
// one must not turn a deny into a blanket permit).
func evaluate(p *wire.Provision, req wire.Request, effect string, t time.Time, depth int) (string, bool) {
	if depth > 1 && p.Empty() {
		return "", false
	}
	if !matches(p, req, t) {
		return "", false
	}
	for i := range p.Provisions {
		if e, ok := evaluate(&p.Provisions[i], req, opposite(effect), t, depth+1); ok {
			return e, true
		}
	}
	return effect, true
}

func opposite(effect string) string {
	if effect == wire.Permit {
		return wire.Deny
	}
	return wire.Permit
}

// matches reports whether the request falls within the provision. An empty
// list places no restriction.
func matches(p *wire.Provision, req wire.Request, t time.Time) bool {
	if p.Period != nil && !p.Period.Covers(t) {
		return false
	}
	if len(p.Actors) > 0 && !slices.ContainsFunc(p.Actors, func(a wire.Actor) bool { return covers(a, req.Requester) }) {
		return false
	}
	if len(p.Actions) > 0 && !slices.Contains(p.Actions, req.Action) {
		return false
	}
	if len(p.Purposes) > 0 && !slices.Contains(p.Purposes, req.Purpose) {
		return false
	}
	if len(p.DataClasses) > 0 || len(p.Records) > 0 {
		byClass := req.DataClass != "" && slices.Contains(p.DataClasses, req.DataClass)
		byRecord := req.Record != "" && slices.Contains(p.Records, req.Record)
		if !byClass && !byRecord {
			return false
		}
	}
	return true
}

// covers reports whether a grantee actor includes the requester.
func covers(a, req wire.Actor) bool {
	return a.Org == req.Org && (a.Role == "" || a.Role == req.Role) && (a.ID == "" || a.ID == req.ID)
}
