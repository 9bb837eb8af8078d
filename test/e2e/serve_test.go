//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/gs1"
)

// carectl serve's server, in process, as the manufacturer's quality
// staff: an EPCIS document is captured (its commissioning applied, an
// inspection of goods commissioned elsewhere anchored), queried back, and
// a scanned element string and a Digital Link of a unit it commissioned
// verify.
func TestServeCapturesQueriesAndVerifies(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run := time.Now().UnixNano()
	const gtin = "10614141123459"
	lot, serial := fmt.Sprintf("SV-%d", run%1_000_000_000), fmt.Sprintf("SV%d", run%1_000_000_000_000)
	seedSupplyPartners(t, ctx, gtin)

	s := session(t, "manufacturer", "quality1")
	base := startServer(t, ctx, s)
	httpGet(t, base+"/healthz", 200)

	doc := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",
"creationDate":"2026-01-02T03:04:05Z","epcisBody":{"eventList":[
{"type":"ObjectEvent","action":"ADD","eventTime":"` + time.Now().UTC().Add(-time.Minute).Format(time.RFC3339) + `","eventTimeZoneOffset":"+00:00",
 "bizStep":"commissioning","disposition":"active","epcList":["https://id.gs1.org/01/` + gtin + `/21/` + serial + `"],
 "ilmd":{"cbvmda:lotNumber":"` + lot + `","cbvmda:itemExpirationDate":"2028-12-31"}},
{"type":"ObjectEvent","action":"OBSERVE","eventID":"urn:uuid:` + uuidOf(run) + `","eventTime":"2026-01-02T03:00:00Z","eventTimeZoneOffset":"+00:00",
 "bizStep":"inspecting","epcList":["urn:epc:id:sgtin:4012345.011111.` + serial + `"],"readPoint":{"id":"urn:epc:id:sgln:0614141.00000.1"}},
{"type":"ObjectEvent","action":"OBSERVE","eventTime":"` + time.Now().UTC().Add(-30*time.Second).Format(time.RFC3339) + `","eventTimeZoneOffset":"+00:00",
 "bizStep":"sensor_reporting","epcList":["https://id.gs1.org/01/` + gtin + `/21/` + serial + `"],
 "sensorElementList":[{"sensorMetadata":{"deviceID":"urn:epc:id:giai:4000001.111"},"sensorReport":[{"type":"Temperature","value":30.5,"uom":"CEL"}]}]},
{"type":"ObjectEvent","action":"OBSERVE","eventID":"urn:uuid:` + uuidOf(run+1) + `","eventTime":"2026-01-02T03:00:00Z","eventTimeZoneOffset":"+00:00",
 "bizStep":"inspecting","epcList":["urn:epc:id:sgtin:4012345.011111.B` + serial + `"],
 "quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":200,"uom":"KGM"}],
 "bizTransactionList":[{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:0614141073467:1152"}],
 "errorDeclaration":{"declarationTime":"2026-01-03T00:00:00Z","reason":"incorrect_data"}}]}}`
	resp, err := http.Post(base+"/epcis/capture", "application/ld+json", strings.NewReader(doc))
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, 202, resp.StatusCode)
	st := waitCapture(t, base+resp.Header.Get("Location"))
	require.True(t, st.Success, "%+v", st.Errors)
	require.Len(t, st.Events, 4)
	assert.Equal(t, []string{serve.StatusApplied, serve.StatusCaptured, serve.StatusApplied, serve.StatusCaptured},
		[]string{st.Events[0].Status, st.Events[1].Status, st.Events[2].Status, st.Events[3].Status})
	require.NotNil(t, st.Events[1].Anchor, st.Events[1].NotAnchored)
	assert.Equal(t, 1, st.Events[2].Calls, "a reading of goods at rest, on the unit (ReportReading)")
	require.NotNil(t, st.Events[3].Anchor, st.Events[3].NotAnchored)
	assert.Contains(t, st.Events[3].Reason, "commissioned in carechain")

	events := queryEvents(t, base, "MATCH_epc="+url.QueryEscape("urn:epc:id:sgtin:0614141.112345."+serial))
	require.Len(t, events, 2)
	assert.Equal(t, "commissioning", events[0]["bizStep"])
	assert.Equal(t, "sensor_reporting", events[1]["bizStep"])
	assert.Contains(t, fmt.Sprint(events[1]["sensorElementList"]), "ALARM_CONDITION", "30.5 °C is outside the product's 2.0-25.0 °C: an excursion")
	events = queryEvents(t, base, "MATCH_epc=urn:epc:id:sgtin:4012345.011111.B"+serial)
	require.Len(t, events, 1)
	assert.Equal(t, map[string]any{"declarationTime": "2026-01-03T00:00:00Z", "reason": "incorrect_data"}, events[0]["errorDeclaration"])
	assert.NotEmpty(t, events[0]["quantityList"])
	assert.NotEmpty(t, events[0]["bizTransactionList"])
	events = queryEvents(t, base, "MATCH_epc=urn:epc:id:sgtin:4012345.011111."+serial+"&EQ_readPoint=urn:epc:id:sgln:0614141.00000.1")
	require.Len(t, events, 1)
	assert.Equal(t, "inspecting", events[0]["bizStep"])
	assert.Equal(t, "ManufacturerMSP", events[0]["carechain:capturedBy"])

	for _, scan := range []string{"]d201" + gtin + "17281231" + "10" + lot + gs1.GS + "21" + serial,
		"https://id.gs1.org/01/" + gtin + "/10/" + lot + "/21/" + serial + "?17=281231"} {
		body, _ := json.Marshal(serve.VerifyRequest{Scan: scan})
		resp, err := http.Post(base+"/verify", "application/json", strings.NewReader(string(body)))
		require.NoError(t, err)
		var v serve.VerifyResponse
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
		_ = resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		assert.True(t, v.Data.Verified, "%s: %+v", scan, v)
		assert.Equal(t, pv.Verified, v.VerificationResult)
	}
	body, _ := json.Marshal(serve.VerifyRequest{Scan: "]d201" + gtin + "17281231" + "10" + lot + gs1.GS + "21NOSUCH" + serial})
	resp, err = http.Post(base+"/verify", "application/json", strings.NewReader(string(body)))
	require.NoError(t, err)
	var v serve.VerifyResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
	_ = resp.Body.Close()
	assert.False(t, v.Data.Verified)
	assert.Equal(t, serve.NoMatchGTINSerial, v.Data.VerificationFailureReason)
}

func uuidOf(n int64) string {
	h := fmt.Sprintf("%032x", n)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

// seedSupplyPartners licenses the three trading orgs and registers the
// product, as the supply story does (either may run first).
func seedSupplyPartners(t *testing.T, ctx context.Context, gtin string) {
	registrar := drugsAs(t, "regulator", "registrar1")
	for _, m := range []string{"ManufacturerMSP", "DistributorMSP", "ProviderMSP"} {
		_, err := registrar.RegisterPartner(ctx, pv.Partner{MSPID: m, Name: m, License: "LIC-" + m, GLN: "0614141000012",
			ValidFrom: "2026-01-01", ValidTo: "2030-12-31"})
		require.NoError(t, err)
	}
	_, err := drugsAs(t, "manufacturer", "quality1").RegisterProduct(ctx, pv.Product{GTIN: gtin, Name: "Amoxicillin", Strength: "500 mg",
		DosageForm: "capsule", NDC: "0093-3109", MinTenthC: 20, MaxTenthC: 250})
	if !errors.Is(err, client.ErrConflict) {
		require.NoError(t, err)
	}
}

func startServer(t *testing.T, ctx context.Context, s *client.Session) string {
	srv := serve.New(serve.WithProvenance(provenance.New(s, "supply")), serve.WithHealth(func(ctx context.Context) error {
		_, err := provenance.New(s, "supply").Partner(ctx, "ManufacturerMSP")
		return err
	}))
	return runServer(t, ctx, srv)
}

// runServer serves srv on loopback until ctx ends; the test's clean-up
// checks that it shut down cleanly.
func runServer(t *testing.T, ctx context.Context, srv *serve.Server) string {
	t.Helper()
	ln, err := serve.Listen("127.0.0.1:0", nil)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- serve.Run(ctx, ln, srv, 30*time.Second) }()
	t.Cleanup(func() {
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(40 * time.Second):
			t.Error("the server did not shut down")
		}
	})
	return "http://" + ln.Addr().String()
}

func httpGet(t *testing.T, u string, status int) []byte {
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, status, resp.StatusCode, string(data))
	return data
}

func waitCapture(t *testing.T, u string) serve.CaptureStatus {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var st serve.CaptureStatus
		require.NoError(t, json.Unmarshal(httpGet(t, u, 200), &st))
		if !st.Running {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("capture %s still running", st.CaptureID)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func queryEvents(t *testing.T, base, params string) []map[string]any {
	var doc struct {
		EPCISBody struct {
			QueryResults struct {
				ResultsBody struct {
					EventList []map[string]any `json:"eventList"`
				} `json:"resultsBody"`
			} `json:"queryResults"`
		} `json:"epcisBody"`
	}
	require.NoError(t, json.Unmarshal(httpGet(t, base+"/epcis/events?"+params, 200), &doc))
	return doc.EPCISBody.QueryResults.ResultsBody.EventList
}
