//go:build e2e

package e2e

import (
	"context"
	"encoding/base64"
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

	claimcc "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/claims"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/serve/fhirapi"
	"github.com/carechain/carechain/client/serve/x12api"
	"github.com/carechain/carechain/client/standards/fhir"
	"github.com/carechain/carechain/client/standards/x12"
)

// startClaimsServer serves /x12 and /fhir as s, in process, on loopback.
func startClaimsServer(t *testing.T, ctx context.Context, s *client.Session, dir x12api.Directory) string {
	cls := claims.New(s, "care")
	srv := serve.New(serve.WithRoutes("/x12", x12api.New(cls, x12api.WithDirectory(dir)).Routes()...),
		serve.WithRoutes("/fhir", fhirapi.New(s.Org.MSPID, fhirapi.WithClaims(cls)).Routes()...))
	return runServer(t, ctx, srv)
}

// an837 is an 837P interchange with three claims of one subscriber: the
// first two carechain represents (their lines point at the diagnoses that
// justify them, SV107), the third gives its line a place of service
// that is no CMS code (SV105 2X), which it refuses.
func an837(claimID, member, day string) string {
	d := strings.ReplaceAll(day, "-", "")
	body := `ST*837*0001*005010X222A1~
BHT*0019*00*E2E1*` + d + `*1023*CH~
NM1*41*2*PROVIDER BILLING*****46*PROV1~
PER*IC*BILLING*TE*3055552222~
NM1*40*2*PAYER*****46*PAYERID~
HL*1**20*1~
NM1*85*2*PROVIDER CLINIC*****XX*1234567893~
N3*1 MAIN ST~
N4*MIAMI*FL*33111~
REF*EI*587654321~
HL*2*1*22*0~
SBR*P*18*GOLD******CI~
NM1*IL*1*DOE*JANE****MI*` + member + `~
NM1*PR*2*PAYER*****PI*PAYERID~
CLM*` + claimID + `*250***11:B:1*Y*A*Y*I~
HI*ABK:E1165*ABF:Z713~
LX*1~
SV1*HC:99214:25*210*UN*1***1:2~
DTP*472*D8*` + d + `~
LX*2~
SV1*HC:80053*40*UN*1***1~
DTP*472*D8*` + d + `~
CLM*` + claimID + `B*95***11:B:1*Y*A*Y*I~
HI*ABK:E1165*ABF:Z713~
LX*1~
SV1*HC:99213*95*UN*1***2~
DTP*472*D8*` + d + `~
CLM*` + claimID + `C*40***11:B:1*Y*A*Y*I~
HI*ABK:E1165~
LX*1~
SV1*HC:85025*40*UN*1*2X**1~
DTP*472*D8*` + d + `~
`
	n := strings.Count(body, "~") + 1
	return "ISA*00*          *00*          *ZZ*PROV1          *ZZ*PAYERID        *260101*1200*^*00501*000000001*0*T*:~\n" +
		"GS*HC*PROV1*PAYERID*20260101*1200*1*X*005010X222A1~\n" + body + fmt.Sprintf("SE*%d*0001~\nGE*1*1~\nIEA*1*000000001~\n", n)
}

