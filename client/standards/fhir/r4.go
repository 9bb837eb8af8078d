package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// reporter collects the library's validation errors as issues.
type reporter struct{ issues refusal.List }

func (r *reporter) ReportValidationError(path string, err error) error {
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
	var head struct {
		ResourceType string `json:"resourceType"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.ResourceType == "" {
		return "", &refusal.Error{Doc: "FHIR resource", Issues: []refusal.Issue{{Path: "resourceType", Reason: "not a FHIR JSON resource"}}}
	}
	var r reporter
	if _, err := u.UnmarshalWithErrorReporter(data, &r); err != nil {
		r.issues.Add(head.ResourceType, "not valid R4: %v", err)
	}
	return head.ResourceType, r.issues.Err(head.ResourceType + " (R4)")
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
