// Package roles names who is who in a carechain consortium, as the
// certificates say it: the patients' org, the regulator's auditor, and the
// role attribute values the chaincodes check. One place, so that every
// chaincode spells them alike.
//
// Patients' certificates no longer carry their pseudonym: the patient_id
// attribute would put it in every block the patient's transactions are
// in. Which subject a patient is comes from package kit/patient (a private
// link the patient registry writes in the consent chaincode). AttrPatientID
// and IsPatient remain only until the last chaincode has moved to
// kit/patient; a certificate without the attribute is no patient to them.
package roles

import "github.com/carechain/carechain/chaincode/kit/caller"

// Orgs with a fixed part in the consortium.
const (
	PatientMSP   = "PatientsMSP"
	RegulatorMSP = "RegulatorMSP"
)

// AttrPatientID is the certificate attribute that carried a patient's
// pseudonym. New patient certificates do not carry it: use kit/patient.
const AttrPatientID = "patient_id"

// Role attribute values.
const (
	Patient      = "patient"
	Physician    = "physician"
	Nurse        = "nurse"
	RecordsClerk = "records-clerk"
	Billing      = "billing"
	Pharmacist   = "pharmacist"
	Privacy      = "privacy-officer"
	Adjudicator  = "adjudicator"
	Enrollment   = "enrollment"
	Quality      = "quality"
	Logistics    = "logistics"
	Auditor      = "auditor"
	Registrar    = "registrar"
)

// IsPatient reports whether the caller is the patient subject: an identity
// of the patients' org, role patient, with that patient_id. It reads the
// certificate attribute patients no longer carry; kit/patient.Is reads the
// patient registry's link instead.
func IsPatient(c caller.Caller, subject string) bool {
	if c.MSPID != PatientMSP || c.Role != Patient {
		return false
	}
	id, ok := c.Attr(AttrPatientID)
	return ok && id == subject
}

// IsAuditor reports whether the caller is the regulator's auditor.
func IsAuditor(c caller.Caller) bool { return c.MSPID == RegulatorMSP && c.Role == Auditor }
