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
// size, a commitment to the plaintext, the SHA-256 of the ciphertext, the
// storage location, the version and the previous version's anchor
// commitment. Because the patient and the category are sensitive, anchors
// live in the private collection "recordDetails" of the care peers; public
// state holds per version only the status and a salted commitment to the
// private anchor, so that a reader of the anchor can verify it and any
// member can follow the lifecycle. No public key or value names a patient
// or a category (see What is public).
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
//     in any block, and only the requester can open the answer. The
//     requester's client checks the decrypted document against the
//     anchor's plaintext commitment (see Blinding).
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
// ownership is checked on top: the record's custodian, the patient the
// registry linked the caller to. Who may do what (authz.go):
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
//   - GetHead, GetCustodianKey, Verify, BlindingReady: any member (an
//     org's admin, or a role that counts for one of its parts).
//   - SetupBlinding: the admin of a member org of the collection, once.
//   - The patient is the subject the patient registry linked the caller's
//     enrollment to (kit/patient, answered by the consent chaincode inside
//     the transaction), never a certificate attribute: a patient_id in a
//     certificate counts for nothing.
//
// Endorsement. Every key a custodian owns — each record's public head and
// version traces, its private anchors and wrapped keys, its access-log
// entries and their index entries, the custodian's registered KEK — carries
// the key-level validation parameter AND('CUSTODIAN.peer', OutOf(1, every
// other peer org of the registry)), written again with every write so that
// it moves with the state (a new version's keys are created with it). A
// change to any of them is valid only with the custodian's peer and one
// other org. The chaincode's policy (any two of the three care peer orgs)
// and the collection's (the same) apply to keys that do not exist yet. The
// collection's blinding secret, once set (under the collection's policy),
// carries AND(every member's peer).
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
//     their consents). Which patient a caller is, the consent chaincode's
//     patient links decide (written by the patient registry's registrar).
//   - They cannot replace the collection's blinding secret (every member's
//     peer must endorse that), nor learn from the blocks whose records or
//     accesses they see beyond what their own peers' private data tells
//     them: they are members and read that data anyway.
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
// versions), which is how requesters find the custodian's peer; whoever
// was handed a document and its salt can test that version's contents
// (they hold them anyway); the blinding secret, shared by the member
// peers, is only as safe as the least careful of them, and never changes
// (tokens made with it must keep matching); what Fabric puts in every
// block regardless (see What is public) links transactions on one record.
//
// # Lists
//
// The access log (by patient and by custodian) and a patient's records are
// private indexes of simple keys (index.go) that a page reads from its
// bookmark to pageSize+1 keys, at any length, oldest or newest first: an
// insider's many requests cannot bury a later one. A record's history pages
// by version, newest first. A patient names no subject (or their own) to
// list their own records and access log.
//
// # Blinding, salts and commitments
//
// Every block carries, for each private write, the SHA-256 of its key and
// of its value, and for each public write the key and value in clear.
// Whoever holds a copy of the blocks (an orderer, a backup, a patient's
// org, an org that joins later) could otherwise confirm guesses: a key
// built from a pseudonym, a record id and a requester, or the JSON of an
// access-log entry rebuilt from the transaction's arguments and a guessed
// patient. So (package kit/blind):
//
//   - Every private key carries a token where it would name a record, a
//     patient, a requester or a custodian (keys.go): the anchor and wrapped
//     key [anchor|recordKey, Token(record), VERSION], the access entry
//     [access, Token(access id)], the access head [accessHead,
//     Token(record, requester)], the list indexes NAME.ORDER/Token(patient
//     or custodian)/STAMP/ID. A token is an HMAC under the collection's
//     blinding secret, which only the collection's member peers hold.
//     Bookmarks carry a key's suffix and a tag of their list, never a token.
//   - Every private value whose hash reaches a block is salted (a "salt"
//     field, blind.Blinder.Salt, new with every write): anchors, access
//     entries, access heads, index entries. The wrapped key needs none: it
//     is fresh ECIES ciphertext.
//   - The public anchor hash is AnchorCommitment (commit.Sum over the
//     anchor, with the salt kept in the anchor), never its bare SHA-256.
//   - The anchor holds no hash of the plaintext, which a short result
//     ("HIV-1/2 antibody: reactive") would confirm to every member peer and
//     to every Verify: it holds PlaintextCommitment under PlaintextSalt, an
//     HMAC of the document key. The custodian's client computes it before
//     anchoring; a requester's client, once ReleaseKey gave it the key,
//     derives the salt and checks the decrypted plaintext. No peer, no
//     block and no evaluation sees the salt or the plaintext hash.
//   - Verify answers match for the ciphertext's SHA-256, or for the
//     plaintext's commitment under that salt: whoever hands a document on
//     (a requester to an insurer, say) hands on the salt with it, and the
//     receiver verifies their copy. Without the salt no guessed content can
//     be tested, and the bare SHA-256 of a plaintext never matches, so
//     Verify is no oracle for any member (a patient included) who knows a
//     record id.
//
// The secret is set once per collection by SetupBlinding: an admin of a
// member org (CollectionMembers, the orgs of collections.json's policy)
// sends 32 random bytes or more in the transient map; carenet does it after
// deploying, endorsed by the members' peers. Its key then carries the
// validation parameter AND(every member's peer): two colluding members
// cannot replace it, which would hide every blinded record and log from
// the chaincode. Nothing that writes a private key works before it is set
// (FAILED_PRECONDITION); MatchSubject and Verify answer "unknown" for a
// record that does not exist without reading it. BlindingReady tells any
// member whether it is set.
//
// What blinding does not hide: the member orgs run the chaincode and hold
// the private data and the secret; blinding keeps the blocks from linking
// to a patient for everyone else.
//
// # What is public
//
// Everything records writes in clear, and why it reveals no patient:
//
//   - recordHead/ID: {id, version, status, custodian, keyErased,
//     lastUpdated}. Requesters need the custodian to ask its peer for the
//     key; the status and the erasure flag are the lifecycle. The id is
//     opaque: clients make it random (carectl: "rec-" and 64 random bits)
//     and must never build it from patient data. lastUpdated is the
//     timestamp of the custodian's latest change of the record, which that
//     transaction's block carries anyway; per-object time needs it.
//   - recordVersion/ID/VERSION: {id, version, status, anchorHash}, where
//     anchorHash is the salted AnchorCommitment: nothing can be recomputed
//     from public fields and guesses.
//   - custodianKey/MSP: {mspId, publicKey, registered}: an org's
//     key-encryption public key.
//   - Nothing else. RequestAccess writes no public key at all: no access
//     time, requester, purpose or patient is in world state, and there is
//     no public per-patient index.
//   - Events: record.anchored (record id, version, custodian),
//     record.amended and record.entered-in-error (version), record.erased,
//     record.custodian-key (the org), records.blinding-set (the
//     collection), and record.access with only the access id, which is the
//     transaction's own id: not the record, not the requester's org.
//   - Responses of submitted transactions (written into their blocks):
//     Receipts with record ids, version, status, access id, expiry and
//     transaction id; never an anchor, a pseudonym or a category.
//     Everything that describes a record (Get, History, lists, ReleaseKey)
//     is evaluated, never in a block.
//
// What Fabric writes in every block regardless, and the chaincode cannot
// remove: each submitted transaction's creator certificate, its arguments
// (RequestAccess names the record id, version and purpose; Amend,
// MarkEnteredInError and Erase the record id) and the keys of the public
// state it read. So transactions that concern one record are linkable to
// each other, and a patient's own RequestAccess shows that their
// enrollment asked for that record. Patients' certificates carry a random
// enrollment id and no pseudonym (kit/patient: the subject comes from the
// patient registry's private link), so a block shows that one enrollment
// and, say, a physician asked for the same record, never which patient
// either is. Only anonymous credentials (Idemix) would hide the enrollment
// itself; carechain does not use them. Equal private-key hashes (a
// requester's access head of one record) link that requester's requests,
// which their arguments link anyway.
//
// # Erasure
//
// Erase purges the wrapped keys of every version from the private data
// collection (Fabric's purge, which also removes them from the private
// data history): the document can never be decrypted again, while the
// anchors and their public hashes still prove the record's history.
package records
