package fhirapi

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	rc "github.com/carechain/carechain/chaincode/records/wire"
)

// docTransaction is a DocumentReference and the Binary of its content in
// one transaction Bundle, the attachment naming the Binary's fullUrl.
func docTransaction(content string) string {
	return `{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:4f1c2b7e-0d7a-4c55-9a51-3f2d9b7f1e10","resource":{"resourceType":"DocumentReference","id":"rec-5","status":"current",
   "category":[{"coding":[{"system":"urn:carechain:class","code":"lab"}]}],
   "subject":{"identifier":{"system":"urn:carechain:patient","value":"subj-9f2c"}},
   "custodian":{"identifier":{"system":"urn:carechain:msp","value":"HospitalMSP"}},
   "content":[{"attachment":{"contentType":"text/plain","url":"urn:uuid:8d2e6a10-5b3c-4f7e-b1a2-9c0d4e5f6a7b"}}]},
  "request":{"method":"POST","url":"DocumentReference"}},
 {"fullUrl":"urn:uuid:8d2e6a10-5b3c-4f7e-b1a2-9c0d4e5f6a7b","resource":{"resourceType":"Binary","contentType":"text/plain",
   "data":"` + base64.StdEncoding.EncodeToString([]byte(content)) + `"},"request":{"method":"POST","url":"Binary"}}]}`
}

// POST /fhir with a transaction anchors the document with its Binary's
// content (through the records client, once) and answers the
// transaction-response; the CapabilityStatement lists the transaction.
func TestDocumentTransactionAnchorsTheBinary(t *testing.T) {
	f := &fakeRecords{stored: map[string][]byte{}, anchors: map[string]rc.Anchor{}}
	srv := docServer(f, org)
	w := do(srv, http.MethodPost, "/fhir", MediaFHIR, docTransaction("potassium 4.1 mmol/L"))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Bundle")
	require.Contains(t, w.Body.String(), `"type":"transaction-response"`)
	require.Contains(t, w.Body.String(), `"location":"DocumentReference/rec-5/_history/1"`)
	require.Equal(t, "potassium 4.1 mmol/L", string(f.stored["rec-5"]))
	require.NotContains(t, w.Body.String(), "potassium")

	meta := do(srv, http.MethodGet, "/fhir/metadata", "", "")
	validR4(t, meta.Body.Bytes(), meta.Header().Get("Content-Type"), "CapabilityStatement")
	require.Contains(t, meta.Body.String(), `"interaction":[{"code":"transaction"}]`)
}

// A transaction that is refused anchors nothing: another org's custodian,
// a Binary the attachment does not name, a batch.
func TestDocumentTransactionRefusalsAnchorNothing(t *testing.T) {
	f := &fakeRecords{stored: map[string][]byte{}, anchors: map[string]rc.Anchor{}}
	for name, c := range map[string]struct {
		session, from, to, path string
	}{
		"another custodian": {"ClinicMSP", "", "", "DocumentReference.custodian"},
		"unnamed Binary":    {org, `"url":"urn:uuid:8d2e6a10-5b3c-4f7e-b1a2-9c0d4e5f6a7b"}`, `"url":"urn:uuid:00000000-0000-4000-8000-000000000000"}`, "DocumentReference.content[0].attachment.url"},
		"a batch":           {org, `"type":"transaction"`, `"type":"batch"`, "Bundle.type"},
	} {
		doc := docTransaction("x")
		if c.from != "" {
			doc = strings.Replace(doc, c.from, c.to, 1)
		}
		w := do(docServer(f, c.session), http.MethodPost, "/fhir", MediaFHIR, doc)
		require.Equal(t, http.StatusBadRequest, w.Code, name)
		require.Contains(t, decodeOutcome(t, w.Body.Bytes()).Issue[0].Expression, c.path, name)
	}
	require.Empty(t, f.stored)
}
