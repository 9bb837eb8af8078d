package gs1

import "fmt"

// Kind is the kind of thing a Key identifies.
type Kind string

// Kinds of keys. SGTIN, SSCC, SGLN, PGLN, GRAI, GIAI and GSRN identify
// one thing (an instance); LGTIN (a lot of a product) and GTIN (a product)
// are classes.
const (
	SGTIN Kind = "sgtin" // a serialized trade item: GTIN + serial (AI 01 + 21)
	LGTIN Kind = "lgtin" // a lot of a trade item: GTIN + lot (AI 01 + 10)
	GTIN  Kind = "gtin"  // a trade item class: GTIN (AI 01)
	SSCC  Kind = "sscc"  // a logistic unit (AI 00)
	SGLN  Kind = "sgln"  // a physical location: GLN + extension (AI 414 + 254)
	PGLN  Kind = "pgln"  // a party (AI 417)
	GRAI  Kind = "grai"  // a returnable asset (AI 8003)
	GIAI  Kind = "giai"  // an individual asset (AI 8004)
	GSRN  Kind = "gsrn"  // a service relation (AI 8018)
)

// Key is a GS1 identification key with its qualifiers, whatever form it
// was read from: the URN and the Digital Link of one item are equal Keys.
type Key struct {
	Kind Kind `json:"kind"`
	// Value is the primary key's element string value: a GTIN-14 (SGTIN,
	// LGTIN, GTIN), an SSCC, a GLN (SGLN, PGLN), a GRAI's first 14 digits,
	// a GIAI or a GSRN.
	Value string `json:"value"`
	// Serial is an SGTIN's serial (AI 21) or a GRAI's serial component.
	Serial string `json:"serial,omitempty"`
	// Lot is an LGTIN's lot (AI 10); a Digital Link may also give it
	// with an SGTIN.
	Lot string `json:"lot,omitempty"`
	// Extension is an SGLN's extension (AI 254); "" is none (URN "0").
	Extension string `json:"extension,omitempty"`
}

// Instance reports whether the key names one thing rather than a class.
func (k Key) Instance() bool { return k.Kind != LGTIN && k.Kind != GTIN }

// Same reports whether k and o identify the same thing: a lot given with
// an SGTIN does not change which unit it is.
func (k Key) Same(o Key) bool {
	if k.Kind == SGTIN && o.Kind == SGTIN {
		return k.Value == o.Value && k.Serial == o.Serial
	}
	return k == o
}

// Validate checks a key's value (check digits, lengths, character set).
func (k Key) Validate() error {
	switch k.Kind {
	case SGTIN, LGTIN, GTIN:
		return k.validateGTIN()
	case SSCC:
		return CheckSSCC(k.Value)
	case SGLN, PGLN:
		if err := CheckGLN(k.Value); err != nil {
			return err
		}
		if k.Kind == SGLN && k.Extension != "" {
			return checkChars("extension (AI 254)", k.Extension, 20)
		}
		return nil
	case GRAI:
		if err := checkKey("GRAI", k.Value, 14); err != nil {
			return err
		}
		if k.Serial == "" {
			return nil
		}
		return checkChars("GRAI serial", k.Serial, 16)
	case GIAI:
		return checkChars("GIAI", k.Value, 30)
	case GSRN:
		return CheckGSRN(k.Value)
	}
	return fmt.Errorf("unknown GS1 key kind %q", k.Kind)
}

func (k Key) validateGTIN() error {
	if err := CheckGTIN(k.Value); err != nil {
		return err
	}
	if k.Kind == SGTIN {
		if err := checkChars("serial (AI 21)", k.Serial, 20); err != nil {
			return err
		}
	}
	if k.Kind == LGTIN || k.Lot != "" {
		return checkChars("lot (AI 10)", k.Lot, 20)
	}
	return nil
}

// checkChars validates a value of the GS1 AI encodable character set 82,
// 1 to longest characters.
func checkChars(name, v string, longest int) error {
	if v == "" || len(v) > longest {
		return &KeyError{Name: name, Value: v, Reason: fmt.Sprintf("is not 1 to %d characters", longest)}
	}
	for i := 0; i < len(v); i++ {
		if !inSet82(v[i]) {
			return &KeyError{Name: name, Value: v, Reason: fmt.Sprintf("has %q at %d, outside GS1's character set 82", v[i], i)}
		}
	}
	return nil
}

// inSet82 reports whether c is in the GS1 AI encodable character set 82
// (GS1 General Specifications, figure 7.11-1).
func inSet82(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		return true
	}
	switch c {
	case '!', '"', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', ':', ';', '<', '=', '>', '?', '_':
		return true
	}
	return false
}
