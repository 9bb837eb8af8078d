package parts

import (
	"crypto/x509"
	"encoding/pem"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
	"github.com/carechain/carechain/chaincode/parts/wire"
)

var (
	mspPattern    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9.-]{0,63}$`)
	prefixPattern = regexp.MustCompile(`^[0-9]{4,12}$`)
)

// normalise validates an org entry and sorts its lists, so that the same
// entry always encodes to the same bytes.
func normalise(o *wire.Org) error {
	if !mspPattern.MatchString(o.MSPID) {
		return ccerr.Invalid("mspId", "must be an MSP id (a letter, then letters, digits, '.' or '-'; at most 64)")
	}
	if err := validate.MaxLen("name", o.Name, 128); err != nil {
		return err
	}
	if err := validateParts(o.Parts); err != nil {
		return err
	}
	for i, p := range o.Plans {
		if err := validate.Identifier("plans["+strconv.Itoa(i)+"]", p); err != nil {
			return err
		}
	}
	if len(o.Plans) > 0 && !o.Plays(wire.PartPayer) {
		return ccerr.Invalid("plans", "only a payer has plans")
	}
	for i, p := range o.CompanyPrefixes {
		if !prefixPattern.MatchString(p) {
			return ccerr.Invalid("companyPrefixes["+strconv.Itoa(i)+"]", "must be a GS1 company prefix of 4 to 12 digits")
		}
	}
	if len(o.CompanyPrefixes) > 0 && !o.Plays(wire.PartManufacturer) {
		return ccerr.Invalid("companyPrefixes", "only a manufacturer has GS1 company prefixes")
	}
	for i, c := range o.RootCerts {
		if err := validateCACert(c); err != nil {
			return ccerr.Invalid("rootCerts["+strconv.Itoa(i)+"]", "%s", err.Message)
		}
	}
	o.Updated = ""
	slices.Sort(o.Parts)
	slices.Sort(o.Plans)
	slices.Sort(o.CompanyPrefixes)
	o.Plans, o.CompanyPrefixes = slices.Compact(o.Plans), slices.Compact(o.CompanyPrefixes)
	return nil
}

func validateParts(parts []string) error {
	if len(parts) == 0 {
		return ccerr.Invalid("parts", "an org plays at least one part")
	}
	for i, p := range parts {
		if !slices.Contains(wire.Parts(), p) {
			return ccerr.Invalid("parts["+strconv.Itoa(i)+"]", "%q is not a part (one of %v)", p, wire.Parts())
		}
		if slices.Index(parts, p) != i {
			return ccerr.Invalid("parts["+strconv.Itoa(i)+"]", "%q is listed twice", p)
		}
	}
	return nil
}

func validateCACert(s string) *ccerr.Error {
	block, rest := pem.Decode([]byte(s))
	if block == nil || block.Type != "CERTIFICATE" || strings.TrimSpace(string(rest)) != "" {
		return ccerr.Invalid("", "must be one PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return ccerr.Invalid("", "is not an X.509 certificate: %v", err)
	}
	if !cert.IsCA {
		return ccerr.Invalid("", "is not a CA certificate")
	}
	return nil
}
