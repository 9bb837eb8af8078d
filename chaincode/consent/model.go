package consent

import (
	"time"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Statuses of a consent (FHIR ConsentState).
const (
	StatusDraft          = "draft"
	StatusActive         = "active"
	StatusInactive       = "inactive"
	StatusEnteredInError = "entered-in-error"
)

// Reasons a consent became inactive.
const (
	ReasonRevoked    = "revoked"
	ReasonExpired    = "expired"
	ReasonSuperseded = "superseded"
)

// Decisions.
const (
	Permit = "permit"
	Deny   = "deny"
)

// Vocabularies of the provision fields. Purposes follow the HL7 v3
// PurposeOfUse codes carechain's members use, in plain words.
var (
	Actions  = []string{"access", "use", "disclose"}
	Purposes = []string{"treatment", "emergency", "payment", "operations", "research", "public-health", "legal", "patient-request"}
)

// Limits on a consent's size, so that Check stays cheap.
const (
	maxProvisionDepth    = 4
	maxProvisionChildren = 16
	maxListItems         = 32
	maxInputBytes        = 32 * 1024
	// MaxOpenConsents is how many draft or active consents a patient may hold.
	MaxOpenConsents = 100
)

// Actor is a grantee: an org, a role within an org, or one identity.
type Actor struct {
	// Org is the grantee's MSP id.
	Org string `json:"org"`
	// Role, when set, narrows the grant to identities with that role.
	Role string `json:"role,omitempty" metadata:",optional"`
	// ID, when set, narrows the grant to one identity (its enrollment id).
	ID string `json:"id,omitempty" metadata:",optional"`
}

// Period is a half-open time interval [Start, End); an empty End is open.
type Period struct {
	Start string `json:"start"`
	End   string `json:"end,omitempty" metadata:",optional"`
}

// Provision is a rule of a consent, with nested exceptions.
type Provision struct {
	Actors      []Actor     `json:"actor,omitempty" metadata:",optional"`
	Actions     []string    `json:"action,omitempty" metadata:",optional"`
	Purposes    []string    `json:"purpose,omitempty" metadata:",optional"`
	DataClasses []string    `json:"class,omitempty" metadata:",optional"`
	Records     []string    `json:"data,omitempty" metadata:",optional"`
	Period      *Period     `json:"period,omitempty" metadata:",optional"`
	Provisions  []Provision `json:"provision,omitempty" metadata:",optional"`
}

// Consent is a patient's consent as stored in the private collection.
type Consent struct {
	ResourceType string    `json:"resourceType"`
	ID           string    `json:"id"`
	Status       string    `json:"status"`
	StatusReason string    `json:"statusReason,omitempty" metadata:",optional"`
	Subject      string    `json:"subject"`
	Decision     string    `json:"decision"`
	Period       Period    `json:"period"`
	Provision    Provision `json:"provision"`
	// FormHash is the SHA-256 of the signed consent form (FHIR sourceAttachment.hash, hex).
	FormHash   string `json:"formHash,omitempty" metadata:",optional"`
	Supersedes string `json:"supersedes,omitempty" metadata:",optional"`
	// SupersededBy is set when a newer consent replaced this one.
	SupersededBy string `json:"supersededBy,omitempty" metadata:",optional"`
	// Grantor is the identity that made the last change: the patient or a delegate.
	Grantor  string `json:"grantor"`
	Version  int    `json:"version"`
	Created  string `json:"dateTime"`
	Updated  string `json:"lastUpdated"`
	LastTxID string `json:"lastTxId"`
}

// GrantInput is what a patient sends (transient "consent") to create a consent.
type GrantInput struct {
	ID         string    `json:"id"`
	Subject    string    `json:"subject"`
	Status     string    `json:"status,omitempty" metadata:",optional"` // draft or active (default)
	Decision   string    `json:"decision"`
	Period     Period    `json:"period"`
	Provision  Provision `json:"provision"`
	FormHash   string    `json:"formHash,omitempty" metadata:",optional"`
	Supersedes string    `json:"supersedes,omitempty" metadata:",optional"`
}

// validate checks a grant input and returns its period.
func (in *GrantInput) validate() error {
	if err := validate.Identifier("id", in.ID); err != nil {
		return err
	}
	if err := validatePatientID("subject", in.Subject); err != nil {
		return err
	}
	if in.Status == "" {
		in.Status = StatusActive
	}
	if err := validate.OneOf("status", in.Status, StatusDraft, StatusActive); err != nil {
		return err
	}
	if err := validate.OneOf("decision", in.Decision, Permit, Deny); err != nil {
		return err
	}
	if err := normalisePeriod("period", &in.Period); err != nil {
		return err
	}
	if err := validateProvision("provision", &in.Provision, 1); err != nil {
		return err
	}
	if in.Decision == Permit {
		// A permit must say whom, what for and which data: no blanket grants.
		if len(in.Provision.Actors) == 0 {
			return ccerr.Invalid("provision.actor", "a permit must name at least one grantee")
		}
		if len(in.Provision.Actions) == 0 {
			return ccerr.Invalid("provision.action", "a permit must name its actions")
		}
		if len(in.Provision.Purposes) == 0 {
			return ccerr.Invalid("provision.purpose", "a permit must name its purposes")
		}
		if len(in.Provision.DataClasses) == 0 && len(in.Provision.Records) == 0 {
			return ccerr.Invalid("provision.class", "a permit must name data classes or records")
		}
	}
	if in.FormHash != "" {
		if err := validate.SHA256Hex("formHash", in.FormHash); err != nil {
			return err
		}
	}
	if in.Supersedes != "" {
		if err := validate.Identifier("supersedes", in.Supersedes); err != nil {
			return err
		}
		if in.Supersedes == in.ID {
			return ccerr.Invalid("supersedes", "a consent cannot supersede itself")
		}
	}
	return nil
}

// validatePatientID checks a pseudonymous patient id.
func validatePatientID(field, v string) error {
	return validate.Identifier(field, v)
}

func validateProvision(field string, p *Provision, depth int) error {
	if depth > maxProvisionDepth {
		return ccerr.Invalid(field, "provisions nest at most %d deep", maxProvisionDepth)
	}
	if len(p.Actors) > maxListItems {
		return ccerr.Invalid(field+".actor", "at most %d grantees", maxListItems)
	}
	for i := range p.Actors {
		if err := p.Actors[i].validate(field + ".actor"); err != nil {
			return err
		}
	}
	if err := validateList(field+".action", p.Actions, Actions); err != nil {
		return err
	}
	if err := validateList(field+".purpose", p.Purposes, Purposes); err != nil {
		return err
	}
	if err := validateList(field+".class", p.DataClasses, nil); err != nil {
		return err
	}
	if err := validateList(field+".data", p.Records, nil); err != nil {
		return err
	}
	if p.Period != nil {
		if err := normalisePeriod(field+".period", p.Period); err != nil {
			return err
		}
	}
	if len(p.Provisions) > maxProvisionChildren {
		return ccerr.Invalid(field+".provision", "at most %d nested provisions", maxProvisionChildren)
	}
	for i := range p.Provisions {
		if err := validateProvision(field+".provision", &p.Provisions[i], depth+1); err != nil {
			return err
		}
	}
	return nil
}

// validateList checks identifiers, no duplicates, and membership of allowed when given.
func validateList(field string, items, allowed []string) error {
	if len(items) > maxListItems {
		return ccerr.Invalid(field, "at most %d items", maxListItems)
	}
	seen := map[string]bool{}
	for _, it := range items {
		if allowed != nil {
			if err := validate.OneOf(field, it, allowed...); err != nil {
				return err
			}
		} else if err := validate.Identifier(field, it); err != nil {
			return err
		}
		if seen[it] {
			return ccerr.Invalid(field, "lists %q twice", it)
		}
		seen[it] = true
	}
	return nil
}

func (a Actor) validate(field string) error {
	if err := validate.Required(field+".org", a.Org); err != nil {
		return err
	}
	if err := validate.Identifier(field+".org", a.Org); err != nil {
		return err
	}
	if a.Role != "" {
		if err := validate.Identifier(field+".role", a.Role); err != nil {
			return err
		}
	}
	if a.ID != "" {
		if err := validate.Identifier(field+".id", a.ID); err != nil {
			return err
		}
	}
	return nil
}

// normalisePeriod validates a period and rewrites it in UTC, RFC 3339.
func normalisePeriod(field string, p *Period) error {
	from, to, err := validate.Period(field+".start", p.Start, field+".end", p.End)
	if err != nil {
		return err
	}
	p.Start = from.UTC().Format(time.RFC3339Nano)
	if p.End != "" {
		p.End = to.UTC().Format(time.RFC3339Nano)
	}
	return nil
}

// covers reports whether the period contains t (start inclusive, end exclusive).
func (p Period) covers(t time.Time) bool {
	start, err := time.Parse(time.RFC3339Nano, p.Start)
	if err != nil || t.Before(start) {
		return false
	}
	if p.End == "" {
		return true
	}
	end, err := time.Parse(time.RFC3339Nano, p.End)
	return err == nil && t.Before(end)
}

// ended reports whether the period is over at t.
func (p Period) ended(t time.Time) bool {
	if p.End == "" {
		return false
	}
	end, err := time.Parse(time.RFC3339Nano, p.End)
	return err == nil && !t.Before(end)
}

// EffectiveStatus is the status at t: an active consent whose period has
// ended is inactive (expired).
func (c *Consent) EffectiveStatus(t time.Time) (status, reason string) {
	if c.Status == StatusActive && c.Period.ended(t) {
		return StatusInactive, ReasonExpired
	}
	return c.Status, c.StatusReason
}
