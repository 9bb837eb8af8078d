// Package wire holds what the consent chaincode and its clients exchange:
// the consent model (shaped after HL7 FHIR R5 Consent), inputs, answers,
// and the canonical statements a patient signs. It imports only the
// standard library, so the client library shares it without importing the
// chaincode shim or contract API.
//
// # Signed statements
//
// A patient has no peer, so no endorsement policy speaks for them: two
// colluding orgs could write a consent record the patient never made. So
// every change a patient (or their delegate) makes to a consent or a
// delegation is signed by them with their enrollment key (ECDSA P-256 over
// SHA-256, ASN.1 DER, as Fabric clients sign), and the signature covers
// the state the change produces, in the canonical form ConsentStatement or
// DelegateStatement returns: a fixed struct encoded as JSON (fields in
// declaration order, no maps), timestamps normalised to UTC, with the
// channel, the subject, the consent id and the version the change creates.
// A signature therefore cannot be replayed onto another consent, another
// version or another channel. The next-state functions (GrantedConsent,
// Activated, Revoked, ...) are the one definition of what a change
// produces; the chaincode and the client both call them.
package wire

import (
	"encoding/json"
	"time"
)

// Chaincode is the consent chaincode's name, as deployed on care.
const Chaincode = "consent"

// Function names of the consent chaincode's transactions (FnPatientSubject
// is below, with its answer). Read functions return private data: evaluate
// them, never submit them.
const (
	FnGrant               = "Grant"
	FnUpdate              = "Update"
	FnActivate            = "Activate"
	FnRevoke              = "Revoke"
	FnMarkEnteredInError  = "MarkEnteredInError"
	FnAttachForm          = "AttachForm"
	FnGet                 = "Get"
	FnHistory             = "History"
	FnListBySubject       = "ListBySubject"
	FnListGrants          = "ListGrants"
	FnCheck               = "Check"
	FnBreakGlass          = "BreakGlass"
	FnListBreakGlass      = "ListBreakGlass"
	FnListBreakGlassByOrg = "ListBreakGlassByOrg"
	FnListBreakGlassUses  = "ListBreakGlassUses"
	FnRegisterDelegate    = "RegisterDelegate"
	FnRevokeDelegate      = "RevokeDelegate"
	FnGetDelegate         = "GetDelegate"
	FnListDelegates       = "ListDelegates"
	FnLinkPatient         = "LinkPatient"
	FnUnlinkPatient       = "UnlinkPatient"
	FnSetupBlinding       = "SetupBlinding"
	FnBlindingReady       = "BlindingReady"
)

// Transient map keys of the inputs that must never reach a block.
const (
	TransientConsent    = "consent"
	TransientBreakGlass = "breakglass"
	TransientDelegate   = "delegate"
	// TransientSignature carries the signer's ASN.1 DER signature of the
	// change's statement (raw bytes).
	TransientSignature = "signature"
	// TransientLink carries a LinkInput (LinkPatient, UnlinkPatient).
	TransientLink = "link"
	// TransientForm carries a FormInput (AttachForm): a form's hash in a
	// transaction's arguments would be an unsalted hash of private data in
	// the block.
	TransientForm = "form"
)

// FormInput is the transient input "form": the SHA-256 (hex) of the
// signed consent form.
type FormInput struct {
	SHA256 string `json:"sha256"`
}

// FnPatientSubject is the consent chaincode's function that answers the
// calling patient's own subject (a Subject); other chaincodes call it
// inside their transaction (package chaincode/kit/patient).
const FnPatientSubject = "PatientSubject"

// Subject is PatientSubject's answer: the pseudonym providers and payers
// know the calling patient by.
type Subject struct {
	Subject string `json:"subject"`
}

// LinkInput is the transient input "link": the patient registry's
// registrar links a patient's enrollment (its enrollment id, 128 random
// bits as "p" and 32 hex digits) to the patient's subject, or unlinks it.
// Both fields are required; the registrar signs LinkStatement of the
// link the change produces (Linked, Unlinked), in the transient
// "signature".
type LinkInput struct {
	EnrollmentID string `json:"enrollmentId"`
	Subject      string `json:"subject"`
	// Compromised, when unlinking, says the key may be in someone else's
	// hands: then nothing it ever signed counts any more, not only what it
	// would sign next (a lost key keeps what the patient signed with it).
	Compromised bool `json:"compromised,omitempty" metadata:",optional"`
}

// Statuses of a consent (FHIR ConsentState).
const (
	StatusDraft          = "draft"
	StatusActive         = "active"
	StatusInactive       = "inactive"
	StatusEnteredInError = "entered-in-error"
)

// Reasons a consent became inactive.
const (
	ReasonRevoked    = "revoked"
	ReasonExpired    = "expired"
	ReasonSuperseded = "superseded"
)

// Decisions.
const (
	Permit = "permit"
	Deny   = "deny"
)

// Kinds of delegate.
const (
	KindGuardian = "guardian"
	KindProxy    = "proxy"
)

// Bases of a decision.
const (
	BasisConsent    = "consent"
	BasisBreakGlass = "break-glass"
	BasisDefault    = "no-applicable-consent"
)

// Actions and purposes, the vocabularies of provisions. Purposes follow the
// HL7 v3 PurposeOfUse codes carechain's members use, in plain words.
func Actions() []string { return []string{"access", "use", "disclose"} }

// Purposes lists every purpose of use.
func Purposes() []string {
	return []string{"treatment", "emergency", "payment", "operations", "research", "public-health", "legal", "patient-request"}
}

// BreakGlassActions and BreakGlassPurposes are what an emergency access
// may cover: reading and using data to treat the patient, never
// disclosing it, never for research or payment.
func BreakGlassActions() []string { return []string{"access", "use"} }

// BreakGlassPurposes lists the purposes an emergency access may name.
func BreakGlassPurposes() []string { return []string{"emergency", "treatment"} }

// Actor is a grantee: an org, a role within an org, or one identity.
type Actor struct {
	// Org is the grantee's MSP id.
	Org string `json:"org"`
	// Role, when set, narrows the grant to identities with that role.
	Role string `json:"role,omitempty" metadata:",optional"`
	// ID, when set, narrows the grant to one identity (its enrollment id).
	ID string `json:"id,omitempty" metadata:",optional"`
}

// Period is a half-open time interval [Start, End); an empty End is open.
type Period struct {
	Start string `json:"start"`
	End   string `json:"end,omitempty" metadata:",optional"`
}

// Covers reports whether the period contains t (start inclusive, end
// exclusive). A malformed bound covers nothing.
func (p Period) Covers(t time.Time) bool {
	start, err := time.Parse(time.RFC3339Nano, p.Start)
	if err != nil || t.Before(start) {
		return false
	}
	if p.End == "" {
		return true
	}
	end, err := time.Parse(time.RFC3339Nano, p.End)
	return err == nil && t.Before(end)
}

// Ended reports whether the period is over at t. A malformed end has ended.
func (p Period) Ended(t time.Time) bool {
	if p.End == "" {
		return false
	}
	end, err := time.Parse(time.RFC3339Nano, p.End)
	return err != nil || !t.Before(end)
}

// Provision is a rule of a consent, with nested exceptions.
type Provision struct {
	Actors      []Actor     `json:"actor,omitempty" metadata:",optional"`
	Actions     []string    `json:"action,omitempty" metadata:",optional"`
	Purposes    []string    `json:"purpose,omitempty" metadata:",optional"`
	DataClasses []string    `json:"class,omitempty" metadata:",optional"`
	Records     []string    `json:"data,omitempty" metadata:",optional"`
	Period      *Period     `json:"period,omitempty" metadata:",optional"`
	Provisions  []Provision `json:"provision,omitempty" metadata:",optional"`
}

// Empty reports whether the provision restricts nothing of its own.
func (p *Provision) Empty() bool {
	return len(p.Actors) == 0 && len(p.Actions) == 0 && len(p.Purposes) == 0 &&
		len(p.DataClasses) == 0 && len(p.Records) == 0 && p.Period == nil
}

