// Package roles names who is who in a carechain consortium, as the
// certificates say it: the patients' org and their patient_id attribute,
// the regulator's auditor, and the role attribute values the chaincodes
// check. One place, so that every chaincode spells them alike.
package roles

import "github.com/carechain/carechain/chaincode/kit/caller"

// Orgs with a fixed part in the consortium.
const (
	PatientMSP   = "PatientsMSP"
	RegulatorMSP = "RegulatorMSP"
)

// AttrPatientID is the certificate attribute with a patient's pseudonym.
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
// of the patients' org, role patient, with that patient_id.
func IsPatient(c caller.Caller, subject string) bool {
	if c.MSPID != PatientMSP || c.Role != Patient {
		return false
	}
	id, ok := c.Attr(AttrPatientID)
	return ok && id == subject
}

// IsAuditor reports whether the caller is the regulator's auditor.
func IsAuditor(c caller.Caller) bool { return c.MSPID == RegulatorMSP && c.Role == Auditor }
