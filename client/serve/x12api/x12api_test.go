package x12api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/x12"
)

// fakeClaims records submissions and answers reads from its maps.
type fakeClaims struct {
	mu        sync.Mutex
	submitted []cl.ClaimInput
	failID    string // Submit of this claim id fails with failErr
	failErr   error
	claims    map[string]*cl.Claim
	remits    map[string]*cl.Remittance
}

func (f *fakeClaims) Submit(ctx context.Context, c cl.ClaimInput) (*cl.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.submitted = append(f.submitted, c)
	if c.ID == f.failID {
		return nil, f.failErr
	}
	return &cl.Receipt{ID: c.ID, Status: cl.StatusPended, TxID: "tx-" + c.ID}, nil
}

func (f *fakeClaims) Get(ctx context.Context, id string) (*cl.Claim, error) {
	if c, ok := f.claims[id]; ok {
		return c, nil
	}
	return nil, &client.Error{Code: client.CodeNotFound, Message: "claim " + id + " not found"}
}

func (f *fakeClaims) Remittance(ctx context.Context, id string) (*cl.Remittance, error) {
	if r, ok := f.remits[id]; ok {
		return r, nil
	}
	return nil, &client.Error{Code: client.CodeNotFound, Message: "claim " + id + " not found"}
}

var at2007 = time.Date(2007, 1, 2, 12, 0, 0, 0, time.UTC)

var directory = Directory{
	Payers:  map[string]string{"999996666": "InsurerMSP"},
	Members: map[string]string{"999996666/JS00111223333": "subject-7f3a"},
	Parties: map[string]x12.Party{
		"InsurerMSP":  {Name: "KEY INSURANCE COMPANY", ID: "999996666"},
		"HospitalMSP": {Name: "BEN KILDARE SERVICE", ID: "1234567893"}},
	Sender: "KEYINS", Receiver: "PREMIER",
}

func newServer(f *fakeClaims) *serve.Server {
	api := New(f, WithDirectory(directory), WithClock(func() time.Time { return at2007 }))
	return serve.New(serve.WithRoutes("/x12", api.Routes()...))
}

func do(t *testing.T, srv http.Handler, method, target, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	return w
}

// twoClaims is TR3 example 1 made representable (the subscriber is the
// patient, ICD-10-CM codes, a check-digit-valid NPI), then a second claim
// of the same subscriber whose line has a place of service of its own
// (SV105 22, the claim's is 11), which carechain cannot represent. Written
// here, not published.
func twoClaims() string {
	head := `ISA*00*          *00*          *ZZ*SUBMITTERS.ID  *ZZ*RECEIVERS.ID   *070102*1253*^*00501*000000905*1*T*:~
GS*HC*SENDER CODE*RECEIVER CODE*20070102*0802*1*X*005010X222A1~
ST*837*0021*005010X222A1~
BHT*0019*00*244579*20070102*1023*CH~
NM1*41*2*PREMIER BILLING SERVICE*****46*TGJ23~
PER*IC*JERRY*TE*3055552222*EX*231~
NM1*40*2*KEY INSURANCE COMPANY*****46*66783JJT~
HL*1**20*1~
PRV*BI*PXC*203BF0100Y~
NM1*85*2*BEN KILDARE SERVICE*****XX*1234567893~
N3*234 SEAWAY ST~
N4*MIAMI*FL*33111~
REF*EI*587654321~
HL*2*1*22*0~
SBR*P*18*2222-SJ******CI~
NM1*IL*1*SMITH*JANE****MI*JS00111223333~
DMG*D8*19430501*F~
NM1*PR*2*KEY INSURANCE COMPANY*****PI*999996666~
`
	claims := `CLM*26463774*55***11:B:1*Y*A*Y*I~
HI*ABK:J020*ABF:Z0000~
LX*1~
SV1*HC:99213:25*40*UN*1~
DTP*472*D8*20061003~
LX*2~
SV1*HC:87070*15*UN*1~
DTP*472*D8*20061003~
CLM*26463775*35***11:B:1*Y*A*Y*I~
HI*ABK:J020*ABF:Z0000~
LX*1~
SV1*HC:99214*35*UN*1*2X**1~
DTP*472*D8*20061010~
`
	n := strings.Count(head+claims, "~") - 2 + 1 // ST..SE, without ISA and GS
	return head + claims + fmt.Sprintf("SE*%d*0021~\nGE*1*1~\nIEA*1*000000905~\n", n)
}

