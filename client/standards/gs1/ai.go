package gs1

import (
	"fmt"
	"strconv"
	"time"
)

// aiSpec is what this package knows of an application identifier (GS1
// General Specifications, section 3): the format of its value, and
// whether it has a predefined length (figure 7.8.5-2: no FNC1 follows it).
type aiSpec struct {
	fixed      int  // the value's length when fixed
	max        int  // the longest value when variable
	numeric    bool // digits only (else character set 82)
	check      bool // the last digit is a mod-10 check digit
	date       bool // YYMMDD
	predefined bool
}

func fixedN(n int, check, predefined bool) aiSpec {
	return aiSpec{fixed: n, numeric: true, check: check, predefined: predefined}
}

func varX(longest int) aiSpec { return aiSpec{max: longest} }

var dateAI = aiSpec{fixed: 6, numeric: true, date: true, predefined: true}

// ais are the application identifiers this package reads: identification
// keys, their qualifiers, the dates and the attributes of healthcare and
// logistics labels. A measure AI (31nn-36nn, 39nn) is found by specOf.
var ais = map[string]aiSpec{
	"00": fixedN(18, true, true), "01": fixedN(14, true, true), "02": fixedN(14, true, true),
	"10": varX(20), "11": dateAI, "12": dateAI, "13": dateAI, "15": dateAI, "16": dateAI, "17": dateAI,
	"20": fixedN(2, false, true), "21": varX(20), "22": varX(20), "235": varX(28),
	"240": varX(30), "241": varX(30), "242": {max: 6, numeric: true}, "243": varX(20),
	"250": varX(30), "251": varX(30), "253": varX(30), "254": varX(20), "255": {max: 25, numeric: true},
	"30": {max: 8, numeric: true}, "37": {max: 8, numeric: true},
	"400": varX(30), "401": varX(30), "402": fixedN(17, true, false), "403": varX(30),
	"410": fixedN(13, true, true), "411": fixedN(13, true, true), "412": fixedN(13, true, true),
	"413": fixedN(13, true, true), "414": fixedN(13, true, true), "415": fixedN(13, true, true),
	"416": fixedN(13, true, true), "417": fixedN(13, true, true),
	"420": varX(20), "421": {max: 12}, "422": fixedN(3, false, false),
	"710": varX(20), "711": varX(20), "712": varX(20), "713": varX(20), "714": varX(20), "715": varX(20),
	"7003": fixedN(10, false, false), "7240": varX(20),
	"8003": varX(30), "8004": varX(30), "8006": fixedN(18, false, false), "8018": fixedN(18, true, false),
	"8019": {max: 10, numeric: true}, "8020": varX(25),
	"90": varX(30), "91": varX(90), "92": varX(90), "93": varX(90), "94": varX(90),
	"95": varX(90), "96": varX(90), "97": varX(90), "98": varX(90), "99": varX(90),
}

// specOf returns the AI at the start of s and its spec.
func specOf(s string) (string, aiSpec, bool) {
	for n := 2; n <= 4 && n <= len(s); n++ {
		if spec, ok := ais[s[:n]]; ok {
			return s[:n], spec, true
		}
	}
	if len(s) >= 4 && digits(s[:4]) {
		switch {
		case s[0] == '3' && s[1] >= '1' && s[1] <= '6': // 31nn-36nn: a measure, 6 digits
			return s[:4], fixedN(6, false, true), true
		case s[:2] == "39" && s[2] <= '3': // 390n-393n: amounts and prices
			return s[:4], aiSpec{max: 18, numeric: true}, true
		}
	}
	return "", aiSpec{}, false
}

// KnownAI reports whether ai is an application identifier this package reads.
func KnownAI(ai string) bool {
	code, _, ok := specOf(ai)
	return ok && code == ai
}

// checkValue validates an AI's value against its spec.
func checkValue(ai, v string) error {
	_, spec, ok := specOf(ai)
	if !ok {
		return fmt.Errorf("(%s) is not an application identifier this reader knows", ai)
	}
	switch {
	case spec.fixed > 0 && len(v) != spec.fixed:
		return fmt.Errorf("(%s) %q is not %d characters", ai, v, spec.fixed)
	case spec.fixed == 0 && (v == "" || len(v) > spec.max):
		return fmt.Errorf("(%s) %q is not 1 to %d characters", ai, v, spec.max)
	case spec.numeric && !digits(v):
		return fmt.Errorf("(%s) %q is not digits", ai, v)
	}
	if !spec.numeric {
		if err := checkChars("("+ai+")", v, max(spec.fixed, spec.max)); err != nil {
			return err
		}
	}
	if spec.check {
		if err := checkKey("("+ai+")", v, len(v)); err != nil {
			return err
		}
	}
	if spec.date {
		if _, err := ParseDate(v, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			return fmt.Errorf("(%s) %w", ai, err)
		}
	}
	return checkKeyAI(ai, v)
}

// checkKeyAI validates the AIs whose values hold a key with a check digit
// followed by more (GRAI: 14 digits, then a serial).
func checkKeyAI(ai, v string) error {
	if ai != "8003" {
		return nil
	}
	if len(v) < 14 {
		return fmt.Errorf("(8003) %q is shorter than 14 digits", v)
	}
	return Key{Kind: GRAI, Value: v[:14], Serial: v[14:]}.Validate()
}

// ParseDate reads a GS1 date, YYMMDD. The century is the one that puts
// the year within 49 years before and 50 after ref (GS1 General
// Specifications, section 7.12); DD 00 is the month's last day.
func ParseDate(yymmdd string, ref time.Time) (time.Time, error) {
	if len(yymmdd) != 6 || !digits(yymmdd) {
		return time.Time{}, fmt.Errorf("date %q is not YYMMDD", yymmdd)
	}
	yy, _ := strconv.Atoi(yymmdd[:2])
	mm, _ := strconv.Atoi(yymmdd[2:4])
	dd, _ := strconv.Atoi(yymmdd[4:])
	year := ref.Year()/100*100 + yy
	switch diff := yy - ref.Year()%100; {
	case diff >= 51:
		year -= 100
	case diff <= -50:
		year += 100
	}
	if mm < 1 || mm > 12 {
		return time.Time{}, fmt.Errorf("date %q has no month %02d", yymmdd, mm)
	}
	last := time.Date(year, time.Month(mm)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if dd == 0 {
		dd = last
	}
	if dd > last {
		return time.Time{}, fmt.Errorf("date %q: %d-%02d has no day %02d", yymmdd, year, mm, dd)
	}
	return time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC), nil
}

// FormatDate writes a date as YYMMDD.
func FormatDate(t time.Time) string { return t.Format("060102") }
