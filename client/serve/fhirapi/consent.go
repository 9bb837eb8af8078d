package fhirapi

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	cw "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/fhir"
)

var (
	opConsentCreate = op("fhirConsentCreate", "grant an R4 Consent (signed by this identity: the patient or a delegate)", true, 201, "the consent was granted")
	opConsentRead   = op("fhirConsentRead", "a consent as this identity may read it, with its status now", false, 200, "the Consent")
	opConsentRevoke = op("fhirConsentRevoke", "revoke a consent ($revoke): it stops applying at once", false, 200, "the revoked Consent")
	opConsentSearch = serve.Operation{ID: "fhirConsentSearch", Summary: "a patient's consents, one page (Bundle searchset; link next names the next)",
		Params: []serve.Param{
			{Name: "patient", In: "query", Required: true, Description: "Patient/id (through the directory), or with :identifier urn:carechain:patient|subject"},
			{Name: "_count", In: "query", Type: "integer", Description: "page size (1 to 100, default 20)"},
			{Name: "_page", In: "query", Description: "the page a link next names"}},
		Produces: MediaFHIR, Responses: map[int]string{200: "the Bundle", 400: "a parameter is not valid"}}
)

func (a *API) consentRoutes() []route {
	return []route{
		{serve.Route{Method: http.MethodPost, Pattern: "/Consent", Op: opConsentCreate, Handler: a.createConsent}, "Consent", "create", "", ""},
		{serve.Route{Method: http.MethodGet, Pattern: "/Consent/{id}", Op: opConsentRead, Handler: a.readConsent}, "Consent", "read", "", ""},
		{serve.Route{Method: http.MethodGet, Pattern: "/Consent", Op: opConsentSearch, Handler: a.searchConsents}, "Consent", "search-type", "patient", ""},
		{serve.Route{Method: http.MethodPost, Pattern: "/Consent/{id}/$revoke", Op: opConsentRevoke, Handler: a.revokeConsent}, "Consent", "", "", "revoke"},
	}
}

// createConsent maps a Consent (refused by element), grants it once and
// answers it as read back.
func (a *API) createConsent(w http.ResponseWriter, r *http.Request) {
	data, err := readResource(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := fhir.ConsentInput(data, a.options(a.now())...)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rc, err := a.consents.Grant(r.Context(), res.Input)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.consentAnswer(w, r, http.StatusCreated, rc.ID)
}

func (a *API) readConsent(w http.ResponseWriter, r *http.Request) {
	a.consentAnswer(w, r, http.StatusOK, chi.URLParam(r, "id"))
}

func (a *API) revokeConsent(w http.ResponseWriter, r *http.Request) {
	rc, err := a.consents.Revoke(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.consentAnswer(w, r, http.StatusOK, rc.ID)
}

// consentAnswer reads a consent and answers it as R4.
func (a *API) consentAnswer(w http.ResponseWriter, r *http.Request, status int, id string) {
	v, err := a.consents.Get(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	location := ""
	if status == http.StatusCreated {
		location = a.base + "/Consent/" + id
	}
	a.answer(w, r, status, location, func() ([]byte, error) { return fhir.ConsentResource(*v) })
}

// searchConsents answers one page of a patient's consents.
func (a *API) searchConsents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	subject, page, err := a.patientSearch(q, "Consent")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.consents.ListBySubject(r.Context(), subject, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.answer(w, r, http.StatusOK, "", func() ([]byte, error) { return a.consentBundle(r, p) })
}

func (a *API) consentBundle(r *http.Request, p *cw.ConsentPage) ([]byte, error) {
	resources := make([][]byte, 0, len(p.Items))
	for _, v := range p.Items {
		data, err := fhir.ConsentResource(v)
		if err != nil {
			return nil, err
		}
		resources = append(resources, data)
	}
	self, next := a.pageLinks(r, "Consent", p.Bookmark)
	return fhir.SearchSet(self, next, resources...)
}

var errPatientParam = errors.New("a search names its patient: patient=Patient/id or patient:identifier=" + fhir.SystemPatient + "|subject")

// patientParam is the subject a search's patient parameter names.
func (a *API) patientParam(q url.Values) (string, error) {
	if v := q.Get("patient:identifier"); v != "" {
		sys, subject, ok := strings.Cut(v, "|")
		if !ok || sys != fhir.SystemPatient || subject == "" {
			return "", serve.BadRequest("patient:identifier", errPatientParam)
		}
		return subject, nil
	}
	lit := q.Get("patient")
	if lit == "" {
		return "", serve.BadRequest("patient", errPatientParam)
	}
	if a.dir != nil {
		if sys, v, ok := a.dir(lit); ok && sys == fhir.SystemPatient {
			return v, nil
		}
	}
	return "", serve.BadRequest("patient", errors.New(lit+": the directory resolves no such patient"))
}

const maxCount = 100

// pageParams reads _count and _page.
func pageParams(q url.Values) (client.Page, error) {
	p := client.Page{Size: 20, Bookmark: q.Get("_page")}
	if c := q.Get("_count"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 || n > maxCount {
			return p, serve.BadRequest("_count", errors.New("is 1 to 100"))
		}
		p.Size = int32(min(n, maxCount))
	}
	return p, nil
}