func TestPost837SubmitsEachRepresentableClaimOnceAndRefusesTheOtherByElement(t *testing.T) {
	f := &fakeClaims{}
	w := do(t, newServer(f), http.MethodPost, "/x12/837", MediaX12, twoClaims())
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var res SubmitResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &res))
	require.Len(t, res.Claims, 2)

	first := res.Claims[0]
	require.Equal(t, StatusSubmitted, first.Status)
	require.Equal(t, "26463774", first.ClaimID)
	require.Equal(t, "0021", first.Set)
	require.Equal(t, &Receipt{ID: "26463774", Status: cl.StatusPended, TxID: "tx-26463774"}, first.Receipt)

	second := res.Claims[1]
	require.Equal(t, StatusRefused, second.Status)
	require.Nil(t, second.Receipt)
	require.Equal(t, "2400[1] SV105", second.Issues[0].Path)

	require.Len(t, f.submitted, 1, "the refused claim is not submitted; the other once")
	got := f.submitted[0]
	require.Equal(t, "subject-7f3a", got.Patient, "the member id resolved through the directory")
	require.Equal(t, "InsurerMSP", got.Payer)
	require.Equal(t, int64(5500), got.TotalCents)

	ack, err := x12.ParseInterchange([]byte(res.Ack999))
	require.NoError(t, err)
	set := ack.Groups[0].Sets[0]
	require.Equal(t, "999", set.ST.Element(1))
	require.Contains(t, res.Ack999, "IK5*E", "accepted with errors: one claim of two refused")
	require.Contains(t, res.Ack999, "IK3*SV1*", "the refused segment")
	require.Contains(t, res.Ack999, "IK4*5*", "and its element")
}

func TestPost837UnknownMemberIsRefusedNotGuessed(t *testing.T) {
	f := &fakeClaims{}
	srv := serve.New(serve.WithRoutes("/x12", New(f, WithClock(func() time.Time { return at2007 })).Routes()...))
	w := do(t, srv, http.MethodPost, "/x12/837", MediaX12, twoClaims())
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var res SubmitResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &res))
	for _, c := range res.Claims {
		require.Equal(t, StatusRefused, c.Status)
		require.NotEmpty(t, c.Issues)
	}
	require.Contains(t, w.Body.String(), "2010BA NM109")
	require.Empty(t, f.submitted)
	require.Contains(t, res.Ack999, "IK5*R")
}

func TestPost837FailedSubmissionSaysSoAndTheOthersStillGo(t *testing.T) {
	f := &fakeClaims{failID: "26463774", failErr: &client.Error{Code: client.CodeCommitUnknown, TxID: "tx-maybe", Message: "commit status unknown"}}
	body := strings.Replace(twoClaims(), "SV1*HC:99214*35*UN*1*2X**1~", "SV1*HC:99214*35*UN*1~", 1)
	w := do(t, newServer(f), http.MethodPost, "/x12/837", "text/plain", body)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var res SubmitResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &res))
	require.Equal(t, StatusFailed, res.Claims[0].Status)
	require.Equal(t, "tx-maybe", res.Claims[0].Problem.TxID)
	require.Equal(t, string(client.CodeCommitUnknown), res.Claims[0].Problem.Code)
	require.Contains(t, res.Claims[0].Problem.Advice, "do not send the request again")
	require.Equal(t, StatusSubmitted, res.Claims[1].Status)
	require.Len(t, f.submitted, 2, "each claim submitted once, none again")
}

