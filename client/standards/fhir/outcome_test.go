package fhir

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/standards/refusal"
)

// A refusal becomes an OperationOutcome naming each element, valid R4.
func TestOperationOutcomeNamesEachElement(t *testing.T) {
	e := &refusal.Error{Doc: "Claim/1", Issues: []refusal.Issue{
		{Path: "Claim.item[2].productOrService", Reason: "carechain takes CPT or HCPCS codes"},
		{Path: "Claim.created", Reason: "not valid R4: bad dateTime"}}}
	data, err := OperationOutcome(RefusalIssues(e)...)
	require.NoError(t, err)
	typ, err := Validate(data)
	require.NoError(t, err)
	require.Equal(t, "OperationOutcome", typ)
	var oo struct {
		Issue []struct {
			Severity, Code, Diagnostics string
			Expression                  []string
		}
	}
	require.NoError(t, json.Unmarshal(data, &oo))
	require.Len(t, oo.Issue, 2)
	require.Equal(t, []string{"Claim.item[2].productOrService"}, oo.Issue[0].Expression)
	require.Equal(t, IssueNotSupported, oo.Issue[0].Code)
	require.Equal(t, IssueInvalid, oo.Issue[1].Code)
	require.Equal(t, "error", oo.Issue[1].Severity)
	empty, err := OperationOutcome()
	require.NoError(t, err)
	require.Contains(t, string(empty), `"code":"exception"`, "an outcome has at least one issue")
}

func TestSearchSetIsAValidBundle(t *testing.T) {
	oo, err := OperationOutcome(OutcomeIssue{Code: IssueNotFound, Diagnostics: "x"})
	require.NoError(t, err)
	data, err := SearchSet("https://h/fhir/Consent?patient=p", "https://h/fhir/Consent?patient=p&_page=b", oo)
	require.NoError(t, err)
	_, err = Validate(data)
	require.NoError(t, err)
	require.Contains(t, string(data), `"relation":"next"`)
	none, err := SearchSet("https://h/fhir/Consent?patient=p", "")
	require.NoError(t, err)
	require.NotContains(t, string(none), "entry")
}
