package fhirapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/fhir"
)

// AccessLogs is the records chaincode's accounting of disclosures: one
// entry per access a custodian granted (on a consent, a break-glass
// access or the patient's own), paged from a bookmark. The chaincode says
// who may read which: the patient and the regulator's auditor a patient's,
// a custodian's privacy officer and the auditor a custodian's.
type AccessLogs interface {
	AccessLog(ctx context.Context, subject, order string, p client.Page) (*rc.AccessPage, error)
	AccessLogByCustodian(ctx context.Context, msp, order string, p client.Page) (*rc.AccessPage, error)
}

// WithAccessLog serves AuditEvent: the access log, one AuditEvent per
// disclosure, break-glass ones among them (their basis says so).
func WithAccessLog(l AccessLogs) Option { return func(a *API) { a.accessLog = l } }

var (
	opAuditSearch = serve.Operation{ID: "fhirAuditEventSearch",
		Summary: "the accounting of disclosures as R4 AuditEvents, one per disclosure (break-glass ones with their basis), newest first, paged: a patient's (the patient or the regulator's auditor) or a custodian's (its privacy officer or the auditor)",
		Params: []serve.Param{{Name: "patient", In: "query", Description: "Patient/{id} through the directory; or patient:identifier=" + fhir.SystemPatient + "|{subject}"},
			{Name: "source:identifier", In: "query", Description: "the custodian that observed the disclosures: " + fhir.SystemOrg + "|{MSP id}"},
			{Name: "_count", In: "query", Description: "page size, 1 to 100 (default 20)"}, {Name: "_page", In: "query", Description: "the bookmark of a next link"}},
		Produces: MediaFHIR, Responses: map[int]string{200: "a Bundle of type searchset with self and next links", 400: "a parameter carechain does not search by", 403: "this identity may not read that access log"}}
	opProvenanceSearch = serve.Operation{ID: "fhirProvenanceSearch",
		Summary:  "a record's versions as R4 Provenance, one per version, oldest first, once the record's hash chain verifies",
		Params:   []serve.Param{{Name: "target", In: "query", Required: true, Description: "the record: DocumentReference/{id}"}},
		Produces: MediaFHIR, Responses: map[int]string{200: "a Bundle of type searchset", 400: "no target, or not a DocumentReference", 404: "no such record for this identity"}}
)

func (a *API) auditRoutes() []route {
	return []route{
		{serve.Route{Method: http.MethodGet, Pattern: "/AuditEvent", Op: opAuditSearch, Handler: a.searchAuditEvents}, "AuditEvent", "search-type", "patient,source", ""},
	}
}

func (a *API) provenanceRoutes() []route {
	return []route{
		{serve.Route{Method: http.MethodGet, Pattern: "/Provenance", Op: opProvenanceSearch, Handler: a.searchProvenance}, "Provenance", "search-type", "target", ""},
	}
}

// searchAuditEvents answers one page of an access log, each entry as the
// AuditEvent of its disclosure; the next link carries the bookmark.
func (a *API) searchAuditEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, list, err := a.auditQuery(q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := list(r.Context(), page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	answerPage(a, w, r, "AuditEvent", p.Items, p.Bookmark, fhir.DisclosureEvent)
}

type accessLister func(ctx context.Context, p client.Page) (*rc.AccessPage, error)

// auditQuery reads an AuditEvent search: by patient or by the observing
// custodian, exactly one of them, and the page.
func (a *API) auditQuery(q url.Values) (client.Page, accessLister, error) {
	if err := onlyParams(q, "AuditEvent", "patient", "patient:identifier", "source:identifier"); err != nil {
		return client.Page{}, nil, err
	}
	page, err := pageParams(q)
	if err != nil {
		return page, nil, err
	}
	byPatient := q.Has("patient") || q.Has("patient:identifier")
	if byPatient == q.Has("source:identifier") {
		return page, nil, serve.BadRequest("patient", errors.New("search AuditEvent by patient or by source:identifier (the custodian), one of them"))
	}
	if !byPatient {
		msp, err := orgIdentifier(q.Get("source:identifier"))
		return page, func(ctx context.Context, p client.Page) (*rc.AccessPage, error) {
			return a.accessLog.AccessLogByCustodian(ctx, msp, "newest", p)
		}, err
	}
	subject, err := a.patientParam(q)
	return page, func(ctx context.Context, p client.Page) (*rc.AccessPage, error) {
		return a.accessLog.AccessLog(ctx, subject, "newest", p)
	}, err
}

// orgIdentifier is the MSP id of a token search system|value on the
// system of orgs.
func orgIdentifier(v string) (string, error) {
	sys, msp, ok := strings.Cut(v, "|")
	if !ok || sys != fhir.SystemOrg || msp == "" || strings.Contains(msp, "|") {
		return "", serve.BadRequest("source:identifier", fmt.Errorf("names the custodian as %s|{MSP id}", fhir.SystemOrg))
	}
	return msp, nil
}

// searchProvenance answers a record's versions as Provenance, once its
// history verifies, as a read of the DocumentReference does.
func (a *API) searchProvenance(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := onlyParams(q, "Provenance", "target"); err != nil {
		a.fail(w, r, err)
		return
	}
	id, ok := strings.CutPrefix(q.Get("target"), "DocumentReference/")
	if !ok || id == "" || strings.Contains(id, "/") {
		a.fail(w, r, serve.BadRequest("target", errors.New("names the record: DocumentReference/{id} (carechain keeps the provenance of records)")))
		return
	}
	h, err := a.verifiedHistory(r, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	found, err := fhir.VersionProvenance(h.Versions)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	self := a.base + "/Provenance?" + r.URL.RawQuery
	a.answer(w, r, http.StatusOK, "", func() ([]byte, error) { return fhir.SearchSet(self, "", found...) })
}
