package records

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Statuses of a record version.
const (
	StatusCurrent        = "current"
	StatusSuperseded     = "superseded"
	StatusEnteredInError = "entered-in-error"
)

// ResourceTypes are the FHIR resource types a record may anchor.
var ResourceTypes = []string{
	"AllergyIntolerance", "CarePlan", "Condition", "DiagnosticReport", "DocumentReference",
	"Encounter", "ImagingStudy", "Immunization", "MedicationRequest", "MedicationStatement",
	"Observation", "Procedure", "QuestionnaireResponse",
}

const (
	maxDocumentBytes = 5 << 30 // 5 GiB
	maxLocation      = 512
	maxInputBytes    = 16 * 1024
	maxWrappedKey    = 512
)

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

func (in *AnchorInput) validate() ([]byte, error) {
	if err := validate.Identifier("id", in.ID); err != nil {
		return nil, err
	}
	if err := validate.Identifier("subject", in.Subject); err != nil {
		return nil, err
	}
	if err := validate.OneOf("type", in.Type, ResourceTypes...); err != nil {
		return nil, err
	}
	if err := validate.Identifier("category", in.Category); err != nil {
		return nil, err
	}
	if err := validContentType(in.ContentType); err != nil {
		return nil, err
	}
	if err := validate.Range("size", in.Size, 1, maxDocumentBytes); err != nil {
		return nil, err
	}
	if err := validate.SHA256Hex("plainCommitment", in.PlainCommitment); err != nil {
		return nil, err
	}
	if err := validate.SHA256Hex("cipherSha256", in.CipherSHA256); err != nil {
		return nil, err
	}
	if in.PlainCommitment == in.CipherSHA256 {
		return nil, ccerr.Invalid("cipherSha256", "equals the plaintext commitment: the client sent one value for both")
	}
	return in.validateStorage()
}

// validateStorage checks where the ciphertext is and the wrapped key.
func (in *AnchorInput) validateStorage() ([]byte, error) {
	if err := validate.Required("location", in.Location); err != nil {
		return nil, err
	}
	if err := validate.MaxLen("location", in.Location, maxLocation); err != nil {
		return nil, err
	}
	wrapped, err := validate.Base64("wrappedKey", in.WrappedKey, maxWrappedKey)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < 1+65+16+16 || wrapped[0] != 1 {
		return nil, ccerr.Invalid("wrappedKey", "is not a key wrapped with carechain keywrap")
	}
	return wrapped, nil
}

func validContentType(v string) error {
	if err := validate.Required("contentType", v); err != nil {
		return err
	}
	typ, sub, ok := strings.Cut(v, "/")
	if !ok || typ == "" || sub == "" || len(v) > 127 || strings.ContainsAny(v, " \t\r\n;,\"") {
		return ccerr.Invalid("contentType", "must be a media type such as application/pdf")
	}
	return nil
}

// WrapAAD binds a wrapped key to its record version.
func WrapAAD(id string, version int) []byte {
	return []byte("carechain/records/" + id + "/" + strconv.Itoa(version))
}

func b64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }
