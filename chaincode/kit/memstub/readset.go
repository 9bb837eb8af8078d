package memstub

import (
	"maps"
	"slices"
)

// version is the height of the transaction that last wrote a key: its
// block number and its index in the block. The zero version is that of a
// key that does not exist.
type version struct {
	block, tx uint64
}

// queryBatchSize is the number of results the peer's handler sends the
// chaincode at a time; a range query's read set covers the batches the
// chaincode asked for.
const queryBatchSize = 100

// readSet is what a transaction simulation read from committed state, for
// the MVCC and phantom read checks on commit: the version of every key
// read (public, or the hash of a private key) and every range query.
type readSet struct {
	keys   map[StateKey]version
	ranges []*rangeRead
}

func newReadSet() *readSet { return &readSet{keys: map[StateKey]version{}} }

// add records that k was read at version v.
func (rs *readSet) add(k StateKey, v version) {
	if rs == nil {
		return
	}
	if _, ok := rs.keys[k]; !ok {
		rs.keys[k] = v
	}
}

// rangeRead is one range query: the keys and versions it returned, in
// order. An exhausted query covers [start, end); one the chaincode did not
// read to the end, or that a limit cut short, covers the keys from start
// through the last one returned.
type rangeRead struct {
	scope      StateKey // Namespace and Collection
	start, end string
	reads      []keyVersion
	exhausted  bool
}

type keyVersion struct {
	key string
	ver version
}

// covered returns the range of keys the query result stands for, and
// false when it stands for none.
func (r *rangeRead) covered() (start, end string, ok bool) {
	if r.exhausted {
		return r.start, r.end, true
	}
	if len(r.reads) == 0 {
		return "", "", false
	}
	// The smallest key after the last one read, to include it.
	return r.start, r.reads[len(r.reads)-1].key + "\x00", true
}

// conflict returns the validation code of the first read of rs that l no
// longer agrees with, checking namespaces in order and, in each, public
// reads, public range queries, then each collection's reads and range
// queries, as the peer does; "" when every read still holds.
func (rs *readSet) conflict(l *Ledger) string {
	if rs == nil {
		return ""
	}
	for _, scope := range rs.scopes() {
		if rs.keyConflict(l, scope) {
			return MVCCReadConflict
		}
		for _, r := range rs.ranges {
			if r.scope == scope && l.rangeChanged(r) {
				return PhantomReadConflict
			}
		}
	}
	return ""
}

// scopes returns the namespaces and collections read, in order.
func (rs *readSet) scopes() []StateKey {
	set := map[StateKey]bool{}
	for k := range rs.keys {
		set[StateKey{Namespace: k.Namespace, Collection: k.Collection}] = true
	}
	for _, r := range rs.ranges {
		set[r.scope] = true
	}
	return slices.SortedFunc(maps.Keys(set), compareStateKeys)
}

func (rs *readSet) keyConflict(l *Ledger, scope StateKey) bool {
	for k, v := range rs.keys {
		if k.Namespace == scope.Namespace && k.Collection == scope.Collection && l.version(k) != v {
			return true
		}
	}
	return false
}

// rangeChanged reports whether the range query r would now return other
// keys or versions.
func (l *Ledger) rangeChanged(r *rangeRead) bool {
	start, end, ok := r.covered()
	if !ok {
		return false
	}
	keys := l.keys(r.scope.Namespace, r.scope.Collection, start, end)
	if len(keys) != len(r.reads) {
		return true
	}
	for i, k := range keys {
		got := StateKey{Namespace: r.scope.Namespace, Collection: r.scope.Collection, Key: k}
		if k != r.reads[i].key || l.version(got) != r.reads[i].ver {
			return true
		}
	}
	return false
}
