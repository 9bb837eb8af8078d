// Package wire holds what the claims chaincode and its clients exchange:
// the chaincode's name and transaction function names, the transient keys
// and inputs (shaped after FHIR Claim and X12 837P), the answers (claims,
// traces, remittance advice after X12 835) and the codes they carry
// (statuses, outcomes, pend reasons, fraud signals, rule names). It imports
// only the standard library, so the client library shares it without
// importing the chaincode shim or contract API. Error codes are package
// kit/ccerr's, which clients share too.
package wire

// Chaincode is the claims chaincode's name, as deployed on care.
const Chaincode = "claims"

// Function names of the claims chaincode's transactions. Get, GetCoverage,
// Remittance and ListByStatus return private data: evaluate them, never
// submit them.
const (
	FnSubmit           = "Submit"
	FnReplace          = "Replace"
	FnVoid             = "Void"
	FnAppeal           = "Appeal"
	FnAdjudicate       = "Adjudicate"
	FnPay              = "Pay"
	FnReversePayment   = "ReversePayment"
	FnRegisterCoverage = "RegisterCoverage"
	FnSetRules         = "SetRules"
	FnSetSalt          = "SetSalt"
	FnSetSettings      = "SetSettings"
	FnGet              = "Get"
	FnGetTrace         = "GetTrace"
	FnGetCoverage      = "GetCoverage"
	FnRemittance       = "Remittance"
	FnListByStatus     = "ListByStatus"
	FnGetSettings      = "GetSettings"
	FnSetupBlinding    = "SetupBlinding"
	FnBlindingReady    = "BlindingReady"
	FnSubmitIntake     = "SubmitIntake"
	FnDispute          = "Dispute"
	FnCrossover        = "Crossover"
	FnSealedRecord     = "SealedRecord"
	FnScreen           = "Screen"
	FnListFlags        = "ListFlags"
	FnSealedFlag       = "SealedFlag"
	FnResolveFlag      = "ResolveFlag"
	FnListByPatient    = "ListByPatient"
)

// The claims chaincode's private data collections. The chaincode picks
// them from a claim's parties; carenet generates their definitions from
// the topology (network/collections).
const (
	// PayersCollection is every payer's: the cross-payer duplicate index
	// and flags, and the secret that keys its fingerprints.
	PayersCollection = "claimsPayers"
)

// PairCollection is the collection of a provider and a payer: their
// claims' records and patient-day records.
func PairCollection(provider, payer string) string { return "claims_" + provider + "_" + payer }

// PayerCollection is a payer's collection, shared with every provider on
// the channel (each endorses the adjudications that read it): its
// coverages, plan rules, duplicate salt and member accumulators.
func PayerCollection(payer string) string { return "claimsPayer_" + payer }

// CrossoverID is the id of the claim that coordination of benefits makes
// at the secondary payer from a primary claim.
func CrossoverID(primary string) string { return primary + ".cob" }

// Transient map keys of the inputs that must never reach a block.
const (
	TransientClaim    = "claim"
	TransientCoverage = "coverage"
	TransientRules    = "rules"
	TransientSalt     = "salt"
	TransientDecision = "decision"
	TransientPayment  = "payment"
	// TransientIntake is SubmitIntake's IntakeInput.
	TransientIntake = "intake"
	// TransientPrimary is Crossover's: the primary claim's sealed record,
	// as SealedRecord returns it (a JSON string of base64).
	TransientPrimary = "primary"
	// TransientResolution is ResolveFlag's ResolutionInput.
	TransientResolution = "resolution"
	// TransientPatient is ListByPatient's PatientQuery.
	TransientPatient = "patient"
)

// Channels through which a payer received a claim it submits (SubmitIntake).
const (
	IntakePaper         = "paper"
	IntakeFax           = "fax"
	IntakeClearinghouse = "clearinghouse"
	IntakeOutOfNetwork  = "out-of-network"
	IntakePortal        = "portal"
)

