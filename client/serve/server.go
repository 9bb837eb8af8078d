package serve

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/carechain/carechain/client"
)

// Route is one operation of the server: its method and chi pattern, its
// OpenAPI description and its handler. The router and /openapi.json are
// both built from the routes, so neither can list what the other lacks.
type Route struct {
	Method  string
	Pattern string
	Op      Operation
	Handler http.HandlerFunc
}

// Server is the HTTP handler of one session.
type Server struct {
	log     *slog.Logger
	health  func(context.Context) error
	prov    Provenance
	schema  Validator
	now     func() time.Time
	routes  []Route
	capture *captures
	router  chi.Router
}

// Option configures a Server.
type Option func(*Server)

// WithLogger sets the access and error log (default: none).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithHealth sets the check /healthz makes: nil when the session reaches
// its gateway. Without one, /healthz answers 503.
func WithHealth(check func(context.Context) error) Option {
	return func(s *Server) { s.health = check }
}

// WithProvenance sets the provenance client the EPCIS and verification
// routes call (provenance.Client through ProvenanceClient, or a fake).
// Without one those routes are not served.
func WithProvenance(p Provenance) Option { return func(s *Server) { s.prov = p } }

// WithEPCISSchema makes capture validate each document against GS1's
// EPCIS 2.0 JSON schema too (epcis.NewValidator), besides the library's
// own checks, which always run.
func WithEPCISSchema(v Validator) Option { return func(s *Server) { s.schema = v } }

// WithRoutes mounts further routes under prefix (FHIR under /fhir, X12
// under /x12): their patterns are relative to it, and /openapi.json
// documents them with the rest.
func WithRoutes(prefix string, routes ...Route) Option {
	return func(s *Server) {
		for _, r := range routes {
			r.Pattern = prefix + r.Pattern
			s.routes = append(s.routes, r)
		}
	}
}

// withClock sets the server's clock (tests).
func withClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New makes a server.
func New(opts ...Option) *Server {
	s := &Server{log: slog.New(slog.NewJSONHandler(io.Discard, nil)), now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.capture = newCaptures()
	s.routes = append(s.ownRoutes(), s.routes...)
	s.router = s.newRouter()
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// Routes are the server's routes, in the order they were added.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// Wait waits for the captures still running (before a shutdown ends).
func (s *Server) Wait(ctx context.Context) error { return s.capture.wait(ctx) }

func (s *Server) ownRoutes() []Route {
	rs := []Route{
		{http.MethodGet, "/healthz", opHealth, s.healthz},
		{http.MethodGet, "/openapi.json", opOpenAPI, s.openapi},
	}
	if s.prov != nil {
		rs = append(rs, s.verifyRoutes()...)
		rs = append(rs, s.epcisRoutes()...)
	}
	return rs
}

func (s *Server) newRouter() chi.Router {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, s.accessLog, s.recoverer, noSniff)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, serverError(client.CodeNotFound, "no route "+r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		p := problem(CodeBadRequest, "", r.Method+" is not allowed on "+r.URL.Path)
		p.Status, p.Title = http.StatusMethodNotAllowed, http.StatusText(http.StatusMethodNotAllowed)
		writeProblem(w, p)
	})
	for _, rt := range s.routes {
		r.Method(rt.Method, rt.Pattern, rt.Handler)
	}
	return r
}

// fail answers a request with the problem document of err, logged with
// the request id (never the request's body).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemOf(err)
	p.RequestID = middleware.GetReqID(r.Context())
	if p.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "requestId", p.RequestID, "code", p.Code, "error", err.Error())
	}
	writeProblem(w, p)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.health == nil {
		s.fail(w, r, unavailable("no health check configured"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if err := s.health(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]string{"status": "ok"})
}

// accessLog logs one line per request: method, path, status, duration,
// request id and response size. No body, no query string (it may name
// what a caller looked up), no header.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		w.Header().Set(middleware.RequestIDHeader, middleware.GetReqID(r.Context()))
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", status),
			slog.Duration("duration", s.now().Sub(start)), slog.String("requestId", middleware.GetReqID(r.Context())),
			slog.Int("bytes", ww.BytesWritten()))
	})
}

// recoverer answers a handler's panic with a 500 problem.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "handler panicked", "requestId", middleware.GetReqID(r.Context()), "panic", v)
				s.fail(w, r, errPanic)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// noSniff tells browsers to take every answer as the media type it names
// (FHIR JSON, X12, EPCIS JSON), never as HTML they guess.
func noSniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}
