package fhir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carechain/carechain/client/standards/refusal"
)

// FuzzConsentInput: no document panics the mapping; it answers an input
// or a refusal, every refused element named inside the Consent; an
// accepted one writes back to R4 that reads back the same.
func FuzzConsentInput(f *testing.F) {
	f.Add([]byte(ownConsent))
	files, _ := filepath.Glob(filepath.Join(examples, "Consent-*.json"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ConsentInput(data, recorded)
		if (res == nil) == (err == nil) {
			t.Fatalf("an input or an error, exactly one: %v %v", res, err)
		}
		for _, is := range refusal.Issues(err) {
			if is.Path != "resourceType" && !strings.HasPrefix(is.Path, "Consent") && !strings.HasPrefix(is.Path, "FHIR") {
				t.Fatalf("refusal outside the Consent: %s", is)
			}
		}
		if res == nil {
			return
		}
		consentReadsBack(t, res.Input)
	})
}