// IntakeChannels lists the intake channels, in a fixed order.
func IntakeChannels() []string {
	return []string{IntakePaper, IntakeFax, IntakeClearinghouse, IntakeOutOfNetwork, IntakePortal}
}

// Claim statuses.
const (
	StatusPended      = "pended"
	StatusAdjudicated = "adjudicated"
	StatusAppealed    = "appealed"
	StatusPaid        = "paid"
	StatusVoided      = "voided"
	StatusReplaced    = "replaced"
	// StatusDisputed: the provider named on a claim a payer submitted
	// says it never billed it.
	StatusDisputed = "disputed"
)

// Statuses lists every claim status, in a fixed order.
func Statuses() []string {
	return []string{StatusPended, StatusAdjudicated, StatusAppealed, StatusPaid, StatusVoided, StatusReplaced, StatusDisputed}
}

// Adjudication outcomes (X12 835 / FHIR ClaimResponse.outcome, per claim).
const (
	OutcomeApproved = "approved"
	OutcomePartial  = "partial"
	OutcomeDenied   = "denied"
)

// Reasons a claim is pended.
const (
	PendCoverage  = "COVERAGE_INACTIVE"
	PendPriorAuth = "PRIOR_AUTH_REQUIRED"
	PendFraud     = "FRAUD_REVIEW"
)

// Fraud signal codes.
const (
	SignalUnknownRecord  = "RECORD_UNKNOWN"
	SignalOtherPatient   = "RECORD_OTHER_PATIENT"
	SignalAfterWithdrawn = "SERVICE_AFTER_RECORD_WITHDRAWN"
	SignalTooManyPerDay  = "TOO_MANY_CLAIMS_PATIENT_DAY"
)

// Rule names, as recorded on an adjudication.
const (
	RuleCoverage     = "coverage-active"
	RuleNonCovered   = "non-covered-code"
	RuleAllowed      = "allowed-amount"
	RuleDeductible   = "deductible"
	RuleCopay        = "copay"
	RuleAnnualLimit  = "annual-limit"
	RulePriorAuth    = "prior-authorization"
	RulePriorAuthDen = "prior-authorization-denied"
)

// ClaimInput is the transient input "claim" of Submit and Replace, shaped
// after FHIR Claim and X12 837P.
type ClaimInput struct {
	ID             string   `json:"id"`
	Patient        string   `json:"patient"`
	Coverage       string   `json:"coverage"`
	Payer          string   `json:"payer"`
	RenderingNPI   string   `json:"renderingNpi"`
	BillablePeriod Period   `json:"billablePeriod"`
	PlaceOfService string   `json:"placeOfService"`
	Diagnoses      []string `json:"diagnosis"`
	Items          []Item   `json:"item"`
	TotalCents     int64    `json:"total"`
	// Records are supporting record anchors (records chaincode ids).
	Records []string `json:"supportingInfo,omitempty" metadata:",optional"`
	// Secondary is the patient's next coverage (coordination of
	// benefits): once this claim's payer, the primary, has adjudicated,
	// Crossover makes the claim for the remainder at the secondary payer.
	Secondary *CoverageRef `json:"secondary,omitempty" metadata:",optional"`
	// Identifiers are the claim's business identifiers as the provider's
	// systems know it (FHIR Claim.identifier). They stay in the claim's
	// private record, never in public state or arguments.
	Identifiers []Identifier `json:"identifier,omitempty" metadata:",optional"`
}

// Identifier is a business identifier: a value in a namespace (a URI).
type Identifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

// CoverageRef names a coverage: its payer and the payer's coverage id.
type CoverageRef struct {
	Payer    string `json:"payer"`
	Coverage string `json:"coverage"`
}

