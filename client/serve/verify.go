package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client/standards/gs1"
)

// VerifyRequest is what POST /verify takes: what the scanner delivered, a
// GS1 element string (AIs (01), (21), (10), (17), FNC1 as GS, with or
// without a symbology identifier) or a GS1 Digital Link URI; and the
// requester's correlation id, echoed.
type VerifyRequest struct {
	Scan     string `json:"scan"`
	CorrUUID string `json:"corrUUID,omitempty"`
}

// VerifyResponse is a verification answer after GS1's Lightweight
// Messaging Standard for Verification of Product Identifiers: the product
// identifier verified, the time, and data.verified with its
// verificationFailureReason and additionalInfo codes; verificationResult
// is carechain's own result code, verificationId the record of the request.
type VerifyResponse struct {
	ProductIdentifier     ProductIdentifier `json:"productIdentifier"`
	VerificationTimestamp string            `json:"verificationTimestamp"`
	CorrUUID              string            `json:"corrUUID,omitempty"`
	Data                  VerifyData        `json:"data"`
	VerificationResult    string            `json:"verificationResult"`
	VerificationID        string            `json:"verificationId"`
}

// ProductIdentifier is the DSCSA product identifier, as LMS names its parts.
type ProductIdentifier struct {
	GTIN           string `json:"gtin"`
	SerialNumber   string `json:"serialNumber"`
	LotNumber      string `json:"lotNumber"`
	ExpirationDate string `json:"expirationDate"`
}

// VerifyData is LMS's data member.
type VerifyData struct {
	Verified                  bool   `json:"verified"`
	VerificationFailureReason string `json:"verificationFailureReason,omitempty"`
	AdditionalInfo            string `json:"additionalInfo,omitempty"`
}

// LMS verification failure reasons and additional information.
const (
	NoMatchGTINSerial          = "No_match_GTIN_Serial"
	NoMatchGTINSerialLot       = "No_match_GTIN_Serial_Lot"
	NoMatchGTINSerialExpiry    = "No_match_GTIN_Serial_Expiry"
	NoMatchGTINSerialLotExpiry = "No_match_GTIN_Serial_Lot_Expiry"
	NotForRedistribution       = "Not_for_re-distribution"
	ManufacturerPolicy         = "Manufacturer_policy"
	NoReasonProvided           = "No_reason_provided"

	InfoExpired      = "Expired"
	InfoRecalled     = "Recalled"
	InfoSuspect      = "Suspect"
	InfoIllegitimate = "Illegitimate"
)

// lmsOf maps carechain's verification results to LMS's verified,
// failure reason and additional information. An expired unit is not
// verified (carechain's policy: it must not be dispensed); a unit
// dispensed, decommissioned, recalled or suspect is not for
// re-distribution.
var lmsOf = map[string]VerifyData{
	pv.Verified:         {Verified: true},
	pv.UnknownSerial:    {VerificationFailureReason: NoMatchGTINSerial},
	pv.LotMismatch:      {VerificationFailureReason: NoMatchGTINSerialLot},
	pv.ExpiryMismatch:   {VerificationFailureReason: NoMatchGTINSerialExpiry},
	pv.Expired:          {VerificationFailureReason: ManufacturerPolicy, AdditionalInfo: InfoExpired},
	pv.Recalled:         {VerificationFailureReason: NotForRedistribution, AdditionalInfo: InfoRecalled},
	pv.Suspect:          {VerificationFailureReason: NotForRedistribution, AdditionalInfo: InfoSuspect},
	pv.AlreadyDispensed: {VerificationFailureReason: NotForRedistribution},
	pv.Decommissioned:   {VerificationFailureReason: NotForRedistribution},
}

// LMSData is the LMS data member of a carechain verification result; an
// unknown result is not verified, with no reason provided.
func LMSData(result string) VerifyData {
	if d, ok := lmsOf[result]; ok {
		return d
	}
	return VerifyData{VerificationFailureReason: NoReasonProvided}
}

var opVerify = Operation{ID: "verify", Summary: "verify a scanned DSCSA product identifier (GS1 element string or Digital Link), recorded on the ledger",
	Body: []string{"application/json", "text/plain"},
	Responses: map[int]string{200: "the verification (verified or not, with the reason)", 202: "COMMIT_UNKNOWN: the request may be recorded",
		400: "the scan is no product identifier", 403: "the identity may not verify"}}

func (s *Server) verifyRoutes() []Route {
	return []Route{{http.MethodPost, "/verify", opVerify, s.verify}}
}

func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	req, err := readVerify(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scan, err := gs1.ParseScan(req.Scan)
	if err != nil {
		s.fail(w, r, BadRequest("scan", err))
		return
	}
	now := s.now()
	pi, err := scan.ProductIdentifier(now)
	if err != nil {
		s.fail(w, r, BadRequest("scan", err))
		return
	}
	v, err := s.prov.Verify(r.Context(), pi.GTIN, pi.Serial, pi.Lot, pi.Expiry)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, "application/json", VerifyResponse{
		ProductIdentifier:     ProductIdentifier{GTIN: pi.GTIN, SerialNumber: pi.Serial, LotNumber: pi.Lot, ExpirationDate: pi.Expiry},
		VerificationTimestamp: now.UTC().Format(time.RFC3339), CorrUUID: req.CorrUUID,
		Data: LMSData(v.Result), VerificationResult: v.Result, VerificationID: v.ID})
}

const maxScan = 4096

// readVerify reads a JSON VerifyRequest, or a text/plain body that is the scan.
func readVerify(r *http.Request) (*VerifyRequest, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxScan+1))
	if err != nil {
		return nil, BadRequest("body", err)
	}
	if len(data) > maxScan {
		return nil, BadRequest("body", fmt.Errorf("is over %d bytes", maxScan))
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "text/plain" {
		return &VerifyRequest{Scan: strings.TrimRight(string(data), "\r\n")}, nil
	}
	var req VerifyRequest
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, BadRequest("body", fmt.Errorf("is not a verification request: %w", err))
	}
	if req.Scan == "" {
		return nil, BadRequest("scan", errors.New("is missing"))
	}
	return &req, nil
}
