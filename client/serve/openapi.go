package serve

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Operation is a route's OpenAPI description.
type Operation struct {
	ID      string
	Summary string
	Params  []Param
	// Body is the request body's media types, none for no body.
	Body []string
	// Responses are the statuses it answers with and what each means;
	// errors are problem documents.
	Responses map[int]string
	// Produces is the media type of a 2xx answer (application/json when empty).
	Produces string
}

// Param is a path or query parameter.
type Param struct {
	Name, In, Type, Description string
	Required                    bool
}

// Version is this server's API version.
const Version = "0.1.0"

var pathParam = regexp.MustCompile(`\{([^}:]+)(:[^}]*)?\}`)

// openAPIPath turns a chi pattern into an OpenAPI path.
func openAPIPath(pattern string) string { return pathParam.ReplaceAllString(pattern, "{$1}") }

// OpenAPI is the OpenAPI 3.0 document of a server's routes.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	for _, r := range s.routes {
		p := openAPIPath(r.Pattern)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.Method)] = operation(r.Op)
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "carectl serve", "version": Version,
			"description": "carechain's HTTP server, acting as one enrolled identity of one org."},
		"paths":      paths,
		"components": map[string]any{"schemas": map[string]any{"Problem": problemSchema}},
	}
}

var problemSchema = map[string]any{
	"type":     "object",
	"required": []string{"type", "title", "status", "code"},
	"properties": map[string]any{
		"type": str, "title": str, "status": map[string]any{"type": "integer"}, "detail": str,
		"code": str, "field": str, "txId": str, "advice": str, "requestId": str,
	},
}

var str = map[string]any{"type": "string"}

func operation(op Operation) map[string]any {
	out := map[string]any{"operationId": op.ID, "summary": op.Summary, "responses": responses(op)}
	if len(op.Params) > 0 {
		var ps []map[string]any
		for _, p := range op.Params {
			ps = append(ps, map[string]any{"name": p.Name, "in": p.In, "required": p.Required || p.In == "path",
				"description": p.Description, "schema": map[string]any{"type": first(p.Type, "string")}})
		}
		out["parameters"] = ps
	}
	if len(op.Body) > 0 {
		content := map[string]any{}
		for _, m := range op.Body {
			content[m] = map[string]any{"schema": map[string]any{"type": "object"}}
		}
		out["requestBody"] = map[string]any{"required": true, "content": content}
	}
	return out
}

func responses(op Operation) map[string]any {
	out := map[string]any{}
	codes := make([]int, 0, len(op.Responses))
	for c := range op.Responses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	for _, c := range codes {
		media, schema := first(op.Produces, "application/json"), map[string]any{"type": "object"}
		if c >= 400 {
			media, schema = "application/problem+json", map[string]any{"$ref": "#/components/schemas/Problem"}
		}
		out[strconv.Itoa(c)] = map[string]any{"description": op.Responses[c], "content": map[string]any{media: map[string]any{"schema": schema}}}
	}
	out["default"] = map[string]any{"description": "an error, as a problem document",
		"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	return out
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, "application/json", s.OpenAPI())
}

var (
	opHealth = Operation{ID: "health", Summary: "whether the session reaches its gateway",
		Responses: map[int]string{200: "the gateway answered", 503: "no gateway answered"}}
	opOpenAPI = Operation{ID: "openapi", Summary: "this document", Responses: map[int]string{200: "the OpenAPI 3 document"}}
)
