package x12api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/x12"
)

// Claims is what the X12 routes ask of the claims chaincode, as
// *claims.Client answers it.
type Claims interface {
	// Submit submits a claim (the provider's).
	Submit(ctx context.Context, c cl.ClaimInput) (*cl.Receipt, error)
	// Get reads a claim, as its provider or payer holds it.
	Get(ctx context.Context, id string) (*cl.Claim, error)
	// Remittance reads a claim's remittance advice.
	Remittance(ctx context.Context, id string) (*cl.Remittance, error)
}

// Directory is what the integration knows that an 837P and an 835 name
// otherwise than carechain: payers by payer id, patients by member id,
// orgs by the names and identifiers an 835 prints.
type Directory struct {
	// Payers maps a payer id (2010BB NM109) to the payer's MSP id.
	Payers map[string]string `json:"payers"`
	// Members maps "payerID/memberID" (2010BB NM109, 2010BA NM109) to the
	// patient's carechain subject.
	Members map[string]string `json:"members"`
	// Parties are orgs as an 835 names them (N1*PR, N1*PE), by MSP id.
	Parties map[string]x12.Party `json:"parties"`
	// Sender and Receiver are the 835's and 999's ISA06 and ISA08.
	Sender   string `json:"sender"`
	Receiver string `json:"receiver"`
	// ClaimIDKey, base64 of at least 32 random bytes, makes each claim's
	// carechain id from its patient control number (CLM01) by HMAC-SHA256
	// ("pcn-" and 32 hex digits), and keeps CLM01 as the claim's private
	// business identifier: the carechain id is public, and CLM01 is the
	// provider's patient account number. Without it, CLM01 is the id.
	ClaimIDKey string `json:"claimIdKey,omitempty"`
}

// pcnPrefix starts a claim id made from a patient control number.
const pcnPrefix = "pcn-"

// Check reports whether the directory's claim id key, if any, is one.
func (d Directory) Check() error {
	_, err := d.claimIDKey()
	return err
}

func (d Directory) claimIDKey() ([]byte, error) {
	if d.ClaimIDKey == "" {
		return nil, nil
	}
	key, err := base64.StdEncoding.DecodeString(d.ClaimIDKey)
	if err != nil || len(key) < 32 {
		return nil, errors.New("x12 directory: claimIdKey is base64 of at least 32 random bytes")
	}
	return key, nil
}

// claimIDs is the derivation of claim ids from patient control numbers,
// or nil without a key.
func (d Directory) claimIDs() (func(pcn string) string, error) {
	key, err := d.claimIDKey()
	if key == nil {
		return nil, err
	}
	return func(pcn string) string {
		m := hmac.New(sha256.New, key)
		_, _ = m.Write([]byte(pcn)) // a hash's Write never fails
		return pcnPrefix + hex.EncodeToString(m.Sum(nil)[:16])
	}, nil
}

// API is the /x12 routes of one session.
type API struct {
	claims  Claims
	dir     Directory
	now     func() time.Time
	log     *slog.Logger
	control atomic.Int64
}

// Option configures an API.
type Option func(*API)

// WithDirectory sets the directory of payer ids, member ids and 835 parties.
func WithDirectory(d Directory) Option { return func(a *API) { a.dir = d } }

// WithClock sets the clock claims are checked against and
// acknowledgements dated with (tests).
func WithClock(now func() time.Time) Option { return func(a *API) { a.now = now } }

// WithLogger sets the log of failed calls (never a body: an 837P is PHI).
func WithLogger(l *slog.Logger) Option { return func(a *API) { a.log = l } }

// New makes the X12 routes. Control numbers start from the clock's
// seconds, so that a restarted server does not reuse the last ones.
func New(c Claims, opts ...Option) *API {
	a := &API{claims: c, now: time.Now, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(a)
	}
	a.control.Store(a.now().Unix() % 900_000_000)
	return a
}

// nextControl is a fresh interchange control number (ISA13, 9 digits).
func (a *API) nextControl() int { return int(a.control.Add(1)%999_999_999) + 1 }

// Routes are the API's routes, for serve.WithRoutes("/x12", ...).
func (a *API) Routes() []serve.Route {
	return []serve.Route{
		{Method: http.MethodPost, Pattern: "/837", Op: op837, Handler: a.post837},
		{Method: http.MethodGet, Pattern: "/835/{claimID}", Op: op835, Handler: a.get835},
	}
}

var (
	op837 = serve.Operation{ID: "x12Submit837", Summary: "submit an 837P (005010X222A1) interchange: its 999 and one result per claim",
		Body: []string{MediaX12, "text/plain"},
		Responses: map[int]string{200: "the 999 and every claim's result (submitted, refused by segment and element, or failed)",
			400: "not an X12 interchange (tokens or envelopes)", 415: "not X12"}}
	op835 = serve.Operation{ID: "x12Get835", Summary: "the 835 (005010X221A1) remittance advice of a paid claim",
		Params:   []serve.Param{{Name: "claimID", In: "path", Description: "the claim id (CLM01)"}},
		Produces: MediaX12,
		Responses: map[int]string{200: "the 835", 404: "no such claim for this identity",
			409: "the claim has no payment to remit"}}
)

// MediaX12 is X12's media type (RFC 1767).
const MediaX12 = "application/edi-x12"
