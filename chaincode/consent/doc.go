// Package consent is the carechain consent chaincode: the patient decides
// who may see which of their data, for which purpose, until when, and every
// other chaincode on the channel asks it (Check) before it releases
// anything.
//
// # Model
//
// A Consent is shaped after HL7 FHIR R5 Consent, with FHIR's JSON names
// where they fit (the types live in package consent/wire, which the client
// library shares): status (draft, active, inactive, entered-in-error),
// subject (the patient's pseudonymous patient_id, never a name), decision
// (permit or deny), period, and a provision tree. A provision names actors
// (an org, a role within an org, or one identity), actions (access, use,
// disclose), purposes (treatment, payment, operations, research, ...), data
// classes (record categories) and record ids, an optional period, and nested
// provisions that are exceptions to it: a nested provision has the opposite
// effect of its parent and must restrict something of its own (an empty
// exception would mean "everything"; a stored one matches nothing). Across
// consents, deny overrides permit. With no applicable consent the answer
// is deny.
//
// Check is evaluated at the transaction timestamp, never at a clock. A
// consent whose period has ended is effectively inactive (expired) from its
// end second on, without a transaction having to mark it.
//
// # Who may do what
//
// Every decision reads the parts registry (package kit/registry): a role
// attribute counts only together with the part its issuing org plays.
//
//   - The patient is an identity of PatientsMSP, an org playing the
//     patient registry's part, with role "patient" and the consent's
//     patient_id. Only the patient, or a delegate the patient registered (a
//     guardian or proxy: another PatientsMSP person), creates, changes or
//     revokes the patient's consents; only the patient registers
//     delegates. A physician, an org admin or a peer admin cannot.
//   - Clinicians (wire.ClinicianRoles: physician, nurse) of an org playing
//     the provider's part break the glass (below).
//   - Readers: the patient, a delegate and an auditor of an org playing
//     the regulator's part read everything of a patient. A grantee whose
//     role counts in its org's part, and the privacy officer of an org a
//     consent names (provider or payer part), read a redacted view: the
//     decision, the period, the provisions that concern them, no other
//     grantee, no signature or form. An org admin, or any identity whose
//     role counts in none of its org's parts, reads nothing and is covered
//     by no consent.
//   - Check: one's own access (role counting in one's org's part), or
//     anyone's for the patient, a delegate, the auditor and the requester
//     org's privacy officer.
//
// # Signed consents
//
// A patient has no peer, so no endorsement policy speaks for them: the
// chaincode's endorsement policy is two of the three peer orgs (provider,
// payer, regulator), and any two of them could write a consent record past
// the contract. So the patient's client signs every change it makes — a
// grant, an update, an activation, a revocation, a form, a delegation and
// its end — with the patient's own enrollment key (ECDSA P-256 over
// SHA-256, ASN.1 DER), over the canonical statement of the state the change
// produces (wire.ConsentStatement, wire.DelegateStatement: channel,
// subject, id, version and content, so a signature cannot be replayed onto
// another consent, version or channel). The signature travels in the
// transient map ("signature"). The chaincode verifies it against the
// transaction creator's certificate and checks that the certificate chains
// to a root certificate the parts registry lists for PatientsMSP; with no
// root listed, it refuses (fail closed). It keeps the signature and the
// certificate with the version. Check verifies them again before it
// honours a consent's permit, and requireControl before it honours a
// delegation; a consent signed by a delegate counts only while a
// patient-signed delegation covered the time of signing. Denials need no
// one's authority: an unverifiable deny still denies.
//
// # Break-glass
//
// A clinician of a provider may access without consent in an emergency:
// with a reason, for purposes emergency or treatment only, actions access
// or use only (never disclose), named data classes, from the break-glass
// transaction's own timestamp for at most 24 hours. A break-glass within
// RenewalGap (24 h) of the clinician's previous one on the patient renews
// it: at most MaxRenewals (2) renewals, and the episode ends 72 hours after
// it began whatever the renewals ask; then the clinician must go 24 hours
// without access before a new episode — a longer need is what consent is
// for. Check re-checks a break-glass at every decision it honours (the
// requester is still a clinician of a provider, the window covers now and
// lasts at most 24 hours, the classes, actions and purposes cover the
// request) and logs each permit it gives against the break-glass
// (ListBreakGlassUses), in the calling chaincode's transaction. The patient,
// a delegate, the clinician org's privacy officer and the auditor list
// break-glasses and their uses; each one raises an event naming the org.
//
// # Time
//
// Check and every change are evaluated at the transaction timestamp, which
// the client chooses. Contract.Clock (time.Now in cmd/main.go) bounds it:
// a transaction stamped more than txtime.DefaultSkew from the endorsing
// peer's clock is refused (INVALID_ARGUMENT on "timestamp"), so a request
// cannot be stamped inside a consent's expired period, nor a break-glass a
// year ahead. Every object a transaction changes — a consent, a delegation,
// a clinician's break-glass episode — keeps the stamp of its latest
// change, and a transaction stamped before it is refused: backdating
// cannot reopen an expired window.
//
// # Trust model
//
// Who must agree to each write (all writes also need the chaincode's and
// the collection's endorsement policy, two of ProviderMSP, PayerMSP and
// RegulatorMSP peers):
//
//   - Grant, Update, Activate, Revoke, MarkEnteredInError, AttachForm: the
//     patient (PatientsMSP, patient-registry part, role patient, matching
//     patient_id) or an active delegate with a patient-signed delegation,
//     submitting and signing the resulting version.
//   - RegisterDelegate: the patient, signing. RevokeDelegate: the patient or
//     the delegate, signing.
//   - BreakGlass: a physician or nurse of an org playing the provider part.
//   - Check writes only a use record, when it permits by break-glass.
//
// Any two colluding peer orgs satisfy the endorsement policy, so they can
// write any state past the contract, and every such write is in a block
// (hashes of private writes included) for the third org to see. What they
// can do: hide or delete consents, revocations, delegations and the open
// set (Check then denies: fail closed), forge denials, forge a break-glass
// record for a clinician (which only helps that clinician, who must ask
// Check themselves), and roll a consent back to an earlier version the
// patient really signed (for instance undo a revocation) — residual,
// visible in the blocks. What they cannot do: make Check permit anything
// the patient (or their delegate) did not sign — a consent, a version, a
// delegation — or replay a signature onto another consent, version or
// channel; nor make a role count for an org whose part does not allow it,
// since the registry's changes need a majority of its own.
//
// Residual risks: Fabric does not bound client timestamps; the skew guard
// relies on the endorsing peers' clocks being honest and synchronised, and
// colluding endorsers can drop it. Certificates are checked to chain to the
// registry's roots at the time of signing, not against revocation lists:
// the MSP refuses a revoked creator's new transactions, but consents a
// since-revoked key signed stay valid until the patient revokes them. A
// clinician with a break-glass permit reads what it covers without the
// patient's say; the log and the privacy officer are the control.
//
// # What is public and what is private
//
// Everything a consent says is sensitive, not just who the patient is: that
// a patient granted a psychiatric clinic access to "psychiatry" notes
// reveals a diagnosis. So the consent itself, its versions, the patient's
// delegates, the break-glass records and their uses, and every index by
// patient or grantee live in the private data collection "consentDetails",
// held by the peers of the care channel's orgs only (provider, payer,
// regulator), which all need Check to run on their own peers. The
// orderers, and any client that reads blocks, see only the hashes of those
// keys and values. Inputs that carry them travel in the transient map,
// which never reaches a block; events carry only ids and the acting org.
//
// Public state holds, per consent id, its status and version and the
// SHA-256 of its private record: enough for any member to follow a consent's
// lifecycle and verify a private copy, nothing about its content. The
// private records can be purged (right to erasure) while the public trail
// remains.
//
// # Lists
//
// Fabric has no paginated private-data queries and refuses composite keys
// as range bounds, so the indexes are simple private keys
// "index~attribute~inverted-time~id" (keys.go): a page is a range that
// starts at its bookmark and stops after the page, whatever the list's
// length, and the newest entries come first, so that no one can bury an
// access under older ones. History pages by version number, newest first.
//
// Patient pseudonyms appear in private keys, whose SHA-256 hashes are in
// blocks: a short pseudonym could be found by hashing every candidate.
// Patient ids must therefore carry at least 128 random bits.
package consent
