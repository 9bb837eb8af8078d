// Package roles names who is who in a carechain consortium, as the
// certificates say it: the patients' org and the regulator's auditor. The
// role attribute values themselves are the parts registry's vocabulary,
// named once in chaincode/parts/wire (RolePhysician, RoleAuditor, ...), so
// that every chaincode and the client spell them alike.
//
// Patients' certificates no longer carry their pseudonym: the patient_id
// attribute would put it in every block the patient's transactions are
// in. Which subject a patient is comes from package kit/patient (a private
// link the patient registry writes in the consent chaincode). AttrPatientID
// and IsPatient remain only until the last chaincode has moved to
// kit/patient; a certificate without the attribute is no patient to them.
package roles

import (
	"github.com/carechain/carechain/chaincode/kit/caller"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Orgs with a fixed part in the consortium.
const (
	PatientMSP   = "PatientsMSP"
	RegulatorMSP = "RegulatorMSP"
)

// AttrPatientID is the certificate attribute that carried a patient's
// pseudonym. New patient certificates do not carry it: use kit/patient.
const AttrPatientID = "patient_id"

// IsPatient reports whether the caller is the patient subject: an identity
// of the patients' org, role patient, with that patient_id. It reads the
// certificate attribute patients no longer carry; kit/patient.Is reads the
// patient registry's link instead.
func IsPatient(c caller.Caller, subject string) bool {
	if c.MSPID != PatientMSP || c.Role != parts.RolePatient {
		return false
	}
	id, ok := c.Attr(AttrPatientID)
	return ok && id == subject
}

// IsAuditor reports whether the caller is the regulator's auditor.
func IsAuditor(c caller.Caller) bool { return c.MSPID == RegulatorMSP && c.Role == parts.RoleAuditor }
