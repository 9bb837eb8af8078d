package claims

import (
	"regexp"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// Code syntaxes. These check the form of a code, not that it exists in the
// current code set: the code sets are licensed and change every year.
var (
	// ICD-10-CM: a letter (not U), a digit, a digit or letter, then
	// optionally a dot and one to four characters, e.g. E11.9, S72.001A.
	icd10 = regexp.MustCompile(`^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$`)
	// CPT: five digits (category I), or four digits and F or T (II, III);
	// HCPCS level II: a letter A-V and four digits.
	procedure = regexp.MustCompile(`^([0-9]{5}|[0-9]{4}[FT]|[A-V][0-9]{4})$`)
	modifier  = regexp.MustCompile(`^[0-9A-Z]{2}$`)
	// CMS place-of-service codes are two digits.
	placeOfService = regexp.MustCompile(`^[0-9]{2}$`)
	npiForm        = regexp.MustCompile(`^[12][0-9]{9}$`)
)

func checkICD10(field, code string) error {
	if !icd10.MatchString(code) {
		return ccerr.Invalid(field, "%q is not an ICD-10-CM code such as E11.9", code)
	}
	return nil
}

func checkProcedure(field, code string) error {
	if !procedure.MatchString(code) {
		return ccerr.Invalid(field, "%q is not a CPT or HCPCS code such as 99213 or J1100", code)
	}
	return nil
}

// checkNPI checks a National Provider Identifier: ten digits, first 1 or 2,
// and a Luhn check digit computed over the prefix 80840 and the first nine
// digits.
func checkNPI(field, npi string) error {
	if !npiForm.MatchString(npi) {
		return ccerr.Invalid(field, "an NPI is 10 digits starting with 1 or 2")
	}
	digits := "80840" + npi[:9]
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 { // double every second digit from the right of the payload
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	check := (10 - sum%10) % 10
	if int(npi[9]-'0') != check {
		return ccerr.Invalid(field, "check digit of NPI %s is wrong", npi)
	}
	return nil
}