// IntakeInput is the transient input "intake" of SubmitIntake: a claim a
// payer received outside the ledger, the provider it names and how it came.
type IntakeInput struct {
	Claim    ClaimInput `json:"claim"`
	Provider string     `json:"provider"`
	// Channel is one of IntakeChannels.
	Channel string `json:"channel"`
	// Received is the date the payer received it (YYYY-MM-DD).
	Received string `json:"received"`
}

// Intake is how a claim a payer submitted reached it.
type Intake struct {
	Channel  string `json:"channel"`
	Received string `json:"received"`
}

// Prior is what the secondary payer of a crossover knows of the primary's
// adjudication (an 837's other-payer loop, an 835's figures): checked
// against the primary's record on the ledger.
type Prior struct {
	Claim        string       `json:"claim"`
	Payer        string       `json:"payer"`
	AllowedCents int64        `json:"allowed"`
	PaidCents    int64        `json:"paid"`
	PatientCents int64        `json:"patientResponsibility"`
	Lines        []LineResult `json:"item"`
}

// Flag tells a payer that a line of one of its claims bills a service
// that a live claim at another payer bills too (or that the provider and
// an intake billed twice). It names only the payer's own claim; Match is
// the same for every payer flagged for that service, so they can refer to
// one case without naming their claims.
type Flag struct {
	Claim   string `json:"claim"`
	Line    int    `json:"line"`
	Match   string `json:"match"`
	Flagged string `json:"flagged"`
	// Resolution is the payer's, once it resolved the flag (ListFlags
	// reads it from the claim's record).
	Resolution *FlagResolution `json:"resolution,omitempty" metadata:",optional"`
}

// Outcomes of a payer's resolution of a flag (ResolveFlag).
const (
	// ResolutionDuplicate: the line is a duplicate; it is denied (CO-18).
	ResolutionDuplicate = "duplicate"
	// ResolutionCleared: the line is not a duplicate; it stands.
	ResolutionCleared = "cleared"
)

// Resolutions lists the resolution outcomes, in a fixed order.
func Resolutions() []string { return []string{ResolutionDuplicate, ResolutionCleared} }

// SealedFlag is a flag as the payers' collection stores it: its key and
// its sealed value (base64), whose SHA-256 is the private-data hash every
// peer holds. SealedFlag returns it to the flag's payer, who hands it to
// ResolveFlag: the provider's peer, which endorses the resolution, is no
// member of the payers' collection and checks it against that hash.
type SealedFlag struct {
	Key    string `json:"key"`
	Sealed string `json:"sealed"`
}

// ResolutionInput is the transient input "resolution" of ResolveFlag.
type ResolutionInput struct {
	// Outcome is one of Resolutions.
	Outcome string `json:"outcome"`
	// Reason says why, for the claim's provider and payer (it stays in
	// their pair's collection, never in the payers' one).
	Reason string     `json:"reason"`
	Flag   SealedFlag `json:"flag"`
}

// FlagResolution is a payer's resolution of a flag on a line of its
// claim, kept in the claim's record.
type FlagResolution struct {
	Line    int    `json:"line"`
	Match   string `json:"match"`
	Outcome string `json:"outcome"`
	Reason  string `json:"reason"`
	By      string `json:"by"`
	At      string `json:"at"`
	TxID    string `json:"txId"`
}

// FlagPage is a page of a payer's flags.
type FlagPage struct {
	Items    []Flag `json:"items"`
	Bookmark string `json:"bookmark,omitempty" metadata:",optional"`
}

