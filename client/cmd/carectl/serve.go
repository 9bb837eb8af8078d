package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	partswire "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/claims"
	"github.com/carechain/carechain/client/consent"
	"github.com/carechain/carechain/client/docstore"
	"github.com/carechain/carechain/client/provenance"
	"github.com/carechain/carechain/client/records"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/serve/fhirapi"
	"github.com/carechain/carechain/client/serve/x12api"
	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/fhir"
)

// serveFlags are carectl serve's own flags.
type serveFlags struct {
	listen, supply, schema string
	directory              string
	tls                    serve.TLSFiles
	grace                  time.Duration
}

func (a *app) serveCommand() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{Use: "serve", Short: "serve HTTP as --user of --org: EPCIS 2.0 capture and query, GS1 verification, X12 837P/835, FHIR R4 (client/serve)",
		Long: `An HTTP server acting as one enrolled identity of one org through the client
library. It listens on loopback unless given TLS with client-certificate
authentication (--tls-cert, --tls-key, --client-ca); it refuses any other
address. Access logs go to stderr as JSON lines; SIGINT or SIGTERM shut it
down gracefully. /openapi.json documents its routes.`,
		Example: "  carectl serve --org distributor --user logistics1 --listen 127.0.0.1:8443",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.serve(cmd.Context(), f) }}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to listen on (host:port); non-loopback only with TLS and client certificates")
	fl.StringVar(&f.tls.Cert, "tls-cert", "", "server certificate (PEM)")
	fl.StringVar(&f.tls.Key, "tls-key", "", "server certificate's key (PEM)")
	fl.StringVar(&f.tls.ClientCA, "client-ca", "", "CA bundle (PEM) client certificates must chain to")
	fl.StringVar(&f.supply, "supply-channel", "supply", "channel of the provenance chaincode")
	fl.StringVar(&f.schema, "epcis-schema", "", "GS1's EPCIS 2.0 JSON schema (EPCIS-JSON-Schema.json): capture validates against it too")
	fl.StringVar(&f.directory, "directory", "", "JSON file of what the integration knows off the ledger: {\"x12\": payer ids, member ids and 835 parties (x12api.Directory), \"fhir\": {\"Patient/f001\": \"urn:carechain:patient|subject\"}}")
	fl.DurationVar(&f.grace, "grace", 30*time.Second, "how long a shutdown waits for requests and captures in flight")
	return cmd
}

// tlsConfig is the flags' TLS configuration (nil without TLS flags), the
// listen address checked against it before anything else is opened.
func (f serveFlags) tlsConfig() (*tls.Config, error) {
	var cfg *tls.Config
	if f.tls != (serve.TLSFiles{}) {
		var err error
		if cfg, err = f.tls.Config(); err != nil {
			return nil, err
		}
	}
	return cfg, serve.CheckListen(f.listen, cfg)
}

func (a *app) serve(ctx context.Context, f serveFlags) error {
	cfg, err := f.tlsConfig()
	if err != nil {
		return err
	}
	opts, err := f.schemaOption()
	if err != nil {
		return err
	}
	dir, err := f.readDirectory()
	if err != nil {
		return err
	}
	s, err := a.session()
	if err != nil {
		return err
	}
	defer s.Close()
	log := slog.New(slog.NewJSONHandler(a.errOut, nil))
	cls := claims.New(s, a.channel)
	x12 := x12api.New(cls, x12api.WithDirectory(dir.X12), x12api.WithLogger(log))
	recs := records.New(s, a.channel, docstore.Dir(a.documentStore()))
	fh := fhirapi.New(s.Org.MSPID, fhirapi.WithClaims(cls), fhirapi.WithConsents(consent.New(s, a.channel)),
		fhirapi.WithRecords(recs), fhirapi.WithAccessLog(recs), fhirapi.WithDirectory(dir.fhir()), fhirapi.WithLogger(log))
	srv := serve.New(append(opts, serve.WithLogger(log), serve.WithHealth(reachGateway(s, f.supply)),
		serve.WithProvenance(provenance.New(s, f.supply)), serve.WithRoutes("/x12", x12.Routes()...),
		serve.WithRoutes("/fhir", fh.Routes()...))...)
	ln, err := serve.Listen(f.listen, cfg)
	if err != nil {
		return err
	}
	log.Info("serving", "addr", ln.Addr().String(), "org", s.Org.MSPID, "user", s.User, "tls", cfg != nil)
	return serve.Run(ctx, ln, srv, f.grace)
}

// documentStore is the encrypted document store's folder: --store, or
// the state folder's documents.
func (a *app) documentStore() string {
	if a.store != "" {
		return a.store
	}
	return filepath.Join(a.networkDir(), "documents")
}

// serveDirectory is the --directory file: what the integration knows that
// the standards name otherwise than carechain, kept off the ledger.
type serveDirectory struct {
	X12 x12api.Directory `json:"x12"`
	// FHIR maps literal references (Patient/f001) and identifiers of
	// other systems ("http://ehic.com/insurer|123456789") to
	// "system|value" (urn:carechain:patient|subject, urn:carechain:msp|MSPID).
	FHIR map[string]string `json:"fhir"`
}

// fhir is the FHIR directory as the mappings ask it.
func (d serveDirectory) fhir() fhir.Directory {
	return func(literal string) (string, string, bool) {
		sys, value, ok := strings.Cut(d.FHIR[literal], "|")
		return sys, value, ok && sys != "" && value != ""
	}
}

func (f serveFlags) readDirectory() (serveDirectory, error) {
	var d serveDirectory
	if f.directory == "" {
		return d, nil
	}
	data, err := os.ReadFile(f.directory)
	if err != nil {
		return d, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("--directory %s: %w", f.directory, err)
	}
	if err := d.X12.Check(); err != nil {
		return d, fmt.Errorf("--directory %s: %w", f.directory, err)
	}
	return d, nil
}

func (f serveFlags) schemaOption() ([]serve.Option, error) {
	if f.schema == "" {
		return nil, nil
	}
	data, err := os.ReadFile(f.schema)
	if err != nil {
		return nil, err
	}
	v, err := epcis.NewValidator(data)
	if err != nil {
		return nil, err
	}
	return []serve.Option{serve.WithEPCISSchema(v)}, nil
}

// reachGateway checks that the session's gateway answers an evaluation
// on the channel (the parts registry, which every member may read).
func reachGateway(s *client.Session, channel string) func(context.Context) error {
	parts := client.Contract{Session: s, Channel: channel, Chaincode: partswire.Chaincode}
	return func(ctx context.Context) error {
		return parts.Evaluate(ctx, partswire.FnList, client.Input{}, nil)
	}
}