func TestPost837RefusesWhatIsNoInterchange(t *testing.T) {
	f := &fakeClaims{}
	srv := newServer(f)
	cases := map[string]struct {
		media, body string
		status      int
		field       string
	}{
		"json":            {"application/json", `{"claim":1}`, http.StatusUnsupportedMediaType, "Content-Type"},
		"not x12":         {MediaX12, "hello", http.StatusBadRequest, "body"},
		"broken envelope": {MediaX12, strings.Replace(twoClaims(), "GE*1*1~\n", "", 1), http.StatusBadRequest, "body"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := do(t, srv, http.MethodPost, "/x12/837", tc.media, tc.body)
			require.Equal(t, tc.status, w.Code, w.Body.String())
			var p serve.Problem
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &p))
			require.Equal(t, tc.field, p.Field)
		})
	}
	require.Empty(t, f.submitted, "bad input submits nothing")
}

func paidClaim() *fakeClaims {
	rem := &cl.Remittance{Claim: "26463774", Payer: "InsurerMSP", Provider: "HospitalMSP", ChargedCents: 4000, PaidCents: 3000,
		PatientCents: 500, Outcome: cl.OutcomePartial,
		Lines: []cl.RemittanceLine{{Sequence: 1, Code: "99213", SubmittedCents: 4000, AllowedCents: 3500, PatientCents: 500, PaidCents: 3000,
			Adjustments: []cl.Reason{{Group: "CO", Code: "45", Amount: 500}, {Group: "PR", Code: "3", Amount: 500}}}},
		Payments: []cl.Payment{{Trace: "EFT-9", AmountCents: 3000, Date: "2007-01-02T00:00:00Z"}}}
	return &fakeClaims{
		claims: map[string]*cl.Claim{"26463774": {Input: cl.ClaimInput{ID: "26463774", Patient: "subject-7f3a"}}},
		remits: map[string]*cl.Remittance{"26463774": rem}}
}

func TestGet835OfAPaidClaimParses(t *testing.T) {
	w := do(t, newServer(paidClaim()), http.MethodGet, "/x12/835/26463774", "", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, MediaX12, w.Header().Get("Content-Type"))
	r, err := x12.Parse835(w.Body.Bytes())
	require.NoError(t, err)
	require.Equal(t, "EFT-9", r.Trace)
	require.Equal(t, int64(3000), r.Paid)
	require.Equal(t, "26463774", r.Claims[0].ID)
	require.Contains(t, w.Body.String(), "N1*PE*BEN KILDARE SERVICE*XX*1234567893~")
	require.Contains(t, w.Body.String(), "NM1*QC*1******MI*subject-7f3a~")
}

func TestGet835RefusesUnpaidUnknownAndUnnamed(t *testing.T) {
	unpaid := paidClaim()
	unpaid.remits["26463774"].Payments[0].Reversed = "2007-01-03T00:00:00Z"
	unnamed := paidClaim()
	unnamed.remits["26463774"].Provider = "ClinicMSP"
	cases := map[string]struct {
		f      *fakeClaims
		id     string
		status int
		detail string
	}{
		"reversed payment": {unpaid, "26463774", http.StatusConflict, "no payment"},
		"unknown claim":    {paidClaim(), "nope", http.StatusNotFound, "not found"},
		"unnamed payee":    {unnamed, "26463774", http.StatusConflict, "ClinicMSP"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := do(t, newServer(tc.f), http.MethodGet, "/x12/835/"+tc.id, "", "")
			require.Equal(t, tc.status, w.Code, w.Body.String())
			require.Equal(t, "application/problem+json", w.Header().Get("Content-Type"))
			require.Contains(t, w.Body.String(), tc.detail)
		})
	}
}

func TestRoutesAreDocumented(t *testing.T) {
	doc := newServer(&fakeClaims{}).OpenAPI()
	paths := doc["paths"].(map[string]map[string]any)
	require.Contains(t, paths["/x12/837"], "post")
	require.Contains(t, paths["/x12/835/{claimID}"], "get")
}
