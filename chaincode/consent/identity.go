package consent

import (
	"regexp"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// enrollmentPattern is the shape of a patient's enrollment id: "p" and 32
// lower-case hex digits, 128 random bits the registration chooses. Every
// block carries the creator's certificate, so a patients' org member acting
// on consents must hold an enrollment id that says nothing about them.
var enrollmentPattern = regexp.MustCompile(`^p[0-9a-f]{32}$`)

func validateEnrollmentID(field, id string) error {
	if !enrollmentPattern.MatchString(id) {
		return ccerr.Invalid(field, "must be a patient's enrollment id: \"p\" and 32 lower-case hex digits (128 random bits chosen at registration)")
	}
	return nil
}

// patientLink ties one enrollment of the patients' org to the subject
// providers and payers know the patient by. It lives in the collection
// under a key made of a token of the org and the enrollment id, so no one
// outside the collection can tell from a block which enrollment a link (or
// a read of it) is about. An enrollment is one subject's for good: it is
// never linked to another one, and once unlinked (a lost or stolen key)
// stays unlinked; a subject may hold several enrollments (devices, a new
// key after a loss). The registrar signs every version
// (wire.LinkStatement); a link whose signature does not verify is no link.
type patientLink struct {
	EnrollmentID string `json:"enrollmentId"`
	Subject      string `json:"subject"`
	Status       string `json:"status"`
	Linked       string `json:"linked"`
	Unlinked     string `json:"unlinked,omitempty"`
	Compromised  bool   `json:"compromised,omitempty"`
	Updated      string `json:"updated"`
	Signature    string `json:"signature"`
	Signer       string `json:"signer"`
	Salt         string `json:"salt"`
}

// record is what the registrar signed of the link of org's enrollment.
func (l patientLink) record(org string) wire.LinkRecord {
	return wire.LinkRecord{Org: org, EnrollmentID: l.EnrollmentID, Subject: l.Subject, Status: l.Status, Compromised: l.Compromised}
}

// covers reports whether the link held at t: signatures made while it held
// stay the patient's after an unlink, unless the key was compromised.
func (l patientLink) covers(t time.Time) bool {
	linked, err := time.Parse(time.RFC3339Nano, l.Linked)
	if err != nil || t.Before(linked) || l.Compromised {
		return false
	}
	if l.Unlinked == "" {
		return l.Status == wire.LinkLinked
	}
	unlinked, err := time.Parse(time.RFC3339Nano, l.Unlinked)
	return err == nil && t.Before(unlinked)
}

// linkRead is a link as read in this transaction: found only when the
// registrar's signature of it verifies (an unsigned or forged link counts
// as none).
type linkRead struct {
	key   string
	link  patientLink
	found bool
}

// link reads and verifies the link of org's enrollment id, once per
// transaction.
func (t *tx) link(org, enrollmentID string) (linkRead, error) {
	if r, ok := t.links[org+"/"+enrollmentID]; ok {
		return r, nil
	}
	key, err := t.blindKey(objPatientLink, org, enrollmentID)
	if err != nil {
		return linkRead{}, err
	}
	l, found, err := state.GetPrivateOptional[patientLink](t.Stub, Collection, key)
	if err != nil {
		return linkRead{}, err
	}
	if found {
		if found, err = t.registrarSigned(org, l); err != nil {
			return linkRead{}, err
		}
	}
	r := linkRead{key: key, link: l, found: found && l.EnrollmentID == enrollmentID}
	t.links[org+"/"+enrollmentID] = r
	return r, nil
}

// registrarSigned reports whether a stored link's signature verifies: by a
// certificate that chains to the registry's roots of the patients' org
// (at the link's stamp), with role registrar, which the org's
// patient-registry part lets count.
func (t *tx) registrarSigned(org string, l patientLink) (bool, error) {
	if org != roles.PatientMSP {
		return false, nil
	}
	signer, err := t.verifyStored(wire.LinkStatement(t.Stub.GetChannelID(), l.record(org)), l.Signature, l.Signer, l.Updated)
	if ccerr.CodeOf(err) == ccerr.CodeForbidden || (err == nil && signer.Role != parts.RoleRegistrar) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return t.orgAllows(org, parts.PartPatientRegistry, parts.RoleRegistrar)
}

// ownSubject is the calling patient's subject: empty unless the caller is
// a patients' org member whose enrollment is linked now.
func (t *tx) ownSubject() (string, error) {
	ok, err := t.isPatientsMember()
	if err != nil || !ok {
		return "", err
	}
	r, err := t.link(t.Caller.MSPID, t.Caller.EnrollmentID)
	if err != nil || !r.found || r.link.Status != wire.LinkLinked {
		return "", err
	}
	return r.link.Subject, nil
}

// signerIsPatient reports whether a stored signature's signer was the
// patient subject when it signed: role patient, and its enrollment linked
// to subject at that time.
func (t *tx) signerIsPatient(signer caller.Caller, subject, signed string) (bool, error) {
	at, err := time.Parse(time.RFC3339Nano, signed)
	if err != nil || signer.Role != parts.RolePatient || !enrollmentPattern.MatchString(signer.EnrollmentID) {
		return false, nil
	}
	r, err := t.link(roles.PatientMSP, signer.EnrollmentID)
	if err != nil || !r.found {
		return false, err
	}
	return r.link.Subject == subject && r.link.covers(at), nil
}

// PatientSubject answers the calling patient's own subject, for the
// patient's client (evaluated) and for other chaincodes inside their
// transaction (package kit/patient). Anyone but a linked patient is
// FORBIDDEN.
func (c *Contract) PatientSubject(ctx contractapi.TransactionContextInterface) (*wire.Subject, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requirePatientsMember(); err != nil {
		return nil, err
	}
	subject, err := t.ownSubject()
	if err != nil {
		return nil, err
	}
	if subject == "" {
		return nil, ccerr.Forbidden("enrollment %s is not linked to a patient: the patient registry's registrar links it (LinkPatient)", t.Caller.Key())
	}
	return &wire.Subject{Subject: subject}, nil
}

// beginLink starts a link change by the patient registry's registrar
// (role registrar of an org playing the patient-registry part), on an
// enrollment of the registrar's own org, from the transient input "link".
func (c *Contract) beginLink(ctx contractapi.TransactionContextInterface) (*tx, wire.LinkInput, linkRead, error) {
	var in wire.LinkInput
	t, err := c.begin(ctx)
	if err != nil {
		return nil, in, linkRead{}, err
	}
	if _, err := registry.Require(t.Stub, t.Caller, parts.PartPatientRegistry, parts.RoleRegistrar); err != nil {
		return nil, in, linkRead{}, err
	}
	if err := t.transient(wire.TransientLink, &in); err != nil {
		return nil, in, linkRead{}, err
	}
	if err := validateEnrollmentID("enrollmentId", in.EnrollmentID); err != nil {
		return nil, in, linkRead{}, err
	}
	if err := validatePatientID("subject", in.Subject); err != nil {
		return nil, in, linkRead{}, err
	}
	r, err := t.link(t.Caller.MSPID, in.EnrollmentID)
	return t, in, r, err
}

// LinkPatient links a patient's enrollment to their subject (transient
// "link": wire.LinkInput; "signature": the registrar's signature of
// wire.LinkStatement of wire.Linked), for the patient registry's
// registrar, after the patient's registration with the org's CA. An
// enrollment already linked, or ever unlinked, is a CONFLICT: an
// enrollment never changes subject.
func (c *Contract) LinkPatient(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, in, r, err := c.beginLink(ctx)
	if err != nil {
		return nil, err
	}
	if in.Compromised {
		return nil, ccerr.Invalid("compromised", "applies to UnlinkPatient only")
	}
	switch {
	case r.found && r.link.Subject != in.Subject:
		return nil, ccerr.Conflict("the enrollment is linked to another subject: an enrollment is one patient's for good")
	case r.found && r.link.Status == wire.LinkUnlinked:
		return nil, ccerr.Conflict("the enrollment was unlinked and stays so: register a new enrollment")
	case r.found:
		return nil, ccerr.Conflict("the enrollment is already linked to this subject")
	}
	l := patientLink{EnrollmentID: in.EnrollmentID, Subject: in.Subject, Status: wire.LinkLinked, Linked: t.Stamp()}
	return t.saveLink(r.key, l, "consent.patient-linked")
}

// UnlinkPatient ends a patient's enrollment (transient "link" with its
// enrollment id and subject; "signature" of wire.LinkStatement of
// wire.Unlinked), for the patient registry's registrar: the key then acts
// for no one. What the patient signed with a lost key while it was linked
// stays theirs; with compromised set (a stolen key), nothing it ever
// signed counts any more and the patient signs again what they still
// want, with a new enrollment.
func (c *Contract) UnlinkPatient(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, in, r, err := c.beginLink(ctx)
	if err != nil {
		return nil, err
	}
	if !r.found || in.Subject != r.link.Subject {
		return nil, ccerr.NotFound("no link of this enrollment to this subject")
	}
	if r.link.Status != wire.LinkLinked {
		return nil, ccerr.Precondition("the enrollment is already unlinked")
	}
	if err := t.NotBefore("link of the enrollment", r.link.Updated); err != nil {
		return nil, err
	}
	l := r.link
	l.Status, l.Unlinked, l.Compromised = wire.LinkUnlinked, t.Stamp(), in.Compromised
	return t.saveLink(r.key, l, "consent.patient-unlinked")
}

// saveLink signs (the registrar's signature, verified against the
// creator's certificate and the patients' org's roots), salts and writes
// a link; the event and receipt carry only the transaction id.
func (t *tx) saveLink(key string, l patientLink, event string) (*wire.Receipt, error) {
	sig, signer, err := t.creatorSignature(wire.LinkStatement(t.Stub.GetChannelID(), l.record(t.Caller.MSPID)))
	if err != nil {
		return nil, err
	}
	if l.Salt, err = t.salt(key); err != nil {
		return nil, err
	}
	l.Signature, l.Signer, l.Updated = sig, signer, t.Stamp()
	if err := state.PutPrivate(t.Stub, Collection, key, l); err != nil {
		return nil, err
	}
	t.Events.Add(event, t.Stub.GetTxID(), nil)
	return &wire.Receipt{ID: t.Stub.GetTxID(), Status: l.Status, TxID: t.Stub.GetTxID()}, t.finish()
}
