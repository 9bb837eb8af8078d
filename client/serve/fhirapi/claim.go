package fhirapi

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/fhir"
)

var (
	idParam     = []serve.Param{{Name: "id", In: "path", Description: "the resource id (carechain's id)"}}
	opClaim     = op("fhirClaimCreate", "submit an R4 professional Claim; answered with its ClaimResponse", true, 201, "the claim was submitted; its ClaimResponse")
	opClaimResp = op("fhirClaimResponseRead", "a claim's ClaimResponse (its adjudication, as R4)", false, 200, "the ClaimResponse")
	opEOB       = op("fhirEOBRead", "a claim's ExplanationOfBenefit (the claim with its adjudication, as R4)", false, 200, "the ExplanationOfBenefit")
	opCovCreate = op("fhirCoverageCreate", "register an R4 Coverage (the payer's own)", true, 201, "the coverage was registered")
	opCovRead   = op("fhirCoverageRead", "one of the payer's coverages, as R4", false, 200, "the Coverage")
)

// op describes a create (a body) or a read (an id).
func op(id, summary string, create bool, status int, ok string) serve.Operation {
	o := serve.Operation{ID: id, Summary: summary, Produces: MediaFHIR, Responses: map[int]string{status: ok,
		400: "refused: an OperationOutcome naming each element", 403: "this identity may not", 404: "no such resource for this identity"}}
	if create {
		o.Body = []string{MediaFHIR, "application/json"}
		o.Responses[202] = "the outcome is unknown: the OperationOutcome names the transaction; do not send again"
		o.Responses[415] = "not FHIR JSON"
	} else {
		o.Params = idParam
	}
	return o
}

func (a *API) claimRoutes() []route {
	return append([]route{
		{serve.Route{Method: http.MethodPost, Pattern: "/Claim", Op: opClaim, Handler: a.createClaim}, "Claim", "create", "", ""},
		{serve.Route{Method: http.MethodGet, Pattern: "/ClaimResponse/{id}", Op: opClaimResp, Handler: a.readClaim(fhir.ClaimResponse)}, "ClaimResponse", "read", "", ""},
		{serve.Route{Method: http.MethodGet, Pattern: "/ExplanationOfBenefit/{id}", Op: opEOB, Handler: a.readClaim(fhir.ExplanationOfBenefit)}, "ExplanationOfBenefit", "read", "", ""},
		{serve.Route{Method: http.MethodPost, Pattern: "/Coverage", Op: opCovCreate, Handler: a.createCoverage}, "Coverage", "create", "", ""},
		{serve.Route{Method: http.MethodGet, Pattern: "/Coverage/{id}", Op: opCovRead, Handler: a.readCoverage}, "Coverage", "read", "", ""},
	}, a.claimSearchRoutes()...)
}

// options are the mapping's options for a request now.
func (a *API) options(now time.Time) []fhir.Option {
	opts := []fhir.Option{fhir.At(now)}
	if a.dir != nil {
		opts = append(opts, fhir.WithDirectory(a.dir))
	}
	return opts
}

// createClaim maps a Claim (refused by element), checks that its provider
// is the session's org, submits it once and answers its ClaimResponse.
func (a *API) createClaim(w http.ResponseWriter, r *http.Request) {
	data, err := readResource(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := a.now()
	res, err := fhir.ClaimInput(data, a.options(now)...)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if res.Provider != a.org {
		a.fail(w, r, refuse("Claim/"+res.Input.ID, "Claim.provider", "carechain records the submitting org (%s) as the provider, not %s", a.org, res.Provider))
		return
	}
	rc, err := a.claims.Submit(r.Context(), res.Input)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	c := a.submitted(r.Context(), res.Input, rc, now)
	out, err := fhir.ClaimResponse(*c)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	write(w, http.StatusCreated, a.base+"/ClaimResponse/"+rc.ID, out)
}

// submitted reads the claim just submitted; when the read fails (the
// claim committed: answering an error would invite a second submission)
// it is the claim as submitted, queued.
func (a *API) submitted(ctx context.Context, in cl.ClaimInput, rc *cl.Receipt, now time.Time) *cl.Claim {
	c, err := a.claims.Get(ctx, rc.ID)
	if err == nil {
		return c
	}
	a.log.WarnContext(ctx, "claim submitted, not read back", "claim", rc.ID, "txId", rc.TxID, "error", err.Error())
	return &cl.Claim{Input: in, Provider: a.org, Status: rc.Status, Submitted: now.UTC().Format(time.RFC3339)}
}

// readClaim answers a claim as the resource write makes of it.
func (a *API) readClaim(write func(cl.Claim) ([]byte, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := a.claims.Get(r.Context(), chi.URLParam(r, "id"))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.answer(w, r, http.StatusOK, "", func() ([]byte, error) { return write(*c) })
	}
}

// answer writes what build makes, or fails with its error.
func (a *API) answer(w http.ResponseWriter, r *http.Request, status int, location string, build func() ([]byte, error)) {
	data, err := build()
	if err != nil {
		a.fail(w, r, err)
		return
	}
	write(w, status, location, data)
}

// createCoverage registers a Coverage whose payor is the session's org.
func (a *API) createCoverage(w http.ResponseWriter, r *http.Request) {
	data, err := readResource(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := fhir.CoverageInput(data, a.options(a.now())...)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	c := res.Coverage
	if c.Payer != a.org {
		a.fail(w, r, refuse("Coverage/"+c.ID, "Coverage.payor[0]", "a payer registers its own coverages: this session is %s's, not %s's", a.org, c.Payer))
		return
	}
	if _, err := a.claims.RegisterCoverage(r.Context(), c); err != nil {
		a.fail(w, r, err)
		return
	}
	if back, err := a.claims.Coverage(r.Context(), a.org, c.ID); err == nil {
		c = *back
	}
	a.answer(w, r, http.StatusCreated, a.base+"/Coverage/"+c.ID, func() ([]byte, error) { return fhir.CoverageResource(c) })
}

// readCoverage reads one of the session's org's coverages.
func (a *API) readCoverage(w http.ResponseWriter, r *http.Request) {
	c, err := a.claims.Coverage(r.Context(), a.org, chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.answer(w, r, http.StatusOK, "", func() ([]byte, error) { return fhir.CoverageResource(*c) })
}