// Consent is a patient's consent as stored in the private collection.
type Consent struct {
	ResourceType string    `json:"resourceType"`
	ID           string    `json:"id"`
	Status       string    `json:"status"`
	StatusReason string    `json:"statusReason,omitempty" metadata:",optional"`
	Subject      string    `json:"subject"`
	Decision     string    `json:"decision"`
	Period       Period    `json:"period"`
	Provision    Provision `json:"provision"`
	// FormHash is the SHA-256 of the signed consent form (FHIR sourceAttachment.hash, hex).
	FormHash   string `json:"formHash,omitempty" metadata:",optional"`
	Supersedes string `json:"supersedes,omitempty" metadata:",optional"`
	// SupersededBy is set when a newer consent replaced this one.
	SupersededBy string `json:"supersededBy,omitempty" metadata:",optional"`
	// Grantor is the identity that made the last change: the patient or a delegate.
	Grantor  string `json:"grantor"`
	Version  int    `json:"version"`
	Created  string `json:"dateTime"`
	Updated  string `json:"lastUpdated"`
	LastTxID string `json:"lastTxId"`
	// Signature is the signer's signature (base64 of ASN.1 DER) of
	// ConsentStatement for this version; Signer is the signer's
	// certificate (PEM). A version the chaincode made itself (superseded)
	// keeps the signature of the version before it.
	Signature string `json:"signature,omitempty" metadata:",optional"`
	Signer    string `json:"signer,omitempty" metadata:",optional"`
	// Salt is the version's salt (the chaincode sets it): the public
	// StatusRecord.DetailsHash commits to the stored record with it, and
	// no one without the record can test a guess against that hash or
	// against the hash of the private value in the block.
	Salt string `json:"salt,omitempty" metadata:",optional"`
}

// EffectiveStatus is the status at t: an active consent whose period has
// ended is inactive (expired).
func (c *Consent) EffectiveStatus(t time.Time) (status, reason string) {
	if c.Status == StatusActive && c.Period.Ended(t) {
		return StatusInactive, ReasonExpired
	}
	return c.Status, c.StatusReason
}

// GrantInput is what a patient sends (transient "consent") to create a
// consent, or to replace a draft's content (Update).
type GrantInput struct {
	ID         string    `json:"id"`
	Subject    string    `json:"subject"`
	Status     string    `json:"status,omitempty" metadata:",optional"` // draft or active (default)
	Decision   string    `json:"decision"`
	Period     Period    `json:"period"`
	Provision  Provision `json:"provision"`
	FormHash   string    `json:"formHash,omitempty" metadata:",optional"`
	Supersedes string    `json:"supersedes,omitempty" metadata:",optional"`
}

// View is a consent as read, with its status at the time of reading.
// Redacted views (for a grantee or its org's privacy officer) keep only
// what concerns the reader: the decision, the period, and the provisions
// whose grantees include it, with every other grantee left out; no
// signature, form or grantor.
type View struct {
	Consent
	EffectiveStatus string `json:"effectiveStatus"`
	EffectiveReason string `json:"effectiveReason,omitempty" metadata:",optional"`
	Redacted        bool   `json:"redacted,omitempty" metadata:",optional"`
}

// Receipt is what a submitted transaction returns. Submitted responses are
// written into the block, so a receipt carries ids and status only.
type Receipt struct {
	ID           string `json:"id"`
	Status       string `json:"status,omitempty" metadata:",optional"`
	StatusReason string `json:"statusReason,omitempty" metadata:",optional"`
	Version      int    `json:"version,omitempty" metadata:",optional"`
	End          string `json:"end,omitempty" metadata:",optional"`
	TxID         string `json:"txId"`
}

// StatusRecord is the public trace of a consent: its lifecycle and a
// commitment to its private record, nothing of its content and no time
// (the block that holds each version dates it, no more precisely).
// DetailsHash is commit.Sum(record.Salt, the stored record's JSON), of
// package kit/commit: a reader of the record (the patient, the auditor)
// verifies the public trace with it.
type StatusRecord struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	StatusReason string `json:"statusReason,omitempty" metadata:",optional"`
	Version      int    `json:"version"`
	DetailsHash  string `json:"detailsHash"`
}

