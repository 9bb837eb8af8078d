package consent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
)

func grantTx(id *memstub.Identity, minute int, in wire.GrantInput) memstub.Tx {
	tm := signed(id, wire.ConsentStatement("care", wire.GrantedConsent(in)), wire.TransientConsent, in)
	return memstub.Tx{Chaincode: "consent", Identity: id, Time: at(minute), Transient: tm, Args: [][]byte{[]byte("Grant")}}
}

// Two grants of one patient endorsed at the same time both change the
// patient's open set: the second to commit read a stale set and fails
// MVCC validation instead of dropping the first one's consent.
func TestConcurrentGrantsOfOnePatientConflict(t *testing.T) {
	e := newEnv(t)
	a := e.Peer.Simulate(grantTx(patient1, 1, grantInput("a")))
	b := e.Peer.Simulate(grantTx(patient1, 1, grantInput("b")))
	res := e.Peer.Commit(a, b)
	assert.Equal(t, "VALID", res[0].Validation)
	assert.Equal(t, "MVCC_READ_CONFLICT", res[1].Validation)
	set, _, _ := openSetOf(e, pt1)
	assert.Equal(t, []openEntry{{ID: "a", End: at(24 * 60).Format(time.RFC3339Nano)}}, openIDs(set))
	// Other patients are not held up: their sets are other keys.
	other := grantInput("x")
	other.Subject = pt2
	c := e.Peer.Simulate(grantTx(patient1, 2, grantInput("c")))
	d := e.Peer.Simulate(grantTx(patient2, 2, other))
	for _, r := range e.Peer.Commit(c, d) {
		assert.Equal(t, "VALID", r.Validation)
	}
}

// Two grants superseding the same consent: only one supersedes it.
func TestConcurrentSupersedesConflict(t *testing.T) {
	e := newEnv(t)
	e.grant(patient1, 0, grantInput("c1"))
	x, y := grantInput("x"), grantInput("y")
	x.Supersedes, y.Supersedes = "c1", "c1"
	res := e.Peer.Commit(e.Peer.Simulate(grantTx(patient1, 1, x)), e.Peer.Simulate(grantTx(patient1, 1, y)))
	assert.Equal(t, "VALID", res[0].Validation)
	assert.Equal(t, "MVCC_READ_CONFLICT", res[1].Validation)
	assert.Equal(t, "x", e.stored("c1").SupersededBy)
}

// Two break-glass renewals by one clinician at once: one counts, the
// other conflicts, so the renewal limit cannot be outrun.
func TestConcurrentBreakGlassRenewalsConflict(t *testing.T) {
	e := newEnv(t)
	e.Must(e.breakGlass(physician, 0, breakGlassInput(60)), nil)
	tx := func() memstub.Tx {
		return memstub.Tx{Chaincode: "consent", Identity: physician, Time: at(30),
			Transient: map[string][]byte{wire.TransientBreakGlass: cctest.JSON(breakGlassInput(60))}, Args: [][]byte{[]byte("BreakGlass")}}
	}
	res := e.Peer.Commit(e.Peer.Simulate(tx()), e.Peer.Simulate(tx()), e.Peer.Simulate(tx()))
	assert.Equal(t, "VALID", res[0].Validation)
	assert.Equal(t, "MVCC_READ_CONFLICT", res[1].Validation)
	assert.Equal(t, "MVCC_READ_CONFLICT", res[2].Validation)
}

func linkTx(in wire.LinkInput, fn string, minute int) memstub.Tx {
	next := wire.Linked(roles.PatientMSP, in)
	if fn == "UnlinkPatient" {
		next = wire.Unlinked(roles.PatientMSP, in)
	}
	return memstub.Tx{Chaincode: "consent", Identity: registrar, Time: at(minute), Transient: linkTransient(registrar, next, in), Args: [][]byte{[]byte(fn)}}
}

// Two links of one enrollment to two subjects at once: one commits, the
// other conflicts, so an enrollment never ends up with the wrong subject.
func TestConcurrentLinksOfOneEnrollmentConflict(t *testing.T) {
	e := newEnv(t)
	twice := patient("twice")
	in := wire.LinkInput{EnrollmentID: enrollment("twice")}
	a, b := in, in
	a.Subject, b.Subject = pt1, pt2
	res := e.Peer.Commit(e.Peer.Simulate(linkTx(a, "LinkPatient", 1)), e.Peer.Simulate(linkTx(b, "LinkPatient", 1)))
	assert.Equal(t, "VALID", res[0].Validation)
	assert.Equal(t, "MVCC_READ_CONFLICT", res[1].Validation)
	var s wire.Subject
	e.Must(e.Query(twice, 2, "PatientSubject"), &s)
	assert.Equal(t, pt1, s.Subject)
}

// A patient's change endorsed before the registrar's unlink commits fails
// validation: it read the link, which changed.
func TestChangeEndorsedBeforeAnUnlinkConflicts(t *testing.T) {
	e := newEnv(t)
	grant := e.Peer.Simulate(grantTx(patient1, 1, grantInput("c1")))
	unlink := e.Peer.Simulate(linkTx(wire.LinkInput{EnrollmentID: enrollment("patient1"), Subject: pt1}, "UnlinkPatient", 1))
	res := e.Peer.Commit(unlink, grant)
	assert.Equal(t, "VALID", res[0].Validation)
	assert.Equal(t, "MVCC_READ_CONFLICT", res[1].Validation)
}
