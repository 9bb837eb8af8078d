// Package memstub is an in-memory Fabric peer for unit tests of chaincode. It
// implements shim.ChaincodeStubInterface and behaves like a peer with a
// LevelDB state database:
//
//   - World state per chaincode namespace, range queries in byte order that
//     leave composite keys out of plain ranges, partial composite key
//     queries, and paginated queries whose bookmark is the key the next page
//     starts at. Rich queries fail as on LevelDB.
//   - No read-your-writes: reads see committed state only. Writes are
//     buffered and committed when the transaction's response status is below
//     400; otherwise writes, private writes and the event are discarded. An
//     empty value is a delete, as on the peer.
//   - The peer's transaction rules: paginated queries and private-data range
//     queries are only allowed in transactions that do not write.
//   - Key history, newest first, with transaction id, timestamp and delete
//     flag.
//   - Private data collections with membership: the peer belongs to one
//     organisation (WithMSP, SetMSP); on a collection it is not a member of,
//     GetPrivateData fails for existing keys and range queries see nothing,
//     while GetPrivateDataHash works everywhere. MemberOnlyRead and
//     MemberOnlyWrite are checked against the client's organisation.
//     PurgePrivateData removes the value, its hash and its private history.
//   - One chaincode event per transaction (the last SetEvent wins); events set
//     by called chaincodes are dropped.
//   - Chaincode-to-chaincode calls on the same channel share the caller's
//     transaction (their writes commit with it, even when the callee returns
//     an error status); calls to another channel are read-only.
//   - Real identities: NewIdentity makes a self-signed ECDSA certificate with
//     the Fabric CA attribute extension, so the cid package reads attributes
//     exactly as on a network.
//
// A Peer is not safe for concurrent use; give each test its own.
package memstub
