// Package memstub is an in-memory Fabric peer for unit tests of chaincode. It
// implements shim.ChaincodeStubInterface and behaves like a peer with a
// LevelDB state database:
//
//   - World state per chaincode namespace, range queries in byte order that
//     leave composite keys out of plain ranges, partial composite key
//     queries, and paginated queries whose bookmark is the key the next page
//     starts at. Rich queries fail as on LevelDB.
//   - No read-your-writes: reads see committed state only. Writes are
//     buffered; a transaction whose response status is below 400 is ordered
//     and validated, and commits only if it is valid. Otherwise its writes,
//     private writes and event are discarded. An empty value is a delete,
//     as on the peer.
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
// Transactions are validated as the committing peer validates them, and
// Result.Validation holds Fabric's validation code (VALID when committed):
//
//   - Endorsement policies. A chaincode's policy (WithEndorsement), a
//     collection's (Collection.EndorsementPolicy) and key-level policies
//     (validation parameters, as statebased builds them) are signature
//     policies, evaluated by package policy. A transaction that names its
//     endorsing organisations (Tx.Endorsers) must satisfy, for every key it
//     writes in any namespace, chaincode-to-chaincode calls included, the
//     key's committed validation parameter if it has one, else for a
//     private key its collection's policy if set, else the chaincode's
//     policy; a write of a validation parameter alone is checked the same
//     way, against the key's existing parameter. The invoked chaincode's
//     policy must hold even if it writes nothing itself. Otherwise the
//     transaction is ENDORSEMENT_POLICY_FAILURE. A transaction without named
//     endorsers stands for an honest client that collected what the
//     policies need, and read-only transactions are not checked. As on the
//     peer, a block is validated against the validation parameters before
//     it, so a key whose parameter an earlier transaction of the block
//     writes cannot be written again in that block.
//   - Forgeries. Forge commits a write set that colluding endorsers
//     fabricated without running the chaincode, through the same
//     validation: a test can show that state written without the required
//     party is refused and changes nothing.
//   - MVCC. Simulate runs a proposal without committing it and Commit orders
//     pending transactions in one block; Submit, Invoke and Run do both at
//     once. Every committed write gives its key a new version (block number
//     and index in the block). A transaction that read a key (GetState,
//     GetMultipleStates, GetStateValidationParameter, and for private data
//     GetPrivateData, GetPrivateDataHash and
//     GetPrivateDataValidationParameter, which read the version of the
//     key's hash) whose version has changed since its simulation, by an
//     earlier block or an earlier transaction of its own block, is
//     MVCC_READ_CONFLICT. One whose range or partial composite key query
//     would now return other keys or versions is PHANTOM_READ_CONFLICT. A
//     query covers the batches of 100 results the chaincode read, as the
//     peer's handler sends them, so a query read to the end covers its
//     whole range. Private range queries are checked too, although Fabric,
//     which allows them only in read-only transactions, does not check
//     them. Reads in calls to another channel are not checked.
//   - A transaction id already on the ledger or earlier in the block is
//     DUPLICATE_TXID. As on the peer, the ids of invalid transactions stay
//     on the ledger, and the checks run in this order: duplicate id,
//     endorsement, MVCC and phantom reads.
//
// A Peer is not safe for concurrent use; give each test its own.
package memstub
