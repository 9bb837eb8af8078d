package proclaim

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
)

// Limits and code forms the claims chaincode enforces (chaincode/claims
// model.go and codes.go): refusing here names the document's element
// instead of the chaincode's field.
const (
	maxItems        = 50
	maxDiagnoses    = 12
	maxModifiers    = 4
	maxUnits        = 999
	maxUnitCents    = 10_000_000_00
	maxRecordsCited = 10
	maxIdentifier   = 128
	maxBusinessIDs  = 5
	maxBusinessURI  = 256
	dateLayout      = "2006-01-02"
)

var (
	identifierForm = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)
	icd10Form      = regexp.MustCompile(`^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$`)
	procedureForm  = regexp.MustCompile(`^([0-9]{5}|[0-9]{4}[FT]|[A-V][0-9]{4})$`)
	modifierForm   = regexp.MustCompile(`^[0-9A-Z]{2}$`)
	posForm        = regexp.MustCompile(`^[0-9]{2}$`)
	npiForm        = regexp.MustCompile(`^[12][0-9]{9}$`)
	decimalForm    = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	printableForm  = regexp.MustCompile(`^[!-~]+$`)
	uriForm        = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:[!-~]+$`)
)

func (m *mapper) identifier(f Field, what string) string {
	switch {
	case !f.Set():
		m.issues.Add(m.missing(what), "carechain needs %s", what)
	case len(f.Value) > maxIdentifier || !identifierForm.MatchString(f.Value):
		m.refuse(f, "%q: carechain identifiers are 1 to %d characters from A-Z a-z 0-9 . _ : - (starting with a letter or digit)", f.Value, maxIdentifier)
	}
	return f.Value
}

func (m *mapper) npi(f Field) string {
	if !f.Set() {
		m.issues.Add(m.missing(RenderingNPI), "carechain needs the rendering provider's NPI")
		return ""
	}
	if !npiForm.MatchString(f.Value) || !luhnNPI(f.Value) {
		m.refuse(f, "%q is not a valid NPI (10 digits starting with 1 or 2, Luhn check digit over 80840)", f.Value)
	}
	return f.Value
}

// luhnNPI checks an NPI's check digit: Luhn over the prefix 80840 and the
// first nine digits.
func luhnNPI(npi string) bool {
	digits := "80840" + npi[:9]
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return int(npi[9]-'0') == (10-sum%10)%10
}

func (m *mapper) placeOfService() string {
	f := m.c.PlaceOfService
	if !f.Set() {
		for _, it := range m.c.Items {
			if it.PlaceOfService.Set() {
				f = it.PlaceOfService
				break
			}
		}
	}
	if !f.Set() {
		m.issues.Add(m.missing(PlaceOfService), "carechain needs the CMS place of service")
		return ""
	}
	if !posForm.MatchString(f.Value) {
		m.refuse(f, "%q is not a two-digit CMS place-of-service code", f.Value)
	}
	m.c.PlaceOfService = f
	return f.Value
}

func (m *mapper) diagnoses() []string {
	ds := m.c.Diagnoses
	if len(ds) == 0 || len(ds) > maxDiagnoses {
		m.issues.Add(m.missing(Diagnoses), "carechain needs 1 to %d diagnoses, the claim has %d", maxDiagnoses, len(ds))
	}
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		switch {
		case d.System != ICD10CM:
			m.refuse(d.Code, "carechain codes diagnoses in ICD-10-CM, not %s", orNone(d.System))
		case !icd10Form.MatchString(d.Code.Value):
			m.refuse(d.Code, "%q is not an ICD-10-CM code such as E11.9", d.Code.Value)
		}
		out = append(out, d.Code.Value)
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "an unnamed code system"
	}
	return s
}

func (m *mapper) items() ([]cl.Item, int64) {
	if len(m.c.Items) == 0 || len(m.c.Items) > maxItems {
		m.issues.Add(m.missing(Items), "carechain needs 1 to %d lines, the claim has %d", maxItems, len(m.c.Items))
	}
	out := make([]cl.Item, 0, len(m.c.Items))
	var sum int64
	for i := range m.c.Items {
		it := m.item(i, &m.c.Items[i])
		sum += it.NetCents
		out = append(out, it)
	}
	total := sum
	if m.c.Total.Set() {
		if t, ok := m.cents(m.c.Total); ok && t != sum {
			m.refuse(m.c.Total, "the total %s is not the sum of the lines' charges (%s)", m.c.Total.Value, Dollars(sum))
		} else if ok {
			total = t
		}
	}
	return out, total
}

func (m *mapper) item(i int, it *Item) cl.Item {
	out := cl.Item{Sequence: i + 1, PriorAuth: it.PriorAuth.Value}
	if it.Sequence.Set() && it.Sequence.Value != strconv.Itoa(i+1) {
		m.refuse(it.Sequence, "carechain numbers lines 1, 2, 3, … in order: this is line %d", i+1)
	}
	out.Code = m.procedure(it)
	out.Modifiers = m.modifiers(it.Modifiers)
	out.Units = m.units(it.Quantity)
	out.UnitCents, out.NetCents = m.prices(it, out.Units)
	out.Date = m.serviceDate(it)
	out.DiagnosisPointers = m.pointers(it.DiagnosisPointers)
	if it.PriorAuth.Set() && !identifierForm.MatchString(it.PriorAuth.Value) {
		m.refuse(it.PriorAuth, "%q is not a carechain identifier", it.PriorAuth.Value)
	}
	out.PlaceOfService = m.linePlace(it)
	return out
}

func (m *mapper) procedure(it *Item) string {
	switch {
	case !it.Code.Set():
		m.issues.Add(it.At, "carechain needs the line's CPT or HCPCS code")
	case it.CodeSystem != CPT && it.CodeSystem != HCPCS:
		m.refuse(it.Code, "carechain codes procedures in CPT or HCPCS, not %s", orNone(it.CodeSystem))
	case !procedureForm.MatchString(it.Code.Value):
		m.refuse(it.Code, "%q is not a CPT or HCPCS code such as 99213 or J1100", it.Code.Value)
	}
	return it.Code.Value
}

func (m *mapper) modifiers(mods []Field) []string {
	var out []string
	for j, f := range mods {
		switch {
		case j >= maxModifiers:
			m.refuse(f, "carechain keeps at most %d modifiers a line", maxModifiers)
		case !modifierForm.MatchString(f.Value):
			m.refuse(f, "%q is not a two-character modifier", f.Value)
		case contains(out, f.Value):
			m.refuse(f, "modifier %q repeats", f.Value)
		}
		out = append(out, f.Value)
	}
	return out
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func (m *mapper) units(f Field) int64 {
	if !f.Set() {
		return 1
	}
	v, frac, ok := splitDecimal(f.Value)
	if !ok || strings.Trim(frac, "0") != "" {
		m.refuse(f, "%q: carechain bills whole units", f.Value)
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > maxUnits {
		m.refuse(f, "%q: carechain bills 1 to %d units a line", f.Value, maxUnits)
		return 0
	}
	return n
}

// prices is the unit price and the line's charge in cents. A document
// that gives only the charge (837P SV102) gives a unit price of charge ÷
// quantity, which must come out in whole cents.
func (m *mapper) prices(it *Item, units int64) (int64, int64) {
	unit, unitOK := m.optionalCents(it.UnitPrice)
	net, netOK := m.optionalCents(it.Net)
	switch {
	case units == 0 || (it.UnitPrice.Set() && !unitOK) || (it.Net.Set() && !netOK):
		return unit, net
	case !it.UnitPrice.Set() && !it.Net.Set():
		m.issues.Add(it.At, "carechain needs the line's charge")
		return 0, 0
	case !it.UnitPrice.Set():
		if unit = net / units; net%units != 0 {
			m.refuse(it.Net, "carechain keeps a line as quantity × unit price: %s is not %d × a whole-cent price", it.Net.Value, units)
		}
	case !it.Net.Set():
		net = unit * units
	case net != unit*units:
		m.refuse(it.Net, "carechain keeps a line's charge as quantity × unit price (%d × %s)", units, it.UnitPrice.Value)
	}
	if unit < 1 || unit > maxUnitCents {
		m.refuse(priceField(it), "carechain takes unit prices from $0.01 to $10,000,000")
	}
	return unit, net
}

// optionalCents parses f when the document gives it.
func (m *mapper) optionalCents(f Field) (int64, bool) {
	if !f.Set() {
		return 0, false
	}
	return m.cents(f)
}

func priceField(it *Item) Field {
	if it.UnitPrice.Set() {
		return it.UnitPrice
	}
	return it.Net
}

// cents parses a decimal dollar amount (at most two decimals).
func (m *mapper) cents(f Field) (int64, bool) {
	c, err := Cents(f.Value)
	if err != nil {
		m.refuse(f, "%v", err)
		return 0, false
	}
	return c, true
}

// Cents parses a decimal dollar amount with at most two decimals ("79.04",
// "100", "75.0") into cents, exactly.
func Cents(s string) (int64, error) {
	whole, frac, ok := splitDecimal(s)
	if !ok || len(strings.TrimRight(frac, "0")) > 2 || len(whole) > 15 {
		return 0, fmt.Errorf("%q is not an amount in dollars and cents", s)
	}
	frac = (strings.TrimRight(frac, "0") + "00")[:2]
	w, err := strconv.ParseInt(strings.TrimPrefix(whole, "-"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an amount in dollars and cents", s)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	c := w*100 + f
	if strings.HasPrefix(whole, "-") {
		c = -c
	}
	return c, nil
}

func splitDecimal(s string) (string, string, bool) {
	if !decimalForm.MatchString(s) {
		return "", "", false
	}
	whole, frac, _ := strings.Cut(s, ".")
	return whole, frac, true
}

// Dollars writes cents as X12 and FHIR write amounts: 7904 → "79.04",
// 10000 → "100", -150 → "-1.5".
func Dollars(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	s := strconv.FormatInt(c/100, 10)
	if frac := c % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return sign + s
}

func (m *mapper) serviceDate(it *Item) string {
	if !it.Date.Set() {
		m.issues.Add(it.At, "carechain needs the line's date of service")
		return ""
	}
	d, err := time.Parse(dateLayout, it.Date.Value)
	if err != nil {
		m.refuse(it.Date, "%q: carechain dates a line with one day, YYYY-MM-DD", it.Date.Value)
		return it.Date.Value
	}
	if it.DateEnd.Set() && it.DateEnd.Value != it.Date.Value {
		m.refuse(it.DateEnd, "carechain dates a line with one day, not a period ending %s", it.DateEnd.Value)
	}
	if d.After(m.now.UTC().Truncate(24 * time.Hour)) {
		m.refuse(it.Date, "services cannot be billed before they happen (%s)", it.Date.Value)
	}
	return it.Date.Value
}

// billablePeriod is the document's, or the first to the last line's date.
func (m *mapper) billablePeriod(items []cl.Item) cl.Period {
	p := linesPeriod(items)
	bp := m.c.BillablePeriod
	if bp == nil {
		return p
	}
	for _, f := range []Field{bp.Start, bp.End} {
		if _, err := time.Parse(dateLayout, f.Value); f.Set() && err != nil {
			m.refuse(f, "%q: carechain bills periods of days, YYYY-MM-DD", f.Value)
		}
	}
	if bp.Start.Value > p.Start || (bp.End.Set() && bp.End.Value < p.End) {
		m.refuse(bp.Start, "a line's date of service lies outside the billable period")
	}
	p.Start = bp.Start.Value
	if bp.End.Set() {
		p.End = bp.End.Value
	}
	return p
}

// linesPeriod is the first to the last line's date.
func linesPeriod(items []cl.Item) cl.Period {
	var p cl.Period
	for _, it := range items {
		if p.Start == "" || it.Date < p.Start {
			p.Start = it.Date
		}
		if it.Date > p.End {
			p.End = it.Date
		}
	}
	return p
}

func (m *mapper) records() []string {
	if len(m.c.Records) > maxRecordsCited {
		m.issues.Add(m.missing(Records), "carechain cites at most %d records a claim", maxRecordsCited)
	}
	var out []string
	for _, f := range m.c.Records {
		if !identifierForm.MatchString(f.Value) {
			m.refuse(f, "%q is not a carechain record id", f.Value)
		}
		out = append(out, f.Value)
	}
	return out
}

// pointers checks a line's diagnosis pointers (1-based): each names one
// of the claim's diagnoses, once.
func (m *mapper) pointers(ps []Field) []int {
	var out []int
	for j, p := range ps {
		n, err := strconv.Atoi(strings.TrimSpace(p.Value))
		switch {
		case j >= maxDiagnoses:
			m.refuse(p, "carechain keeps at most %d diagnosis pointers a line", maxDiagnoses)
		case err != nil || n < 1 || n > len(m.c.Diagnoses):
			m.refuse(p, "%q points at no diagnosis: the claim has %d", p.Value, len(m.c.Diagnoses))
		case slices.Contains(out, n):
			m.refuse(p, "diagnosis %d is pointed at twice", n)
		}
		out = append(out, n)
	}
	return out
}

// identifiers checks the claim's business identifiers: an absolute URI
// and a value of printable characters, each pair once.
func (m *mapper) identifiers() []cl.Identifier {
	if len(m.c.Identifiers) > maxBusinessIDs {
		m.issues.Add(m.c.Identifiers[maxBusinessIDs].At, "carechain keeps at most %d business identifiers a claim", maxBusinessIDs)
	}
	var out []cl.Identifier
	for _, id := range m.c.Identifiers {
		switch {
		case !id.System.Set():
			m.issues.Add(id.At, "carechain needs a business identifier's system (a URI)")
		case len(id.System.Value) > maxBusinessURI || !uriForm.MatchString(id.System.Value):
			m.refuse(id.System, "%q: carechain keeps identifier systems that are absolute URIs of at most %d characters", id.System.Value, maxBusinessURI)
		}
		if !id.Value.Set() || len(id.Value.Value) > maxIdentifier || !printableForm.MatchString(id.Value.Value) {
			m.issues.Add(orAt(id.Value, id.At), "carechain keeps identifier values of 1 to %d printable characters without spaces", maxIdentifier)
		}
		c := cl.Identifier{System: id.System.Value, Value: id.Value.Value}
		if slices.Contains(out, c) {
			m.issues.Add(id.At, "the identifier repeats")
		}
		out = append(out, c)
	}
	return out
}

func orAt(f Field, at string) string {
	if f.Set() {
		return f.At
	}
	return at
}
