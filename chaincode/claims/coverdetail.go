package claims

import (
	"fmt"
	"slices"
	"strings"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// Limits of a coverage's details.
const (
	maxCoverageClasses = 20
	maxClassName       = 200
)

// validateCoverageDetails checks what a coverage keeps besides its terms:
// identifiers, type, subscriber id, dependent number, policy holder and
// classes, in that order, each refused naming its field (and index).
func validateCoverageDetails(c *wire.Coverage) error {
	if err := validateIdentifierList("identifier", c.Identifiers); err != nil {
		return err
	}
	if k := c.Kind; k != nil {
		if !absoluteURI(k.System) {
			return ccerr.Invalid("type.system", "must be an absolute URI of at most %d printable characters", maxIdentifierURI)
		}
		if !printable(k.Code, maxIdentifierValue) {
			return ccerr.Invalid("type.code", "must be 1 to %d printable characters without spaces", maxIdentifierValue)
		}
	}
	for _, f := range []struct{ name, v string }{{"subscriberId", c.SubscriberID}, {"dependent", c.Dependent}} {
		if f.v != "" && !printable(f.v, maxIdentifierValue) {
			return ccerr.Invalid(f.name, "must be 1 to %d printable characters without spaces", maxIdentifierValue)
		}
	}
	if err := validateParty("policyHolder", c.PolicyHolder); err != nil {
		return err
	}
	return validateClasses(c.Classes)
}

// validateParty checks a party: an absolute http(s) reference, or an
// identifier (system and value), never both.
func validateParty(field string, p *wire.Party) error {
	switch {
	case p == nil:
		return nil
	case p.Reference != "" && (p.System != "" || p.Value != ""):
		return ccerr.Invalid(field, "is a reference or an identifier, not both")
	case p.Reference != "":
		if !printable(p.Reference, maxIdentifierURI) || !(strings.HasPrefix(p.Reference, "https://") || strings.HasPrefix(p.Reference, "http://")) {
			return ccerr.Invalid(field+".reference", "must be an absolute http(s) URL of at most %d printable characters", maxIdentifierURI)
		}
		return nil
	case !absoluteURI(p.System):
		return ccerr.Invalid(field+".system", "must be an absolute URI of at most %d printable characters", maxIdentifierURI)
	case !printable(p.Value, maxIdentifierValue):
		return ccerr.Invalid(field+".value", "must be 1 to %d printable characters without spaces", maxIdentifierValue)
	}
	return nil
}

// validateClasses checks a coverage's classes: a coverage-class type
// other than plan, a value, a name of printable text.
func validateClasses(classes []wire.CoverageClass) error {
	if len(classes) > maxCoverageClasses {
		return ccerr.Invalid("class", "at most %d classes", maxCoverageClasses)
	}
	for i, k := range classes {
		f := fmt.Sprintf("class[%d]", i)
		if !slices.Contains(wire.CoverageClassTypes(), k.Type) {
			return ccerr.Invalid(f+".type", "%q is not one of %s (the plan is the coverage's plan)", k.Type, strings.Join(wire.CoverageClassTypes(), ", "))
		}
		if !printable(k.Value, maxIdentifierValue) {
			return ccerr.Invalid(f+".value", "must be 1 to %d printable characters without spaces", maxIdentifierValue)
		}
		if k.Name != "" && !text(k.Name, maxClassName) {
			return ccerr.Invalid(f+".name", "must be at most %d printable characters", maxClassName)
		}
	}
	return nil
}

// absoluteURI reports whether s is a printable absolute URI.
func absoluteURI(s string) bool {
	return printable(s, maxIdentifierURI) && strings.Contains(s, ":")
}

// text reports whether s is 1 to longest printable characters (spaces
// allowed, no control characters, valid UTF-8).
func text(s string, longest int) bool {
	if s == "" || len(s) > longest || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == '\uFFFD' {
			return false
		}
	}
	return true
}
