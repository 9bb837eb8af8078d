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
// subject (the pseudonym providers and payers know the patient by, never a
// name; see Patients below), decision
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
//     patient registry's part, with role "patient", a random enrollment id
//     and a registrar-signed link of that enrollment to the consent's
//     subject (below). Only the patient, or a delegate the patient
//     registered (a guardian or proxy: another PatientsMSP person), creates,
//     changes or revokes the patient's consents; only the patient registers
//     delegates. A physician, an org admin or a peer admin cannot.
//   - The registrar of an org playing the patient registry's part links
//     and unlinks that org's enrollments (LinkPatient, UnlinkPatient).
//   - An admin of a member org of the collection (ProviderMSP, PayerMSP,
//     RegulatorMSP) sets the collection's blinding secret, once
//     (SetupBlinding); any identity of those orgs asks whether it is set
//     (BlindingReady).
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
//   - PatientSubject: a linked patient, for their own subject only.
//
// # Patients
//
// Every block carries the creator's certificate of each of its
// transactions, so whatever a patient's certificate says, every block the
// patient's transactions are in says too. A patient's enrollment
// certificate therefore carries role=patient and an enrollment id of 128
// random bits chosen at registration ("p" and 32 hex digits; the chaincode
// refuses any other shape for patients and delegates, so that no name can
// reach a block), and no pseudonym. The subject (pt-…) is tied to the
// enrollment by a link the patient registry's registrar writes
// (LinkPatient, transient "link") in the collection, under a key made of a
// token of the org and the enrollment id, and signs (wire.LinkStatement):
// the patients' org runs no peer, so without the registrar's signature two
// colluding peer orgs could tie any enrollment to any subject. Every use
// re-verifies it; an unsigned or forged link is no link. A subject may
// hold several enrollments (devices, a new key after a loss); an
// enrollment belongs to one subject for good: re-linking it to another is
// refused, and once unlinked (UnlinkPatient) it stays unlinked. A patient's
// signature counts for the time its enrollment was linked: what a lost key
// signed stays the patient's; when the registrar unlinks a key as
// compromised, nothing it ever signed counts and the patient signs again,
// with a new enrollment, what they still want. Other chaincodes learn the
// calling patient's subject through package kit/patient (PatientSubject,
// called inside their own transaction); consent applies the same rules
// directly.
//
// What a block still shows: that one certificate (one random enrollment)
// made these transactions, and when; that the transactions touching one
// patient's keys concern the same patient (a private key's hash is the
// same each time), never which patient. Fabric's Idemix identities would
// hide even the certificate, but the Go gateway client has no Idemix
// signer, and consent must verify an X.509 signature of each change
// (Signed consents); so carechain keeps X.509 enrollments whose content
// says nothing.
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
// delegation: the signer is the patient when its enrollment's
// registrar-signed link named the consent's subject at the time of
// signing; a consent signed by a delegate counts only while a
// patient-signed delegation covered the time of signing. Denials need no
// one's authority: an unverifiable deny still denies. The registrar signs
// links the same way (wire.LinkStatement).
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
// a clinician's break-glass episode, a link — keeps the stamp of its
// latest change, and a transaction stamped before it is refused: backdating
// cannot reopen an expired window.
//
// # Trust model
//
// Who must agree to each write (all writes also need the chaincode's and
// the collection's endorsement policy, two of ProviderMSP, PayerMSP and
// RegulatorMSP peers):
//
//   - Grant, Update, Activate, Revoke, MarkEnteredInError, AttachForm: the
//     patient (PatientsMSP, patient-registry part, role patient, an
//     enrollment linked to the subject) or an active delegate with a
//     patient-signed delegation, submitting and signing the resulting
//     version.
//   - RegisterDelegate: the patient, signing. RevokeDelegate: the patient or
//     the delegate, signing.
//   - LinkPatient, UnlinkPatient: the registrar of PatientsMSP (role
//     registrar counting in its patient-registry part, a certificate the
//     org's CA issued), for the org's own enrollments, signing the link.
//   - SetupBlinding: an admin of a member org of the collection, once.
//   - BreakGlass: a physician or nurse of an org playing the provider part.
//   - Check writes only a use record, when it permits by break-glass.
//
// Any two colluding peer orgs satisfy the endorsement policy, so they can
// write any state past the contract, and every such write is in a block
// (hashes of private writes included) for the third org to see. What they
// can do: hide or delete consents, revocations, delegations and the open
// set (Check then denies: fail closed), hide or delete links (the patient
// is then locked out until the registrar links a new enrollment), forge
// denials, forge a break-glass record for a clinician (which only helps
// that clinician, who must ask Check themselves), and roll a consent or a
// link back to an earlier version its signer really signed (undo a
// revocation, or an unlink) — residual, visible in the blocks. What they
// cannot do: make Check permit anything the patient (or their delegate)
// did not sign — a consent, a version, a delegation — or replay a
// signature onto another consent, version or channel; tie an enrollment to
// a subject the registrar did not link it to; nor make a role count for an
// org whose part does not allow it, since the registry's changes need a
// majority of its own. As collection members, their peers hold every
// consent and link in clear: the collection is where consent's content is
// meant to be, among the orgs that run Check.
//
// Residual risks: Fabric does not bound client timestamps; the skew guard
// relies on the endorsing peers' clocks being honest and synchronised, and
// colluding endorsers can drop it. Certificates are checked to chain to the
// registry's roots at the time of signing, not against revocation lists:
// the MSP refuses a revoked creator's new transactions, but consents a
// since-revoked key signed stay valid until the patient revokes them or
// the registrar unlinks the key as compromised. The stamp a stored
// signature is checked at is the record's own, which colluding endorsers
// can set: with a stolen key that the registrar unlinked but did not mark
// compromised, they could back-date what the thief signs into the time
// the key was linked — mark stolen keys compromised. The patient registry
// is trusted for identity, as its CA always was: its registrar can link
// an enrollment of its own making to any subject. A clinician with a
// break-glass permit reads what it covers without the patient's say; the
// log and the privacy officer are the control.
//
// # What is public and what is private
//
// Everything a consent says is sensitive, not just who the patient is: that
// a patient granted a psychiatric clinic access to "psychiatry" notes
// reveals a diagnosis. So the consent itself, its versions, the patient's
// delegates, the break-glass records and their uses, the links of
// enrollments to subjects, and every index by patient or grantee live in
// the private data collection "consentDetails", held by the peers of the
// care channel's orgs only (provider, payer, regulator), which all need
// Check to run on their own peers. Inputs that carry them travel in the
// transient map, which never reaches a block (a consent form's hash too:
// AttachForm reads it from the transient "form").
//
// Blocks still show, for each private key a transaction reads or writes,
// its SHA-256, and for each private value written, its SHA-256. Patients'
// pseudonyms are known to providers and payers, consent and break-glass
// ids are public, grantee orgs and roles are few, block times are in the
// block: a key or value built from them alone would be confirmed by
// anyone who tried. So (package kit/blind):
//
//   - Every private key carries a token instead of what identifies it:
//     consent~T(id), consentVersion~T(id)~version, subjectConsents~T(patient),
//     delegate~T(patient, delegate), delegateVersion~T(patient,
//     delegate)~version, breakGlass~T(id), breakGlassEpisode~T(patient,
//     clinician), patientLink~T(org, enrollment), and the indexes
//     "ix.subject|ix.grantee|ix.delegates|ix.bg.subject|ix.bg.org|ix.bg.use
//     ~T(attribute)~inverted time~id". T is the HMAC of the key's kind and
//     parts under the collection's blinding secret (SetupBlinding, once,
//     from 32 random bytes carenet sends members' peers only); lists keep
//     their order because the token is the list's prefix. Page bookmarks,
//     which clients see, carry the part after the token and a check that
//     binds them to their query, never the token. The one private key
//     anyone can name is the collection's secret (kit/blind), which every
//     transaction reads: its hash says only that consent ran.
//   - Every private value carries a salt (Blinder.Salt: an HMAC of the
//     transaction id and the key under the secret), an index entry's value
//     is its salt: no value hash can be tested against a guess.
//   - The public trace's detailsHash is a commitment, not a bare hash:
//     commit.Sum(record.Salt, stored record), which a reader of the
//     record (the patient, the auditor) recomputes (package kit/commit).
//
// # What is public
//
// Every public key and value consent writes, every event, and why each
// reveals nothing about a patient:
//
//   - consentStatus~<consent id> → {id, status, statusReason, version,
//     detailsHash}: a consent's lifecycle and a salted commitment to its
//     record, for any member to follow and any reader of the record to
//     verify. The id is client-chosen and random (carectl draws 64 bits);
//     Grant refuses an id that contains the subject. No time: the block
//     that holds each version dates it anyway, and nothing more precise
//     is kept public. Status and version say what happened to a consent,
//     not whose it is or what it permits.
//   - Events (one per transaction, kit/events: transaction id, its
//     timestamp as in the block, and changes): consent.granted | drafted |
//     updated | activated | revoked | entered-in-error | form-attached
//     (the consent id), consent.superseded (the consent id, "by" the new
//     id), consent.break-glass (its id bg-…, a prefix of the transaction
//     id, with the clinician's org and role, which the creator certificate
//     shows anyway, so that privacy officers can watch), and
//     consent.delegate-registered | delegate-revoked | patient-linked |
//     patient-unlinked (the transaction id alone).
//   - Responses of submitted transactions (in the block): receipts with
//     ids, status, version and a break-glass's end, nothing else.
//   - Arguments of submitted transactions: consent ids and the function;
//     everything else is in the transient map. Read functions take
//     subjects as arguments and answer private data: they must be
//     evaluated, never submitted (PatientSubject's answer in a block would
//     tie the patient's certificate to their subject); other chaincodes
//     call Check and PatientSubject inside their own transaction, whose
//     block holds only their response.
//   - Public reads: a Grant reads its consent's status key (is the id
//     free?); every transaction reads the parts registry's org entries.
//
// What stays visible in blocks is said under Patients: which certificate
// made a transaction, when, and that two transactions touched the same
// (unknown) patient's keys.
//
// # Lists
//
// Fabric has no paginated private-data queries and refuses composite keys
// as range bounds, so the indexes are simple private keys
// "index~token~inverted-time~id" (keys.go): a page is a range that starts
// at its bookmark and stops after the page, whatever the list's length,
// and the newest entries come first, so that no one can bury an access
// under older ones. History pages by version number, newest first.
package consent
