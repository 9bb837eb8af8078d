package fhirapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/fhir"
	"github.com/carechain/carechain/client/standards/refusal"
)

// maxResource is the largest resource a create takes.
const maxResource = 4 << 20

// readResource reads a FHIR JSON body within maxResource.
func readResource(r *http.Request) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != MediaFHIR && mt != "application/json" {
		return nil, serve.UnsupportedMedia(mt, MediaFHIR+" or application/json")
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxResource+1))
	if err != nil {
		return nil, serve.BadRequest("body", err)
	}
	if len(data) > maxResource {
		return nil, serve.BadRequest("body", fmt.Errorf("is over %d bytes", maxResource))
	}
	return data, nil
}

// write answers a resource carechain built (already validated as R4).
func write(w http.ResponseWriter, status int, location string, data []byte) {
	if location != "" {
		w.Header().Set("Location", location)
	}
	w.Header().Set("Content-Type", MediaFHIR)
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}

// fail answers err as an OperationOutcome: a refusal names each element;
// any other error has the status and code of its problem document (a
// COMMIT_UNKNOWN names the transaction that may be ordered and says not to
// send the request again).
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var re *refusal.Error
	status, issues := http.StatusBadRequest, []fhir.OutcomeIssue(nil)
	if errors.As(err, &re) {
		issues = fhir.RefusalIssues(re)
	} else {
		p := serve.ProblemOf(err)
		status, issues = p.Status, []fhir.OutcomeIssue{{Code: issueType(p.Status), Diagnostics: diagnostics(p)}}
		if p.Status == http.StatusBadRequest {
			issues[0].Expression = p.Field // the parameter refused
		}
		if p.Status >= 500 {
			a.log.ErrorContext(r.Context(), "fhir request failed", "requestId", middleware.GetReqID(r.Context()), "error", err.Error())
		}
	}
	data, oerr := fhir.OperationOutcome(issues...)
	if oerr != nil {
		serve.WriteError(w, r, oerr)
		return
	}
	write(w, status, "", data)
}

// issueType is the OperationOutcome issue type of an HTTP status.
func issueType(status int) string {
	switch status {
	case http.StatusBadRequest:
		return fhir.IssueInvalid
	case http.StatusUnsupportedMediaType:
		return fhir.IssueNotSupported
	case http.StatusForbidden:
		return fhir.IssueForbidden
	case http.StatusNotFound:
		return fhir.IssueNotFound
	case http.StatusConflict:
		return fhir.IssueConflict
	case http.StatusAccepted:
		return fhir.IssueIncomplete
	case http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusBadGateway:
		return fhir.IssueTransient
	}
	return fhir.IssueException
}

// diagnostics says what a problem document says, in one line.
func diagnostics(p serve.Problem) string {
	parts := []string{p.Code}
	for _, s := range []string{p.Detail, fieldOf(p.Field), txOf(p.TxID), p.Advice, reqOf(p.RequestID)} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ": ")
}

func fieldOf(f string) string {
	if f == "" {
		return ""
	}
	return "field " + f
}

func txOf(id string) string {
	if id == "" {
		return ""
	}
	return "transaction " + id
}

func reqOf(id string) string {
	if id == "" {
		return ""
	}
	return "request " + id
}

// refuse is a refusal of one element of a resource.
func refuse(doc, path, format string, args ...any) error {
	return &refusal.Error{Doc: doc, Issues: []refusal.Issue{{Path: path, Reason: fmt.Sprintf(format, args...)}}}
}

func (a *API) metadata(w http.ResponseWriter, r *http.Request) {
	data, err := fhir.CapabilityStatement(a.now().UTC().Format("2006-01-02"), "carectl serve", serve.Version, a.served()...)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	write(w, http.StatusOK, "", data)
}

// served is the route table as the CapabilityStatement lists it, per
// resource type in the order the types first appear.
func (a *API) served() []fhir.Served {
	var out []fhir.Served
	at := map[string]int{}
	for _, rt := range a.table() {
		i, ok := at[rt.typ]
		if !ok {
			i, at[rt.typ] = len(out), len(out)
			out = append(out, fhir.Served{Type: rt.typ})
		}
		s := &out[i]
		s.Interactions = appendNew(s.Interactions, rt.interaction)
		for _, p := range strings.Split(rt.search, ",") {
			s.Search = appendNew(s.Search, p)
		}
		s.Operations = appendNew(s.Operations, rt.operation)
	}
	return out
}

func appendNew(list []string, v string) []string {
	if v == "" {
		return list
	}
	for _, s := range list {
		if s == v {
			return list
		}
	}
	return append(list, v)
}
