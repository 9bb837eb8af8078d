package consent

import (
	"time"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Request is what Check decides: may requester take action, for purpose,
// on the subject's data of a class (and, optionally, one record)?
type Request struct {
	Subject   string `json:"subject"`
	Requester Actor  `json:"requester"`
	Action    string `json:"action"`
	Purpose   string `json:"purpose"`
	DataClass string `json:"class,omitempty" metadata:",optional"`
	Record    string `json:"data,omitempty" metadata:",optional"`
}

// Bases of a decision.
const (
	BasisConsent    = "consent"
	BasisBreakGlass = "break-glass"
	BasisDefault    = "no-applicable-consent"
)

// Decision is Check's answer.
type Decision struct {
	Decision string `json:"decision"`
	// Basis says what decided: a consent, a break-glass access, or the
	// default deny when no consent applies.
	Basis string `json:"basis"`
	// ConsentID is the consent that decided, when Basis is consent.
	ConsentID string `json:"consentId,omitempty" metadata:",optional"`
	// BreakGlassID is the emergency access that permitted, when Basis is break-glass.
	BreakGlassID string `json:"breakGlassId,omitempty" metadata:",optional"`
	EvaluatedAt  string `json:"evaluatedAt"`
}

// Permitted reports whether the decision is permit.
func (d Decision) Permitted() bool { return d.Decision == Permit }

func (r *Request) validate() error {
	if err := validatePatientID("subject", r.Subject); err != nil {
		return err
	}
	if err := r.Requester.validate("requester"); err != nil {
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

// Decide evaluates the subject's consents for a request at time t. Deny
// overrides permit: the first applicable deny (in the order given) decides;
// otherwise the first applicable permit; otherwise the default deny.
func Decide(consents []*Consent, req Request, t time.Time) Decision {
	d := Decision{Decision: Deny, Basis: BasisDefault, EvaluatedAt: t.UTC().Format(time.RFC3339Nano)}
	var permit string
	for _, c := range consents {
		if c.Subject != req.Subject {
			continue
		}
		if status, _ := c.EffectiveStatus(t); status != StatusActive || !c.Period.covers(t) {
			continue
		}
		effect, ok := evaluate(&c.Provision, req, c.Decision, t)
		if !ok {
			continue
		}
		if effect == Deny {
			d.Basis, d.ConsentID = BasisConsent, c.ID
			return d
		}
		if permit == "" {
			permit = c.ID
		}
	}
	if permit != "" {
		d.Decision, d.Basis, d.ConsentID = Permit, BasisConsent, permit
	}
	return d
}

// evaluate applies a provision with its effect to a request: when the
// request falls within the provision, the most deeply nested matching
// exception decides, each nesting level flipping the effect.
func evaluate(p *Provision, req Request, effect string, t time.Time) (string, bool) {
	if !p.matches(req, t) {
		return "", false
	}
	for i := range p.Provisions {
		if e, ok := evaluate(&p.Provisions[i], req, opposite(effect), t); ok {
			return e, true
		}
	}
	return effect, true
}

func opposite(effect string) string {
	if effect == Permit {
		return Deny
	}
	return Permit
}

// matches reports whether the request falls within the provision. An empty
// list places no restriction.
func (p *Provision) matches(req Request, t time.Time) bool {
	if p.Period != nil && !p.Period.covers(t) {
		return false
	}
	if len(p.Actors) > 0 && !anyActor(p.Actors, req.Requester) {
		return false
	}
	if len(p.Actions) > 0 && !contains(p.Actions, req.Action) {
		return false
	}
	if len(p.Purposes) > 0 && !contains(p.Purposes, req.Purpose) {
		return false
	}
	if len(p.DataClasses) > 0 || len(p.Records) > 0 {
		byClass := req.DataClass != "" && contains(p.DataClasses, req.DataClass)
		byRecord := req.Record != "" && contains(p.Records, req.Record)
		if !byClass && !byRecord {
			return false
		}
	}
	return true
}

// covers reports whether a grantee actor includes the requester.
func (a Actor) covers(req Actor) bool {
	return a.Org == req.Org && (a.Role == "" || a.Role == req.Role) && (a.ID == "" || a.ID == req.ID)
}

func anyActor(actors []Actor, req Actor) bool {
	for _, a := range actors {
		if a.covers(req) {
			return true
		}
	}
	return false
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
