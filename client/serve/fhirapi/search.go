package fhirapi

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/fhir"
)

// Searches answer what the ledger's keys hold without rich queries
// (LevelDB, composite-key indexes): a claim by its id (Claim?_id,
// ClaimResponse?request, ExplanationOfBenefit?claim: a point read, zero or
// one match), a patient's claims (the claims chaincode's private,
// blinded index by patient in each provider–payer pair's collection:
// those this org is a party to, paged from a bookmark), consents and
// documents (the consent and records chaincodes' by-subject indexes).

var (
	opClaimRead   = op("fhirClaimRead", "a claim as the R4 Claim it was submitted as (carechain's mapping of it)", false, 200, "the Claim")
	opClaimSearch = searchOp("fhirClaimSearch", "Claim", "_id", "the claim id")
	opRespSearch  = searchOp("fhirClaimResponseSearch", "ClaimResponse", "request", "the claim: Claim/{id}")
	opEOBSearch   = searchOp("fhirEOBSearch", "ExplanationOfBenefit", "claim", "the claim: Claim/{id}")
	opDocSearch   = serve.Operation{ID: "fhirDocumentReferenceSearch", Summary: "search a patient's DocumentReferences (for the patient or the regulator's auditor), newest first, paged",
		Params:   patientParams(),
		Produces: MediaFHIR, Responses: map[int]string{200: "a Bundle of type searchset with self and next links", 400: "a parameter carechain does not search by", 403: "this identity may not list the patient's records"}}
)

func patientParams() []serve.Param {
	return []serve.Param{{Name: "patient", In: "query", Description: "Patient/{id} through the directory; or patient:identifier=" + fhir.SystemPatient + "|{subject}"},
		{Name: "_count", In: "query", Description: "page size, 1 to 100 (default 20)"}, {Name: "_page", In: "query", Description: "the bookmark of a next link"}}
}

func searchOp(id, typ, param, what string) serve.Operation {
	return serve.Operation{ID: id, Summary: "search " + typ + " by " + param + " (a point read: zero or one match) or by patient (the claims this org is a party to, paged)",
		Params: append([]serve.Param{{Name: param, In: "query", Description: what + " (or search by patient)"}}, patientParams()...), Produces: MediaFHIR,
		Responses: map[int]string{200: "a Bundle of type searchset", 400: "a parameter carechain does not search by", 403: "this identity may not list claims"}}
}

func (a *API) claimSearchRoutes() []route {
	return []route{
		{serve.Route{Method: http.MethodGet, Pattern: "/Claim/{id}", Op: opClaimRead, Handler: a.readClaim(claimResource)}, "Claim", "read", "", ""},
		{serve.Route{Method: http.MethodGet, Pattern: "/Claim", Op: opClaimSearch, Handler: a.searchClaim("Claim", "_id", claimResource)}, "Claim", "search-type", "_id,patient", ""},
		{serve.Route{Method: http.MethodGet, Pattern: "/ClaimResponse", Op: opRespSearch, Handler: a.searchClaim("ClaimResponse", "request", fhir.ClaimResponse)}, "ClaimResponse", "search-type", "request,patient", ""},
		{serve.Route{Method: http.MethodGet, Pattern: "/ExplanationOfBenefit", Op: opEOBSearch, Handler: a.searchClaim("ExplanationOfBenefit", "claim", fhir.ExplanationOfBenefit)}, "ExplanationOfBenefit", "search-type", "claim,patient", ""},
	}
}

// claimResource writes a claim as the R4 Claim carechain's mapping reads
// back to the same input, created the day it was submitted.
func claimResource(c cl.Claim) ([]byte, error) {
	created := c.Submitted
	if len(created) >= 10 {
		created = created[:10]
	}
	return fhir.ClaimResource(c.Input, c.Provider, created)
}

