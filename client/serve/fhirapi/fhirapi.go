package fhirapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	cw "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/fhir"
)

// Claims is what the FHIR routes ask of the claims chaincode, as
// *claims.Client answers it.
type Claims interface {
	Submit(ctx context.Context, c cl.ClaimInput) (*cl.Receipt, error)
	Get(ctx context.Context, id string) (*cl.Claim, error)
	RegisterCoverage(ctx context.Context, c cl.Coverage) (*cl.Receipt, error)
	Coverage(ctx context.Context, payer, id string) (*cl.Coverage, error)
	ListByPatient(ctx context.Context, patient string, p client.Page) (*cl.ClaimPage, error)
}

// Consents is what the FHIR routes ask of the consent chaincode, as
// *consent.Client answers it.
type Consents interface {
	Grant(ctx context.Context, in cw.GrantInput) (*cw.Receipt, error)
	Get(ctx context.Context, id string) (*cw.View, error)
	ListBySubject(ctx context.Context, subject string, p client.Page) (*cw.ConsentPage, error)
	Revoke(ctx context.Context, id string) (*cw.Receipt, error)
}

// API is the /fhir routes of one session.
type API struct {
	org      string
	claims   Claims
	consents Consents
	records  Records
	// accessLog is the records chaincode's access log, for AuditEvent.
	accessLog AccessLogs
	dir       fhir.Directory
	now       func() time.Time
	log       *slog.Logger
	base      string
}

// Option configures an API.
type Option func(*API)

// WithClaims serves Claim, ClaimResponse, ExplanationOfBenefit and Coverage.
func WithClaims(c Claims) Option { return func(a *API) { a.claims = c } }

// WithConsents serves Consent.
func WithConsents(c Consents) Option { return func(a *API) { a.consents = c } }

// WithDirectory resolves literal references (Patient/f001) to carechain
// identities, as the integration's own FHIR server knows them.
func WithDirectory(d fhir.Directory) Option { return func(a *API) { a.dir = d } }

// WithClock sets the clock resources are checked against (tests).
func WithClock(now func() time.Time) Option { return func(a *API) { a.now = now } }

// WithLogger sets the log of failed calls (never a body: it is PHI).
func WithLogger(l *slog.Logger) Option { return func(a *API) { a.log = l } }

// WithBase sets the path the routes are mounted under (default /fhir),
// for Location headers and search links.
func WithBase(path string) Option { return func(a *API) { a.base = path } }

// New makes the FHIR routes of a session of org (its MSP id): the org a
// Claim's provider and a Coverage's payor must be, since carechain
// records the submitting org as either.
func New(org string, opts ...Option) *API {
	a := &API{org: org, now: time.Now, log: slog.New(slog.DiscardHandler), base: "/fhir"}
	for _, o := range opts {
		o(a)
	}
	return a
}

// route is a route and what the CapabilityStatement says of it.
type route struct {
	serve.Route
	// search is the search parameters, comma-separated.
	typ, interaction, search, operation string
}

// Routes are the API's routes, for serve.WithRoutes("/fhir", ...):
// metadata and those of the chaincodes it was given.
func (a *API) Routes() []serve.Route {
	out := []serve.Route{{Method: http.MethodGet, Pattern: "/metadata", Op: opMetadata, Handler: a.metadata}}
	for _, r := range a.table() {
		out = append(out, r.Route)
	}
	return out
}

func (a *API) table() []route {
	var rs []route
	if a.claims != nil {
		rs = append(rs, a.claimRoutes()...)
	}
	if a.consents != nil {
		rs = append(rs, a.consentRoutes()...)
	}
	if a.records != nil {
		rs = append(rs, a.documentRoutes()...)
		rs = append(rs, a.provenanceRoutes()...)
	}
	if a.accessLog != nil {
		rs = append(rs, a.auditRoutes()...)
	}
	return rs
}

// MediaFHIR is FHIR's JSON media type.
const MediaFHIR = "application/fhir+json"

var opMetadata = serve.Operation{ID: "fhirMetadata", Summary: "the FHIR CapabilityStatement: exactly what this server serves",
	Produces: MediaFHIR, Responses: map[int]string{200: "the CapabilityStatement (R4)"}}
