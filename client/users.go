package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/carechain/carechain/client/caclient"
	"github.com/carechain/carechain/client/profile"
)

// RolePatient is the role attribute of patients.
const RolePatient = "patient"

// PartPatientRegistry is the part of the org that registers patients.
const PartPatientRegistry = "patient-registry"

// ErrNoCA is an org whose profile names no CA (a profile written before
// network.json listed CAs: run `make up` again).
var ErrNoCA = errors.New("the connection profile names no CA for this org")

// CA returns a client of org's Fabric CA, verified against its TLS root.
func (c *Client) CA(org string) (*caclient.Client, *profile.Org, error) {
	po, err := c.Profile.Org(org)
	if err != nil {
		return nil, nil, err
	}
	if po.CA == nil {
		return nil, nil, fmt.Errorf("org %s: %w", po.Name, ErrNoCA)
	}
	root, err := os.ReadFile(po.CA.TLSRootCert)
	if err != nil {
		return nil, nil, fmt.Errorf("TLS root of %s's CA: %w", po.Name, err)
	}
	ca, err := caclient.New(po.CA.URL, root, caclient.Options{CAName: po.CA.Name, ServerName: po.CA.ServerName})
	if err != nil {
		return nil, nil, err
	}
	return ca, po, nil
}

// Registration is a new client identity of the registrar's org.
type Registration struct {
	// Name is the enrollment id; empty: for a patient "p" and 32 random hex
	// digits (the enrollment id names no one), else required.
	Name string
	Role string
	// Attrs are further certificate attributes (npi).
	Attrs map[string]string
}

// Registered is a registration's outcome: the secret enrolls once.
type Registered struct {
	Org          string `json:"org"`
	MSPID        string `json:"mspId"`
	EnrollmentID string `json:"enrollmentId"`
	Secret       string `json:"secret"`
	Role         string `json:"role,omitempty"`
}

// Register registers a client identity at the CA of registrar's org, with
// registrar's own enrollment (a CA registrar: topology caRegistrar) and a
// one-time secret made here (128 random bits). Nothing of the new
// identity's key exists yet: its holder makes it when enrolling.
func (c *Client) Register(ctx context.Context, registrar *Identity, org string, r Registration) (*Registered, error) {
	ca, po, err := c.CA(org)
	if err != nil {
		return nil, err
	}
	defer ca.Close()
	if r.Name == "" && r.Role != RolePatient {
		return nil, errors.New("register: a name is needed (only patients get a random one)")
	}
	if r.Name == "" {
		r.Name = "p" + randomHex()
	}
	secret := randomHex()
	reg := caclient.Registration{Name: r.Name, Type: "client", Secret: secret, MaxEnrollments: 1}
	if r.Role != "" {
		reg.Attrs = append(reg.Attrs, caclient.Attribute{Name: "role", Value: r.Role, ECert: true})
	}
	for _, k := range slices.Sorted(maps.Keys(r.Attrs)) {
		reg.Attrs = append(reg.Attrs, caclient.Attribute{Name: k, Value: r.Attrs[k], ECert: true})
	}
	if _, err := ca.Register(ctx, registrar.Registrar(), reg); err != nil {
		return nil, registerHint(registrar, err)
	}
	return &Registered{Org: po.Name, MSPID: po.MSPID, EnrollmentID: r.Name, Secret: secret, Role: r.Role}, nil
}

// EnrollRequest is an enrollment with a one-time secret.
type EnrollRequest struct {
	Name   string // enrollment id
	Secret string
	// As names the wallet entry (the --user carectl acts as); default Name.
	As string
}

// Enroll enrolls org's identity r.Name with its secret at the org's CA,
// with a key generated here, into the wallet, and returns it loaded. The
// key is written only there.
func (c *Client) Enroll(ctx context.Context, org string, r EnrollRequest, wallet Wallet) (*Identity, error) {
	ca, po, err := c.CA(org)
	if err != nil {
		return nil, err
	}
	defer ca.Close()
	if r.As == "" {
		r.As = r.Name
	}
	if err := validName(r.As); err != nil {
		return nil, err
	}
	e, err := ca.Enroll(ctx, r.Name, r.Secret, caclient.CSR{})
	if errors.Is(err, caclient.ErrAuthentication) {
		return nil, fmt.Errorf("enroll %s: unknown id, wrong secret, or a secret already used (it enrolls once): %w", r.Name, err)
	}
	if err != nil {
		return nil, err
	}
	root, err := os.ReadFile(po.CA.RootCert)
	if err != nil {
		return nil, fmt.Errorf("CA root of %s: %w", po.Name, err)
	}
	if _, err := wallet.Put(po.Name, r.As, e, root); err != nil {
		return nil, err
	}
	return wallet.load(po, r.As)
}

// registerHint explains a refused registration.
func registerHint(registrar *Identity, err error) error {
	if errors.Is(err, caclient.ErrAuthorization) {
		return fmt.Errorf("register as %s: refused: only the org's CA registrars (topology caRegistrar) register, "+
			"client identities with the role and npi attributes only: %w", registrar.Name, err)
	}
	if errors.Is(err, caclient.ErrAlreadyRegistered) {
		return fmt.Errorf("register: the name is taken: %w", err)
	}
	return err
}

// CAIdentities lists the identities registrar may see at its org's CA.
func (c *Client) CAIdentities(ctx context.Context, registrar *Identity, org string) ([]caclient.IdentityInfo, error) {
	ca, _, err := c.CA(org)
	if err != nil {
		return nil, err
	}
	defer ca.Close()
	return ca.Identities(ctx, registrar.Registrar())
}

// Revoke revokes identity name and its certificates at the CA of
// registrar's org. Peers learn of it from the org's CRL in the channel
// config, which this does not distribute: the org's admin does, with
// `carenet crl ORG` (a config update to the org's MSP).
func (c *Client) Revoke(ctx context.Context, registrar *Identity, org, name, reason string) ([]caclient.RevokedCert, error) {
	ca, _, err := c.CA(org)
	if err != nil {
		return nil, err
	}
	defer ca.Close()
	return ca.Revoke(ctx, registrar.Registrar(), caclient.Revocation{Name: name, Reason: reason})
}

// NewSubject is a new patient pseudonym: "pt-" and 32 random hex digits.
func NewSubject() string { return "pt-" + randomHex() }

// randomHex is 128 random bits in hex.
func randomHex() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}
