package serve

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/standards/gs1"
)

// A healthcare DataMatrix as a scanner transmits it: symbology
// identifier ]d2, (01) (17) (10) GS (21).
const scanned = "]d2" + "0110614141123459" + "17281231" + "10L1" + gs1.GS + "21A1"

func TestVerifyAScannedElementString(t *testing.T) {
	h := newHarness(t)
	body, _ := json.Marshal(VerifyRequest{Scan: scanned, CorrUUID: "c0ffee"})
	w := h.do("POST", "/verify", "application/json", string(body))
	require.Equal(t, 200, w.Code, w.Body.String())
	var got VerifyResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	assert.Equal(t, VerifyResponse{
		ProductIdentifier:     ProductIdentifier{GTIN: "10614141123459", SerialNumber: "A1", LotNumber: "L1", ExpirationDate: "2028-12-31"},
		VerificationTimestamp: "2026-12-01T12:00:00Z", CorrUUID: "c0ffee",
		Data: VerifyData{Verified: true}, VerificationResult: pv.Verified, VerificationID: "v1"}, got)
	assert.Equal(t, [][]string{{"10614141123459", "A1", "L1", "2028-12-31"}}, h.fake.verified)
}

func TestVerifyADigitalLinkAsText(t *testing.T) {
	h := newHarness(t)
	h.fake.result = pv.Recalled
	w := h.do("POST", "/verify", "text/plain", "https://id.gs1.org/01/10614141123459/10/L1/21/A1?17=281231\n")
	require.Equal(t, 200, w.Code, w.Body.String())
	var got VerifyResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	assert.Equal(t, VerifyData{Verified: false, VerificationFailureReason: NotForRedistribution, AdditionalInfo: InfoRecalled}, got.Data)
	assert.Equal(t, pv.Recalled, got.VerificationResult)
	assert.Equal(t, [][]string{{"10614141123459", "A1", "L1", "2028-12-31"}}, h.fake.verified)
}

func TestLMSDataOfEveryResult(t *testing.T) {
	for result, want := range map[string]VerifyData{
		pv.Verified:         {Verified: true},
		pv.UnknownSerial:    {VerificationFailureReason: NoMatchGTINSerial},
		pv.LotMismatch:      {VerificationFailureReason: NoMatchGTINSerialLot},
		pv.ExpiryMismatch:   {VerificationFailureReason: NoMatchGTINSerialExpiry},
		pv.Expired:          {VerificationFailureReason: ManufacturerPolicy, AdditionalInfo: InfoExpired},
		pv.Recalled:         {VerificationFailureReason: NotForRedistribution, AdditionalInfo: InfoRecalled},
		pv.Suspect:          {VerificationFailureReason: NotForRedistribution, AdditionalInfo: InfoSuspect},
		pv.AlreadyDispensed: {VerificationFailureReason: NotForRedistribution},
		pv.Decommissioned:   {VerificationFailureReason: NotForRedistribution},
		"SOMETHING_NEW":     {VerificationFailureReason: NoReasonProvided},
	} {
		assert.Equal(t, want, LMSData(result), result)
	}
}

func TestVerifyRefusesWhatIsNoProductIdentifier(t *testing.T) {
	for name, tc := range map[string]struct{ contentType, body, field string }{
		"no lot or expiry": {"application/json", `{"scan":"]d2011061414112345921A1"}`, "scan"},
		"bad check digit":  {"text/plain", "0110614141123458" + "17281231" + "10L1" + gs1.GS + "21A1", "scan"},
		"garbage":          {"text/plain", "hello", "scan"},
		"an SSCC":          {"application/json", `{"scan":"00106141411234567897"}`, "scan"},
		"unknown member":   {"application/json", `{"scan":"x","patient":"Jane"}`, "body"},
		"no scan":          {"application/json", `{}`, "scan"},
		"not json":         {"application/json", `scan=1`, "body"},
	} {
		h := newHarness(t)
		p := decodeProblem(t, h.do("POST", "/verify", tc.contentType, tc.body))
		assert.Equal(t, 400, p.Status, name)
		assert.Equal(t, tc.field, p.Field, name)
		assert.Empty(t, h.fake.verified, "%s: nothing verified, nothing recorded", name)
	}
}

func TestVerifyErrorsKeepTheirCode(t *testing.T) {
	for code, status := range map[client.Code]int{client.CodeForbidden: 403, client.CodeCommitUnknown: 202, client.CodeUnavailable: 503} {
		h := newHarness(t)
		h.fake.verErr = &client.Error{Code: code, Message: "m", TxID: "tx9"}
		p := decodeProblem(t, h.do("POST", "/verify", "text/plain", scanned))
		assert.Equal(t, status, p.Status, code)
		assert.Equal(t, string(code), p.Code)
		assert.Equal(t, "tx9", p.TxID)
	}
}
