// Package records is the carechain health-record chaincode: it anchors
// documents that live off chain, encrypted, and releases their keys only
// to requesters the patient's consent (or a logged emergency) allows.
//
// # What goes where
//
// A document is encrypted by the custodian's client with a fresh AES-256-GCM
// key and stored off chain, addressed by its ciphertext's SHA-256. On chain
// an anchor records the record id, the patient's pseudonym, the custodian
// org, the document type (a FHIR resource type and a category), media type,
// size, the SHA-256 of the plaintext and of the ciphertext, the storage
// location, the version and the previous version's anchor hash. Because the
// patient and the category are sensitive, anchors live in the private
// collection "recordDetails" of the care peers; public state holds per
// version only the status and the SHA-256 of the private anchor, so any
// member can verify a private copy and follow the lifecycle. No public key
// or value names a patient or a category.
//
// # The document key
//
// The key never exists in clear on any peer's disk or in any block. The
// custodian's client wraps it (ECIES, package keywrap) to the custodian
// org's key-encryption key (KEK), whose public half the org's admin
// registered on chain; only the wrapped key is stored, in the private
// collection. Release is two steps:
//
//  1. RequestAccess, a submitted transaction, checks that the caller's role
//     counts as a requester for the purpose in its org's part, asks the
//     consent chaincode's Check as the caller (a valid break-glass counts;
//     patients may always read their own records) and, when permitted,
//     writes an access-log entry shaped as a HIPAA accounting of
//     disclosures. Its response carries only the entry id: a submitted
//     response is written into the block.
//  2. ReleaseKey, evaluated (never submitted) on a peer of the custodian
//     org, the only peers whose chaincode holds the KEK, checks everything
//     again at its own time, unwraps the key and wraps it again to a
//     one-time public key the requester sent. An evaluation is not recorded
//     in any block, and only the requester can open the answer.
//
// # Trust model
//
// Every transaction starts the same way (Contract.begin): the skew guard
// against the endorsing peer's clock, the caller's certificate, and the
// caller's org in the parts registry (chaincode parts, read through
// kit/registry). An org the registry does not list plays no part and is
// FORBIDDEN before anything else is read. A role attribute counts only when
// the caller's org plays a part that lets it count (wire.PartRoles: a
// PayerMSP certificate saying role=physician is no physician), and
// ownership is checked on top: the record's custodian, the patient's
// pseudonym. Who may do what (authz.go):
//
//   - Anchor: a physician, nurse or records clerk of an org playing the
//     provider part, for that org (it becomes the custodian), once the org
//     registered its KEK.
//   - Amend, MarkEnteredInError: the same roles of the record's custodian
//     org. Erase: its records clerks and privacy officer.
//   - RegisterCustodianKey: the admin of an org playing the provider part,
//     for its own org only.
//   - RequestAccess and ReleaseKey: the subject patient (in the patient
//     registry's org) for any purpose; otherwise a role for the purposes
//     requestRules gives it — provider physicians (treatment, emergency,
//     research, public health), nurses (treatment, emergency), records
//     clerks (operations, legal, patient request), billing (payment,
//     operations), privacy officers (operations, legal); pharmacists of a
//     pharmacy (treatment); payers' adjudicators and claims intake
//     (payment); the regulator's auditors (legal, public health); another
//     patient (patient request) — and then only with consent's permit.
//   - ReleaseKey answers only on the custodian's own peer (its KEK, which
//     must be the one the custodian registered), only for a committed
//     request whose requester, role, record and purpose are the caller's,
//     within ReleaseWindow (15 minutes) after the request's stamp and not
//     before it, while the caller's role still counts, the record is
//     neither erased nor entered in error, the custodian still plays the
//     provider part and consent still permits (asked again, at the
//     evaluation's time).
//   - MatchSubject: only when the claims chaincode asks (the proposal's
//     chaincode is "claims"), as a provider's billing staff about its own
//     org's records or as a payer's adjudicator; the claims chaincode binds
//     the adjudicator to the claim's payer. Anyone else, a direct call
//     included, is FORBIDDEN: a yes/no answer on a pseudonym is an oracle
//     of who was treated where.
//   - Get, History: the custodian org's physicians, nurses, records clerks
//     and privacy officer, the subject patient, the regulator's auditor.
//     ListBySubject, ListAccessLog: the subject patient and the auditor.
//     ListAccessLogByCustodian: the custodian's privacy officer and the
//     auditor.
//   - GetHead, GetCustodianKey, Verify: any member (an org's admin, or a
//     role that counts for one of its parts).
//
// Endorsement. Every key a custodian owns — each record's public head and
// version traces, its private anchors and wrapped keys, its access-log
// entries and their index entries, the custodian's registered KEK — carries
// the key-level validation parameter AND('CUSTODIAN.peer', OutOf(1, every
// other peer org of the registry)), written again with every write so that
// it moves with the state (a new version's keys are created with it). A
// change to any of them is valid only with the custodian's peer and one
// other org. The chaincode's policy (any two of the three care peer orgs)
// and the collection's (the same) apply to keys that do not exist yet.
//
// What two colluding orgs can and cannot do, running any code they like on
// their own peers:
//
//   - Two orgs that are not the custodian cannot change, withdraw, erase or
//     re-key an existing record, replace the custodian's registered KEK, or
//     alter or delete an access-log entry: every such write fails
//     validation (ENDORSEMENT_POLICY_FAILURE). They cannot obtain a
//     document key: only the custodian's peer holds the KEK, and ReleaseKey
//     re-checks on it, with the custodian's own code and clock, everything a
//     forged access-log entry could claim.
//   - They can create keys that do not exist yet: a new record id under any
//     custodian's name (pointing at a document they encrypted themselves, to
//     the custodian's public KEK), a first KEK registration for a provider
//     that has not registered yet, or an access-log entry (it releases
//     nothing by itself, see above). Clients should check who endorsed a
//     record's first version (carectl tx) before relying on it; a provider
//     registers its KEK when it joins.
//   - The custodian with one other org can rewrite the custodian's own
//     records, as the chaincode policy always allowed: the public version
//     hashes and the history of every key in the blocks are the evidence.
//   - Consent decides who may read; a consent or break-glass forged in the
//     consent chaincode is the consent chaincode's to refuse (patients sign
//     their consents).
//
// Time. The transaction timestamp is set by the client and Fabric does not
// bound it, so every transaction is refused when it is more than five
// minutes (txtime.DefaultSkew) from the endorsing peer's clock
// (Contract.Clock, time.Now in cmd/main.go; field "timestamp"). That relies
// on honest endorsers' clocks: two colluding endorsers with skewed clocks
// can date a RequestAccess as they like. ReleaseKey is evaluated on the
// custodian's peer, so the custodian's own clock bounds the release, and the
// window is measured from the request's committed stamp. Time also only
// moves forward per object: nothing is stamped before a record's latest
// change (its head's lastUpdated), before a requester's latest request of
// the record (an access head per record and requester: no hot key), before
// the registered KEK's stamp, or (ReleaseKey) before its request; so a
// backdated request cannot reopen an expired consent or window once later
// transactions have committed. Within the skew a client still picks its
// stamp.
//
// Residual risks: the skew guard trusts the endorsers' clocks; the
// custodian's clients see the plaintext and the custodian's peer sees every
// key it releases; an evaluated ReleaseKey leaves no trace beyond its
// RequestAccess, and may be evaluated repeatedly within the window; a
// requester's access head is written by the requester's own transactions,
// not owned by the custodian, so two colluding orgs can reset it (the skew
// guard still bounds the stamps); anyone
// who learns a record id sees its public head (custodian, status,
// versions), which is how requesters find the custodian's peer.
//
// # Lists
//
// The access log (by patient and by custodian) and a patient's records are
// private indexes of simple keys (index.go) that a page reads from its
// bookmark to pageSize+1 keys, at any length, oldest or newest first: an
// insider's many requests cannot bury a later one. A record's history pages
// by version, newest first.
//
// # Erasure
//
// Erase purges the wrapped keys of every version from the private data
// collection (Fabric's purge, which also removes them from the private
// data history): the document can never be decrypted again, while the
// anchors and their public hashes still prove the record's history.
package records