// An 837P with three claims goes in through the provider's /x12/837: its
// 999 parses, two claims are submitted and auto-adjudicated (their lines'
// diagnosis pointers kept), the third refused by segment and element;
// the payer pays the first and its /x12/835 answers
// an 835 that parses and balances; the provider's /fhir reads the
// claim's ExplanationOfBenefit, valid R4.
func TestServeX12ClaimThrough837And835(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	payerSetup(t, ctx)
	run := time.Now().UnixNano()
	member, subject := fmt.Sprintf("M%d", run), fmt.Sprintf("pt-e2e-x12-%d", run)
	_, err := claimsAs(t, "payer", "enrollment1").RegisterCoverage(ctx, claimcc.Coverage{ID: member, Member: subject, Plan: "e2e-gold",
		Period: claimcc.Period{Start: "2026-01-01", End: "2026-12-31"}, CopayCents: 2500, AnnualLimitCents: 5_000_000})
	require.NoError(t, err)
	day := "2026-" + time.Now().UTC().Format("01-02")
	if time.Now().UTC().Year() != 2026 {
		day = "2026-06-15"
	}
	dir := x12api.Directory{Payers: map[string]string{"PAYERID": "PayerMSP"}, Members: map[string]string{"PAYERID/" + member: subject},
		Parties: map[string]x12.Party{"PayerMSP": {Name: "PAYER", ID: "123456789"}, "ProviderMSP": {Name: "PROVIDER CLINIC", ID: "1234567893"}},
		Sender:  "PAYERID", Receiver: "PROV1",
		// the provider's secret: claim ids are keyed hashes of CLM01
		ClaimIDKey: base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("e2e claim id key of run %032d", run)))}
	provider := startClaimsServer(t, ctx, session(t, "provider", "billing1"), dir)

	pcn := fmt.Sprintf("X12E2E%d", run%1_000_000_000_000)
	resp, err := http.Post(provider+"/x12/837", x12api.MediaX12, strings.NewReader(an837(pcn, member, day)))
	require.NoError(t, err)
	var res x12api.SubmitResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&res))
	_ = resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	_, err = x12.ParseInterchange([]byte(res.Ack999))
	require.NoError(t, err, res.Ack999)
	assert.Contains(t, res.Ack999, "IK5*E", "accepted with errors")
	require.Len(t, res.Claims, 3)
	for _, c := range res.Claims[:2] {
		require.Equal(t, x12api.StatusSubmitted, c.Status, "%+v", c)
		assert.Equal(t, claimcc.StatusAdjudicated, c.Receipt.Status)
	}
	require.Equal(t, x12api.StatusRefused, res.Claims[2].Status)
	assert.Equal(t, "2400[1] SV105", res.Claims[2].Issues[0].Path)
	id := res.Claims[0].Receipt.ID
	assert.Equal(t, pcn, res.Claims[0].ClaimID)
	assert.True(t, strings.HasPrefix(id, "pcn-") && !strings.Contains(id, pcn), "the public id is no patient control number: %s", id)

	waitForTx(t, "peer0.payer", res.Claims[0].Receipt.TxID)
	payer := claimsAs(t, "payer", "adjudicator1")
	c, err := payer.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, c.Input.Items[0].DiagnosisPointers, "SV107 1:2")
	assert.Equal(t, []int{1}, c.Input.Items[1].DiagnosisPointers)
	assert.Equal(t, []claimcc.Identifier{{System: x12.SystemPCN, Value: pcn}}, c.Input.Identifiers, "CLM01 kept privately")
	paid, err := payer.Pay(ctx, id, claimcc.PaymentInput{Trace: "EFT-" + id, AmountCents: c.Adjudication.PaidCents})
	require.NoError(t, err)
	waitForTx(t, "peer0.provider", paid.TxID)

	payerSrv := startClaimsServer(t, ctx, session(t, "payer", "adjudicator1"), dir)
	remit := httpGet(t, payerSrv+"/x12/835/"+id, 200)
	r835, err := x12.Parse835(remit)
	require.NoError(t, err, string(remit))
	assert.Equal(t, "EFT-"+id, r835.Trace)
	assert.Equal(t, c.Adjudication.PaidCents, r835.Paid)
	require.Len(t, r835.Claims, 1)
	assert.Equal(t, pcn, r835.Claims[0].ID, "CLP01 echoes CLM01")
	assert.Contains(t, string(remit), "MI*"+subject+"~", "the patient by subject, never by name")

	fhirClaimThroughHTTP(t, provider, pcn+"F", subject, member, day)
	claimsOfPatient(t, ctx, provider, payerSrv, subject, []string{id, res.Claims[1].Receipt.ID, pcn + "F"})

	eob := httpGet(t, provider+"/fhir/ExplanationOfBenefit/"+id, 200)
	typ, err := fhir.Validate(eob)
	require.NoError(t, err)
	assert.Equal(t, "ExplanationOfBenefit", typ)
	httpGet(t, provider+"/fhir/metadata", 200)
}

