package memstub

import (
	"slices"
	"sort"
)

// scopeKey is a namespace, and a collection for private data: one sorted
// key space, as one LevelDB prefix is on a peer.
type scopeKey struct{ ns, coll string }

// keyIndex keeps the keys of one scope in byte order, so that a range
// query seeks to its start and reads only what it returns, as the peer's
// LevelDB does: a page of a list costs the same with a thousand keys or
// a million. Keys written since the last query wait in added and are
// merged in by the next one; deleted keys are dropped then too (a query
// skips a key the ledger no longer holds).
type keyIndex struct {
	sorted  []string
	added   []string
	deleted bool
}

// indexAdd notes a key new to the ledger.
func (l *Ledger) indexAdd(k StateKey) {
	idx := l.index(scopeKey{k.Namespace, k.Collection})
	idx.added = append(idx.added, k.Key)
}

// indexDelete notes that a key left the ledger.
func (l *Ledger) indexDelete(k StateKey) { l.index(scopeKey{k.Namespace, k.Collection}).deleted = true }

func (l *Ledger) index(s scopeKey) *keyIndex {
	if l.indexes == nil {
		l.indexes = map[scopeKey]*keyIndex{}
	}
	idx := l.indexes[s]
	if idx == nil {
		idx = &keyIndex{}
		l.indexes[s] = idx
	}
	return idx
}

// settled is the scope's keys in byte order, each one the ledger holds.
func (l *Ledger) settled(s scopeKey) []string {
	idx := l.index(s)
	if len(idx.added) == 0 && !idx.deleted {
		return idx.sorted
	}
	slices.Sort(idx.added)
	merged := make([]string, 0, len(idx.sorted)+len(idx.added))
	i, j := 0, 0
	for i < len(idx.sorted) || j < len(idx.added) {
		var k string
		if j == len(idx.added) || i < len(idx.sorted) && idx.sorted[i] <= idx.added[j] {
			k, i = idx.sorted[i], i+1
		} else {
			k, j = idx.added[j], j+1
		}
		if len(merged) > 0 && merged[len(merged)-1] == k {
			continue // deleted and written again
		}
		if _, ok := l.records[StateKey{Namespace: s.ns, Collection: s.coll, Key: k}]; ok {
			merged = append(merged, k)
		}
	}
	idx.sorted, idx.added, idx.deleted = merged, nil, false
	return merged
}

// keysUpTo returns at most limit keys of ns and coll in [start, end), in
// byte order (limit < 0: all); an empty end means no upper bound.
func (l *Ledger) keysUpTo(ns, coll, start, end string, limit int) []string {
	all := l.settled(scopeKey{ns, coll})
	from := sort.SearchStrings(all, start)
	to := len(all)
	if end != "" {
		to = from + sort.SearchStrings(all[from:], end)
	}
	if limit >= 0 && to-from > limit {
		to = from + limit
	}
	return slices.Clone(all[from:to])
}
