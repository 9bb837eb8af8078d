package gs1

import (
	"fmt"
	"strings"

	pvwire "github.com/carechain/carechain/chaincode/provenance/wire"
)

// CheckDigit is the GS1 mod-10 check digit of body (digits only): from
// the right, weights 3, 1, 3, 1, ...
func CheckDigit(body string) (byte, error) {
	if !digits(body) {
		return 0, fmt.Errorf("%q: a check digit is computed over digits only", body)
	}
	return pvwire.CheckDigit(body), nil
}

// withCheck appends body's check digit (body must be digits).
func withCheck(body string) string {
	c, err := CheckDigit(body)
	if err != nil {
		panic(err) // callers pass digits they checked
	}
	return body + string(c)
}

// checkKey validates a fixed-length numeric key ending in its check digit.
func checkKey(name, v string, n int) error {
	if len(v) != n || !digits(v) {
		return &KeyError{Name: name, Value: v, Reason: fmt.Sprintf("is not %d digits", n)}
	}
	want, _ := CheckDigit(v[:n-1])
	if v[n-1] != want {
		return &KeyError{Name: name, Value: v, Reason: fmt.Sprintf("check digit is %c, not %c", want, v[n-1])}
	}
	return nil
}

// CheckGTIN validates a GTIN-14 with its check digit.
func CheckGTIN(v string) error { return checkKey("GTIN", v, 14) }

// CheckSSCC validates an SSCC (18 digits) with its check digit.
func CheckSSCC(v string) error { return checkKey("SSCC", v, 18) }

// CheckGLN validates a GLN (13 digits) with its check digit.
func CheckGLN(v string) error { return checkKey("GLN", v, 13) }

// CheckGSRN validates a GSRN (18 digits) with its check digit.
func CheckGSRN(v string) error { return checkKey("GSRN", v, 18) }

// NormalizeGTIN widens a GTIN-8, GTIN-12 (U.P.C.), GTIN-13 or GTIN-14 to
// GTIN-14 (leading zeros) after checking its check digit.
func NormalizeGTIN(v string) (string, error) {
	switch len(v) {
	case 8, 12, 13, 14:
		g := strings.Repeat("0", 14-len(v)) + v
		return g, CheckGTIN(g)
	}
	return "", &KeyError{Name: "GTIN", Value: v, Reason: "is not 8, 12, 13 or 14 digits"}
}

// KeyError is a malformed GS1 key.
type KeyError struct {
	Name, Value, Reason string
}

func (e *KeyError) Error() string { return fmt.Sprintf("%s %q %s", e.Name, e.Value, e.Reason) }

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
