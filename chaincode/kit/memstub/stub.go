package memstub

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Composite key delimiters, as in the shim.
const (
	compositeKeyNamespace = "\x00"
	emptyKeySubstitute    = "\x01"
	maxUnicodeRune        = string(utf8.MaxRune)
)

// txContext is the peer side of one transaction simulation: what the
// transaction simulator and the handler's transaction context hold.
type txContext struct {
	peer       *Peer
	ledger     *Ledger
	channel    string
	txID       string
	timestamp  *timestamppb.Timestamp
	creator    []byte
	creatorMSP string
	signed     *pb.SignedProposal
	transient  map[string][]byte
	binding    []byte

	writes *writeSet
	// reads is the read set; nil in a simulation on another channel,
	// whose reads are not validated.
	reads *readSet
	// The simulator's flags for Fabric's "read-only transaction" rules.
	writePerformed     bool
	paginatedPerformed bool
	pvtQueryPerformed  bool

	// active holds the namespaces executing in this transaction, to refuse
	// re-entrant calls like the peer does.
	active map[string]bool
}

func (t *txContext) newStub(ns string, args [][]byte, isInit bool) *stub {
	return &stub{tx: t, ns: ns, args: args, isInit: isInit}
}

// stub implements shim.ChaincodeStubInterface for one chaincode namespace
// within a transaction.
type stub struct {
	tx     *txContext
	ns     string
	args   [][]byte
	isInit bool // the peer refuses private data calls in Init
	event  *pb.ChaincodeEvent
}

var _ shim.ChaincodeStubInterface = (*stub)(nil)

// peerError formats an error the peer's handler returns, as the shim
// receives it.
func (s *stub) peerError(msgType pb.ChaincodeMessage_Type, format string, args ...any) error {
	return fmt.Errorf("%s failed: transaction ID: %s: %s", msgType, s.tx.txID, fmt.Sprintf(format, args...))
}

// ---- arguments and proposal ----

func (s *stub) GetArgs() [][]byte { return s.args }

func (s *stub) GetStringArgs() []string {
	out := make([]string, 0, len(s.args))
	for _, a := range s.args {
		out = append(out, string(a))
	}
	return out
}

func (s *stub) GetFunctionAndParameters() (string, []string) {
	args := s.GetStringArgs()
	if len(args) == 0 {
		return "", []string{}
	}
	return args[0], args[1:]
}

func (s *stub) GetArgsSlice() ([]byte, error) {
	return bytes.Join(s.args, nil), nil
}

func (s *stub) GetTxID() string                                 { return s.tx.txID }
func (s *stub) GetChannelID() string                            { return s.tx.channel }
func (s *stub) GetCreator() ([]byte, error)                     { return bytes.Clone(s.tx.creator), nil }
func (s *stub) GetTransient() (map[string][]byte, error)        { return s.tx.transient, nil }
func (s *stub) GetBinding() ([]byte, error)                     { return bytes.Clone(s.tx.binding), nil }
func (s *stub) GetDecorations() map[string][]byte               { return nil }
func (s *stub) GetSignedProposal() (*pb.SignedProposal, error)  { return s.tx.signed, nil }
func (s *stub) GetTxTimestamp() (*timestamppb.Timestamp, error) { return s.tx.timestamp, nil }

// SetEvent keeps the last event of the transaction.
func (s *stub) SetEvent(name string, payload []byte) error {
	if name == "" {
		return errors.New("event name can not be empty string")
	}
	s.event = &pb.ChaincodeEvent{EventName: name, Payload: bytes.Clone(payload)}
	return nil
}

// StartWriteBatch does nothing: writes are always buffered until commit.
func (s *stub) StartWriteBatch() {}

// FinishWriteBatch does nothing.
func (s *stub) FinishWriteBatch() error { return nil }

// ---- world state ----

func (s *stub) key(k string) StateKey { return StateKey{Namespace: s.ns, Key: k} }

// read returns the committed record of k, nil if there is none, and adds
// its version to the read set.
func (t *txContext) read(k StateKey) *record {
	r := t.ledger.records[k]
	t.reads.add(k, t.ledger.version(k))
	return r
}

// valueOf returns a copy of the value of r, nil for no record.
func valueOf(r *record) []byte {
	if r == nil {
		return nil
	}
	return bytes.Clone(r.value)
}

func (s *stub) GetState(key string) ([]byte, error) {
	return valueOf(s.tx.read(s.key(key))), nil
}

func (s *stub) GetMultipleStates(keys ...string) ([][]byte, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = valueOf(s.tx.read(s.key(k)))
	}
	return out, nil
}

// checkWrite applies the simulator's preconditions for a write.
func (s *stub) checkWrite(msgType pb.ChaincodeMessage_Type) error {
	t := s.tx
	if t.pvtQueryPerformed {
		return s.peerError(msgType, "txid [%s]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed", t.txID)
	}
	if t.paginatedPerformed {
		return s.peerError(msgType, "txid [%s]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed", t.txID)
	}
	t.writePerformed = true
	return nil
}

