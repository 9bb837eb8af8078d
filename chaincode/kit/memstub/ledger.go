package memstub

import (
	"bytes"
	"crypto/sha256"
	"maps"
	"slices"
	"strings"
	"time"
)

// StateKey addresses a value in a ledger. Collection is empty for the world
// state.
type StateKey struct {
	Namespace  string
	Collection string
	Key        string
}

// HistoryEntry is one committed write of a key.
type HistoryEntry struct {
	TxID      string
	Timestamp time.Time
	IsDelete  bool
	Value     []byte
	// Hash is the SHA-256 of Value for private data, nil for world state.
	Hash []byte
}

// LedgerSnapshot is a deep copy of everything a channel's ledger stores.
// Snapshots compare with reflect.DeepEqual (require.Equal), which makes
// "a failed transaction changes nothing" a one-line assertion.
type LedgerSnapshot struct {
	// Height counts the committed transactions.
	Height uint64
	// Values holds world state and, under their collection, private values
	// as member peers store them.
	Values map[StateKey][]byte
	// Hashes holds the hashes of private values, as every peer stores them.
	Hashes map[StateKey][]byte
	// ValidationParameters holds key-level endorsement policies.
	ValidationParameters map[StateKey][]byte
	// History holds the writes of world state keys and the private data
	// history of private keys, oldest first.
	History map[StateKey][]HistoryEntry
}

// Snapshot is a LedgerSnapshot per channel.
type Snapshot map[string]LedgerSnapshot

// record is the committed state of one key.
type record struct {
	value []byte
	hash  []byte  // private data only
	param []byte  // validation parameter
	ver   version // of the last transaction that wrote the value or parameter
}

// Ledger is the committed state of one channel.
type Ledger struct {
	channel string
	height  uint64
	blocks  uint64 // number of the last block
	records map[StateKey]*record
	history map[StateKey][]HistoryEntry
	txIDs   map[string]bool
	// indexes keep each scope's keys in order for range queries.
	indexes map[scopeKey]*keyIndex
}

func newLedger(channel string) *Ledger {
	return &Ledger{
		channel: channel,
		records: map[StateKey]*record{},
		history: map[StateKey][]HistoryEntry{},
		txIDs:   map[string]bool{},
	}
}

// Channel returns the ledger's channel name.
func (l *Ledger) Channel() string { return l.channel }

// Height returns the number of committed transactions.
func (l *Ledger) Height() uint64 { return l.height }

// State returns the committed world state value of key in namespace ns.
func (l *Ledger) State(ns, key string) ([]byte, bool) {
	return l.value(StateKey{Namespace: ns, Key: key})
}

// PrivateState returns the committed value of key in collection coll, as
// the collection's member peers store it.
func (l *Ledger) PrivateState(ns, coll, key string) ([]byte, bool) {
	return l.value(StateKey{Namespace: ns, Collection: coll, Key: key})
}

// PrivateHash returns the SHA-256 hash of the committed value of key in
// collection coll, as every peer of the channel stores it.
func (l *Ledger) PrivateHash(ns, coll, key string) ([]byte, bool) {
	r, ok := l.records[StateKey{Namespace: ns, Collection: coll, Key: key}]
	if !ok {
		return nil, false
	}
	return bytes.Clone(r.hash), true
}

// ValidationParameter returns the key-level endorsement policy of a world
// state key.
func (l *Ledger) ValidationParameter(ns, key string) []byte {
	return l.param(StateKey{Namespace: ns, Key: key})
}

// PrivateValidationParameter returns the key-level endorsement policy of a
// private key.
func (l *Ledger) PrivateValidationParameter(ns, coll, key string) []byte {
	return l.param(StateKey{Namespace: ns, Collection: coll, Key: key})
}

// History returns the committed writes of a world state key, newest first.
func (l *Ledger) History(ns, key string) []HistoryEntry {
	return l.historyOf(StateKey{Namespace: ns, Key: key})
}

// PrivateHistory returns the private data history of a private key, newest
// first. PurgePrivateData empties it.
func (l *Ledger) PrivateHistory(ns, coll, key string) []HistoryEntry {
	return l.historyOf(StateKey{Namespace: ns, Collection: coll, Key: key})
}

// Keys returns the committed world state keys of ns, composite keys
// included, in byte order.
func (l *Ledger) Keys(ns string) []string {
	return l.keys(ns, "", "", "")
}

// PrivateKeys returns the committed keys of collection coll in byte order.
func (l *Ledger) PrivateKeys(ns, coll string) []string {
	return l.keys(ns, coll, "", "")
}

// Snapshot returns a deep copy of the ledger.
func (l *Ledger) Snapshot() LedgerSnapshot {
	s := LedgerSnapshot{
		Height:               l.height,
		Values:               map[StateKey][]byte{},
		Hashes:               map[StateKey][]byte{},
		ValidationParameters: map[StateKey][]byte{},
		History:              map[StateKey][]HistoryEntry{},
	}
	for k, r := range l.records {
		s.Values[k] = bytes.Clone(r.value)
		if r.hash != nil {
			s.Hashes[k] = bytes.Clone(r.hash)
		}
		if r.param != nil {
			s.ValidationParameters[k] = bytes.Clone(r.param)
		}
	}
	for k, h := range l.history {
		s.History[k] = cloneHistory(h)
	}
	return s
}

