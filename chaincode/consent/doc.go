// Package consent is the carechain consent chaincode: the patient decides
// who may see which of their data, for which purpose, until when, and every
// other chaincode on the channel asks it (Check) before it releases
// anything.
//
// # Model
//
// A Consent is shaped after HL7 FHIR R5 Consent, with FHIR's JSON names
// where they fit: status (draft, active, inactive, entered-in-error),
// subject (the patient's pseudonymous patient_id, never a name), decision
// (permit or deny), period, and a provision tree. A provision names actors
// (an org, a role within an org, or one identity), actions (access, use,
// disclose), purposes (treatment, payment, operations, research, ...), data
// classes (record categories) and record ids, an optional period, and nested
// provisions that are exceptions to it: a nested provision has the opposite
// effect of its parent. Across consents, deny overrides permit. With no
// applicable consent the answer is deny.
//
// Check is evaluated at the transaction timestamp, never at a clock. A
// consent whose period has ended is effectively inactive (expired) from its
// end second on, without a transaction having to mark it.
//
// # Who may do what
//
// Only the patient (an identity of the patients' org with role "patient"
// and the consent's patient_id) or a delegate the patient registered
// (guardian or proxy) creates, changes or revokes a patient's consents. A
// physician, an org admin or a peer admin cannot. Clinicians (physician,
// nurse) may break the glass: access without consent in an emergency, with
// a reason, for at most 24 hours; it raises an event, and the patient and
// the clinician's org's privacy officer list every such access.
//
// # What is public and what is private
//
// Everything a consent says is sensitive, not just who the patient is: that
// a patient granted a psychiatric clinic access to "psychiatry" notes
// reveals a diagnosis. So the consent itself, its versions, the patient's
// delegates, the break-glass records and every index by patient or grantee
// live in the private data collection "consentDetails", held by the peers of
// the care channel's orgs only (provider, payer, regulator), which all need
// Check to run on their own peers. The orderers, and any client that reads
// blocks, see only the hashes of those keys and values. Inputs that carry
// them travel in the transient map, which never reaches a block; events
// carry only ids and the acting org.
//
// Public state holds, per consent id, its status and version and the
// SHA-256 of its private record: enough for any member to follow a consent's
// lifecycle and verify a private copy, nothing about its content. The
// private records can be purged (right to erasure) while the public trail
// remains.
//
// Patient pseudonyms appear in private keys, whose SHA-256 hashes are in
// blocks: a short pseudonym could be found by hashing every candidate.
// Patient ids must therefore carry at least 128 random bits.
package consent
