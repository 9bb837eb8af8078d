// Package fhir maps HL7 FHIR R4 resources (JSON) to carechain's compact
// models and back, client side: the chaincodes never see FHIR.
//
// Every document is first parsed and validated as R4 with
// github.com/google/fhir/go (structure, cardinalities, primitive formats,
// reference types); then mapped. A mapping reads each element it
// represents and answers a *refusal.Error listing every element it does
// not (Claim.item[2].productOrService, Consent.provision.actor[0].role):
// nothing is dropped in silence. Only the narrative (text) and meta are
// left out unasked; Coding.display and Reference.display, which restate a
// code or name a party carechain keeps by identifier (a patient's name is
// never kept), are set aside and listed in the result.
//
// References follow carechain's identities: a patient is a Patient
// reference with identifier system urn:carechain:patient (the subject
// pseudonym), an org an Organization with system urn:carechain:msp (its
// MSP id), a practitioner a Practitioner with system
// http://hl7.org/fhir/sid/us-npi (the NPI). A literal reference
// (Patient/f001) counts only when the caller's Directory resolves it.
//
// What carechain emits (ConsentResource, ClaimResponse,
// ExplanationOfBenefit, CoverageResource, DocumentReference, AuditEvent,
// Provenance, CapabilityStatement) is validated as R4 with the same
// library before it is returned.
package fhir
