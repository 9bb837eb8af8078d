package caclient

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
)

// Attribute is an identity's attribute; with ECert it is written into its
// enrollment certificates (where chaincode reads it).
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	ECert bool   `json:"ecert,omitempty"`
}

// Registration is an identity to register.
type Registration struct {
	Name string `json:"id"`
	// Type is client, peer, orderer or admin (default client).
	Type string `json:"type"`
	// Secret is the enrollment secret; empty: the CA makes one.
	Secret string `json:"secret,omitempty"`
	// MaxEnrollments is how often the secret enrolls: 1 for a one-time
	// secret; 0: the CA's default (unlimited here).
	MaxEnrollments int `json:"max_enrollments,omitempty"`
	// Affiliation; empty: the registrar's own.
	Affiliation string      `json:"affiliation"`
	Attrs       []Attribute `json:"attrs,omitempty"`
	CAName      string      `json:"caname,omitempty"`
}

// Register registers an identity as registrar and returns its enrollment
// secret. A name already taken is ErrAlreadyRegistered.
func (c *Client) Register(ctx context.Context, registrar Identity, r Registration) (string, error) {
	if r.Type == "" {
		r.Type = "client"
	}
	if r.CAName == "" {
		r.CAName = c.caName
	}
	var res struct {
		Secret string `json:"secret"`
	}
	if err := c.call(ctx, "register", http.MethodPost, "register", r, registrar.auth(), &res); err != nil {
		return "", err
	}
	return res.Secret, nil
}

// Revocation names what to revoke: every certificate of identity Name (and
// the identity itself), or one certificate by Serial and AKI (hex).
type Revocation struct {
	Name   string `json:"id,omitempty"`
	Serial string `json:"serial,omitempty"`
	AKI    string `json:"aki,omitempty"`
	// Reason is an RFC 5280 reason name, e.g. keycompromise, superseded.
	Reason string `json:"reason,omitempty"`
	CAName string `json:"caname,omitempty"`
}

// RevokedCert is a certificate the CA revoked.
type RevokedCert struct {
	Serial string `json:"Serial"`
	AKI    string `json:"AKI"`
}

// Revoke revokes as registrar (who needs hf.Revoker).
func (c *Client) Revoke(ctx context.Context, registrar Identity, r Revocation) ([]RevokedCert, error) {
	if r.CAName == "" {
		r.CAName = c.caName
	}
	var res struct {
		RevokedCerts []RevokedCert `json:"RevokedCerts"`
	}
	if err := c.call(ctx, "revoke", http.MethodPost, "revoke", r, registrar.auth(), &res); err != nil {
		return nil, err
	}
	return res.RevokedCerts, nil
}

// IdentityInfo is a registered identity as the CA lists it.
type IdentityInfo struct {
	ID             string      `json:"id"`
	Type           string      `json:"type"`
	Affiliation    string      `json:"affiliation"`
	Attrs          []Attribute `json:"attrs"`
	MaxEnrollments int         `json:"max_enrollments"`
}

// Attr returns the value of an attribute, or "".
func (i IdentityInfo) Attr(name string) string {
	for _, a := range i.Attrs {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// Identities lists the identities the registrar may see: those of the
// types it registers, in its affiliation.
func (c *Client) Identities(ctx context.Context, registrar Identity) ([]IdentityInfo, error) {
	path := "identities"
	if c.caName != "" {
		path += "?ca=" + url.QueryEscape(c.caName)
	}
	var res struct {
		Identities []IdentityInfo `json:"identities"`
	}
	if err := c.call(ctx, "identities", http.MethodGet, path, nil, registrar.auth(), &res); err != nil {
		return nil, err
	}
	return res.Identities, nil
}

// GenCRL asks the CA for its certificate revocation list (PEM), signed by
// the CA's key, as registrar (who needs hf.GenCRL): what an org's admin
// puts into the org's MSP in each channel, so that the peers refuse the
// certificates it lists.
func (c *Client) GenCRL(ctx context.Context, registrar Identity) ([]byte, error) {
	in := struct {
		CAName string `json:"caname,omitempty"`
	}{c.caName}
	var res struct {
		CRL string `json:"CRL"`
	}
	if err := c.call(ctx, "gencrl", http.MethodPost, "gencrl", in, registrar.auth(), &res); err != nil {
		return nil, err
	}
	crl, err := base64.StdEncoding.DecodeString(res.CRL)
	if err != nil {
		return nil, &Error{Op: "gencrl", Err: fmt.Errorf("CRL: %w", err)}
	}
	return crl, nil
}
