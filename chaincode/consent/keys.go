package consent

import (
	"fmt"

	"github.com/carechain/carechain/chaincode/kit/state"
)

// Collection is the private data collection that holds every consent's
// content and every index that names a patient or a grantee.
const Collection = "consentDetails"

// Key and index object types. Private: consent, consentVersion,
// subjectConsents, bySubject, byGrantee, delegate, breakGlass,
// breakGlassActive, breakGlassBySubject, breakGlassByOrg. Public:
// consentStatus.
const (
	objConsent          = "consent"
	objConsentVersion   = "consentVersion"
	objSubjectOpen      = "subjectConsents"
	objBySubject        = "bySubject"
	objByGrantee        = "byGrantee"
	objDelegate         = "delegate"
	objBreakGlass       = "breakGlass"
	objBreakGlassActive = "breakGlassActive"
	objBreakGlassBySubj = "breakGlassBySubject"
	objBreakGlassByOrg  = "breakGlassByOrg"
	objStatus           = "consentStatus"
)

func consentKey(id string) (string, error)          { return state.Key(objConsent, id) }
func statusKey(id string) (string, error)           { return state.Key(objStatus, id) }
func subjectOpenKey(subject string) (string, error) { return state.Key(objSubjectOpen, subject) }
func breakGlassKey(id string) (string, error)       { return state.Key(objBreakGlass, id) }

func versionKey(id string, version int) (string, error) {
	return state.Key(objConsentVersion, id, fmt.Sprintf("%06d", version))
}

func delegateKey(subject, delegate string) (string, error) {
	return state.Key(objDelegate, subject, delegate)
}

func breakGlassActiveKey(subject, requester string) (string, error) {
	return state.Key(objBreakGlassActive, subject, requester)
}
