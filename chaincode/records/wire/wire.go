// Package wire holds what the records chaincode and its clients exchange:
// the chaincode's name and transaction function names, the transient
// anchor input, the answers (anchors, heads, histories, releases, the
// access log) and their codes (version statuses, list orders,
// verification results), and the computations both sides must agree on
// byte for byte: the commitments to an anchor and to a plaintext, the
// additional data that binds a wrapped document key to its record version
// (keys are wrapped with package kit/keywrap), and the custodian's
// key-encryption key file. It imports only the standard library and
// package kit/commit (itself standard library only), so the client
// library shares it without importing the chaincode shim or contract API.
package wire

// Chaincode is the records chaincode's name, as deployed on care.
const Chaincode = "records"

// Function names of the records chaincode's transactions. GetHead, Get,
// History, Verify, MatchSubject, the lists and ReleaseKey must be
// evaluated, never submitted.
const (
	FnRegisterCustodianKey     = "RegisterCustodianKey"
	FnGetCustodianKey          = "GetCustodianKey"
	FnAnchor                   = "Anchor"
	FnAmend                    = "Amend"
	FnMarkEnteredInError       = "MarkEnteredInError"
	FnErase                    = "Erase"
	FnRequestAccess            = "RequestAccess"
	FnReleaseKey               = "ReleaseKey"
	FnGetHead                  = "GetHead"
	FnGet                      = "Get"
	FnHistory                  = "History"
	FnVerify                   = "Verify"
	FnMatchSubject             = "MatchSubject"
	FnListBySubject            = "ListBySubject"
	FnListAccessLog            = "ListAccessLog"
	FnListAccessLogByCustodian = "ListAccessLogByCustodian"
	FnSetupBlinding            = "SetupBlinding"
	FnBlindingReady            = "BlindingReady"
)

// TransientAnchor is the transient key of Anchor's and Amend's input
// (AnchorInput): a record's anchor must never reach a block.
const TransientAnchor = "anchor"

// List orders.
const (
	Newest = "newest"
	Oldest = "oldest"
)

// Statuses of a record version.
const (
	StatusCurrent        = "current"
	StatusSuperseded     = "superseded"
	StatusEnteredInError = "entered-in-error"
)

// Verification results.
const (
	Match    = "match"
	Mismatch = "mismatch"
	Unknown  = "unknown"
)

// AnchorInput is the transient input "anchor" of Anchor and Amend.
type AnchorInput struct {
	ID          string `json:"id"`
	Subject     string `json:"subject"`
	Type        string `json:"type"`
	Category    string `json:"category"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	// PlainCommitment is PlaintextCommitment(PlaintextSalt(document key),
	// SHA-256 of the plaintext), hex: never the bare plaintext hash, which
	// confirms a guessed short document.
	PlainCommitment string `json:"plainCommitment"`
	CipherSHA256    string `json:"cipherSha256"`
	Location        string `json:"location"`
	// WrappedKey is the document key wrapped to the custodian's KEK (base64).
	WrappedKey string `json:"wrappedKey"`
}

// Receipt is what a submitted transaction returns: ids and status only.
type Receipt struct {
	ID      string `json:"id"`
	Version int    `json:"version,omitempty" metadata:",optional"`
	Status  string `json:"status,omitempty" metadata:",optional"`
	// AccessID is the access-log entry to release the key with.
	AccessID string `json:"accessId,omitempty" metadata:",optional"`
	Expires  string `json:"expires,omitempty" metadata:",optional"`
	TxID     string `json:"txId"`
}

// Anchor is one version of a record, as stored in the private collection.
type Anchor struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Version      int    `json:"version"`
	Status       string `json:"status"`
	Subject      string `json:"subject"`
	Custodian    string `json:"custodian"`
	// Type is the FHIR resource type of the document, Category its record
	// category (the data class consent is asked about).
	Type        string `json:"type"`
	Category    string `json:"category"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	// PlainCommitment commits to the plaintext (PlaintextCommitment): only
	// a holder of the document key, or of the salt a holder passed on, can
	// test a plaintext against it.
	PlainCommitment string `json:"plainCommitment"`
	CipherSHA256    string `json:"cipherSha256"`
	Location        string `json:"location"`
	// PreviousAnchorHash is the previous version's public anchor
	// commitment (AnchorCommitment).
	PreviousAnchorHash string `json:"previousAnchorHash,omitempty" metadata:",optional"`
	Author             string `json:"author"`
	Created            string `json:"created"`
	TxID               string `json:"txId"`
	// Salt makes this private value's hash (in every block) and its public
	// commitment unguessable; it changes with every write.
	Salt string `json:"salt"`
}