// Request is what Check decides: may requester take action, for purpose,
// on the subject's data of a class (and, optionally, one record)?
type Request struct {
	Subject   string `json:"subject"`
	Requester Actor  `json:"requester"`
	Action    string `json:"action"`
	Purpose   string `json:"purpose"`
	DataClass string `json:"class,omitempty" metadata:",optional"`
	Record    string `json:"data,omitempty" metadata:",optional"`
}

// Decision is Check's answer.
type Decision struct {
	Decision string `json:"decision"`
	// Basis says what decided: a consent, a break-glass access, or the
	// default deny when no consent applies.
	Basis string `json:"basis"`
	// ConsentID is the consent that decided, when Basis is consent.
	ConsentID string `json:"consentId,omitempty" metadata:",optional"`
	// BreakGlassID is the emergency access that permitted, when Basis is break-glass.
	BreakGlassID string `json:"breakGlassId,omitempty" metadata:",optional"`
	EvaluatedAt  string `json:"evaluatedAt"`
}

// Permitted reports whether the decision is permit.
func (d Decision) Permitted() bool { return d.Decision == Permit }

// BreakGlassInput is the transient input "breakglass": which patient, why,
// for how many minutes (at most 24 hours from the transaction), and what
// the emergency access covers.
type BreakGlassInput struct {
	Subject string `json:"subject"`
	Reason  string `json:"reason"`
	Minutes int64  `json:"minutes"`
	// Purposes: emergency and/or treatment (required).
	Purposes []string `json:"purpose"`
	// Actions: access and/or use (default access).
	Actions []string `json:"action,omitempty" metadata:",optional"`
	// DataClasses the access covers (required).
	DataClasses []string `json:"class"`
}

// BreakGlass is an emergency access without consent. Start is the
// transaction's own timestamp; End is at most 24 hours later. Renewal
// counts the renewals in the clinician's episode on the patient (0 for
// the access that opened it), which began at Episode.
type BreakGlass struct {
	ID          string   `json:"id"`
	Subject     string   `json:"subject"`
	Requester   Actor    `json:"requester"`
	Reason      string   `json:"reason"`
	Purposes    []string `json:"purpose"`
	Actions     []string `json:"action"`
	DataClasses []string `json:"class"`
	Start       string   `json:"start"`
	End         string   `json:"end"`
	Episode     string   `json:"episode"`
	Renewal     int      `json:"renewal"`
	TxID        string   `json:"txId"`
	Salt        string   `json:"salt,omitempty" metadata:",optional"`
}

// BreakGlassUse records one decision a break-glass access permitted.
type BreakGlassUse struct {
	BreakGlassID string `json:"breakGlassId"`
	TxID         string `json:"txId"`
	At           string `json:"at"`
	// Caller is the identity that asked (MSPID/enrollmentID).
	Caller    string `json:"caller"`
	Action    string `json:"action"`
	Purpose   string `json:"purpose"`
	DataClass string `json:"class,omitempty" metadata:",optional"`
	Record    string `json:"data,omitempty" metadata:",optional"`
	Salt      string `json:"salt,omitempty" metadata:",optional"`
}

