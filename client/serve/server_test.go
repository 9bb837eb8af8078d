package serve

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client"
)

func TestHealthz(t *testing.T) {
	h := newHarness(t, WithHealth(func(context.Context) error { return nil }))
	w := h.do("GET", "/healthz", "", "")
	assert.Equal(t, 200, w.Code)
	assert.JSONEq(t, `{"status":"ok"}`, w.Body.String())
	assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"), "no answer is sniffed as HTML")

	h = newHarness(t, WithHealth(func(context.Context) error {
		return &client.Error{Code: client.CodeUnavailable, Message: "no gateway answered"}
	}))
	w = h.do("GET", "/healthz", "", "")
	p := decodeProblem(t, w)
	assert.Equal(t, 503, p.Status)
	assert.Equal(t, "UNAVAILABLE", p.Code)
	assert.NotEmpty(t, p.RequestID)
	assert.Equal(t, p.RequestID, w.Header().Get("X-Request-Id"))

	assert.Equal(t, 503, newHarness(t).do("GET", "/healthz", "", "").Code, "no check: not healthy")
}

func TestOpenAPIDocumentIsValidAndListsEveryRoute(t *testing.T) {
	extra := Route{Method: "GET", Pattern: "/metadata", Op: Operation{ID: "fhirMetadata", Summary: "a mounted route",
		Responses: map[int]string{200: "ok"}}, Handler: func(w http.ResponseWriter, r *http.Request) {}}
	h := newHarness(t, WithRoutes("/fhir", extra))
	w := h.do("GET", "/openapi.json", "", "")
	require.Equal(t, 200, w.Code)

	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(w.Body.Bytes())
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()), "the document is valid OpenAPI 3")

	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	var routed []string
	require.NoError(t, chi.Walk(h.srv.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routed = append(routed, method+" "+openAPIPath(route))
		return nil
	}))
	sort.Strings(documented)
	sort.Strings(routed)
	assert.Equal(t, routed, documented, "the document lists exactly the router's routes")
	for _, want := range []string{"GET /healthz", "GET /openapi.json", "POST /verify", "POST /epcis/capture",
		"GET /epcis/capture/{captureID}", "GET /epcis/events", "GET /fhir/metadata"} {
		assert.Contains(t, routed, want)
	}
	ops := map[string]bool{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			assert.False(t, ops[op.OperationID], "operationId %s is unique", op.OperationID)
			ops[op.OperationID] = true
		}
	}
}

func TestAccessLogHasNoBody(t *testing.T) {
	h := newHarness(t)
	const phi = "PATIENT-SECRET-4711"
	w := h.do("POST", "/verify?who="+phi, "application/json", `{"scan":"`+phi+`"}`)
	require.Equal(t, 400, w.Code)
	lines := h.logLines()
	require.Len(t, lines, 1)
	l := lines[0]
	assert.Equal(t, "request", l["msg"])
	assert.Equal(t, "POST", l["method"])
	assert.Equal(t, "/verify", l["path"])
	assert.EqualValues(t, 400, l["status"])
	assert.Contains(t, l, "duration")
	assert.NotEmpty(t, l["requestId"])
	raw, _ := json.Marshal(lines)
	assert.NotContains(t, string(raw), phi, "neither body nor query reaches the log")
}

func TestUnknownRouteAndMethodAreProblems(t *testing.T) {
	h := newHarness(t)
	p := decodeProblem(t, h.do("GET", "/nope", "", ""))
	assert.Equal(t, 404, p.Status)
	assert.Equal(t, "NOT_FOUND", p.Code)
	p = decodeProblem(t, h.do("DELETE", "/verify", "", ""))
	assert.Equal(t, 405, p.Status)
}

func TestWithoutProvenanceNoSupplyRoutes(t *testing.T) {
	s := New()
	var paths []string
	for _, r := range s.Routes() {
		paths = append(paths, r.Pattern)
	}
	assert.Equal(t, "/healthz /openapi.json", strings.Join(paths, " "))
}

func TestAPanicIsAProblem(t *testing.T) {
	boom := Route{Method: "GET", Pattern: "/boom", Op: Operation{ID: "boom", Responses: map[int]string{200: "never"}},
		Handler: func(http.ResponseWriter, *http.Request) { panic("boom") }}
	h := newHarness(t, WithRoutes("", boom))
	p := decodeProblem(t, h.do("GET", "/boom", "", ""))
	assert.Equal(t, 500, p.Status)
	assert.NotContains(t, p.Detail, "boom")
}
