// Package caclient is a small client of Hyperledger Fabric CA's REST API
// (v1.5): it enrolls an identity with a private key generated where the
// caller runs (the key never leaves the process), and registers, revokes and
// lists identities as a registrar, authenticated by Fabric CA's token (the
// registrar's certificate and its ECDSA signature over the request).
//
// Every call goes over TLS to the CA, verified against the CA's TLS root.
// Errors are *Error values; errors.Is matches them against ErrAuthentication,
// ErrAuthorization, ErrAlreadyRegistered, ErrNotFound and ErrUnreachable.
package caclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// APIPrefix is where Fabric CA serves its REST API.
const APIPrefix = "/api/v1/"

// maxResponse bounds what is read of one answer.
const maxResponse = 16 << 20

// Client talks to one Fabric CA server.
type Client struct {
	base   string // https://host:port
	caName string
	http   *http.Client
}

// Options tune a client.
type Options struct {
	// CAName selects a CA of a multi-CA server; empty: the server's default.
	CAName string
	// ServerName is the name to verify in the CA's TLS certificate;
	// empty: the URL's host.
	ServerName string
	// Timeout bounds each request (default 30 s); the context may end it sooner.
	Timeout time.Duration
}

// New makes a client of the CA at url (https://host:port), trusting the
// PEM certificates in tlsRoots for its TLS certificate.
func New(rawURL string, tlsRoots []byte, o Options) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(rawURL, "/"))
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("caclient: CA URL %q: want https://host:port", rawURL)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(tlsRoots) {
		return nil, errors.New("caclient: no PEM certificate in the CA's TLS roots")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, ServerName: o.ServerName, MinVersion: tls.VersionTLS12}
	tr.MaxIdleConnsPerHost = 32
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	return &Client{base: u.Scheme + "://" + u.Host, caName: o.CAName,
		http: &http.Client{Transport: tr, Timeout: timeout}}, nil
}

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// URL is the CA's address.
func (c *Client) URL() string { return c.base }

// envelope is every Fabric CA answer.
type envelope struct {
	Result  json.RawMessage `json:"result"`
	Errors  []Message       `json:"errors"`
	Success bool            `json:"success"`
}

// authorize sets a request's credentials, given its body.
type authorize func(req *http.Request, body []byte) error

// call sends one request (in, when not nil, as its JSON body) and decodes
// the result into out (when not nil).
func (c *Client) call(ctx context.Context, op, method, path string, in any, auth authorize, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return &Error{Op: op, Err: err}
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+APIPrefix+path, bytes.NewReader(body))
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := auth(req, body); err != nil {
		return &Error{Op: op, Err: err}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &Error{Op: op, Err: fmt.Errorf("%w: %w", ErrUnreachable, err)}
	}
	defer resp.Body.Close()
	return decode(op, resp, out)
}

// decode reads a Fabric CA answer: its result into out, or its errors.
func decode(op string, resp *http.Response, out any) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return &Error{Op: op, Status: resp.StatusCode, Err: fmt.Errorf("%w: %w", ErrUnreachable, err)}
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return &Error{Op: op, Status: resp.StatusCode, Err: fmt.Errorf("not a Fabric CA answer: %.200q", data)}
	}
	if resp.StatusCode >= 400 || !env.Success {
		return &Error{Op: op, Status: resp.StatusCode, Messages: env.Errors}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return &Error{Op: op, Status: resp.StatusCode, Err: fmt.Errorf("decode result: %w", err)}
	}
	return nil
}
