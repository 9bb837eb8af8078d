package memstub

import (
	"errors"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
)

// stateIterator iterates over materialised query results.
type stateIterator struct {
	results []*queryresult.KV
	pos     int
	closed  bool
}

// HasNext reports whether Next has another result.
func (it *stateIterator) HasNext() bool { return !it.closed && it.pos < len(it.results) }

// Next returns the next result, or an error past the end like the shim.
func (it *stateIterator) Next() (*queryresult.KV, error) {
	if !it.HasNext() {
		return nil, errors.New("no such key")
	}
	kv := it.results[it.pos]
	it.pos++
	return kv, nil
}

// Close releases the iterator.
func (it *stateIterator) Close() error {
	it.closed = true
	return nil
}

// historyIterator iterates over materialised history results.
type historyIterator struct {
	results []*queryresult.KeyModification
	pos     int
	closed  bool
}

// HasNext reports whether Next has another result.
func (it *historyIterator) HasNext() bool { return !it.closed && it.pos < len(it.results) }

// Next returns the next result, or an error past the end like the shim.
func (it *historyIterator) Next() (*queryresult.KeyModification, error) {
	if !it.HasNext() {
		return nil, errors.New("no such key")
	}
	m := it.results[it.pos]
	it.pos++
	return m, nil
}

// Close releases the iterator.
func (it *historyIterator) Close() error {
	it.closed = true
	return nil
}