func (s *stub) PutState(key string, value []byte) error {
	if key == "" {
		return errors.New("key must not be an empty string")
	}
	if err := s.checkWrite(pb.ChaincodeMessage_PUT_STATE); err != nil {
		return err
	}
	s.tx.writes.put(s.key(key), value)
	return nil
}

func (s *stub) DelState(key string) error {
	if err := s.checkWrite(pb.ChaincodeMessage_DEL_STATE); err != nil {
		return err
	}
	s.tx.writes.put(s.key(key), nil)
	return nil
}

func (s *stub) SetStateValidationParameter(key string, ep []byte) error {
	if err := s.checkWrite(pb.ChaincodeMessage_PUT_STATE_METADATA); err != nil {
		return err
	}
	s.tx.writes.setParam(s.key(key), ep)
	return nil
}

func (s *stub) GetStateValidationParameter(key string) ([]byte, error) {
	if r := s.tx.read(s.key(key)); r != nil {
		return bytes.Clone(r.param), nil
	}
	return nil, nil
}

// validateSimpleKeys is the shim's check that range bounds are not in the
// composite key namespace.
func validateSimpleKeys(keys ...string) error {
	for _, key := range keys {
		if len(key) > 0 && key[0] == compositeKeyNamespace[0] {
			return fmt.Errorf(`first character of the key [%s] contains a null character which is not allowed`, key)
		}
	}
	return nil
}

func partialKeyRange(objectType string, attrs []string) (string, string, error) {
	start, err := shim.CreateCompositeKey(objectType, attrs)
	if err != nil {
		return "", "", err
	}
	return start, start + maxUnicodeRune, nil
}

func (s *stub) GetStateByRange(startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := validateSimpleKeys(startKey, endKey); err != nil {
		return nil, err
	}
	return s.scan("", startKey, endKey), nil
}

func (s *stub) GetStateByPartialCompositeKey(objectType string, attrs []string) (shim.StateQueryIteratorInterface, error) {
	start, end, err := partialKeyRange(objectType, attrs)
	if err != nil {
		return nil, err
	}
	return s.scan("", start, end), nil
}

func (s *stub) GetStateByRangeWithPagination(startKey, endKey string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *pb.QueryResponseMetadata, error) {
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := validateSimpleKeys(startKey, endKey); err != nil {
		return nil, nil, err
	}
	return s.paginated(startKey, endKey, pageSize, bookmark)
}

func (s *stub) GetStateByPartialCompositeKeyWithPagination(objectType string, keys []string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *pb.QueryResponseMetadata, error) {
	start, end, err := partialKeyRange(objectType, keys)
	if err != nil {
		return nil, nil, err
	}
	return s.paginated(start, end, pageSize, bookmark)
}

func (s *stub) GetAllStatesCompositeKeyWithPagination(pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *pb.QueryResponseMetadata, error) {
	return s.paginated(compositeKeyNamespace, compositeKeyNamespace+maxUnicodeRune, pageSize, bookmark)
}

// paginated runs a range query the way the peer's handler does: without a
// page size and bookmark it is an ordinary query with empty metadata;
// otherwise it starts at the bookmark, returns at most pageSize results
// (bounded by the total query limit) and reports the key after the last one
// as the next bookmark, or "" when the range is exhausted.
func (s *stub) paginated(start, end string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *pb.QueryResponseMetadata, error) {
	limit := s.tx.peer.queryLimit
	if pageSize == 0 && bookmark == "" {
		return s.scan("", start, end), &pb.QueryResponseMetadata{}, nil
	}
	if s.tx.writePerformed {
		return nil, nil, s.peerError(pb.ChaincodeMessage_GET_STATE_BY_RANGE, "txid [%s]: unsuppored transaction. Paginated queries are supported only in a read-only transaction", s.tx.txID)
	}
	s.tx.paginatedPerformed = true
	if bookmark != "" {
		start = bookmark
	}
	if pageSize > 0 && int(pageSize) < limit {
		limit = int(pageSize)
	}
	keys := s.tx.ledger.keysUpTo(s.ns, "", start, end, limit+1)
	next := ""
	if len(keys) > limit {
		next = keys[limit]
		keys = keys[:limit]
	}
	rr := &rangeRead{scope: StateKey{Namespace: s.ns}, start: start, end: end}
	it := s.iterator(rr, &keySource{ledger: s.tx.ledger, ns: s.ns, keys: keys, fixed: true, complete: next == ""}, len(keys))
	return it, &pb.QueryResponseMetadata{FetchedRecordsCount: int32(min(len(keys), math.MaxInt32)), Bookmark: next}, nil
}

// scan returns an iterator over the committed keys of coll in [start, end),
// at most the total query limit of them. It reads the ledger a batch at a
// time as the chaincode iterates, as the peer's LevelDB iterator does: a
// chaincode that reads one page of a range of a million keys and closes
// the iterator costs what it would with a thousand.
func (s *stub) scan(coll, start, end string) *stateIterator {
	rr := &rangeRead{scope: StateKey{Namespace: s.ns, Collection: coll}, start: start, end: end}
	src := &keySource{ledger: s.tx.ledger, ns: s.ns, coll: coll, next: start, end: end, left: s.tx.peer.queryLimit + 1}
	return s.iterator(rr, src, queryBatchSize)
}

