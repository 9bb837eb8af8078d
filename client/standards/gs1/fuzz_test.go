package gs1

import (
	"strings"
	"testing"
	"time"
)

// FuzzCheckDigit: every key with its check digit validates, and every
// single-digit substitution is detected.
func FuzzCheckDigit(f *testing.F) {
	f.Add("0950600013435")
	f.Add("10614141234567890")
	f.Fuzz(func(t *testing.T, body string) {
		if !digits(body) || len(body) > 40 {
			return
		}
		full := withCheck(body)
		if err := checkKey("key", full, len(full)); err != nil {
			t.Fatalf("%s: %v", full, err)
		}
		for i := 0; i < len(full); i++ {
			for d := byte('0'); d <= '9'; d++ {
				if d == full[i] {
					continue
				}
				changed := full[:i] + string(d) + full[i+1:]
				if checkKey("key", changed, len(changed)) == nil {
					t.Fatalf("substituting %c at %d in %s goes undetected", d, i, full)
				}
			}
		}
	})
}

// set82 maps arbitrary bytes into GS1's character set 82.
func set82(s string, longest int) string {
	const chars = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < longest; i++ {
		b.WriteByte(chars[int(s[i])%len(chars)])
	}
	return b.String()
}

func digitsOf(s string, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		c := byte('0')
		if i < len(s) {
			c = '0' + s[i]%10
		}
		b.WriteByte(c)
	}
	return b.String()
}

// FuzzSGTINForms: a serialized GTIN written as a URN (under a company
// prefix of any length), a Digital Link and an element string (sent and
// human-readable) reads back as the same key in every form.
func FuzzSGTINForms(f *testing.F) {
	f.Add("0614141112345", uint8(7), "400", "L1", "261231")
	f.Add("9506000134352", uint8(9), "a/b%\"?", "(10)x", "270200")
	f.Fuzz(func(t *testing.T, body string, cpLen uint8, serial, lot, exp string) {
		gtin := withCheck(digitsOf(body, 13))
		n := 6 + int(cpLen)%7
		k := Key{Kind: SGTIN, Value: gtin, Serial: set82(serial, 20), Lot: set82(lot, 20)}
		if k.Serial == "" || k.Lot == "" {
			return
		}
		tb, err := TableFromPrefixes(gtin[1 : 1+n])
		if err != nil {
			t.Fatal(err)
		}
		assertURN(t, k, tb, n)
		assertLink(t, k)
		expiry := digitsOf(exp, 6)
		if _, err := ParseDate(expiry, tb0); err != nil {
			expiry = "261231"
		}
		assertElements(t, k, expiry)
	})
}

var tb0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func assertURN(t *testing.T, k Key, tb *Table, n int) {
	urn, err := EPCURI(k, tb)
	if err != nil {
		t.Fatalf("%+v: %v", k, err)
	}
	if cp := strings.Split(strings.TrimPrefix(urn, "urn:epc:id:sgtin:"), ".")[0]; len(cp) != n {
		t.Fatalf("%s: company prefix %s is not %d digits", urn, cp, n)
	}
	back, err := ParseEPCURI(urn)
	if err != nil {
		t.Fatalf("%s: %v", urn, err)
	}
	if !back.Same(k) || back.Lot != "" {
		t.Fatalf("%s reads as %+v, not %+v", urn, back, k)
	}
}

func assertLink(t *testing.T, k Key) {
	dl, err := DigitalLinkURI(k, "https://brand.example/x", Element{AI: "17", Value: "261231"})
	if err != nil {
		t.Fatalf("%+v: %v", k, err)
	}
	back, err := ParseURI(dl)
	if err != nil {
		t.Fatalf("%s: %v", dl, err)
	}
	if back != k {
		t.Fatalf("%s reads as %+v, not %+v", dl, back, k)
	}
}

func assertElements(t *testing.T, k Key, expiry string) {
	es := ElementString{{"01", k.Value}, {"17", expiry}, {"10", k.Lot}, {"21", k.Serial}}
	raw, err := es.Encode(SymbologyDataMatrix)
	if err != nil {
		t.Fatalf("%v: %v", es, err)
	}
	s, err := ParseScan(raw)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	if !equalElements(s.Elements, es) || s.Key != k {
		t.Fatalf("%q reads as %v (%+v)", raw, s.Elements, s.Key)
	}
	if strings.Contains(k.Lot+k.Serial, "(") {
		return // a value holding "(AI)" makes the human-readable form ambiguous
	}
	s, err = ParseScan(es.HRI())
	if err != nil || !equalElements(s.Elements, es) {
		t.Fatalf("%q reads as %v: %v", es.HRI(), s, err)
	}
}

func equalElements(a, b ElementString) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzParseScan: whatever reads as a scan writes back (sent form, and
// link) to the same elements and key.
func FuzzParseScan(f *testing.F) {
	for _, s := range []string{
		"]d2010950600013435217261231" + "10ABC" + GS + "21x",
		"(01)09506000134352(21)7",
		"https://id.gs1.org/01/09506000134352/10/L1/21/7?17=261231",
		"https://x.example/p/00/106141412345678908",
		"]C1" + "00106141412345678908" + "400PO-1" + GS + "3103000250",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseScan(in)
		if err != nil {
			return
		}
		if err := s.Key.Validate(); err != nil {
			t.Fatalf("%q: key %+v: %v", in, s.Key, err)
		}
		if s.Link != nil {
			again, err := ParseDigitalLink(s.Link.String())
			if err != nil || !equalElements(again.Elements, s.Elements) || again.Base != s.Link.Base {
				t.Fatalf("%q → %q: %v", in, s.Link.String(), err)
			}
			return
		}
		raw, err := s.Elements.Encode("")
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		again, err := ParseScan(raw)
		if err != nil || !equalElements(again.Elements, s.Elements) || again.Key != s.Key {
			t.Fatalf("%q → %q: %v", in, raw, err)
		}
	})
}

// FuzzParseEPCURI: a URN that reads writes back, under its own company
// prefix, as a URN of the same key.
func FuzzParseEPCURI(f *testing.F) {
	for _, ex := range epcExamples {
		f.Add(ex.urn)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k, err := ParseEPCURI(in)
		if err != nil {
			return
		}
		body := strings.SplitN(in[strings.LastIndex(in[:strings.Index(in, ".")], ":")+1:], ".", 2)[0]
		tb, err := TableFromPrefixes(body)
		if err != nil {
			t.Fatalf("%q: prefix %q: %v", in, body, err)
		}
		out, err := EPCURI(k, tb)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		back, err := ParseEPCURI(out)
		if err != nil || back != k {
			t.Fatalf("%q → %q → %+v: %v", in, out, back, err)
		}
	})
}
