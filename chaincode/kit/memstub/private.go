package memstub

import (
	"bytes"
	"errors"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
)

func (s *stub) pkey(coll, key string) StateKey {
	return StateKey{Namespace: s.ns, Collection: coll, Key: key}
}

// collection returns the definition of coll, applying the peer's checks
// that private data is not used in Init and that the collection exists.
func (s *stub) collection(msgType pb.ChaincodeMessage_Type, coll string) (Collection, error) {
	if s.isInit {
		return Collection{}, s.peerError(msgType, "private data APIs are not allowed in chaincode Init()")
	}
	defs := s.tx.peer.colls[s.tx.channel][s.ns]
	if len(defs) == 0 {
		return Collection{}, s.peerError(msgType, "collection config not defined for chaincode [%s], pass the collection configuration upon chaincode definition/instantiation", s.ns)
	}
	for _, c := range defs {
		if c.Name == coll {
			return c, nil
		}
	}
	return Collection{}, s.peerError(msgType, "collection [%s] not defined in the collection config for chaincode [%s]", coll, s.ns)
}

// readable checks the collection and the client's read permission.
func (s *stub) readable(msgType pb.ChaincodeMessage_Type, coll string) (Collection, error) {
	c, err := s.collection(msgType, coll)
	if err != nil {
		return c, err
	}
	if c.MemberOnlyRead && !c.hasMember(s.tx.creatorMSP) {
		return c, s.peerError(msgType, "tx creator does not have read access permission on privatedata in chaincodeName:%s collectionName: %s", s.ns, coll)
	}
	return c, nil
}

// writable checks the collection and the client's write permission.
func (s *stub) writable(msgType pb.ChaincodeMessage_Type, coll string) error {
	c, err := s.collection(msgType, coll)
	if err != nil {
		return err
	}
	if c.MemberOnlyWrite && !c.hasMember(s.tx.creatorMSP) {
		return s.peerError(msgType, "tx creator does not have write access permission on privatedata in chaincodeName:%s collectionName: %s", s.ns, coll)
	}
	return nil
}

func errEmptyCollection() error { return errors.New("collection must not be an empty string") }

// privateValue reads a committed private value as this peer can: a peer
// outside the collection has only the hash and fails for existing keys.
func (s *stub) privateValue(c Collection, key string) ([]byte, error) {
	r := s.tx.read(s.pkey(c.Name, key))
	if r == nil {
		return nil, nil
	}
	if !c.hasMember(s.tx.peer.mspID) {
		return nil, s.peerError(pb.ChaincodeMessage_GET_STATE, "private data matching public hash version is not available. Public hash version = {Height:%d}, Private data version = <nil>", s.tx.ledger.height)
	}
	return bytes.Clone(r.value), nil
}

func (s *stub) GetPrivateData(collection, key string) ([]byte, error) {
	if collection == "" {
		return nil, errEmptyCollection()
	}
	c, err := s.readable(pb.ChaincodeMessage_GET_STATE, collection)
	if err != nil {
		return nil, err
	}
	return s.privateValue(c, key)
}

