package fhirapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/standards/fhir"
)

// claimDoc is an R4 professional Claim in carechain's conventions,
// written here (the official examples are the library's tests).
const claimDoc = `{"resourceType":"Claim","id":"clm-7a1","status":"active",
 "type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},
 "use":"claim","patient":{"identifier":{"system":"urn:carechain:patient","value":"subj-9f2c"}},
 "created":"2026-03-01","insurer":{"identifier":{"system":"urn:carechain:msp","value":"PayerMSP"}},
 "provider":{"identifier":{"system":"urn:carechain:msp","value":"HospitalMSP"}},
 "priority":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/processpriority","code":"normal"}]},
 "careTeam":[{"sequence":1,"provider":{"identifier":{"system":"http://hl7.org/fhir/sid/us-npi","value":"1234567893"}}}],
 "diagnosis":[{"sequence":1,"diagnosisCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"J02.0"}]}}],
 "insurance":[{"sequence":1,"focal":true,"coverage":{"reference":"Coverage/COV-55"}}],
 "item":[{"sequence":1,"careTeamSequence":[1],"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"99213"}]},
   "servicedDate":"2026-02-27","locationCodeableConcept":{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set","code":"11"}]},
   "quantity":{"value":1},"unitPrice":{"value":75.0,"currency":"USD"},"net":{"value":75.0,"currency":"USD"}},
  {"sequence":2,"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"87070"}]},
   "servicedDate":"2026-02-27","locationCodeableConcept":{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set","code":"11"}]},
   "quantity":{"value":2},"unitPrice":{"value":12.5,"currency":"USD"}}],
 "total":{"value":100,"currency":"USD"}}`

// outcome is an OperationOutcome as answered.
type outcome struct {
	ResourceType string
	Issue        []struct {
		Severity, Code, Diagnostics string
		Expression                  []string
	}
}

// validR4 checks an answer is FHIR JSON, valid R4 of resource type typ.
func validR4(t *testing.T, body []byte, contentType, typ string) {
	t.Helper()
	require.Equal(t, MediaFHIR, contentType)
	got, err := fhir.Validate(body)
	require.NoError(t, err, string(body))
	require.Equal(t, typ, got)
}

func decodeOutcome(t *testing.T, body []byte) outcome {
	t.Helper()
	var oo outcome
	require.NoError(t, json.Unmarshal(body, &oo))
	require.Equal(t, "OperationOutcome", oo.ResourceType)
	require.NotEmpty(t, oo.Issue)
	return oo
}

func TestClaimCreateAnswersItsClaimResponse(t *testing.T) {
	f := newLedger()
	srv := newServer(f, org)
	w := do(srv, http.MethodPost, "/fhir/Claim", MediaFHIR, claimDoc)
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "ClaimResponse")
	require.Equal(t, "/fhir/ClaimResponse/clm-7a1", w.Header().Get("Location"))
	require.Contains(t, w.Body.String(), `"outcome":"queued"`)
	require.Equal(t, 1, f.submits)
	require.Equal(t, "subj-9f2c", f.claims["clm-7a1"].Input.Patient)
	require.Equal(t, int64(10000), f.claims["clm-7a1"].Input.TotalCents)

	f.claims["clm-7a1"].Status = cl.StatusAdjudicated
	f.claims["clm-7a1"].Adjudication = &cl.Adjudication{Outcome: cl.OutcomePartial, At: "2026-03-02T10:00:00Z"}
	for typ, path := range map[string]string{"ClaimResponse": "/fhir/ClaimResponse/clm-7a1", "ExplanationOfBenefit": "/fhir/ExplanationOfBenefit/clm-7a1"} {
		w = do(srv, http.MethodGet, path, "", "")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), typ)
		require.Contains(t, w.Body.String(), `"outcome":"complete"`)
	}
}

