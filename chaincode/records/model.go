package records

import (
	"encoding/base64"
	"strings"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
	"github.com/carechain/carechain/chaincode/records/wire"
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

// validateAnchor checks an anchor input and returns its wrapped key.
func validateAnchor(in *wire.AnchorInput) ([]byte, error) {
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
	return validateStorage(in)
}

// validateStorage checks where the ciphertext is and the wrapped key.
func validateStorage(in *wire.AnchorInput) ([]byte, error) {
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

func b64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }
