package records

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// simulate endorses fn as id at minute without committing it.
func (e *env) simulate(id *memstub.Identity, minute int, anchor any, fn string, args ...string) *memstub.Pending {
	tx := memstub.Tx{Chaincode: "records", Identity: id, Time: at(minute), Args: [][]byte{[]byte(fn)}}
	for _, a := range args {
		tx.Args = append(tx.Args, []byte(a))
	}
	if anchor != nil {
		tx.Transient = map[string][]byte{wire.TransientAnchor: mustJSON(anchor)}
	}
	return e.Peer.Simulate(tx)
}

func validations(results []memstub.Result) []string {
	out := make([]string, len(results))
	for i, r := range results {
		out[i] = r.Validation
	}
	return out
}

// No hot keys: independent transactions endorsed at the same time commit
// in one block; only those that change the same object conflict.
func TestConcurrentTransactions(t *testing.T) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("labs")), "Anchor"), nil)
	e.grantEveryone(2)

	// Requests of one record by different people, and anchors of different
	// records by different clerks, share no key.
	got := e.Peer.Commit(
		e.simulate(physician, 3, nil, "RequestAccess", "rec-1", "0", "treatment"),
		e.simulate(physician2, 3, nil, "RequestAccess", "rec-1", "0", "treatment"),
		e.simulate(nurse, 3, nil, "RequestAccess", "rec-1", "0", "treatment"),
		e.simulate(patient1, 3, nil, "RequestAccess", "rec-1", "0", "patient-request"),
		e.simulate(clerk, 3, e.document("rec-2", 1, []byte("a")), "Anchor"),
		e.simulate(nurse, 3, e.document("rec-3", 1, []byte("b")), "Anchor"),
	)
	assert.Equal(t, []string{memstub.Valid, memstub.Valid, memstub.Valid, memstub.Valid, memstub.Valid, memstub.Valid}, validations(got))
	var log wire.AccessPage
	e.Must(e.Query(patient1, 4, "ListAccessLog", pt1, "", "10", ""), &log)
	assert.Len(t, log.Items, 4)

	// The same requester twice in a block: the second read a stale access head.
	got = e.Peer.Commit(
		e.simulate(physician, 5, nil, "RequestAccess", "rec-1", "0", "treatment"),
		e.simulate(physician, 5, nil, "RequestAccess", "rec-1", "0", "treatment"),
	)
	assert.Equal(t, []string{memstub.Valid, memstub.MVCCReadConflict}, validations(got))

	// Two changes of one record: the second read a stale head.
	got = e.Peer.Commit(
		e.simulate(clerk, 6, e.document("rec-1", 2, []byte("v2")), "Amend", "rec-1"),
		e.simulate(clerk, 6, nil, "MarkEnteredInError", "rec-1"),
	)
	assert.Equal(t, []string{memstub.Valid, memstub.MVCCReadConflict}, validations(got))
}