// Delegate is someone a patient lets manage their consents.
type Delegate struct {
	Subject string `json:"subject"`
	// Delegate is the delegate's identity, MSPID/enrollmentID.
	Delegate string `json:"delegate"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	Period   Period `json:"period"`
	Version  int    `json:"version"`
	Created  string `json:"created"`
	Updated  string `json:"lastUpdated"`
	// Signature (base64 DER) of DelegateStatement for this version by
	// Signer (certificate PEM): the patient, or the delegate stepping down.
	Signature string `json:"signature,omitempty" metadata:",optional"`
	Signer    string `json:"signer,omitempty" metadata:",optional"`
	Salt      string `json:"salt,omitempty" metadata:",optional"`
}

// DelegateInput is the transient input "delegate".
type DelegateInput struct {
	Subject  string `json:"subject"`
	Delegate string `json:"delegate"`
	Kind     string `json:"kind,omitempty" metadata:",optional"`
	Period   Period `json:"period,omitempty" metadata:",optional"`
}

// Pages of query results. The contract API describes every return type in
// its metadata, which generic types cannot be, hence one type per list.
type (
	// ConsentPage is a page of consents.
	ConsentPage struct {
		Items    []View `json:"items"`
		Bookmark string `json:"bookmark,omitempty" metadata:",optional"`
	}
	// VersionPage is a page of a consent's versions, newest first.
	VersionPage struct {
		Items    []Consent `json:"items"`
		Bookmark string    `json:"bookmark,omitempty" metadata:",optional"`
	}
	// BreakGlassPage is a page of break-glass accesses.
	BreakGlassPage struct {
		Items    []BreakGlass `json:"items"`
		Bookmark string       `json:"bookmark,omitempty" metadata:",optional"`
	}
	// UsePage is a page of a break-glass access's uses.
	UsePage struct {
		Items    []BreakGlassUse `json:"items"`
		Bookmark string          `json:"bookmark,omitempty" metadata:",optional"`
	}
	// DelegatePage is a page of delegations.
	DelegatePage struct {
		Items    []Delegate `json:"items"`
		Bookmark string     `json:"bookmark,omitempty" metadata:",optional"`
	}
)

// Domains separate the kinds of signed statement.
const (
	DomainConsent  = "carechain/consent/v1"
	DomainDelegate = "carechain/consent-delegate/v1"
	DomainLink     = "carechain/consent-link/v1"
)

// Link statuses.
const (
	LinkLinked   = "linked"
	LinkUnlinked = "unlinked"
)

// LinkRecord is what a link says: which org's enrollment is which
// subject's, whether it still holds, and whether its key was compromised.
// The registrar signs it (LinkStatement); the patients' org runs no peer,
// so without that signature two colluding peer orgs could tie any
// enrollment to any subject.
type LinkRecord struct {
	Org          string `json:"org"`
	EnrollmentID string `json:"enrollmentId"`
	Subject      string `json:"subject"`
	Status       string `json:"status"`
	Compromised  bool   `json:"compromised"`
}

// Linked is the link LinkPatient of in creates, by a registrar of org.
func Linked(org string, in LinkInput) LinkRecord {
	return LinkRecord{Org: org, EnrollmentID: in.EnrollmentID, Subject: in.Subject, Status: LinkLinked}
}

// Unlinked is the link UnlinkPatient of in leaves, by a registrar of org.
func Unlinked(org string, in LinkInput) LinkRecord {
	return LinkRecord{Org: org, EnrollmentID: in.EnrollmentID, Subject: in.Subject, Status: LinkUnlinked, Compromised: in.Compromised}
}

type linkStatement struct {
	Domain  string `json:"domain"`
	Channel string `json:"channel"`
	LinkRecord
}

// LinkStatement is the canonical form of link l on channel, the bytes the
// registrar signs.
func LinkStatement(channel string, l LinkRecord) []byte {
	return encode(linkStatement{Domain: DomainLink, Channel: channel, LinkRecord: l})
}

// consentStatement is the canonical form of a consent version: every field
// that decides what the consent permits, and nothing the chaincode stamps.
type consentStatement struct {
	Domain       string    `json:"domain"`
	Channel      string    `json:"channel"`
	ID           string    `json:"id"`
	Subject      string    `json:"subject"`
	Version      int       `json:"version"`
	Status       string    `json:"status"`
	StatusReason string    `json:"statusReason"`
	Decision     string    `json:"decision"`
	Period       Period    `json:"period"`
	Provision    Provision `json:"provision"`
	FormHash     string    `json:"formHash"`
	Supersedes   string    `json:"supersedes"`
}

// ConsentStatement is the canonical form of consent version c on channel,
// the bytes its signer signs.
func ConsentStatement(channel string, c Consent) []byte {
	return encode(consentStatement{Domain: DomainConsent, Channel: channel, ID: c.ID, Subject: c.Subject,
		Version: c.Version, Status: c.Status, StatusReason: c.StatusReason, Decision: c.Decision,
		Period: normalPeriod(c.Period), Provision: normalProvision(c.Provision), FormHash: c.FormHash,
		Supersedes: c.Supersedes})
}

type delegateStatement struct {
	Domain   string `json:"domain"`
	Channel  string `json:"channel"`
	Subject  string `json:"subject"`
	Delegate string `json:"delegate"`
	Version  int    `json:"version"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	Period   Period `json:"period"`
}

