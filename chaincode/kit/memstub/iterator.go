package memstub

import (
	"errors"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
)

// stateIterator iterates over materialised query results. When rr is set
// it adds the results to the range query's read set as the peer's handler
// sends them: batch at a time, the first batch at once.
type stateIterator struct {
	results []*queryresult.KV
	pos     int
	closed  bool

	versions []version
	rr       *rangeRead
	batch    int
	fetched  int
	complete bool // results are the whole range
}

// fetch adds the next batch of results to the read set.
func (it *stateIterator) fetch() {
	n := min(it.fetched+it.batch, len(it.results))
	for i := it.fetched; i < n; i++ {
		it.rr.reads = append(it.rr.reads, keyVersion{key: it.results[i].GetKey(), ver: it.versions[i]})
	}
	it.fetched = n
	if n == len(it.results) && it.complete {
		it.rr.exhausted = true
	}
}

// HasNext reports whether Next has another result.
func (it *stateIterator) HasNext() bool { return !it.closed && it.pos < len(it.results) }

// Next returns the next result, or an error past the end like the shim.
func (it *stateIterator) Next() (*queryresult.KV, error) {
	if !it.HasNext() {
		return nil, errors.New("no such key")
	}
	if it.rr != nil && it.pos == it.fetched {
		it.fetch()
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
