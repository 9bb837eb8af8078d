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
// member can verify a private copy and follow the lifecycle.
//
// # The document key
//
// The key never exists in clear on any peer's disk or in any block. The
// custodian's client wraps it (ECIES, package keywrap) to the custodian
// org's key-encryption key (KEK), whose public half the org's admin
// registered on chain; only the wrapped key is stored, in the private
// collection. Release is two steps:
//
//  1. RequestAccess, a submitted transaction, asks the consent chaincode's
//     Check (a valid break-glass counts; patients may always read their own
//     records) and, when permitted, writes an access-log entry shaped as a
//     HIPAA accounting of disclosures. Its response carries only the entry
//     id: a submitted response is written into the block.
//  2. ReleaseKey, evaluated (never submitted) on a peer of the custodian
//     org, the only peers whose chaincode holds the KEK, checks that the
//     caller is the logged recipient and the entry is fresh, unwraps the key
//     and wraps it again to a one-time public key the requester sent. An
//     evaluation is not recorded in any block, and only the requester can
//     open the answer.
//
// # Erasure
//
// Erase purges the wrapped keys of every version from the private data
// collection (Fabric's purge, which also removes them from the private
// data history): the document can never be decrypted again, while the
// anchors and their public hashes still prove the record's history.
package records
