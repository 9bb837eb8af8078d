package consent

import (
	"fmt"
	"strings"
	"time"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Vocabularies of the provision fields.
var (
	Actions  = wire.Actions()
	Purposes = wire.Purposes()
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

// item names element i of a list field: items[2].
func item(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

// validateGrant checks a grant input in field order (the first error found
// is the one returned, whatever the input) and normalises it.
func validateGrant(in *wire.GrantInput) error {
	if err := validate.Identifier("id", in.ID); err != nil {
		return err
	}
	if err := validatePatientID("subject", in.Subject); err != nil {
		return err
	}
	if strings.Contains(in.ID, in.Subject) {
		return ccerr.Invalid("id", "is public (the consent's status key): it must not contain the patient's subject")
	}
	if in.Status == "" {
		in.Status = wire.StatusActive
	}
	if err := validate.OneOf("status", in.Status, wire.StatusDraft, wire.StatusActive); err != nil {
		return err
	}
	if err := validate.OneOf("decision", in.Decision, wire.Permit, wire.Deny); err != nil {
		return err
	}
	if err := normalisePeriod("period", &in.Period); err != nil {
		return err
	}
	if err := validateProvision("provision", &in.Provision, 1); err != nil {
		return err
	}
	if err := validatePermit(in); err != nil {
		return err
	}
	return validateRefs(in)
}

// validatePermit refuses blanket grants: a permit must say whom, what for
// and which data.
func validatePermit(in *wire.GrantInput) error {
	if in.Decision != wire.Permit {
		return nil
	}
	p := &in.Provision
	switch {
	case len(p.Actors) == 0:
		return ccerr.Invalid("provision.actor", "a permit must name at least one grantee")
	case len(p.Actions) == 0:
		return ccerr.Invalid("provision.action", "a permit must name its actions")
	case len(p.Purposes) == 0:
		return ccerr.Invalid("provision.purpose", "a permit must name its purposes")
	case len(p.DataClasses) == 0 && len(p.Records) == 0:
		return ccerr.Invalid("provision.class", "a permit must name data classes or records")
	}
	return nil
}

func validateRefs(in *wire.GrantInput) error {
	if in.FormHash != "" {
		if err := validate.SHA256Hex("formHash", in.FormHash); err != nil {
			return err
		}
	}
	if in.Supersedes == "" {
		return nil
	}
	if err := validate.Identifier("supersedes", in.Supersedes); err != nil {
		return err
	}
	if in.Supersedes == in.ID {
		return ccerr.Invalid("supersedes", "a consent cannot supersede itself")
	}
	return nil
}

// validatePatientID checks a pseudonymous patient id.
func validatePatientID(field, v string) error {
	return validate.Identifier(field, v)
}

// validateProvision checks a provision and its exceptions. An exception
// (depth > 1) must restrict something of its own: an empty one would
// stand for "everything", which no patient means by an exception.
func validateProvision(field string, p *wire.Provision, depth int) error {
	if depth > maxProvisionDepth {
		return ccerr.Invalid(field, "provisions nest at most %d deep", maxProvisionDepth)
	}
	if depth > 1 && p.Empty() {
		return ccerr.Invalid(field, "an exception must name at least one actor, action, purpose, class, record or period")
	}
	if len(p.Actors) > maxListItems {
		return ccerr.Invalid(field+".actor", "at most %d grantees", maxListItems)
	}
	for i := range p.Actors {
		if err := validateActor(item(field+".actor", i), p.Actors[i]); err != nil {
			return err
		}
	}
	if err := validateLists(field, p); err != nil {
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
		if err := validateProvision(item(field+".provision", i), &p.Provisions[i], depth+1); err != nil {
			return err
		}
	}
	return nil
}

func validateLists(field string, p *wire.Provision) error {
	if err := validateList(field+".action", p.Actions, Actions); err != nil {
		return err
	}
	if err := validateList(field+".purpose", p.Purposes, Purposes); err != nil {
		return err
	}
	if err := validateList(field+".class", p.DataClasses, nil); err != nil {
		return err
	}
	return validateList(field+".data", p.Records, nil)
}

// validateList checks identifiers, no duplicates, and membership of allowed
// when given; errors name the item's index.
func validateList(field string, items, allowed []string) error {
	if len(items) > maxListItems {
		return ccerr.Invalid(field, "at most %d items", maxListItems)
	}
	for i, it := range items {
		name := item(field, i)
		if allowed != nil {
			if err := validate.OneOf(name, it, allowed...); err != nil {
				return err
			}
		} else if err := validate.Identifier(name, it); err != nil {
			return err
		}
		for j := 0; j < i; j++ {
			if items[j] == it {
				return ccerr.Invalid(name, "repeats %s", item(field, j))
			}
		}
	}
	return nil
}

func validateActor(field string, a wire.Actor) error {
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
func normalisePeriod(field string, p *wire.Period) error {
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
