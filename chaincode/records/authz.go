package records

import (
	"slices"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/patient"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// Who may do what. Every check reads the caller's org entry from the parts
// registry (tx.org, read in begin): a role attribute counts only when the
// issuing org plays a part that lets it count (parts.PartRoles), and
// ownership (the record's custodian, the patient the registry linked the
// caller to) is checked on top of it.

// custodianRoles anchor, amend and withdraw records of their own org,
// which must play the provider part.
var custodianRoles = []string{parts.RolePhysician, parts.RoleNurse, parts.RoleRecordsClerk}

// eraseRoles crypto-shred records of their own provider org.
var eraseRoles = []string{parts.RoleRecordsClerk, parts.RolePrivacy}

// readerRoles of the custodian org read its anchors.
var readerRoles = []string{parts.RolePhysician, parts.RoleNurse, parts.RoleRecordsClerk, parts.RolePrivacy}

// requestRule: a role that counts in an org playing part may request
// records for these purposes (consent still decides each request).
type requestRule struct {
	part, role string
	purposes   []string
}

// requestRules is the table of requesters. The patient who is the subject
// may request their own records for any purpose and needs no consent.
var requestRules = []requestRule{
	{parts.PartProvider, parts.RolePhysician, []string{"treatment", "emergency", "research", "public-health"}},
	{parts.PartProvider, parts.RoleNurse, []string{"treatment", "emergency"}},
	{parts.PartProvider, parts.RoleRecordsClerk, []string{"operations", "legal", "patient-request"}},
	{parts.PartProvider, parts.RoleBilling, []string{"payment", "operations"}},
	{parts.PartProvider, parts.RolePrivacy, []string{"operations", "legal"}},
	{parts.PartPharmacy, parts.RolePharmacist, []string{"treatment"}},
	{parts.PartPayer, parts.RoleAdjudicator, []string{"payment"}},
	{parts.PartPayer, parts.RoleClaimsIntake, []string{"payment"}},
	{parts.PartRegulator, parts.RoleAuditor, []string{"legal", "public-health"}},
	{parts.PartPatientRegistry, parts.RolePatient, []string{"patient-request"}},
}

// counts reports whether the caller's role is one of roleNames and counts
// for part in the caller's org.
func (t *tx) counts(part string, roleNames ...string) bool {
	return t.Caller.HasRole(roleNames...) && t.org.Allows(part, t.Caller.Role)
}

// require is counts as an error.
func (t *tx) require(part string, roleNames ...string) error {
	if t.counts(part, roleNames...) {
		return nil
	}
	return ccerr.Forbidden("caller %s (role %q) needs one of the roles %v of an org playing the %s part", t.Caller.Key(), t.Caller.Role, roleNames, part)
}

func (t *tx) isAdmin() bool { return t.Caller.Type == caller.TypeAdmin }

// isMember: the org's admin, or a role that counts for one of its parts.
func (t *tx) isMember() bool {
	if t.isAdmin() {
		return true
	}
	for _, p := range t.org.Parts {
		if t.org.Allows(p, t.Caller.Role) {
			return true
		}
	}
	return false
}

func (t *tx) requireMember() error {
	if t.isMember() {
		return nil
	}
	return ccerr.Forbidden("role %q of %s counts for none of its parts %v", t.Caller.Role, t.Caller.MSPID, t.org.Parts)
}

// isSubject: the patient subject, in an org playing the patient registry.
// Which subject a patient is comes from the patient registry's link
// (kit/patient, asked of the consent chaincode), never from the
// certificate: patients' certificates carry no pseudonym, since every
// block holds its transactions' creators.
func (t *tx) isSubject(subject string) (bool, error) {
	if !t.isPatient() {
		return false, nil
	}
	return patient.Is(t.Stub, t.Caller, subject)
}

// listSubject is whose list the caller reads, after the role check (a
// patient or the auditor): the auditor names any subject; a patient reads
// their own, which an empty subject names.
func (t *tx) listSubject(subject string) (string, error) {
	if subject != "" || t.isAuditor() {
		if err := validate.Identifier("subject", subject); err != nil {
			return "", err
		}
	}
	if t.isAuditor() {
		return subject, nil
	}
	own, err := patient.Subject(t.Stub, t.Caller)
	if err != nil {
		return "", err
	}
	if subject != "" && subject != own {
		return "", ccerr.Forbidden("a patient reads only their own records and access log")
	}
	return own, nil
}

func (t *tx) isPatient() bool { return t.counts(parts.PartPatientRegistry, parts.RolePatient) }
func (t *tx) isAuditor() bool { return t.counts(parts.PartRegulator, parts.RoleAuditor) }

// isCustodianStaff: one of roleNames in the custodian org, as a provider.
func (t *tx) isCustodianStaff(custodian string, roleNames ...string) bool {
	return t.Caller.MSPID == custodian && t.counts(parts.PartProvider, roleNames...)
}

// requireCustodian checks ownership after require: the caller's org is
// the record's custodian.
func (t *tx) requireCustodian(custodian, id string) error {
	if t.Caller.MSPID != custodian {
		return ccerr.Forbidden("only %s, the custodian, may change record %s (caller %s)", custodian, id, t.Caller.Key())
	}
	return nil
}

// mayReadAnchors is the first check of Get, History: could the caller read
// any anchor at all?
func (t *tx) mayReadAnchors() error {
	if t.counts(parts.PartProvider, readerRoles...) || t.isPatient() || t.isAuditor() {
		return nil
	}
	return ccerr.Forbidden("caller %s (role %q) may not read record anchors", t.Caller.Key(), t.Caller.Role)
}

// mayReadAnchor lets the custodian org's clinicians, clerks and privacy
// officer, the patient and the regulator's auditor read an anchor.
func (t *tx) mayReadAnchor(a *wire.Anchor) error {
	if t.isCustodianStaff(a.Custodian, readerRoles...) || t.isAuditor() {
		return nil
	}
	if ok, err := t.isSubject(a.Subject); err != nil || ok {
		return err
	}
	return ccerr.Forbidden("caller %s (role %q) may not read record %s", t.Caller.Key(), t.Caller.Role, a.ID)
}

// mayRequestAny is the first check of RequestAccess and ReleaseKey: does
// the caller's role count as a requester in its org?
func (t *tx) mayRequestAny() error {
	for _, r := range requestRules {
		if t.counts(r.part, r.role) {
			return nil
		}
	}
	return ccerr.Forbidden("role %q of %s may not request records (it counts for the parts %v)", t.Caller.Role, t.Caller.MSPID, t.org.Parts)
}

// mayRequest: the subject for any purpose; anyone else by requestRules.
func (t *tx) mayRequest(subject, purpose string) error {
	if ok, err := t.isSubject(subject); err != nil || ok {
		return err
	}
	for _, r := range requestRules {
		if t.counts(r.part, r.role) && slices.Contains(r.purposes, purpose) {
			return nil
		}
	}
	return ccerr.Forbidden("role %q of %s may not request records for %s", t.Caller.Role, t.Caller.MSPID, purpose)
}

// mayMatchSubject: only the claims chaincode asks, as the provider's
// billing staff (for the provider's own records) or a payer's adjudicator
// (claims binds the adjudicator to the claim's payer).
func (t *tx) mayMatchSubject() error {
	top, err := topChaincode(t.Stub.GetSignedProposal)
	if err != nil {
		return err
	}
	if top != ClaimsChaincode {
		return ccerr.Forbidden("MatchSubject answers only the %s chaincode, not a direct call (%q)", ClaimsChaincode, top)
	}
	if t.counts(parts.PartProvider, parts.RoleBilling) || t.counts(parts.PartPayer, parts.RoleAdjudicator) {
		return nil
	}
	return ccerr.Forbidden("MatchSubject answers a provider's billing staff or a payer's adjudicator, not %s (role %q)", t.Caller.Key(), t.Caller.Role)
}

// topChaincode names the chaincode the client's proposal invoked (its
// header extension, which the peer dispatches on): the one that called
// this one when it is not "records". Chaincode-to-chaincode calls share the
// caller's signed proposal.
func topChaincode(signed func() (*pb.SignedProposal, error)) (string, error) {
	sp, err := signed()
	if err != nil || sp == nil {
		return "", ccerr.Internal("signed proposal: %v", err)
	}
	var (
		prop pb.Proposal
		hdr  common.Header
		ch   common.ChannelHeader
		ext  pb.ChaincodeHeaderExtension
	)
	if err := proto.Unmarshal(sp.GetProposalBytes(), &prop); err != nil {
		return "", ccerr.Internal("proposal: %v", err)
	}
	if err := proto.Unmarshal(prop.GetHeader(), &hdr); err != nil {
		return "", ccerr.Internal("proposal header: %v", err)
	}
	if err := proto.Unmarshal(hdr.GetChannelHeader(), &ch); err != nil {
		return "", ccerr.Internal("channel header: %v", err)
	}
	if err := proto.Unmarshal(ch.GetExtension(), &ext); err != nil {
		return "", ccerr.Internal("chaincode header extension: %v", err)
	}
	return ext.GetChaincodeId().GetName(), nil
}