// iterator returns an iterator over the keys src yields in the scope of
// rr, which it adds to the read set batch results at a time.
func (s *stub) iterator(rr *rangeRead, src *keySource, batch int) *stateIterator {
	it := &stateIterator{src: src, batch: batch, limit: s.tx.peer.queryLimit}
	if src.fixed {
		it.limit = len(src.keys)
	}
	if s.tx.reads != nil {
		it.rr = rr
		s.tx.reads.ranges = append(s.tx.reads.ranges, rr)
		it.fetch()
	}
	return it
}

func (s *stub) CreateCompositeKey(objectType string, attributes []string) (string, error) {
	return shim.CreateCompositeKey(objectType, attributes)
}

// SplitCompositeKey splits a composite key like the shim, but returns an
// error instead of panicking on a key without delimiters.
func (s *stub) SplitCompositeKey(compositeKey string) (string, []string, error) {
	var components []string
	start := 1
	for i := 1; i < len(compositeKey); i++ {
		if compositeKey[i] == 0 {
			components = append(components, compositeKey[start:i])
			start = i + 1
		}
	}
	if len(components) == 0 {
		return "", nil, fmt.Errorf("invalid composite key [%x]", compositeKey)
	}
	return components[0], components[1:], nil
}

func (s *stub) GetQueryResult(query string) (shim.StateQueryIteratorInterface, error) {
	return nil, s.peerError(pb.ChaincodeMessage_GET_QUERY_RESULT, "ExecuteQuery not supported for leveldb")
}

func (s *stub) GetQueryResultWithPagination(query string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *pb.QueryResponseMetadata, error) {
	if pageSize == 0 && bookmark == "" {
		return nil, nil, s.peerError(pb.ChaincodeMessage_GET_QUERY_RESULT, "ExecuteQuery not supported for leveldb")
	}
	if s.tx.writePerformed {
		return nil, nil, s.peerError(pb.ChaincodeMessage_GET_QUERY_RESULT, "txid [%s]: unsuppored transaction. Paginated queries are supported only in a read-only transaction", s.tx.txID)
	}
	s.tx.paginatedPerformed = true
	return nil, nil, s.peerError(pb.ChaincodeMessage_GET_QUERY_RESULT, "ExecuteQueryWithMetadata not supported for leveldb")
}

func (s *stub) GetHistoryForKey(key string) (shim.HistoryQueryIteratorInterface, error) {
	entries := s.tx.ledger.historyOf(s.key(key))
	if len(entries) > s.tx.peer.queryLimit {
		entries = entries[:s.tx.peer.queryLimit]
	}
	results := make([]*queryresult.KeyModification, 0, len(entries))
	for _, e := range entries {
		results = append(results, &queryresult.KeyModification{
			TxId:      e.TxID,
			Value:     e.Value,
			Timestamp: timestamppb.New(e.Timestamp),
			IsDelete:  e.IsDelete,
		})
	}
	return &historyIterator{results: results}, nil
}

// ---- chaincode to chaincode ----

// InvokeChaincode calls another chaincode installed on this peer. On the same
// channel it runs in this transaction with its own namespace; on another
// channel it runs as a read-only simulation whose writes are dropped. The
// callee's event is dropped, as on the peer.
func (s *stub) InvokeChaincode(chaincodeName string, args [][]byte, channel string) *pb.Response {
	p := s.tx.peer
	if channel == "" {
		channel = s.tx.channel
	}
	fail := func(format string, a ...any) *pb.Response {
		// The shim puts the peer's error text in the payload.
		return &pb.Response{Status: shim.ERROR, Payload: []byte(s.peerError(pb.ChaincodeMessage_INVOKE_CHAINCODE, format, a...).Error())}
	}
	cc := p.chaincodes[channel][chaincodeName]
	if cc == nil {
		return fail("execute failed: invalid invocation: [channel %s] failed to get chaincode container info for %s: could not get chaincode %s", channel, chaincodeName, chaincodeName)
	}
	t := s.tx
	if channel != s.tx.channel {
		t = &txContext{
			peer: p, ledger: p.ledgers[channel], channel: channel, txID: s.tx.txID,
			timestamp: s.tx.timestamp, creator: s.tx.creator, creatorMSP: s.tx.creatorMSP,
			signed: s.tx.signed, transient: s.tx.transient, binding: s.tx.binding,
			writes: newWriteSet(), active: map[string]bool{},
		}
	}
	if t.active[chaincodeName] {
		return fail("execute failed: txid: %s(%s) exists", s.tx.txID, channel)
	}
	t.active[chaincodeName] = true
	defer delete(t.active, chaincodeName)
	resp := cc.Invoke(t.newStub(chaincodeName, args, false))
	if resp == nil {
		return fail("execute failed: nil response from transaction %s", s.tx.txID)
	}
	return resp
}