// Period is a date range (YYYY-MM-DD), inclusive.
type Period struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Item is a claim line: a procedure with modifiers, units and charge.
type Item struct {
	Sequence  int      `json:"sequence"`
	Code      string   `json:"productOrService"`
	Modifiers []string `json:"modifier,omitempty" metadata:",optional"`
	Units     int64    `json:"quantity"`
	UnitCents int64    `json:"unitPrice"`
	NetCents  int64    `json:"net"`
	Date      string   `json:"servicedDate"`
	// PriorAuth is the payer's prior-authorization number, when one was given.
	PriorAuth string `json:"priorAuth,omitempty" metadata:",optional"`
	// DiagnosisPointers point, 1-based and in order of importance, at the
	// claim's diagnoses that justify the line (FHIR item.diagnosisSequence,
	// X12 837P SV107). None: every diagnosis applies, in the claim's order.
	DiagnosisPointers []int `json:"diagnosisSequence,omitempty" metadata:",optional"`
	// PlaceOfService is the line's own CMS place of service when it is not
	// the claim's (X12 837P SV105, FHIR item.locationCodeableConcept);
	// empty: the claim's.
	PlaceOfService string `json:"placeOfService,omitempty" metadata:",optional"`
}

// Coverage is a payer's coverage of a member under a plan.
type Coverage struct {
	ID     string `json:"id"`
	Member string `json:"member"`
	// Payer is the payer that registered it: the caller's org.
	Payer  string `json:"payer"`
	Plan   string `json:"plan"`
	Period Period `json:"period"`
	// AnnualLimitCents caps what the plan pays per member and year (0: none).
	AnnualLimitCents int64  `json:"annualLimit"`
	CopayCents       int64  `json:"copay"`
	DeductibleCents  int64  `json:"deductible"`
	Status           string `json:"status"`
	Registered       string `json:"registered"`
	// Identifiers are the coverage's business identifiers (FHIR
	// Coverage.identifier: a member, certificate or agreement number). Like
	// the coverage id they identify a member: kept in the payer's collection.
	Identifiers []Identifier `json:"identifier,omitempty" metadata:",optional"`
	// Kind is what the coverage is (FHIR Coverage.type, such as v3
	// ActCode EHCPOL, extended healthcare).
	Kind *Coding `json:"type,omitempty" metadata:",optional"`
	// SubscriberID is the subscriber's id with the payer (FHIR
	// Coverage.subscriberId).
	SubscriberID string `json:"subscriberId,omitempty" metadata:",optional"`
	// Dependent is the member's dependent number (FHIR Coverage.dependent).
	Dependent string `json:"dependent,omitempty" metadata:",optional"`
	// PolicyHolder is who holds the policy (FHIR Coverage.policyHolder),
	// often an employer outside the consortium.
	PolicyHolder *Party `json:"policyHolder,omitempty" metadata:",optional"`
	// Classes are the coverage's classes other than its plan, in order
	// (FHIR Coverage.class: group, subgroup, subplan, class, subclass,
	// sequence, rxbin, rxpcn, rxid, rxgroup).
	Classes []CoverageClass `json:"class,omitempty" metadata:",optional"`
}

// Coding is a code in a code system.
type Coding struct {
	System string `json:"system"`
	Code   string `json:"code"`
}

// Party is someone a coverage names who may be outside the consortium:
// an absolute reference (a URL of another FHIR server) or an identifier.
type Party struct {
	Reference string `json:"reference,omitempty" metadata:",optional"`
	System    string `json:"system,omitempty" metadata:",optional"`
	Value     string `json:"value,omitempty" metadata:",optional"`
}

// CoverageClassTypes are the coverage-class codes a coverage's Classes
// take (the plan is Coverage.Plan), a new slice each call.
func CoverageClassTypes() []string {
	return []string{"group", "subgroup", "subplan", "class", "subclass", "sequence", "rxbin", "rxpcn", "rxid", "rxgroup"}
}

// CoverageClass is one class of a coverage: its type (a coverage-class
// code), the payer's value and the class's name.
type CoverageClass struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Name  string `json:"name,omitempty" metadata:",optional"`
}

