// Package commit computes carechain's public commitments to private data:
// SHA-256 over a salt, length-prefixed, and the data, in hex. A
// chaincode publishes the commitment (a claim's detailsHash, a record's
// anchor hash, a consent's status record, a shipment's document hash)
// and keeps the salt in the private record, never a bare hash that a
// guess could confirm; whoever is given the record and its salt checks it
// with Sum.
//
// The package imports only the standard library so that clients and the
// chaincodes' wire packages compute the same commitments.
package commit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// Sum is the commitment to data under salt: SHA-256 over the salt's
// length (8 bytes, big-endian), the salt and the data, in hex. The length
// prefix keeps ("ab", "c") and ("a", "bc") apart.
func Sum(salt string, data []byte) string {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(salt)))
	h.Write(n[:])
	h.Write([]byte(salt))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}
