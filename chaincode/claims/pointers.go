package claims

import (
	"fmt"
	"slices"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// Limits of a claim's business identifiers.
const (
	maxIdentifiers     = 5
	maxIdentifierValue = 128
	maxIdentifierURI   = 256
)

// validatePointers checks a line's diagnosis pointers (field names the
// line): each names one of the claim's n diagnoses (1 to n), once.
func validatePointers(it *wire.Item, field string, n int) error {
	if len(it.DiagnosisPointers) > maxDiagnoses {
		return ccerr.Invalid(field+".diagnosisSequence", "at most %d pointers", maxDiagnoses)
	}
	for j, p := range it.DiagnosisPointers {
		f := fmt.Sprintf("%s.diagnosisSequence[%d]", field, j)
		if p < 1 || p > n {
			return ccerr.Invalid(f, "%d points at no diagnosis: the claim has %d", p, n)
		}
		if slices.Contains(it.DiagnosisPointers[:j], p) {
			return ccerr.Invalid(f, "diagnosis %d is pointed at twice", p)
		}
	}
	return nil
}

// validateLinePlace checks a line's own place of service (field names the
// line): a CMS code other than the claim's, which the line otherwise
// takes (one form for one meaning).
func validateLinePlace(it *wire.Item, field, claims string) error {
	switch {
	case it.PlaceOfService == "":
		return nil
	case !placeOfService.MatchString(it.PlaceOfService):
		return ccerr.Invalid(field+".placeOfService", "must be a two-digit CMS place-of-service code")
	case it.PlaceOfService == claims:
		return ccerr.Invalid(field+".placeOfService", "is the claim's (%s): a line names only a place of its own", claims)
	}
	return nil
}

// validateIdentifiers checks the claim's business identifiers.
func validateIdentifiers(ids []wire.Identifier) error {
	return validateIdentifierList("identifier", ids)
}

// validateIdentifierList checks business identifiers (field names the
// list): a system that is an absolute URI and a value, both printable
// ASCII without spaces, each pair once.
func validateIdentifierList(field string, ids []wire.Identifier) error {
	if len(ids) > maxIdentifiers {
		return ccerr.Invalid(field, "at most %d identifiers", maxIdentifiers)
	}
	for i, id := range ids {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !absoluteURI(id.System) {
			return ccerr.Invalid(f+".system", "must be an absolute URI of at most %d printable characters", maxIdentifierURI)
		}
		if !printable(id.Value, maxIdentifierValue) {
			return ccerr.Invalid(f+".value", "must be 1 to %d printable characters without spaces", maxIdentifierValue)
		}
		if slices.Contains(ids[:i], id) {
			return ccerr.Invalid(f, "repeats identifier %d", slices.Index(ids, id))
		}
	}
	return nil
}

// printable reports whether s is 1 to longest printable ASCII characters
// other than the space.
func printable(s string, longest int) bool {
	if s == "" || len(s) > longest {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
