package fhirapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	cw "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/fhir"
)

// fakeLedger keeps claims, coverages and consents as the chaincodes
// would answer them, and counts the submissions.
type fakeLedger struct {
	mu        sync.Mutex
	claims    map[string]*cl.Claim
	coverages map[string]*cl.Coverage
	consents  map[string]*cw.View
	submits   int
	grants    int
	failErr   error // every submission fails with it
	readErr   error // every Get of a claim fails with it
	listErr   error // every ListByPatient fails with it
}

func newLedger() *fakeLedger {
	return &fakeLedger{claims: map[string]*cl.Claim{}, coverages: map[string]*cl.Coverage{}, consents: map[string]*cw.View{}}
}

func notFound(what string) error {
	return &client.Error{Code: client.CodeNotFound, Message: what + " not found"}
}

func (f *fakeLedger) Submit(ctx context.Context, c cl.ClaimInput) (*cl.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.submits++
	if f.failErr != nil {
		return nil, f.failErr
	}
	f.claims[c.ID] = &cl.Claim{Input: c, Provider: org, Status: cl.StatusPended, Submitted: "2026-03-01T10:00:00Z"}
	return &cl.Receipt{ID: c.ID, Status: cl.StatusPended, TxID: "tx-" + c.ID}, nil
}

func (f *fakeLedger) Get(ctx context.Context, id string) (*cl.Claim, error) {
	if f.readErr != nil {
		return nil, f.readErr
	}
	if c, ok := f.claims[id]; ok {
		return c, nil
	}
	return nil, notFound("claim " + id)
}

func (f *fakeLedger) RegisterCoverage(ctx context.Context, c cl.Coverage) (*cl.Receipt, error) {
	c.Registered = "2026-03-01T10:00:00Z"
	f.coverages[c.Payer+"/"+c.ID] = &c
	return &cl.Receipt{ID: c.ID, TxID: "tx-cov"}, nil
}

func (f *fakeLedger) Coverage(ctx context.Context, payer, id string) (*cl.Coverage, error) {
	if c, ok := f.coverages[payer+"/"+id]; ok {
		return c, nil
	}
	return nil, notFound("coverage " + id)
}

// ListByPatient pages the patient's claims in id order, the bookmark the
// next id; listErr fails it.
func (f *fakeLedger) ListByPatient(ctx context.Context, patient string, p client.Page) (*cl.ClaimPage, error) {
	if f.listErr != nil {
		return nil, f.listErr
	}
	out := &cl.ClaimPage{Items: []cl.Claim{}}
	for _, id := range sortedIDs(f.claims, func(c *cl.Claim) bool { return c.Input.Patient == patient }) {
		c := f.claims[id]
		switch {
		case id < p.Bookmark:
		case len(out.Items) == int(p.Size):
			out.Bookmark = id
			return out, nil
		default:
			out.Items = append(out.Items, *c)
		}
	}
	return out, nil
}

// consentLedger is the consent side of the fake, a type of its own since
// both chaincodes have a Get.
type consentLedger struct{ *fakeLedger }

func (f consentLedger) Grant(ctx context.Context, in cw.GrantInput) (*cw.Receipt, error) {
	f.grants++
	c := cw.GrantedConsent(in)
	c.Created, c.Updated = "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"
	f.consents[in.ID] = &cw.View{Consent: c, EffectiveStatus: c.Status}
	return &cw.Receipt{ID: in.ID, Status: c.Status}, nil
}

func (f consentLedger) Get(ctx context.Context, id string) (*cw.View, error) {
	if v, ok := f.consents[id]; ok {
		return v, nil
	}
	return nil, notFound("consent " + id)
}

// ListBySubject pages one consent at a time, in id order.
func (f consentLedger) ListBySubject(ctx context.Context, subject string, p client.Page) (*cw.ConsentPage, error) {
	ids := sortedIDs(f.consents, func(v *cw.View) bool { return v.Subject == subject })
	i, _ := strconv.Atoi(p.Bookmark)
	page := &cw.ConsentPage{Items: []cw.View{}}
	if i < len(ids) {
		page.Items = append(page.Items, *f.consents[ids[i]])
	}
	if i+1 < len(ids) {
		page.Bookmark = strconv.Itoa(i + 1)
	}
	return page, nil
}

func (f consentLedger) Revoke(ctx context.Context, id string) (*cw.Receipt, error) {
	v, ok := f.consents[id]
	if !ok {
		return nil, notFound("consent " + id)
	}
	v.Status, v.StatusReason, v.EffectiveStatus, v.EffectiveReason = cw.StatusInactive, cw.ReasonRevoked, cw.StatusInactive, cw.ReasonRevoked
	return &cw.Receipt{ID: id, Status: cw.StatusInactive, StatusReason: cw.ReasonRevoked}, nil
}

// sortedIDs are the keys of m whose values keep, in order.
func sortedIDs[V any](m map[string]V, keep func(V) bool) []string {
	var ids []string
	for id, v := range m {
		if keep(v) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

const org = "HospitalMSP"

var recorded = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// directory resolves the one literal patient the tests use.
func directory(lit string) (string, string, bool) {
	if lit == "Patient/f001" {
		return fhir.SystemPatient, "subj-9f2c", true
	}
	return "", "", false
}

func newServer(f *fakeLedger, session string) *serve.Server {
	api := New(session, WithClaims(f), WithConsents(consentLedger{f}), WithDirectory(directory),
		WithClock(func() time.Time { return recorded }))
	return serve.New(serve.WithRoutes("/fhir", api.Routes()...))
}

func do(srv http.Handler, method, target, contentType, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	return w
}