func (l *Ledger) value(k StateKey) ([]byte, bool) {
	r, ok := l.records[k]
	if !ok {
		return nil, false
	}
	return bytes.Clone(r.value), true
}

// version returns the version of k, the zero version if it does not
// exist.
func (l *Ledger) version(k StateKey) version {
	if r, ok := l.records[k]; ok {
		return r.ver
	}
	return version{}
}

func (l *Ledger) param(k StateKey) []byte {
	if r, ok := l.records[k]; ok {
		return bytes.Clone(r.param)
	}
	return nil
}

func (l *Ledger) historyOf(k StateKey) []HistoryEntry {
	h := cloneHistory(l.history[k])
	slices.Reverse(h)
	return h
}

// keys returns the keys of ns and coll in [start, end), in byte order; an
// empty end means no upper bound.
func (l *Ledger) keys(ns, coll, start, end string) []string {
	return l.keysUpTo(ns, coll, start, end, -1)
}

// cloneHistory deep-copies h.
func cloneHistory(h []HistoryEntry) []HistoryEntry {
	if h == nil {
		return nil
	}
	out := make([]HistoryEntry, len(h))
	for i, e := range h {
		e.Value = bytes.Clone(e.Value)
		e.Hash = bytes.Clone(e.Hash)
		out[i] = e
	}
	return out
}

// commit applies a transaction's write set, following the peer's rules: a
// write with an empty value deletes the key and its validation parameter; a
// value write keeps the existing validation parameter unless the
// transaction also sets one; a validation parameter written for a key that
// does not exist is ignored; a purge removes a private key with its hash
// and private history. Every key written gets version ver.
func (l *Ledger) commit(txID string, ts time.Time, ws *writeSet, ver version) {
	keys := slices.SortedFunc(maps.Keys(ws.writes), compareStateKeys)
	for _, k := range keys {
		w := ws.writes[k]
		switch {
		case w.purge:
			delete(l.records, k)
			delete(l.history, k)
			l.indexDelete(k)
		case w.valueSet && len(w.value) == 0:
			delete(l.records, k)
			l.indexDelete(k)
			l.history[k] = append(l.history[k], HistoryEntry{TxID: txID, Timestamp: ts, IsDelete: true})
		case w.valueSet:
			l.put(k, w, HistoryEntry{TxID: txID, Timestamp: ts}, ver)
		case w.paramSet:
			if r := l.records[k]; r != nil {
				r.param, r.ver = paramOf(w), ver
			}
		}
	}
	l.txIDs[txID] = true
	l.height++
}

// put applies the value write w of k, recording it in the history.
func (l *Ledger) put(k StateKey, w *write, entry HistoryEntry, ver version) {
	r := l.records[k]
	if r == nil {
		r = &record{}
		l.records[k] = r
		l.indexAdd(k)
	}
	r.value, r.ver = bytes.Clone(w.value), ver
	entry.Value = bytes.Clone(w.value)
	if k.Collection != "" {
		sum := sha256.Sum256(w.value)
		r.hash = sum[:]
		entry.Hash = bytes.Clone(r.hash)
	}
	if w.paramSet {
		r.param = paramOf(w)
	}
	l.history[k] = append(l.history[k], entry)
}

// paramOf returns the validation parameter w writes; nil, none, for an
// empty one.
func paramOf(w *write) []byte {
	if len(w.param) == 0 {
		return nil
	}
	return bytes.Clone(w.param)
}

func compareStateKeys(a, b StateKey) int {
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	if c := strings.Compare(a.Collection, b.Collection); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

// write is the buffered write of one key in a transaction. The last value
// operation (put, delete, purge) on a key wins, as in the peer's write set.
type write struct {
	valueSet bool
	value    []byte
	purge    bool
	paramSet bool
	param    []byte
}

// writeSet buffers the writes of a transaction across namespaces.
type writeSet struct {
	writes map[StateKey]*write
}

func newWriteSet() *writeSet { return &writeSet{writes: map[StateKey]*write{}} }

func (ws *writeSet) entry(k StateKey) *write {
	w := ws.writes[k]
	if w == nil {
		w = &write{}
		ws.writes[k] = w
	}
	return w
}

func (ws *writeSet) put(k StateKey, value []byte) {
	w := ws.entry(k)
	w.valueSet, w.value, w.purge = true, bytes.Clone(value), false
}

func (ws *writeSet) purge(k StateKey) {
	w := ws.entry(k)
	w.valueSet, w.value, w.purge = false, nil, true
}

func (ws *writeSet) setParam(k StateKey, param []byte) {
	w := ws.entry(k)
	w.paramSet, w.param = true, bytes.Clone(param)
}
