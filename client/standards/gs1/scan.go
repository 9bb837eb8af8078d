package gs1

import (
	"fmt"
	"strings"
	"time"
)

// Scan is what a scanner or a pasted link delivered: the key it
// identifies and every element read (a link's attributes included).
type Scan struct {
	Key      Key           `json:"key"`
	Elements ElementString `json:"elements"`
	// Link is the Digital Link when the scan was one.
	Link *DigitalLink `json:"link,omitempty"`
}

// ParseScan reads a GS1 element string (transmitted with or without a
// symbology identifier, or human-readable) or a GS1 Digital Link URI.
func ParseScan(s string) (*Scan, error) {
	s = strings.TrimRight(s, "\r\n")
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		dl, err := ParseDigitalLink(s)
		if err != nil {
			return nil, err
		}
		k, err := dl.Key()
		if err != nil {
			return nil, err
		}
		return &Scan{Key: k, Elements: dl.Elements, Link: dl}, nil
	}
	es, err := ParseElementString(s)
	if err != nil {
		return nil, err
	}
	k, err := KeyOf(es)
	if err != nil {
		return nil, err
	}
	return &Scan{Key: k, Elements: es}, nil
}

// ProductIdentifier is the DSCSA product identifier of a package: GTIN,
// serial, lot and expiry, as GS1's healthcare DataMatrix carries them.
type ProductIdentifier struct {
	GTIN   string `json:"gtin"`
	Serial string `json:"serial"`
	Lot    string `json:"lot"`
	// Expiry is the date (17) encodes, YYYY-MM-DD.
	Expiry string `json:"expiry"`
}

// ProductIdentifier returns the scan's DSCSA product identifier; all four
// elements are required ((01), (21), (10), (17)). The century of (17) is
// the one GS1's rule gives relative to now.
func (s *Scan) ProductIdentifier(now time.Time) (*ProductIdentifier, error) {
	if s.Key.Kind != SGTIN {
		return nil, fmt.Errorf("a product identifier is a serialized GTIN ((01) with (21)), not a %s", s.Key.Kind)
	}
	var missing []string
	lot, ok := s.Elements.Get("10")
	if !ok {
		missing = append(missing, "(10) lot")
	}
	exp, ok := s.Elements.Get("17")
	if !ok {
		missing = append(missing, "(17) expiry")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the product identifier lacks %s", strings.Join(missing, " and "))
	}
	d, err := ParseDate(exp, now)
	if err != nil {
		return nil, fmt.Errorf("(17) %w", err)
	}
	return &ProductIdentifier{GTIN: s.Key.Value, Serial: s.Key.Serial, Lot: lot, Expiry: d.Format("2006-01-02")}, nil
}

// Elements writes the product identifier as an element string in the
// order GS1 recommends: fixed-length (01) and (17) first, then (10) and
// (21). An expiry that is the last day of its month is written as such
// (DD is never 00 here).
func (p ProductIdentifier) Elements() (ElementString, error) {
	d, err := time.Parse("2006-01-02", p.Expiry)
	if err != nil {
		return nil, fmt.Errorf("expiry %q is not YYYY-MM-DD", p.Expiry)
	}
	es := ElementString{{AI: "01", Value: p.GTIN}, {AI: "17", Value: FormatDate(d)}, {AI: "10", Value: p.Lot}, {AI: "21", Value: p.Serial}}
	return es, es.Validate()
}
