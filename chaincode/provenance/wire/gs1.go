package wire

import (
	"regexp"
	"strings"
	"time"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// GS1 identifiers: GTIN-14 and SSCC with their mod-10 check digits, serial
// numbers (up to 20 characters of the GS1 AI 21 set, restricted here to
// alphanumerics), lot numbers and expiry dates.
var (
	gtinForm   = regexp.MustCompile(`^[0-9]{14}$`)
	ssccForm   = regexp.MustCompile(`^[0-9]{18}$`)
	serialForm = regexp.MustCompile(`^[0-9A-Za-z]{1,20}$`)
	lotForm    = regexp.MustCompile(`^[0-9A-Za-z-]{1,20}$`)
	glnForm    = regexp.MustCompile(`^[0-9]{13}$`)
)

// CheckDigit computes the GS1 mod-10 check digit of the digits before it
// (body must be digits): from the right, weights 3, 1, 3, 1, ... Clients
// share it (client/standards/gs1).
func CheckDigit(body string) byte {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func checkGS1(field, v string, form *regexp.Regexp, name string) error {
	if !form.MatchString(v) {
		return ccerr.Invalid(field, "%q is not a %s", v, name)
	}
	if CheckDigit(v[:len(v)-1]) != v[len(v)-1] {
		return ccerr.Invalid(field, "check digit of %s %s is wrong (expected %c)", name, v, CheckDigit(v[:len(v)-1]))
	}
	return nil
}

// CheckGTIN validates a GTIN-14.
func CheckGTIN(field, v string) error { return checkGS1(field, v, gtinForm, "GTIN-14") }

// CheckSSCC validates an SSCC (18 digits).
func CheckSSCC(field, v string) error { return checkGS1(field, v, ssccForm, "SSCC") }

// CheckGLN validates a GLN (13 digits).
func CheckGLN(field, v string) error { return checkGS1(field, v, glnForm, "GLN") }

// CheckSerial validates a serial number.
func CheckSerial(field, v string) error {
	if !serialForm.MatchString(v) {
		return ccerr.Invalid(field, "a serial number is 1 to 20 letters and digits")
	}
	return nil
}

// CheckLot validates a lot (batch) number.
func CheckLot(field, v string) error {
	if !lotForm.MatchString(v) {
		return ccerr.Invalid(field, "a lot number is 1 to 20 letters, digits and dashes")
	}
	return nil
}

// ParseExpiry reads an expiry date, YYYY-MM-DD.
func ParseExpiry(field, v string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return t, ccerr.Invalid(field, "an expiry date is YYYY-MM-DD")
	}
	return t, nil
}

// SGTIN is a serialized unit's identifier, GTIN.serial.
func SGTIN(gtin, serial string) string { return gtin + "." + serial }

// ParseSGTIN splits and validates GTIN.serial.
func ParseSGTIN(field, v string) (gtin, serial string, err error) {
	gtin, serial, ok := strings.Cut(v, ".")
	if !ok {
		return "", "", ccerr.Invalid(field, "a unit is GTIN.serial")
	}
	if err := CheckGTIN(field, gtin); err != nil {
		return "", "", err
	}
	return gtin, serial, CheckSerial(field, serial)
}

// EPC URIs (GS1 EPC Tag Data Standard, pure identity) for EPCIS documents.
// The company prefix length is not known from a GTIN alone; carechain's
// URIs use a 7-digit prefix, which EPCIS consumers should treat as opaque.

// SGTINURI is urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial.
func SGTINURI(gtin, serial string) string {
	// GTIN-14: indicator (1) + company prefix and item reference (12) + check (1).
	return "urn:epc:id:sgtin:" + gtin[1:8] + "." + gtin[0:1] + gtin[8:13] + "." + serial
}

// SSCCURI is urn:epc:id:sscc:CompanyPrefix.ExtensionSerialRef.
func SSCCURI(sscc string) string {
	return "urn:epc:id:sscc:" + sscc[1:8] + "." + sscc[0:1] + sscc[8:17]
}

// ParseEPC reads an SGTIN or SSCC URI back into carechain's identifiers,
// recomputing the check digit.
func ParseEPC(field, uri string) (kind, id string, err error) {
	switch {
	case strings.HasPrefix(uri, "urn:epc:id:sgtin:"):
		parts := strings.Split(strings.TrimPrefix(uri, "urn:epc:id:sgtin:"), ".")
		if len(parts) != 3 || len(parts[0])+len(parts[1]) != 13 || len(parts[1]) < 1 {
			return "", "", ccerr.Invalid(field, "malformed SGTIN URI %q", uri)
		}
		body := parts[1][:1] + parts[0] + parts[1][1:]
		gtin := body + string(CheckDigit(body))
		if err := CheckGTIN(field, gtin); err != nil {
			return "", "", err
		}
		if err := CheckSerial(field, parts[2]); err != nil {
			return "", "", err
		}
		return "unit", SGTIN(gtin, parts[2]), nil
	case strings.HasPrefix(uri, "urn:epc:id:sscc:"):
		parts := strings.Split(strings.TrimPrefix(uri, "urn:epc:id:sscc:"), ".")
		if len(parts) != 2 || len(parts[0])+len(parts[1]) != 17 || len(parts[1]) < 1 {
			return "", "", ccerr.Invalid(field, "malformed SSCC URI %q", uri)
		}
		body := parts[1][:1] + parts[0] + parts[1][1:]
		sscc := body + string(CheckDigit(body))
		return "container", sscc, CheckSSCC(field, sscc)
	}
	return "", "", ccerr.Invalid(field, "%q is not an SGTIN or SSCC URI", uri)
}
