package memstub

import (
	"errors"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
)

// stateIterator iterates over a range query's results, loading them from
// src as the chaincode reads on. When rr is set it adds the results to the
// range query's read set as the peer's handler sends them: batch at a
// time, the first batch at once.
type stateIterator struct {
	src      *keySource
	results  []*queryresult.KV
	versions []version
	limit    int // the total query limit: results past it are cut off
	pos      int
	closed   bool

	rr      *rangeRead
	batch   int
	fetched int
}

// keySource yields the committed keys of one scope in [next, end) in
// order, a chunk at a time; or, fixed, the keys it was given.
type keySource struct {
	ledger        *Ledger
	ns, coll, end string
	next          string // the first key not yet loaded
	left          int    // how many more keys may be loaded
	keys          []string
	fixed         bool
	done          bool // every key is loaded
	complete      bool // done, and the keys are the whole range
}

// loadChunk is how many keys a source reads from the ledger's index at a
// time.
const loadChunk = 128

// more returns the next chunk of keys, nil once done.
func (src *keySource) more() []string {
	if src.done {
		return nil
	}
	if src.fixed {
		src.done = true
		return src.keys
	}
	n := min(loadChunk, src.left)
	keys := src.ledger.keysUpTo(src.ns, src.coll, src.next, src.end, n)
	src.left -= len(keys)
	switch {
	case len(keys) < n:
		src.done, src.complete = true, true
	case src.left == 0:
		src.done = true
	default:
		src.next = keys[len(keys)-1] + "\x00"
	}
	return keys
}

// ensure loads results until there are n, or the source is done.
func (it *stateIterator) ensure(n int) {
	for len(it.results) < n && !it.src.done {
		for _, k := range it.src.more() {
			sk := StateKey{Namespace: it.src.ns, Collection: it.src.coll, Key: k}
			v, _ := it.src.ledger.value(sk)
			it.results = append(it.results, &queryresult.KV{Namespace: it.src.ns, Key: k, Value: v})
			it.versions = append(it.versions, it.src.ledger.version(sk))
		}
	}
	if it.src.done && len(it.results) > it.limit {
		it.results, it.versions = it.results[:it.limit], it.versions[:it.limit] // the limit cut the range
	}
}

// complete reports whether the results loaded are the whole range.
func (it *stateIterator) complete() bool {
	return it.src.done && it.src.complete && len(it.results) <= it.limit
}

// fetch adds the next batch of results to the read set.
func (it *stateIterator) fetch() {
	it.ensure(it.fetched + it.batch + 1)
	n := min(it.fetched+it.batch, len(it.results))
	for i := it.fetched; i < n; i++ {
		it.rr.reads = append(it.rr.reads, keyVersion{key: it.results[i].GetKey(), ver: it.versions[i]})
	}
	it.fetched = n
	if n == len(it.results) && it.complete() {
		it.rr.exhausted = true
	}
}

// HasNext reports whether Next has another result.
func (it *stateIterator) HasNext() bool {
	if it.closed || it.src == nil {
		return false
	}
	it.ensure(it.pos + 1)
	return it.pos < len(it.results)
}

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
