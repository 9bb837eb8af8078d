package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/google/fhir/go/fhirversion"
	"github.com/google/fhir/go/jsonformat"

	"github.com/carechain/carechain/client/standards/refusal"
)

var (
	codecOnce sync.Once
	codec     *jsonformat.Unmarshaller
	codecErr  error
)

func unmarshaller() (*jsonformat.Unmarshaller, error) {
	codecOnce.Do(func() { codec, codecErr = jsonformat.NewUnmarshaller("UTC", fhirversion.R4) })
	return codec, codecErr
}

// reporter collects the library's validation errors as issues, each
// named inside the resource.
type reporter struct {
	typ    string
	issues refusal.List
}

func (r *reporter) ReportValidationError(path string, err error) error {
	if path != r.typ && !strings.HasPrefix(path, r.typ+".") {
		path = r.typ + "." + path
	}
	r.issues.Add(path, "not valid R4: %v", err)
	return nil
}

func (r *reporter) ReportValidationWarning(string, error) error { return nil }

// Validate checks that data is one valid FHIR R4 resource (JSON) and
// returns its resource type. An invalid resource is a *refusal.Error whose
// issues name the elements at fault.
func Validate(data []byte) (string, error) {
	u, err := unmarshaller()
	if err != nil {
		return "", err
	}
	typ, ok := resourceType(data)
	if !ok {
		return "", &refusal.Error{Doc: "FHIR resource", Issues: []refusal.Issue{{Path: "resourceType", Reason: "not a FHIR JSON resource"}}}
	}
	r := reporter{typ: typ}
	if _, err := u.UnmarshalWithErrorReporter(data, &r); err != nil {
		r.parseErrors(err)
	}
	return typ, r.issues.Err(typ + " (R4)")
}

// errorAt is one of the library's parse errors: error at "Claim.created": ...
var errorAt = regexp.MustCompile(`^error at "([^"]+)": (.*)$`)

// parseErrors adds the library's parse errors (one a line), each at the
// element it names when it names one inside the resource, else at the
// resource: an OperationOutcome then points at the element.
func (r *reporter) parseErrors(err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		m := errorAt.FindStringSubmatch(line)
		if m != nil && (m[1] == r.typ || strings.HasPrefix(m[1], r.typ+".")) {
			r.issues.Add(m[1], "not valid R4: %s", m[2])
			continue
		}
		r.issues.Add(r.typ, "not valid R4: %s", line)
	}
}

// resourceType is the exact member resourceType of a JSON object.
func resourceType(data []byte) (string, bool) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return "", false
	}
	var typ string
	if err := json.Unmarshal(members["resourceType"], &typ); err != nil || !validType(typ) {
		return "", false
	}
	return typ, true
}

// validType: a resource type is a capitalised name of letters.
func validType(t string) bool {
	if t == "" || t[0] < 'A' || t[0] > 'Z' {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !(t[i] >= 'A' && t[i] <= 'Z' || t[i] >= 'a' && t[i] <= 'z') {
			return false
		}
	}
	return true
}

// emit encodes a resource carechain built and validates it as R4: what
// carechain emits as FHIR is R4, or it is a bug reported as an error.
func emit(resource map[string]any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resource); err != nil {
		return nil, err
	}
	data := bytes.TrimSpace(b.Bytes())
	if _, err := Validate(data); err != nil {
		return nil, fmt.Errorf("fhir: carechain built invalid R4: %w", err)
	}
	return data, nil
}
