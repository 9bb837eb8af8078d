// Package patient tells a chaincode which patient the caller is.
//
// A patient's enrollment certificate says only that its holder is a
// patient of the patients' org (role "patient") and carries an enrollment
// id of 128 random bits ("p" and 32 hex digits) chosen at registration. It
// carries no pseudonym: every transaction's creator certificate is in its
// block, so a pseudonym in the certificate would tie every transaction the
// patient makes to the subject providers and payers know them by. The
// subject (the consent and records "subject", pt-…) is linked to the
// enrollment in private data of the consent chaincode, under a key no one
// outside its collection can compute; the patient registry's registrar
// writes the link (consent's LinkPatient). A block therefore still shows
// that one certificate made these transactions, never whose it is.
//
// Subject asks the consent chaincode (PatientSubject) inside the caller's
// own transaction, as the caller: the link's key is in the transaction's
// read set, so a link changed before the transaction commits makes it fail
// MVCC validation rather than act on a stale answer. Is answers whether
// the caller is a given patient.
//
// Callers pass the transaction's creator (caller.From(stub)): consent
// answers for the creator of the transaction, whoever c names. Subject
// refuses anyone whose role is not patient without calling consent, so
// only patients pay for the call. The consent chaincode itself cannot call
// itself and applies the same rules directly.
package patient

import (
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Chaincode is the consent chaincode's name on the channel: it keeps the
// links.
const Chaincode = "consent"

// Subject returns the calling patient's subject: the caller's org plays
// the patient registry's part, its role is patient and the patient
// registry linked its enrollment to a subject. Anyone else is FORBIDDEN
// (an unlinked patient with a message saying so).
func Subject(stub shim.ChaincodeStubInterface, c caller.Caller) (string, error) {
	if c.Role != parts.RolePatient {
		return "", ccerr.Forbidden("caller %s (role %q) is not a patient", c.Key(), c.Role)
	}
	var s wire.Subject
	if err := cccall.Call(stub, Chaincode, wire.FnPatientSubject, &s); err != nil {
		return "", err
	}
	if s.Subject == "" {
		return "", ccerr.Internal("%s %s answered no subject", Chaincode, wire.FnPatientSubject)
	}
	return s.Subject, nil
}

// Is reports whether the caller is the patient subject. A caller who is no
// patient, or an unlinked one, is not (false, nil); other failures (the
// consent chaincode unreachable, its collection not set up) are errors.
func Is(stub shim.ChaincodeStubInterface, c caller.Caller, subject string) (bool, error) {
	if subject == "" || c.Role != parts.RolePatient {
		return false, nil
	}
	s, err := Subject(stub, c)
	if ccerr.CodeOf(err) == ccerr.CodeForbidden {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s == subject, nil
}
