package fhirapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/standards/fhir"
)

type bundle struct {
	ResourceType, Type string
	Link               []struct{ Relation, URL string }
	Entry              []struct {
		Resource struct{ ResourceType, ID string }
		Search   struct{ Mode string }
	}
}

func searchset(t *testing.T, w interface {
	Result() *http.Response
}, body []byte) bundle {
	t.Helper()
	var b bundle
	require.NoError(t, json.Unmarshal(body, &b))
	require.Equal(t, "Bundle", b.ResourceType)
	require.Equal(t, "searchset", b.Type)
	require.Equal(t, "self", b.Link[0].Relation)
	return b
}

// A claim reads back as the R4 Claim it was submitted as, and is found by
// its id (Claim?_id), as the request of its ClaimResponse and the claim of
// its ExplanationOfBenefit: searchsets of one, valid R4; a claim not there
// is an empty searchset.
func TestClaimReadAndSearchesByClaim(t *testing.T) {
	f := newLedger()
	srv := newServer(f, org)
	require.Equal(t, http.StatusCreated, do(srv, http.MethodPost, "/fhir/Claim", MediaFHIR, claimDoc).Code)

	w := do(srv, http.MethodGet, "/fhir/Claim/clm-7a1", "", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Claim")
	back, err := fhir.ClaimInput(w.Body.Bytes(), fhir.At(recorded))
	require.NoError(t, err, "the Claim served reads back")
	require.Equal(t, f.claims["clm-7a1"].Input, back.Input)

	for target, typ := range map[string]string{
		"/fhir/Claim?_id=clm-7a1":                          "Claim",
		"/fhir/ClaimResponse?request=Claim/clm-7a1":        "ClaimResponse",
		"/fhir/ClaimResponse?request=clm-7a1":              "ClaimResponse",
		"/fhir/ExplanationOfBenefit?claim=Claim/clm-7a1":   "ExplanationOfBenefit",
		"/fhir/ExplanationOfBenefit?claim=Claim/clm-other": "",
	} {
		w := do(srv, http.MethodGet, target, "", "")
		require.Equal(t, http.StatusOK, w.Code, "%s: %s", target, w.Body.String())
		validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Bundle")
		b := searchset(t, w, w.Body.Bytes())
		if typ == "" {
			require.Empty(t, b.Entry, target)
			continue
		}
		require.Len(t, b.Entry, 1, target)
		require.Equal(t, typ, b.Entry[0].Resource.ResourceType, target)
		require.Equal(t, "clm-7a1", b.Entry[0].Resource.ID, target)
		require.Equal(t, "match", b.Entry[0].Search.Mode)
		require.Equal(t, target, b.Link[0].URL)
	}
}

// What the ledger's keys do not hold is refused by parameter, never
// answered by a scan or by ignoring the parameter.
func TestSearchesRefuseWhatTheKeysDoNotHold(t *testing.T) {
	f := newLedger()
	srv := newServer(f, org)
	for target, param := range map[string]string{
		"/fhir/Claim?patient=Patient/nobody":                         "patient",
		"/fhir/ExplanationOfBenefit?patient:identifier=urn:x|1":      "patient:identifier",
		"/fhir/Claim?patient=Patient/f001&_id=clm-1":                 "_id",
		"/fhir/ExplanationOfBenefit?patient=Patient/f001&_count=0":   "_count",
		"/fhir/Claim?_id=clm-1&status=active":                        "status",
		"/fhir/ClaimResponse?request=Patient/f001":                   "request",
		"/fhir/ClaimResponse":                                        "request",
		"/fhir/Consent?patient=Patient/f001&category=http://x|y":     "category",
		"/fhir/Consent?patient=Patient/f001&_count=1000":             "_count",
		"/fhir/ExplanationOfBenefit?claim=Claim/clm-1&_sort=created": "_sort",
	} {
		w := do(srv, http.MethodGet, target, "", "")
		require.Equal(t, http.StatusBadRequest, w.Code, target)
		oo := decodeOutcome(t, w.Body.Bytes())
		require.Equal(t, []string{param}, oo.Issue[0].Expression, target)
	}
	meta := do(srv, http.MethodGet, "/fhir/metadata", "", "").Body.String()
	require.Contains(t, meta, `"searchParam":[{"name":"request","type":"reference"},{"name":"patient","type":"reference"}]`)
	require.Contains(t, meta, `"searchParam":[{"name":"claim","type":"reference"},{"name":"patient","type":"reference"}]`)
}

// A patient's claims page one at a time as Claims and as
// ExplanationOfBenefits (valid R4 searchsets; the next link carries the
// bookmark); another patient's are not among them; a list the ledger
// refuses is answered forbidden.
func TestClaimSearchesByPatientPage(t *testing.T) {
	f := newLedger()
	srv := newServer(f, org)
	for _, id := range []string{"clm-7a1", "clm-7a2"} {
		doc := strings.Replace(claimDoc, `"id":"clm-7a1"`, `"id":"`+id+`"`, 1)
		require.Equal(t, http.StatusCreated, do(srv, http.MethodPost, "/fhir/Claim", MediaFHIR, doc).Code)
	}
	other := *f.claims["clm-7a2"]
	other.Input.ID, other.Input.Patient = "clm-8b1", "subj-other"
	f.claims["clm-8b1"] = &other
	for _, typ := range []string{"Claim", "ExplanationOfBenefit", "ClaimResponse"} {
		target := "/fhir/" + typ + "?patient=Patient/f001&_count=1"
		var ids []string
		for pages := 0; target != "" && pages < 5; pages++ {
			w := do(srv, http.MethodGet, target, "", "")
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Bundle")
			b := searchset(t, w, w.Body.Bytes())
			for _, e := range b.Entry {
				require.Equal(t, typ, e.Resource.ResourceType)
				ids = append(ids, e.Resource.ID)
			}
			target = ""
			if len(b.Link) > 1 {
				require.Equal(t, "next", b.Link[1].Relation)
				target = b.Link[1].URL
			}
		}
		require.Equal(t, []string{"clm-7a1", "clm-7a2"}, ids, typ)
	}
	w := do(srv, http.MethodGet, "/fhir/Claim?patient:identifier="+fhir.SystemPatient+"|subj-other", "", "")
	require.Len(t, searchset(t, w, w.Body.Bytes()).Entry, 1)

	f.listErr = &client.Error{Code: client.CodeForbidden, Message: "ProviderMSP/clerk may not do this"}
	w = do(srv, http.MethodGet, "/fhir/ExplanationOfBenefit?patient=Patient/f001", "", "")
	require.Equal(t, http.StatusForbidden, w.Code)
}

// A patient's documents page one at a time, newest first, each the
// DocumentReference of a verified history; the next link carries the
// bookmark; an identity that may not list them is answered forbidden.
func TestDocumentReferenceSearchByPatientPages(t *testing.T) {
	f := &fakeRecords{stored: map[string][]byte{}, anchors: map[string]rc.Anchor{}}
	srv := docServer(f, org)
	for _, id := range []string{"rec-1", "rec-2"} {
		doc := strings.Replace(docRef("x"), `"id":"rec-1"`, `"id":"`+id+`"`, 1)
		require.Equal(t, http.StatusCreated, do(srv, http.MethodPost, "/fhir/DocumentReference", MediaFHIR, doc).Code)
	}
	target := "/fhir/DocumentReference?patient:identifier=" + fhir.SystemPatient + "|subj-9f2c&_count=1"
	var ids []string
	for target != "" {
		w := do(srv, http.MethodGet, target, "", "")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Bundle")
		b := searchset(t, w, w.Body.Bytes())
		require.Len(t, b.Entry, 1)
		require.Equal(t, "DocumentReference", b.Entry[0].Resource.ResourceType)
		ids = append(ids, b.Entry[0].Resource.ID)
		target = ""
		if len(b.Link) > 1 {
			require.Equal(t, "next", b.Link[1].Relation)
			require.Contains(t, b.Link[1].URL, "_page=")
			target = b.Link[1].URL
		}
	}
	require.Equal(t, []string{"rec-1", "rec-2"}, ids)

	f.broken = true
	w := do(srv, http.MethodGet, "/fhir/DocumentReference?patient:identifier="+fhir.SystemPatient+"|subj-9f2c", "", "")
	require.Equal(t, http.StatusInternalServerError, w.Code, "a history that does not verify is not listed")
	f.broken, f.denied = false, true
	w = do(srv, http.MethodGet, "/fhir/DocumentReference?patient:identifier="+fhir.SystemPatient+"|subj-9f2c", "", "")
	require.Equal(t, http.StatusForbidden, w.Code)
	w = do(srv, http.MethodGet, "/fhir/DocumentReference?subject=Patient/f001", "", "")
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Equal(t, []string{"subject"}, decodeOutcome(t, w.Body.Bytes()).Issue[0].Expression)
}
