package fhirapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cw "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/client/standards/fhir"
)

// consentDoc is a privacy consent in carechain's conventions, written here.
const consentDoc = `{"resourceType":"Consent","id":"consent-1","status":"active",
 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
 "patient":{"type":"Patient","identifier":{"system":"urn:carechain:patient","value":"subj-9f2c"}},
 "dateTime":"2026-03-01T09:58:00Z",
 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},
 "provision":{"type":"permit","period":{"start":"2026-03-01","end":"2026-12-31"},
  "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]},
            "reference":{"type":"Organization","identifier":{"system":"urn:carechain:msp","value":"Hospital2MSP"}}}],
  "action":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentaction","code":"access"}]}],
  "purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT"}],
  "class":[{"system":"urn:carechain:class","code":"lab"}]}}`

func TestConsentCreateReadSearchRevoke(t *testing.T) {
	f := newLedger()
	srv := newServer(f, org)
	w := do(srv, http.MethodPost, "/fhir/Consent", MediaFHIR, consentDoc)
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Consent")
	require.Equal(t, "/fhir/Consent/consent-1", w.Header().Get("Location"))
	back, err := fhir.ConsentInput(w.Body.Bytes(), fhir.At(recorded))
	require.NoError(t, err, "what the server answers reads back")
	require.Equal(t, f.consents["consent-1"].Provision, back.Input.Provision)

	second := strings.Replace(consentDoc, `"id":"consent-1"`, `"id":"consent-2"`, 1)
	require.Equal(t, http.StatusCreated, do(srv, http.MethodPost, "/fhir/Consent", MediaFHIR, second).Code)
	require.Equal(t, 2, f.grants)

	w = do(srv, http.MethodGet, "/fhir/Consent?patient=Patient/f001&_count=1", "", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Bundle")
	var b struct {
		Type  string
		Link  []struct{ Relation, URL string }
		Entry []struct {
			Resource struct{ ID string }
		}
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &b))
	require.Equal(t, "searchset", b.Type)
	require.Equal(t, "consent-1", b.Entry[0].Resource.ID)
	require.Equal(t, "next", b.Link[1].Relation)
	w = do(srv, http.MethodGet, b.Link[1].URL, "", "")
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &b))
	require.Equal(t, "consent-2", b.Entry[0].Resource.ID, "the next page")
	require.Len(t, b.Link, 1, "the last page has no next")

	w = do(srv, http.MethodPost, "/fhir/Consent/consent-1/$revoke", "", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Consent")
	require.Contains(t, w.Body.String(), `"status":"inactive"`)
	require.Equal(t, cw.StatusInactive, f.consents["consent-1"].Status)
}

func TestConsentRefusalsAndBadSearches(t *testing.T) {
	f := newLedger()
	srv := newServer(f, org)
	w := do(srv, http.MethodPost, "/fhir/Consent", MediaFHIR, strings.Replace(consentDoc, `"OPTOUT"`, `"OPTIN"`, 1))
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Equal(t, []string{"Consent.policyRule.coding[0].code"}, decodeOutcome(t, w.Body.Bytes()).Issue[0].Expression)
	require.Zero(t, f.grants, "a refused consent grants nothing")
	for _, q := range []string{"", "?patient=Patient/unknown", "?patient:identifier=urn:other|x", "?patient=Patient/f001&_count=0", "?patient=Patient/f001&_count=x"} {
		w := do(srv, http.MethodGet, "/fhir/Consent"+q, "", "")
		require.Equal(t, http.StatusBadRequest, w.Code, q)
		validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "OperationOutcome")
	}
	w = do(srv, http.MethodGet, "/fhir/Consent?patient:identifier=urn:carechain:patient|nobody", "", "")
	require.Equal(t, http.StatusOK, w.Code, "a patient without consents has an empty bundle")
	require.NotContains(t, w.Body.String(), "entry")
	w = do(srv, http.MethodPost, "/fhir/Consent/nope/$revoke", "", "")
	require.Equal(t, http.StatusNotFound, w.Code)
}

// metadata lists exactly the routes served, and is valid R4; an API
// without chaincodes serves metadata only.
func TestMetadataListsExactlyWhatIsServed(t *testing.T) {
	w := do(newServer(newLedger(), org), http.MethodGet, "/fhir/metadata", "", "")
	require.Equal(t, http.StatusOK, w.Code)
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "CapabilityStatement")
	var cs struct {
		Rest []struct {
			Resource []struct {
				Type        string
				Interaction []struct{ Code string }
				SearchParam []struct{ Name string }
				Operation   []struct{ Name string }
			}
		}
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &cs))
	got := map[string][]string{}
	for _, r := range cs.Rest[0].Resource {
		for _, i := range r.Interaction {
			got[r.Type] = append(got[r.Type], i.Code)
		}
		for _, s := range r.SearchParam {
			got[r.Type] = append(got[r.Type], "?"+s.Name)
		}
		for _, o := range r.Operation {
			got[r.Type] = append(got[r.Type], "$"+o.Name)
		}
	}
	require.Equal(t, map[string][]string{
		"Claim": {"create", "read", "search-type", "?_id", "?patient"}, "ClaimResponse": {"read", "search-type", "?request", "?patient"},
		"ExplanationOfBenefit": {"read", "search-type", "?claim", "?patient"}, "Coverage": {"create", "read"},
		"Consent": {"create", "read", "search-type", "?patient", "$revoke"}}, got)
}

// Every interaction metadata lists is routed: each answers FHIR, not the
// server's "no route" problem document.
func TestListedInteractionsAreRouted(t *testing.T) {
	srv := newServer(newLedger(), org)
	for _, probe := range []struct{ method, path string }{{"POST", "/fhir/Claim"}, {"GET", "/fhir/ClaimResponse/x"},
		{"GET", "/fhir/ExplanationOfBenefit/x"}, {"POST", "/fhir/Coverage"}, {"GET", "/fhir/Coverage/x"}, {"POST", "/fhir/Consent"},
		{"GET", "/fhir/Consent/x"}, {"GET", "/fhir/Consent"}, {"POST", "/fhir/Consent/x/$revoke"}, {"GET", "/fhir/Claim/x"},
		{"GET", "/fhir/Claim?_id=x"}, {"GET", "/fhir/ClaimResponse?request=Claim/x"}, {"GET", "/fhir/ExplanationOfBenefit?claim=Claim/x"}} {
		w := do(srv, probe.method, probe.path, "", "")
		require.Equal(t, MediaFHIR, w.Header().Get("Content-Type"), "%s %s is routed", probe.method, probe.path)
	}
	bare := New(org, WithClock(func() time.Time { return recorded }))
	require.Len(t, bare.Routes(), 1)
	require.Empty(t, bare.served())
}