// searchClaim answers the claim the parameter names as a searchset of
// zero or one resource: a claim this identity cannot read is no match.
func (a *API) searchClaim(typ, param string, build func(cl.Claim) ([]byte, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Has("patient") || q.Has("patient:identifier") {
			a.searchClaimsByPatient(w, r, typ, build)
			return
		}
		if err := onlyParams(q, typ, param); err != nil {
			a.fail(w, r, err)
			return
		}
		id, err := claimParam(q, param)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		var found [][]byte
		c, err := a.claims.Get(r.Context(), id)
		switch {
		case err != nil && client.CodeOf(err) == client.CodeNotFound:
		case err != nil:
			a.fail(w, r, err)
			return
		default:
			data, err := build(*c)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			found = append(found, data)
		}
		self := a.base + "/" + typ + "?" + r.URL.RawQuery
		a.answer(w, r, http.StatusOK, "", func() ([]byte, error) { return fhir.SearchSet(self, "", found...) })
	}
}

// searchClaimsByPatient answers one page of a patient's claims that this
// org is a party to, each as typ; the next link carries the bookmark.
func (a *API) searchClaimsByPatient(w http.ResponseWriter, r *http.Request, typ string, build func(cl.Claim) ([]byte, error)) {
	subject, page, err := a.patientSearch(r.URL.Query(), typ)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.claims.ListByPatient(r.Context(), subject, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	answerPage(a, w, r, typ, p.Items, p.Bookmark, build)
}

// claimParam is the claim id a parameter names: an id, or Claim/{id}.
func claimParam(q url.Values, param string) (string, error) {
	v := q.Get(param)
	if param != "_id" {
		v = strings.TrimPrefix(v, "Claim/")
	}
	if v == "" || strings.Contains(v, "/") {
		return "", serve.BadRequest(param, fmt.Errorf("names the claim: %s", map[bool]string{true: "its id", false: "Claim/{id}"}[param == "_id"]))
	}
	return v, nil
}

// onlyParams refuses every parameter but the ones a search of typ takes
// (and _count and _page), naming the first in order: a parameter carechain
// ignored would answer more than was asked for.
func onlyParams(q url.Values, typ string, allowed ...string) error {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != "_count" && k != "_page" && !contains(allowed, k) {
			return serve.BadRequest(k, fmt.Errorf("carechain does not search %s by %s: it searches by %s", typ, k, strings.Join(allowed, ", ")))
		}
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// searchDocuments answers one page of a patient's records, newest first,
// each as the DocumentReference of its current version once its history
// verifies, as a read does.
func (a *API) searchDocuments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	subject, page, err := a.patientSearch(q, "DocumentReference")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.records.ListBySubject(r.Context(), subject, "newest", page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	answerPage(a, w, r, "DocumentReference", p.Items, p.Bookmark, func(an rc.Anchor) ([]byte, error) { return a.verifiedDocument(r, an.ID) })
}

// answerPage answers one page of a search: each item built as a resource
// of typ, in a searchset whose next link carries the bookmark. An item
// that cannot be built fails the whole answer.
func answerPage[T any](a *API, w http.ResponseWriter, r *http.Request, typ string, items []T, bookmark string, build func(T) ([]byte, error)) {
	found := make([][]byte, 0, len(items))
	for _, it := range items {
		data, err := build(it)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		found = append(found, data)
	}
	self, next := a.pageLinks(r, typ, bookmark)
	a.answer(w, r, http.StatusOK, "", func() ([]byte, error) { return fhir.SearchSet(self, next, found...) })
}

// pageLinks are a search's self link and, when there is a bookmark, its
// next link.
func (a *API) pageLinks(r *http.Request, typ, bookmark string) (string, string) {
	self := a.base + "/" + typ + "?" + r.URL.RawQuery
	if bookmark == "" {
		return self, ""
	}
	q := r.URL.Query()
	q.Set("_page", bookmark)
	return self, a.base + "/" + typ + "?" + q.Encode()
}

// patientSearch reads the parameters of a search by patient: the patient
// and the page (any other parameter is refused, naming it).
func (a *API) patientSearch(q url.Values, resource string) (string, client.Page, error) {
	if err := onlyParams(q, resource, "patient", "patient:identifier"); err != nil {
		return "", client.Page{}, err
	}
	subject, err := a.patientParam(q)
	if err != nil {
		return "", client.Page{}, err
	}
	page, err := pageParams(q)
	return subject, page, err
}