// DelegateStatement is the canonical form of delegation version d on
// channel, the bytes its signer signs.
func DelegateStatement(channel string, d Delegate) []byte {
	return encode(delegateStatement{Domain: DomainDelegate, Channel: channel, Subject: d.Subject,
		Delegate: d.Delegate, Version: d.Version, Kind: d.Kind, Status: d.Status, Period: normalPeriod(d.Period)})
}

func encode(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic("consent/wire: encode statement: " + err.Error()) // plain structs always encode
	}
	return data
}

// NormalTime rewrites an RFC 3339 timestamp in UTC with nanoseconds, as the
// chaincode stores it; anything else is returned unchanged.
func NormalTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func normalPeriod(p Period) Period {
	out := Period{Start: NormalTime(p.Start)}
	if p.End != "" {
		out.End = NormalTime(p.End)
	}
	return out
}

// normalProvision copies p with every period normalised.
func normalProvision(p Provision) Provision {
	out := p
	if p.Period != nil {
		np := normalPeriod(*p.Period)
		out.Period = &np
	}
	if p.Provisions != nil {
		out.Provisions = make([]Provision, len(p.Provisions))
		for i := range p.Provisions {
			out.Provisions[i] = normalProvision(p.Provisions[i])
		}
	}
	return out
}

// GrantedConsent is version 1 of the consent in creates: what Grant stores
// and its signer signs (status active unless in asks for a draft).
func GrantedConsent(in GrantInput) Consent {
	status := in.Status
	if status == "" {
		status = StatusActive
	}
	return Consent{ResourceType: "Consent", ID: in.ID, Status: status, Subject: in.Subject, Decision: in.Decision,
		Period: normalPeriod(in.Period), Provision: normalProvision(in.Provision), FormHash: in.FormHash,
		Supersedes: in.Supersedes, Version: 1}
}

// next is c's next version with the chaincode's stamps cleared.
func next(c Consent) Consent {
	c.Version++
	c.Signature, c.Signer = "", ""
	return c
}

// Drafted is draft c with its content replaced by in (Update).
func Drafted(c Consent, in GrantInput) Consent {
	n := next(c)
	n.Status, n.StatusReason = StatusDraft, ""
	n.Decision, n.Period, n.Provision, n.FormHash = in.Decision, normalPeriod(in.Period), normalProvision(in.Provision), in.FormHash
	return n
}

// Activated is draft c made active.
func Activated(c Consent) Consent {
	n := next(c)
	n.Status, n.StatusReason = StatusActive, ""
	return n
}

// Revoked is active c revoked.
func Revoked(c Consent) Consent {
	n := next(c)
	n.Status, n.StatusReason = StatusInactive, ReasonRevoked
	return n
}

// EnteredInError is c withdrawn as recorded by mistake.
func EnteredInError(c Consent) Consent {
	n := next(c)
	n.Status, n.StatusReason = StatusEnteredInError, ""
	return n
}

// FormAttached is c with the SHA-256 (hex) of its signed form.
func FormAttached(c Consent, sha256Hex string) Consent {
	n := next(c)
	n.FormHash = sha256Hex
	return n
}

// Registered is the delegation in registers (kind and period), following
// prev, the subject's current delegation to the same delegate (nil when
// there is none).
func Registered(prev *Delegate, in DelegateInput) Delegate {
	d := Delegate{Subject: in.Subject, Delegate: in.Delegate, Kind: in.Kind, Status: StatusActive,
		Period: normalPeriod(in.Period), Version: 1}
	if prev != nil {
		d.Version = prev.Version + 1
		d.Created = prev.Created
	}
	return d
}

// Ended is delegation d ended (revoked by the patient or given up by the
// delegate).
func Ended(d Delegate) Delegate {
	d.Version++
	d.Status = StatusInactive
	d.Signature, d.Signer = "", ""
	return d
}
