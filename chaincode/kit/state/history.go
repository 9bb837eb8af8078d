package state

import (
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// HistoryEntry is one committed write of a key.
type HistoryEntry struct {
	TxID      string    `json:"txId"`
	Timestamp time.Time `json:"timestamp"`
	IsDelete  bool      `json:"isDelete"`
	Value     []byte    `json:"value,omitempty"`
}

// History returns up to limit committed writes of key, newest first; limit
// is validated like a page size (0 means DefaultPageSize) and reported on
// field "limit". It needs the peer's history database, which is enabled by
// default.
func History(stub shim.ChaincodeStubInterface, key string, limit int) (entries []HistoryEntry, err error) {
	if limit < 0 || limit > int(MaxPageSize) {
		return nil, ccerr.Invalid("limit", "must be between 1 and %d", MaxPageSize)
	}
	if limit == 0 {
		limit = int(DefaultPageSize)
	}
	it, err := stub.GetHistoryForKey(key)
	if err != nil {
		return nil, ccerr.Internal("history of %s: %v", DisplayKey(key), err)
	}
	defer func() {
		if cerr := it.Close(); err == nil && cerr != nil {
			entries, err = nil, ccerr.Internal("history of %s: %v", DisplayKey(key), cerr)
		}
	}()
	entries = []HistoryEntry{}
	for it.HasNext() && len(entries) < limit {
		m, err := it.Next()
		if err != nil {
			return nil, ccerr.Internal("history of %s: %v", DisplayKey(key), err)
		}
		e := HistoryEntry{TxID: m.GetTxId(), IsDelete: m.GetIsDelete(), Value: m.GetValue()}
		if ts := m.GetTimestamp(); ts != nil {
			e.Timestamp = ts.AsTime().UTC()
		}
		entries = append(entries, e)
	}
	return entries, nil
}