// Rules are a plan's adjudication rules.
type Rules struct {
	Plan string `json:"plan"`
	// Payer is the payer whose plan it is: the caller's org (set by SetRules).
	Payer string `json:"payer,omitempty" metadata:",optional"`
	// Allowed is the allowed amount per unit by procedure code; codes not
	// listed are not covered.
	Allowed map[string]int64 `json:"allowed"`
	// PriorAuth lists codes that need a prior authorization.
	PriorAuth []string `json:"priorAuth,omitempty" metadata:",optional"`
	// MaxClaimsPerPatientDay flags more claims than this for one patient
	// and service day (0: 5).
	MaxClaimsPerPatientDay int `json:"maxClaimsPerPatientDay,omitempty" metadata:",optional"`
	// Updated is the stamp of the transaction that set them (set by SetRules).
	Updated string `json:"updated,omitempty" metadata:",optional"`
}

// Decision is what an adjudicator adds to the rules (transient "decision").
type Decision struct {
	// ApprovePriorAuth treats the lines that need prior authorization as authorized.
	ApprovePriorAuth bool `json:"approvePriorAuth,omitempty" metadata:",optional"`
	// DenyPriorAuth denies those lines instead (CO-197).
	DenyPriorAuth bool `json:"denyPriorAuth,omitempty" metadata:",optional"`
}

// PaymentInput is the transient input "payment".
type PaymentInput struct {
	Trace       string `json:"trace"`
	AmountCents int64  `json:"amount"`
}

// SaltInput is the transient input "salt" of SetSalt: the payer's
// duplicate-fingerprint salt, base64 of at least 32 random bytes.
type SaltInput struct {
	Salt string `json:"salt"`
}

// Receipt is what a submitted transaction returns. The response is written
// into the block, so it says no more than the claim's public trace: id,
// status and outcome. Why a claim is pended (Claim.PendReason) is read
// with Get.
type Receipt struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Outcome string `json:"outcome,omitempty" metadata:",optional"`
	TxID    string `json:"txId"`
}

// Claim is a claim as the provider and the payer hold it privately.
type Claim struct {
	Input        ClaimInput    `json:"claim"`
	Provider     string        `json:"provider"`
	Submitter    string        `json:"submitter"`
	Status       string        `json:"status"`
	PendReason   string        `json:"pendReason,omitempty" metadata:",optional"`
	Signals      []Signal      `json:"signals"`
	Adjudication *Adjudication `json:"adjudication,omitempty" metadata:",optional"`
	Payments     []Payment     `json:"payments"`
	Replaces     string        `json:"replaces,omitempty" metadata:",optional"`
	// Intake is set on a claim its payer submitted (SubmitIntake).
	Intake *Intake `json:"intake,omitempty" metadata:",optional"`
	// Primary is set on a crossover claim: the primary's adjudication.
	Primary    *Prior `json:"primary,omitempty" metadata:",optional"`
	ReplacedBy string `json:"replacedBy,omitempty" metadata:",optional"`
	// Resolutions are the payer's resolutions of flags on the claim's lines.
	Resolutions []FlagResolution `json:"resolutions,omitempty" metadata:",optional"`
	History     []Change         `json:"history"`
	Submitted   string           `json:"submitted"`
	Updated     string           `json:"updated"`
}

// Signal is a fraud signal, with its reason.
type Signal struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// Payment is a payer's payment of a claim.
type Payment struct {
	Trace       string `json:"trace"`
	AmountCents int64  `json:"amount"`
	Date        string `json:"date"`
	Reversed    string `json:"reversed,omitempty" metadata:",optional"`
}

// Change is one status change, for the claim's own history.
type Change struct {
	Status string `json:"status"`
	At     string `json:"at"`
	By     string `json:"by"`
	TxID   string `json:"txId"`
}

// Adjudication is a claim's adjudication (FHIR ClaimResponse).
type Adjudication struct {
	Outcome      string       `json:"outcome"`
	Lines        []LineResult `json:"item"`
	PaidCents    int64        `json:"payment"`
	PatientCents int64        `json:"patientResponsibility"`
	// Rules names every rule that fired, in order.
	Rules []string `json:"rules"`
	// Manual is set when an adjudicator decided (pended or appealed claims).
	Manual bool   `json:"manual"`
	At     string `json:"at"`
}

