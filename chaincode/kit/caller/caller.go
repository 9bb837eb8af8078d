// Package caller describes the identity that submitted a transaction and
// checks it against the roles, organisations and attributes an operation
// requires.
//
// Identities are X.509 certificates issued by a Fabric CA. The enrollment
// id, identity type and role come from the CA's attribute extension
// (hf.EnrollmentID, hf.Type, role); the enrollment id falls back to the
// certificate's subject common name and the type to the NodeOU in the
// subject's organisational units.
package caller

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// Names of the certificate attributes Caller reads.
const (
	AttrEnrollmentID = "hf.EnrollmentID"
	AttrType         = "hf.Type"
	AttrRole         = "role"
)

// Identity types, as set by Fabric CA in hf.Type or by NodeOUs.
const (
	TypeClient  = "client"
	TypeAdmin   = "admin"
	TypePeer    = "peer"
	TypeOrderer = "orderer"
)

// nodeOUs lists the identity types in the order they are looked for among a
// certificate's organisational units.
var nodeOUs = [...]string{TypeClient, TypeAdmin, TypePeer, TypeOrderer}

// Caller is the identity that submitted the transaction.
type Caller struct {
	// MSPID is the membership service provider of the caller's organisation.
	MSPID string
	// EnrollmentID is hf.EnrollmentID, or the certificate's subject CN.
	EnrollmentID string
	// Type is hf.Type, or the NodeOU (client, admin, peer, orderer); it may
	// be empty.
	Type string
	// Role is the "role" attribute; empty when the certificate has none.
	Role string
	// Attrs holds every attribute of the certificate's attribute extension.
	Attrs map[string]string
}

// From reads the caller from the transaction's creator. It fails with
// FORBIDDEN when the creator is not an X.509 identity or has no enrollment
// id, and with INTERNAL when the creator cannot be read.
func From(stub shim.ChaincodeStubInterface) (Caller, error) {
	id, err := cid.New(stub)
	if err != nil {
		return Caller{}, ccerr.Internal("read caller identity: %v", err)
	}
	mspID, err := id.GetMSPID()
	if err != nil {
		return Caller{}, ccerr.Internal("read caller MSP: %v", err)
	}
	cert, err := id.GetX509Certificate()
	if err != nil {
		return Caller{}, ccerr.Internal("read caller certificate: %v", err)
	}
	if cert == nil {
		return Caller{}, ccerr.Forbidden("caller must use an X.509 identity")
	}
	return fromCertificate(mspID, cert)
}

func fromCertificate(mspID string, cert *x509.Certificate) (Caller, error) {
	attrs, err := attrmgr.New().GetAttributesFromCert(cert)
	if err != nil {
		return Caller{}, ccerr.Forbidden("caller certificate has malformed attributes")
	}
	c := Caller{MSPID: mspID, Attrs: map[string]string{}}
	for name, value := range attrs.Attrs {
		c.Attrs[name] = value
	}
	c.EnrollmentID = c.Attrs[AttrEnrollmentID]
	if c.EnrollmentID == "" {
		c.EnrollmentID = cert.Subject.CommonName
	}
	if c.EnrollmentID == "" {
		return Caller{}, ccerr.Forbidden("caller identity has no enrollment id")
	}
	if c.MSPID == "" {
		return Caller{}, ccerr.Forbidden("caller identity has no MSP id")
	}
	c.Type = c.Attrs[AttrType]
	if c.Type == "" {
		c.Type = nodeOU(cert.Subject.OrganizationalUnit)
	}
	c.Role = c.Attrs[AttrRole]
	return c, nil
}

// nodeOU returns the first identity type found among the units.
func nodeOU(units []string) string {
	for _, t := range nodeOUs {
		for _, u := range units {
			if strings.EqualFold(u, t) {
				return t
			}
		}
	}
	return ""
}

// Key identifies the caller across organisations: MSPID + "/" + EnrollmentID.
func (c Caller) Key() string { return c.MSPID + "/" + c.EnrollmentID }

// HasRole reports whether the caller's role is one of roles. An empty role
// never matches, not even an empty string in roles.
func (c Caller) HasRole(roles ...string) bool {
	return c.Role != "" && slices.Contains(roles, c.Role)
}

// RequireRole returns a FORBIDDEN error unless the caller's role is one of
// roles. The error names the roles required and the caller's role.
func (c Caller) RequireRole(roles ...string) error {
	if c.HasRole(roles...) {
		return nil
	}
	if c.Role == "" {
		return ccerr.Forbidden("caller has no role; requires role %s", list(roles))
	}
	return ccerr.Forbidden("caller role %q is not permitted; requires role %s", c.Role, list(roles))
}

// RequireMSP returns a FORBIDDEN error unless the caller belongs to one of
// msps.
func (c Caller) RequireMSP(msps ...string) error {
	if c.MSPID != "" && slices.Contains(msps, c.MSPID) {
		return nil
	}
	return ccerr.Forbidden("caller organisation %q is not permitted; requires MSP %s", c.MSPID, list(msps))
}

// Require checks both the caller's organisation and role.
func (c Caller) Require(msp string, roles ...string) error {
	if err := c.RequireMSP(msp); err != nil {
		return err
	}
	return c.RequireRole(roles...)
}

// Attr returns the named certificate attribute.
func (c Caller) Attr(name string) (string, bool) {
	v, ok := c.Attrs[name]
	return v, ok
}

// RequireAttr returns the named attribute, or a FORBIDDEN error when the
// certificate lacks it or it is empty.
func (c Caller) RequireAttr(name string) (string, error) {
	if v := c.Attrs[name]; v != "" {
		return v, nil
	}
	return "", ccerr.Forbidden("caller lacks certificate attribute %q", name)
}

// list formats allowed values as "one of [a, b]"; an empty list reads
// "(none allowed)".
func list(values []string) string {
	if len(values) == 0 {
		return "(none allowed)"
	}
	return fmt.Sprintf("one of [%s]", strings.Join(values, ", "))
}
