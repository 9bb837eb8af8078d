//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/records"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/serve/fhirapi"
	"github.com/carechain/carechain/client/standards/fhir"
)

// startRecordsServer serves /fhir as the records client k's session, in
// process, on loopback: DocumentReference, Provenance and AuditEvent.
func startRecordsServer(t *testing.T, ctx context.Context, org string, k *records.Client) string {
	api := fhirapi.New(org, fhirapi.WithRecords(k), fhirapi.WithAccessLog(k))
	return runServer(t, ctx, serve.New(serve.WithRoutes("/fhir", api.Routes()...)))
}

// fhirSearch GETs a FHIR search, checks the answer is a valid R4 Bundle
// and returns its entries' resources.
func fhirSearch(t *testing.T, u string) []json.RawMessage {
	t.Helper()
	body := httpGet(t, u, 200)
	typ, err := fhir.Validate(body)
	require.NoError(t, err, string(body))
	require.Equal(t, "Bundle", typ)
	var b struct {
		Entry []struct{ Resource json.RawMessage }
	}
	require.NoError(t, json.Unmarshal(body, &b))
	out := make([]json.RawMessage, 0, len(b.Entry))
	for _, e := range b.Entry {
		out = append(out, e.Resource)
	}
	return out
}

// checkFHIRAccounting reads, through /fhir on the consortium, the
// patient's accounting of disclosures (as the patient) and a record's
// provenance (as the regulator's auditor): every disclosure of record id
// is one AuditEvent, the break-glass ones naming their access, and each
// of its versions one Provenance.
func checkFHIRAccounting(t *testing.T, ctx context.Context, patient, auditor *records.Client, id, subject string, disclosures, versions int) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	base := startRecordsServer(t, ctx, "PatientsMSP", patient)
	q := url.Values{"patient:identifier": {fhir.SystemPatient + "|" + subject}, "_count": {"100"}}
	var mine, breakGlass int
	for _, res := range fhirSearch(t, base+"/fhir/AuditEvent?"+q.Encode()) {
		var ev struct {
			ResourceType string
			Entity       []struct {
				What struct {
					Identifier struct{ System, Value string }
				}
			}
		}
		require.NoError(t, json.Unmarshal(res, &ev))
		require.Equal(t, "AuditEvent", ev.ResourceType)
		for _, e := range ev.Entity {
			if e.What.Identifier.System == fhir.SystemRecord && e.What.Identifier.Value == id {
				mine++
			}
			if e.What.Identifier.System == fhir.SystemBreakGlass {
				breakGlass++
			}
		}
	}
	assert.Equal(t, disclosures, mine, "one AuditEvent per disclosure of the record")
	assert.Positive(t, breakGlass, "the break-glass disclosures name their access")

	base = startRecordsServer(t, ctx, "RegulatorMSP", auditor)
	provs := fhirSearch(t, base+"/fhir/Provenance?target=DocumentReference/"+url.PathEscape(id))
	assert.Len(t, provs, versions, "one Provenance per version")
}