func TestClaimCreateRefusesByElementAndSubmitsNothing(t *testing.T) {
	cases := map[string]struct {
		session, from, to, expression, code string
	}{
		"unknown procedure system": {org, `"system":"http://www.ama-assn.org/go/cpt","code":"87070"`, `"system":"http://snomed.info/sct","code":"87070"`,
			"Claim.item[1].productOrService.coding[0].code", fhir.IssueNotSupported},
		"another org's claim": {"ClinicMSP", "", "", "Claim.provider", fhir.IssueNotSupported},
		"not R4":              {org, `"created":"2026-03-01"`, `"created":"yesterday"`, "Claim.created", fhir.IssueInvalid},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newLedger()
			doc := strings.Replace(claimDoc, tc.from, tc.to, 1)
			w := do(newServer(f, tc.session), http.MethodPost, "/fhir/Claim", MediaFHIR, doc)
			require.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
			validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "OperationOutcome")
			oo := decodeOutcome(t, w.Body.Bytes())
			var exprs []string
			for _, is := range oo.Issue {
				require.Equal(t, "error", is.Severity)
				exprs = append(exprs, is.Expression...)
				if len(is.Expression) > 0 && is.Expression[0] == tc.expression {
					require.Equal(t, tc.code, is.Code)
				}
			}
			require.Contains(t, exprs, tc.expression)
			require.Zero(t, f.submits, "a refused claim is not submitted")
		})
	}
}

func TestClaimCreateWhoseOutcomeIsUnknownSaysSoOnce(t *testing.T) {
	f := newLedger()
	f.failErr = &client.Error{Code: client.CodeCommitUnknown, TxID: "tx-maybe", Message: "commit status unknown"}
	w := do(newServer(f, org), http.MethodPost, "/fhir/Claim", "application/json", claimDoc)
	require.Equal(t, http.StatusAccepted, w.Code, w.Body.String())
	oo := decodeOutcome(t, w.Body.Bytes())
	require.Equal(t, fhir.IssueIncomplete, oo.Issue[0].Code)
	require.Contains(t, oo.Issue[0].Diagnostics, "tx-maybe")
	require.Contains(t, oo.Issue[0].Diagnostics, "do not send the request again")
	require.Equal(t, 1, f.submits)
}

// A claim that committed but does not read back is answered queued, not
// as an error that would invite a second submission.
func TestClaimCreateCommittedButNotReadBack(t *testing.T) {
	f := newLedger()
	f.readErr = &client.Error{Code: client.CodeUnavailable, Message: "no peer"}
	w := do(newServer(f, org), http.MethodPost, "/fhir/Claim", MediaFHIR, claimDoc)
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "ClaimResponse")
	require.Contains(t, w.Body.String(), `"outcome":"queued"`)
}

func TestReadsOfWhatIsNotThereAreOperationOutcomes(t *testing.T) {
	srv := newServer(newLedger(), org)
	for _, path := range []string{"/fhir/ClaimResponse/nope", "/fhir/ExplanationOfBenefit/nope", "/fhir/Coverage/nope", "/fhir/Consent/nope"} {
		w := do(srv, http.MethodGet, path, "", "")
		require.Equal(t, http.StatusNotFound, w.Code, path)
		validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "OperationOutcome")
		require.Equal(t, fhir.IssueNotFound, decodeOutcome(t, w.Body.Bytes()).Issue[0].Code)
	}
	w := do(srv, http.MethodPost, "/fhir/Claim", "text/xml", "<Claim/>")
	require.Equal(t, http.StatusUnsupportedMediaType, w.Code)
	require.Equal(t, fhir.IssueNotSupported, decodeOutcome(t, w.Body.Bytes()).Issue[0].Code)
}

func TestCoverageCreateAndRead(t *testing.T) {
	payer := "PayerMSP"
	cov := cl.Coverage{ID: "COV-55", Member: "subj-9f2c", Payer: payer, Plan: "GOLD", Status: "active",
		Period: cl.Period{Start: "2026-01-01", End: "2026-12-31"}, CopayCents: 2000, DeductibleCents: 50000}
	doc, err := fhir.CoverageResource(cov)
	require.NoError(t, err)
	f := newLedger()
	srv := newServer(f, payer)
	w := do(srv, http.MethodPost, "/fhir/Coverage", MediaFHIR, string(doc))
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Coverage")
	require.Equal(t, "/fhir/Coverage/COV-55", w.Header().Get("Location"))
	require.Equal(t, "GOLD", f.coverages[payer+"/COV-55"].Plan)
	w = do(srv, http.MethodGet, "/fhir/Coverage/COV-55", "", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	back, err := fhir.CoverageInput(w.Body.Bytes(), fhir.At(recorded))
	require.NoError(t, err)
	require.Equal(t, cov.Plan, back.Coverage.Plan)
	require.Equal(t, cov.Member, back.Coverage.Member)

	w = do(newServer(f, "OtherPayerMSP"), http.MethodPost, "/fhir/Coverage", MediaFHIR, string(doc))
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Equal(t, []string{"Coverage.payor[0]"}, decodeOutcome(t, w.Body.Bytes()).Issue[0].Expression)
}
