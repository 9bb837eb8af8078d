package epcis

import (
	"bytes"
	"fmt"

	"github.com/dlclark/regexp2/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Validator checks documents against GS1's EPCIS 2.0 JSON schema (the
// inlined EPCIS-JSON-Schema.json of the gs1/EPCIS repository), formats
// asserted (uri, date-time) as GS1's own validation with ajv-formats
// does. The schema's patterns use lookaheads, which Go's regexp lacks:
// they run on dlclark/regexp2 in ECMAScript mode.
type Validator struct {
	schema *jsonschema.Schema
}

// NewValidator compiles a JSON schema given as its bytes.
func NewValidator(schema []byte) (*Validator, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, fmt.Errorf("EPCIS schema: %w", err)
	}
	const loc = "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json"
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(ecmaRegexp)
	c.AssertFormat()
	if err := c.AddResource(loc, doc); err != nil {
		return nil, fmt.Errorf("EPCIS schema: %w", err)
	}
	s, err := c.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("EPCIS schema: %w", err)
	}
	return &Validator{schema: s}, nil
}

// Validate checks one JSON document; the error lists every violation.
func (v *Validator) Validate(doc []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return v.schema.Validate(inst)
}

type ecma regexp2.Regexp

func (r *ecma) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(r).MatchString(s)
	return err == nil && ok
}

func (r *ecma) String() string { return (*regexp2.Regexp)(r).String() }

func ecmaRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecma)(re), nil
}
