package memstub

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Endorsement is what an endorsing peer signs of a simulation: the
// chaincode's response, the read set (each key read with its version,
// each range query with the keys and versions it returned), the write set
// (a private value as its hash, as the proposal response carries it) and
// the chaincode event. Each is one line per entry in a fixed order, so
// that two endorsements compare with reflect.DeepEqual (require.Equal
// shows where they differ). The gateway refuses a transaction whose
// endorsers' responses differ as ENDORSEMENT_MISMATCH: simulating one
// proposal on the peers of each endorsing org (Peer.SetMSP between, one
// TxID) and comparing their endorsements finds what would.
type Endorsement struct {
	Status  int32
	Payload string
	Message string
	Reads   []string
	Ranges  []string
	Writes  []string
	Event   string
}

// Endorsement returns what the simulation's endorser signs.
func (p *Pending) Endorsement() Endorsement {
	e := Endorsement{Status: p.res.Status, Payload: string(p.res.Payload), Message: p.res.Message}
	if p.reads != nil {
		for _, k := range slices.SortedFunc(maps.Keys(p.reads.keys), compareStateKeys) {
			e.Reads = append(e.Reads, fmt.Sprintf("%s@%d.%d", displayStateKey(k), p.reads.keys[k].block, p.reads.keys[k].tx))
		}
		for _, r := range p.reads.ranges {
			e.Ranges = append(e.Ranges, r.String())
		}
	}
	if p.writes != nil {
		for _, k := range slices.SortedFunc(maps.Keys(p.writes.writes), compareStateKeys) {
			e.Writes = append(e.Writes, displayStateKey(k)+" "+p.writes.writes[k].String(k.Collection != ""))
		}
	}
	if p.event != nil {
		e.Event = p.event.Name + " " + string(p.event.Payload)
	}
	return e
}

// String is a range read as one line: its scope, bounds, whether it was
// read to the end, and the keys and versions it returned.
func (r *rangeRead) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%q, %q) exhausted=%t:", displayStateKey(r.scope), r.start, r.end, r.exhausted)
	for _, kv := range r.reads {
		fmt.Fprintf(&b, " %q@%d.%d", kv.key, kv.ver.block, kv.ver.tx)
	}
	return b.String()
}

// String is a write as one line; a private value as its SHA-256.
func (w *write) String(private bool) string {
	var parts []string
	switch {
	case w.purge:
		parts = append(parts, "purge")
	case w.valueSet && len(w.value) == 0:
		parts = append(parts, "delete")
	case w.valueSet && private:
		parts = append(parts, fmt.Sprintf("hash=%x", sha256.Sum256(w.value)))
	case w.valueSet:
		parts = append(parts, fmt.Sprintf("value=%q", w.value))
	}
	if w.paramSet {
		parts = append(parts, fmt.Sprintf("param=%x", w.param))
	}
	return strings.Join(parts, " ")
}

func displayStateKey(k StateKey) string {
	return fmt.Sprintf("%s/%s/%q", k.Namespace, k.Collection, k.Key)
}