func (s *stub) GetMultiplePrivateData(collection string, keys ...string) ([][]byte, error) {
	if collection == "" {
		return nil, errEmptyCollection()
	}
	if len(keys) == 0 {
		return nil, nil
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		v, err := s.GetPrivateData(collection, k)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (s *stub) GetPrivateDataHash(collection, key string) ([]byte, error) {
	if collection == "" {
		return nil, errEmptyCollection()
	}
	if _, err := s.collection(pb.ChaincodeMessage_GET_PRIVATE_DATA_HASH, collection); err != nil {
		return nil, err
	}
	if r := s.tx.read(s.pkey(collection, key)); r != nil {
		return bytes.Clone(r.hash), nil
	}
	return nil, nil
}

func (s *stub) PutPrivateData(collection, key string, value []byte) error {
	if collection == "" {
		return errEmptyCollection()
	}
	if key == "" {
		return errors.New("key must not be an empty string")
	}
	if err := s.writable(pb.ChaincodeMessage_PUT_STATE, collection); err != nil {
		return err
	}
	if err := s.checkWrite(pb.ChaincodeMessage_PUT_STATE); err != nil {
		return err
	}
	s.tx.writes.put(s.pkey(collection, key), value)
	return nil
}

func (s *stub) DelPrivateData(collection, key string) error {
	if collection == "" {
		return errEmptyCollection()
	}
	if err := s.writable(pb.ChaincodeMessage_DEL_STATE, collection); err != nil {
		return err
	}
	if err := s.checkWrite(pb.ChaincodeMessage_DEL_STATE); err != nil {
		return err
	}
	s.tx.writes.put(s.pkey(collection, key), nil)
	return nil
}

func (s *stub) PurgePrivateData(collection, key string) error {
	if collection == "" {
		return errEmptyCollection()
	}
	if err := s.writable(pb.ChaincodeMessage_PURGE_PRIVATE_DATA, collection); err != nil {
		return err
	}
	if err := s.checkWrite(pb.ChaincodeMessage_PURGE_PRIVATE_DATA); err != nil {
		return err
	}
	s.tx.writes.purge(s.pkey(collection, key))
	return nil
}

func (s *stub) SetPrivateDataValidationParameter(collection, key string, ep []byte) error {
	if collection == "" {
		// The peer treats an empty collection as the world state.
		return s.SetStateValidationParameter(key, ep)
	}
	if err := s.writable(pb.ChaincodeMessage_PUT_STATE_METADATA, collection); err != nil {
		return err
	}
	if err := s.checkWrite(pb.ChaincodeMessage_PUT_STATE_METADATA); err != nil {
		return err
	}
	s.tx.writes.setParam(s.pkey(collection, key), ep)
	return nil
}

func (s *stub) GetPrivateDataValidationParameter(collection, key string) ([]byte, error) {
	if collection == "" {
		return s.GetStateValidationParameter(key)
	}
	if _, err := s.readable(pb.ChaincodeMessage_GET_STATE_METADATA, collection); err != nil {
		return nil, err
	}
	if r := s.tx.read(s.pkey(collection, key)); r != nil {
		return bytes.Clone(r.param), nil
	}
	return nil, nil
}

// privateScan applies the peer's rules for private range queries: they are
// refused after a write and forbid writes afterwards. A peer outside the
// collection has no private values and finds nothing.
func (s *stub) privateScan(collection, start, end string) (shim.StateQueryIteratorInterface, error) {
	c, err := s.readable(pb.ChaincodeMessage_GET_STATE_BY_RANGE, collection)
	if err != nil {
		return nil, err
	}
	if s.tx.writePerformed {
		return nil, s.peerError(pb.ChaincodeMessage_GET_STATE_BY_RANGE, "txid [%s]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction", s.tx.txID)
	}
	s.tx.pvtQueryPerformed = true
	if !c.hasMember(s.tx.peer.mspID) {
		return &stateIterator{}, nil
	}
	return s.scan(collection, start, end), nil
}

func (s *stub) GetPrivateDataByRange(collection, startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	if collection == "" {
		return nil, errEmptyCollection()
	}
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := validateSimpleKeys(startKey, endKey); err != nil {
		return nil, err
	}
	return s.privateScan(collection, startKey, endKey)
}

func (s *stub) GetPrivateDataByPartialCompositeKey(collection, objectType string, keys []string) (shim.StateQueryIteratorInterface, error) {
	if collection == "" {
		return nil, errEmptyCollection()
	}
	start, end, err := partialKeyRange(objectType, keys)
	if err != nil {
		return nil, err
	}
	return s.privateScan(collection, start, end)
}

func (s *stub) GetPrivateDataQueryResult(collection, query string) (shim.StateQueryIteratorInterface, error) {
	if collection == "" {
		return nil, errEmptyCollection()
	}
	if _, err := s.readable(pb.ChaincodeMessage_GET_QUERY_RESULT, collection); err != nil {
		return nil, err
	}
	if s.tx.writePerformed {
		return nil, s.peerError(pb.ChaincodeMessage_GET_QUERY_RESULT, "txid [%s]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction", s.tx.txID)
	}
	s.tx.pvtQueryPerformed = true
	return nil, s.peerError(pb.ChaincodeMessage_GET_QUERY_RESULT, "ExecuteQuery not supported for leveldb")
}
