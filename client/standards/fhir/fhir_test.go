package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/standards/refusal"
)

const examples = "../../../test/testdata/fhir/r4"

// exampleDirectory is what an integration knows of its own FHIR server's
// ids: here, the literal references of HL7's examples, each given a
// carechain identity for the test.
func exampleDirectory(lit string) (string, string, bool) {
	typ, id, _ := strings.Cut(lit, "/")
	switch typ {
	case "Patient":
		return SystemPatient, "subject-" + id, true
	case "Organization":
		return SystemOrg, "Org" + id + "MSP", true
	case "Practitioner":
		return SystemNPI, "1234567893", true
	}
	return "", "", false
}

// recordedOn replays a document on the day it says it was made: the
// mapping takes the transaction's time, which the client chooses.
func recordedOn(data []byte) time.Time {
	var head map[string]any
	_ = json.Unmarshal(data, &head)
	for _, k := range []string{"dateTime", "created", "date"} {
		if s, ok := head[k].(string); ok {
			return mustDay(normalDay(s))
		}
	}
	return time.Now()
}

func mustDay(s string) time.Time {
	t, err := time.Parse("2006-01-02", s[:10])
	if err != nil {
		panic(err)
	}
	return t.Add(12 * time.Hour)
}

type tally struct {
	accepted, refused, emitted int
	elements                   map[string]int
}

var indexes = regexp.MustCompile(`\[[0-9]+\]`)

// TestOfficialExamples: every HL7 R4 example is accepted, or refused
// naming the elements carechain cannot represent, each a path into the
// document; accepted ones read back the same from what carechain writes.
// ClaimResponse and ExplanationOfBenefit are what carechain writes, never
// reads: their examples check the validator.
func TestOfficialExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(examples, "*.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 41)
	tallies := map[string]*tally{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		typ, err := Validate(data)
		require.NoError(t, err, "%s is valid R4", f)
		if tallies[typ] == nil {
			tallies[typ] = &tally{elements: map[string]int{}}
		}
		tl := tallies[typ]
		err = mapExample(t, typ, data)
		switch {
		case errors.Is(err, errEmitted):
			tl.emitted++
		case err == nil:
			tl.accepted++
		default:
			issues := refusal.Issues(err)
			require.NotEmpty(t, issues, "%s: %v", f, err)
			tl.refused++
			seen := map[string]bool{}
			for _, is := range issues {
				require.True(t, strings.HasPrefix(is.Path, typ+"."), "%s: %s names an element of the %s", f, is.Path, typ)
				require.NotEmpty(t, is.Reason)
				el := indexes.ReplaceAllString(is.Path, "")
				if !seen[el] {
					seen[el] = true
					tl.elements[el]++
				}
			}
		}
	}
	logTally(t, tallies)
}

var errEmitted = fmt.Errorf("carechain emits this resource type")

func mapExample(t *testing.T, typ string, data []byte) error {
	opts := []Option{WithDirectory(exampleDirectory), At(recordedOn(data))}
	switch typ {
	case "Consent":
		res, err := ConsentInput(data, opts...)
		if err == nil {
			consentReadsBack(t, res.Input)
		}
		return err
	case "Claim":
		res, err := ClaimInput(data, opts...)
		if err == nil {
			claimRoundTrip(t, res, opts)
		}
		return err
	case "Coverage":
		res, err := CoverageInput(data, opts...)
		if err == nil {
			coverageRoundTrip(t, res.Coverage, opts)
		}
		return err
	case "DocumentReference":
		_, err := DocumentInput(data, nil, opts...)
		return err
	}
	return errEmitted
}

func logTally(t *testing.T, tallies map[string]*tally) {
	types := make([]string, 0, len(tallies))
	for typ := range tallies {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		tl := tallies[typ]
		if tl.emitted > 0 {
			t.Logf("%s: %d examples validate (carechain writes %s, reads none)", typ, tl.emitted, typ)
			continue
		}
		t.Logf("%s: %d accepted, %d refused by element", typ, tl.accepted, tl.refused)
		els := make([]string, 0, len(tl.elements))
		for el := range tl.elements {
			els = append(els, el)
		}
		sort.Slice(els, func(i, j int) bool {
			if tl.elements[els[i]] != tl.elements[els[j]] {
				return tl.elements[els[i]] > tl.elements[els[j]]
			}
			return els[i] < els[j]
		})
		for _, el := range els {
			t.Logf("    %-70s refused in %d", el, tl.elements[el])
		}
	}
}

func claimRoundTrip(t *testing.T, res *ClaimResult, opts []Option) {
	t.Helper()
	data, err := ClaimResource(res.Input, res.Provider, "2014-08-16")
	require.NoError(t, err)
	back, err := ClaimInput(data, opts...)
	require.NoError(t, err)
	require.Equal(t, res.Input, back.Input)
}

func coverageRoundTrip(t *testing.T, c cl.Coverage, opts []Option) {
	t.Helper()
	data, err := CoverageResource(c)
	require.NoError(t, err)
	back, err := CoverageInput(data, opts...)
	require.NoError(t, err)
	require.Equal(t, c, back.Coverage)
}

// HL7's one professional example is refused by exactly what no payer
// would take as it is: a diagnosis without a code system, a service in
// HL7's example code system, and no place of service. Coded as a real
// system codes them (ICD-10-CM, CPT, CMS place of service), the same
// document goes in, business identifier and all, and reads back from the
// R4 Claim carechain writes (valid R4) to the same input.
func TestProfessionalExampleGoesInOnceCoded(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(examples, "Claim-860150.json"))
	require.NoError(t, err)
	opts := []Option{WithDirectory(exampleDirectory), At(recordedOn(data))}
	_, err = ClaimInput(data, opts...)
	var paths []string
	for _, is := range refusal.Issues(err) {
		paths = append(paths, is.Path)
	}
	require.ElementsMatch(t, []string{"Claim.item[0].locationCodeableConcept",
		"Claim.diagnosis[0].diagnosisCodeableConcept.coding[0].code", "Claim.item[0].productOrService.coding[0].code"}, paths)

	coded := strings.Replace(string(data), `"code": "654456"`, `"system": "`+systemICD10CM+`", "code": "J06.9"`, 1)
	coded = strings.Replace(coded, `"system": "http://hl7.org/fhir/ex-serviceproduct",
            "code": "exam"`, `"system": "`+systemCPT+`",
            "code": "99213"`, 1)
	coded = strings.Replace(coded, `"servicedDate": "2014-08-16",`, `"servicedDate": "2014-08-16",
      "locationCodeableConcept": {"coding": [{"system": "`+systemPOS+`", "code": "11"}]},`, 1)
	require.NotContains(t, coded, "654456")
	require.NotContains(t, coded, "ex-serviceproduct")
	res, err := ClaimInput([]byte(coded), opts...)
	require.NoError(t, err)
	require.Equal(t, []cl.Identifier{{System: "http://happypdocs.com/claim", Value: "8612345"}}, res.Input.Identifiers)
	require.Equal(t, []string{"J06.9"}, res.Input.Diagnoses)
	require.Equal(t, "11", res.Input.PlaceOfService)
	out, err := ClaimResource(res.Input, res.Provider, "2014-08-16")
	require.NoError(t, err)
	typ, err := Validate(out)
	require.NoError(t, err)
	require.Equal(t, "Claim", typ)
	claimRoundTrip(t, res, opts)
}