// fhirClaimThroughHTTP posts an R4 Claim (the day before's visit, so it is
// no duplicate) to the provider's /fhir/Claim: answered 201 with its
// ClaimResponse, valid R4, which reads back by id.
func fhirClaimThroughHTTP(t *testing.T, base, id, subject, coverage, day string) {
	d, err := time.Parse("2006-01-02", day)
	require.NoError(t, err)
	served := d.AddDate(0, 0, -1).Format("2006-01-02")
	doc := `{"resourceType":"Claim","id":"` + id + `","identifier":[{"system":"http://clinic.example/claim","value":"V-` + id + `"}],"status":"active",
 "type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},
 "use":"claim","patient":{"identifier":{"system":"urn:carechain:patient","value":"` + subject + `"}},
 "created":"` + time.Now().UTC().Format("2006-01-02") + `","insurer":{"identifier":{"system":"urn:carechain:msp","value":"PayerMSP"}},
 "provider":{"identifier":{"system":"urn:carechain:msp","value":"ProviderMSP"}},
 "priority":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/processpriority","code":"normal"}]},
 "careTeam":[{"sequence":1,"provider":{"identifier":{"system":"http://hl7.org/fhir/sid/us-npi","value":"1234567893"}}}],
 "diagnosis":[{"sequence":1,"diagnosisCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"E11.65"}]}}],
 "insurance":[{"sequence":1,"focal":true,"coverage":{"reference":"Coverage/` + coverage + `"}}],
 "item":[{"sequence":1,"careTeamSequence":[1],"diagnosisSequence":[1],"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"99214"}]},
   "servicedDate":"` + served + `","locationCodeableConcept":{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set","code":"11"}]},
   "quantity":{"value":1},"unitPrice":{"value":210.0,"currency":"USD"},"net":{"value":210.0,"currency":"USD"}}],
 "total":{"value":210,"currency":"USD"}}`
	resp, err := http.Post(base+"/fhir/Claim", fhirapi.MediaFHIR, strings.NewReader(doc))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, 201, resp.StatusCode, string(body))
	typ, err := fhir.Validate(body)
	require.NoError(t, err)
	assert.Equal(t, "ClaimResponse", typ)
	assert.Equal(t, "/fhir/ClaimResponse/"+id, resp.Header.Get("Location"))
	back, err := fhir.Validate(httpGet(t, base+"/fhir/ClaimResponse/"+id, 200))
	require.NoError(t, err)
	assert.Equal(t, "ClaimResponse", back)

	// The claim reads back as R4 with its business identifier (kept in
	// the claim's private record) and is found as its response's request.
	claim := httpGet(t, base+"/fhir/Claim/"+id, 200)
	typ, err = fhir.Validate(claim)
	require.NoError(t, err)
	assert.Equal(t, "Claim", typ)
	assert.Contains(t, string(claim), `"value":"V-`+id+`"`)
	found := httpGet(t, base+"/fhir/ClaimResponse?request=Claim/"+id, 200)
	typ, err = fhir.Validate(found)
	require.NoError(t, err)
	assert.Equal(t, "Bundle", typ)
	assert.Contains(t, string(found), `"type":"searchset"`)
	assert.Contains(t, string(found), `"id":"`+id+`"`)
}

// claimsOfPatient searches the patient's claims through the provider's
// and the payer's /fhir (the claims chaincode's private, blinded index,
// read on each org's own peer): each finds want, as valid R4 searchsets,
// paging one claim at a time; the regulator's auditor may not list them.
func claimsOfPatient(t *testing.T, ctx context.Context, provider, payer, subject string, want []string) {
	for _, target := range []string{provider + "/fhir/Claim", payer + "/fhir/ExplanationOfBenefit"} {
		next := target + "?patient:identifier=" + url.QueryEscape(fhir.SystemPatient+"|"+subject) + "&_count=1"
		var ids []string
		for pages := 0; next != "" && pages < 10; pages++ {
			body := httpGet(t, next, 200)
			typ, err := fhir.Validate(body)
			require.NoError(t, err)
			require.Equal(t, "Bundle", typ)
			var b struct {
				Link  []struct{ Relation, URL string }
				Entry []struct{ Resource struct{ ID string } }
			}
			require.NoError(t, json.Unmarshal(body, &b))
			for _, e := range b.Entry {
				ids = append(ids, e.Resource.ID)
			}
			next = ""
			if len(b.Link) > 1 && b.Link[1].Relation == "next" {
				next = b.Link[1].URL
				if strings.HasPrefix(next, "/") {
					next = target[:strings.Index(target, "/fhir/")] + next
				}
			}
		}
		assert.ElementsMatch(t, want, ids, target)
	}
	_, err := claimsAs(t, "regulator", "auditor1").ListByPatient(ctx, subject, client.Page{})
	assert.True(t, errors.Is(err, client.ErrForbidden), "the regulator lists no patient's claims: %v", err)
}
