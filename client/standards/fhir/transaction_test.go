package fhir

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/standards/refusal"
)

const note = "Discharge summary: potassium 4.1 mmol/L"

// txBundle is a transaction as an EHR integration sends a document with
// its content: the DocumentReference's attachment names the Binary entry
// by its fullUrl.
func txBundle() string {
	return `{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:4f1c2b7e-0d7a-4c55-9a51-3f2d9b7f1e10","resource":{"resourceType":"DocumentReference","id":"rec-77","status":"current",
   "category":[{"coding":[{"system":"urn:carechain:class","code":"discharge"}]}],
   "subject":{"identifier":{"system":"urn:carechain:patient","value":"subj-9f2c"}},
   "content":[{"attachment":{"contentType":"text/plain","url":"urn:uuid:8d2e6a10-5b3c-4f7e-b1a2-9c0d4e5f6a7b"}}]},
  "request":{"method":"POST","url":"DocumentReference"}},
 {"fullUrl":"urn:uuid:8d2e6a10-5b3c-4f7e-b1a2-9c0d4e5f6a7b","resource":{"resourceType":"Binary","contentType":"text/plain",
   "data":"` + base64.StdEncoding.EncodeToString([]byte(note)) + `"},
  "request":{"method":"POST","url":"Binary"}}]}`
}

// firstEntry is txBundle's DocumentReference entry.
func firstEntry() string {
	after := strings.SplitN(txBundle(), `"entry":[`, 2)[1]
	return after[:strings.Index(after, `,
 {"fullUrl":"urn:uuid:8d2e`)]
}

func TestDocumentTransactionTakesTheBinaryItNames(t *testing.T) {
	d, err := DocumentTransaction([]byte(txBundle()))
	require.NoError(t, err)
	assert.Equal(t, "rec-77", d.ID)
	assert.Equal(t, "subj-9f2c", d.Subject)
	assert.Equal(t, "discharge", d.Category)
	assert.Equal(t, "text/plain", d.ContentType)
	assert.Equal(t, note, string(d.Content))

	byID := strings.Replace(strings.Replace(txBundle(), `"url":"urn:uuid:8d2e6a10-5b3c-4f7e-b1a2-9c0d4e5f6a7b"`, `"url":"Binary/bin-1"`, 1),
		`"resourceType":"Binary",`, `"resourceType":"Binary","id":"bin-1",`, 1)
	d, err = DocumentTransaction([]byte(byID))
	require.NoError(t, err)
	assert.Equal(t, note, string(d.Content))

	resp, err := TransactionResponse("rec-77", true)
	require.NoError(t, err)
	typ, err := Validate(resp)
	require.NoError(t, err)
	assert.Equal(t, "Bundle", typ)
	assert.Contains(t, string(resp), `"location":"DocumentReference/rec-77/_history/1"`)
}

// What a transaction holds beyond one document and its Binary, or asks
// other than creating them, is refused naming the element.
func TestDocumentTransactionRefusals(t *testing.T) {
	patient := `{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"p1"},"request":{"method":"POST","url":"Patient"}}`
	for name, c := range map[string]struct{ from, to, path string }{
		"a batch":          {`"type":"transaction"`, `"type":"batch"`, "Bundle.type"},
		"an update":        {`"method":"POST","url":"DocumentReference"`, `"method":"PUT","url":"DocumentReference"`, "Bundle.entry[0].request.method"},
		"a wrong url":      {`"url":"Binary"}`, `"url":"Patient"}`, "Bundle.entry[1].request.url"},
		"a third resource": {`"url":"Binary"}}]}`, `"url":"Binary"}},` + patient + `]}`, "Bundle.entry[2]"},
		"two documents":    {`"entry":[`, `"entry":[` + firstEntry() + `,`, "Bundle.entry[1]"},
		"no request": {`,
  "request":{"method":"POST","url":"Binary"}`, ``, "Bundle.entry[1].request"},
		"a Binary not named":   {`"url":"urn:uuid:8d2e6a10-5b3c-4f7e-b1a2-9c0d4e5f6a7b"}`, `"url":"urn:uuid:00000000-0000-4000-8000-000000000000"}`, "DocumentReference.content[0].attachment.url"},
		"a Binary without url": {`{"fullUrl":"urn:uuid:8d2e6a10-5b3c-4f7e-b1a2-9c0d4e5f6a7b","resource":{"resourceType":"Binary"`, `{"resource":{"resourceType":"Binary"`, "Bundle.entry[1].fullUrl"},
	} {
		doc := strings.Replace(txBundle(), c.from, c.to, 1)
		require.NotEqual(t, txBundle(), doc, name)
		_, err := DocumentTransaction([]byte(doc))
		require.Error(t, err, name)
		assert.Contains(t, paths(refusal.Issues(err)), c.path, "%s: %v", name, err)
	}
	_, err := DocumentTransaction([]byte(`{"resourceType":"Bundle","type":"transaction"}`))
	assert.Contains(t, paths(refusal.Issues(err)), "Bundle.entry")
}