// Head is the public trace of a record: its current version and status.
type Head struct {
	ID        string `json:"id"`
	Version   int    `json:"version"`
	Status    string `json:"status"`
	Custodian string `json:"custodian"`
	KeyErased bool   `json:"keyErased"`
	Updated   string `json:"lastUpdated"`
}

// VersionEntry is one version in a record's history, with the public hash
// that proves its private anchor.
type VersionEntry struct {
	Anchor     Anchor `json:"anchor"`
	AnchorHash string `json:"anchorHash"`
	KeyErased  bool   `json:"keyErased"`
}

// HistoryPage is a page of a record's versions, newest first.
type HistoryPage struct {
	Items    []VersionEntry `json:"items"`
	Bookmark string         `json:"bookmark,omitempty" metadata:",optional"`
}

// RecordPage is a page of a patient's records: each one's current anchor.
type RecordPage struct {
	Items    []Anchor `json:"items"`
	Bookmark string   `json:"bookmark,omitempty" metadata:",optional"`
}

// Verification is Verify's answer; it reveals nothing of the record.
type Verification struct {
	Result string `json:"result"`
	// Of says what matched: the plaintext commitment or the ciphertext.
	Of      string `json:"of,omitempty" metadata:",optional"`
	Status  string `json:"status,omitempty" metadata:",optional"`
	Version int    `json:"version,omitempty" metadata:",optional"`
}

// SubjectMatch is MatchSubject's answer: whether a record exists, whether
// it is the named patient's, and since when it is entered in error.
type SubjectMatch struct {
	Known   bool `json:"known"`
	Matches bool `json:"matches"`
	// EnteredInError is when the record's current version was withdrawn.
	EnteredInError string `json:"enteredInError,omitempty" metadata:",optional"`
}

// CustodianKey is an org's registered key-encryption public key.
type CustodianKey struct {
	MSPID      string `json:"mspId"`
	PublicKey  string `json:"publicKey"` // base64, uncompressed P-256
	Registered string `json:"registered"`
}

// Release is ReleaseKey's answer: the document key wrapped to the
// requester's one-time key, and what the requester needs to fetch and
// verify the document.
type Release struct {
	Record      string `json:"record"`
	Version     int    `json:"version"`
	WrappedKey  string `json:"wrappedKey"`
	Location    string `json:"location"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	// PlainCommitment is checked, after decryption, with the salt the
	// document key gives (PlaintextSalt).
	PlainCommitment string `json:"plainCommitment"`
	CipherSHA256    string `json:"cipherSha256"`
}

// AccessEntry is one disclosure, shaped as a HIPAA accounting of
// disclosures: when, to whom (org, identity, role), why, what.
type AccessEntry struct {
	ID        string `json:"id"`
	Date      string `json:"date"`
	Subject   string `json:"subject"`
	Record    string `json:"record"`
	Version   int    `json:"version"`
	Category  string `json:"category"`
	Custodian string `json:"custodian"`
	Org       string `json:"recipientOrg"`
	Recipient string `json:"recipient"`
	Role      string `json:"role"`
	Purpose   string `json:"purpose"`
	// Basis is "consent:ID", "break-glass:ID" or "patient".
	Basis string `json:"basis"`
	// Salt keeps the entry's hash in the block from confirming a guessed
	// patient, category or basis.
	Salt string `json:"salt"`
}

// AccessPage is a page of the access log.
type AccessPage struct {
	Items    []AccessEntry `json:"items"`
	Bookmark string        `json:"bookmark,omitempty" metadata:",optional"`
}