// LineResult is one line's adjudication.
type LineResult struct {
	Sequence       int      `json:"sequence"`
	SubmittedCents int64    `json:"submitted"`
	AllowedCents   int64    `json:"allowed"`
	PatientCents   int64    `json:"patientResponsibility"`
	PaidCents      int64    `json:"paid"`
	Outcome        string   `json:"outcome"`
	Reasons        []Reason `json:"adjustments"`
}

// Reason is an adjustment in the style of X12 claim adjustment reason
// codes: a group (CO contractual, PR patient responsibility, OA other), a
// CARC code and the amount.
type Reason struct {
	Group  string `json:"group"`
	Code   string `json:"code"`
	Amount int64  `json:"amount"`
}

// Trace is the public trace of a claim.
type Trace struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Outcome  string `json:"outcome,omitempty" metadata:",optional"`
	Provider string `json:"provider"`
	Payer    string `json:"payer"`
	// Record is the token in the key of the claim's private record, so
	// that every peer finds the record's hash.
	Record string `json:"record"`
	// DetailsHash is the commitment to the private record (commit.Sum
	// under the salt sealed in it), which is also the hash of the stored
	// record: it is checked on every peer, and opened by whoever is given
	// the record.
	DetailsHash string `json:"detailsHash"`
	Updated     string `json:"updated"`
}

// TracePage is a page of claim traces.
type TracePage struct {
	Items    []Trace `json:"items"`
	Bookmark string  `json:"bookmark,omitempty" metadata:",optional"`
}

// Remittance is an 835-like remittance advice for one claim.
type Remittance struct {
	Claim        string           `json:"claim"`
	Payer        string           `json:"payer"`
	Provider     string           `json:"provider"`
	Status       string           `json:"status"`
	Outcome      string           `json:"outcome"`
	ChargedCents int64            `json:"charged"`
	PaidCents    int64            `json:"paid"`
	PatientCents int64            `json:"patientResponsibility"`
	Lines        []RemittanceLine `json:"lines"`
	Payments     []Payment        `json:"payments"`
	// Prior is, on a secondary payer's remittance, the primary's.
	Prior *Prior `json:"prior,omitempty" metadata:",optional"`
}

// RemittanceLine is one line of a remittance advice.
type RemittanceLine struct {
	Sequence       int      `json:"sequence"`
	Code           string   `json:"productOrService"`
	Modifiers      []string `json:"modifier,omitempty" metadata:",optional"`
	SubmittedCents int64    `json:"submitted"`
	AllowedCents   int64    `json:"allowed"`
	PatientCents   int64    `json:"patientResponsibility"`
	PaidCents      int64    `json:"paid"`
	Adjustments    []Reason `json:"adjustments"`
	// PriorPaidCents is what the primary paid for the line (crossover).
	PriorPaidCents int64 `json:"priorPaid,omitempty" metadata:",optional"`
}

// Settings are the chaincode's channel-level settings.
type Settings struct {
	// PaymentConsentRequired makes Submit ask the consent chaincode
	// (default false: HIPAA permits disclosure for payment).
	PaymentConsentRequired bool   `json:"paymentConsentRequired"`
	Updated                string `json:"updated,omitempty" metadata:",optional"`
}

// PatientQuery is the transient input "patient" of ListByPatient: the
// patient whose claims are listed (a pseudonym never goes in arguments).
type PatientQuery struct {
	Patient string `json:"patient"`
}

// ClaimPage is a page of claims with the bookmark of the next page.
type ClaimPage struct {
	Items    []Claim `json:"items"`
	Bookmark string  `json:"bookmark,omitempty" metadata:",optional"`
}

// Place is where a line's service was given: its own place of service,
// else the claim's.
func (it Item) Place(claim string) string {
	if it.PlaceOfService != "" {
		return it.PlaceOfService
	}
	return claim
}
