package claims

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
)

// paperClaim is c as PayerMSP's intake received it on paper from ProviderMSP.
func paperClaim(c wire.ClaimInput) wire.IntakeInput {
	return wire.IntakeInput{Claim: c, Provider: "ProviderMSP", Channel: wire.IntakePaper, Received: "2026-06-12"}
}

func (e *env) submitIntake(minute int, in wire.IntakeInput) wire.Receipt {
	e.T.Helper()
	var r wire.Receipt
	e.Must(e.Submit(intake, minute, wire.TransientIntake, in, "SubmitIntake"), &r)
	return r
}

// A payer's intake submits a paper claim for a provider on the ledger: it
// is validated and adjudicated like the provider's own, the provider sees
// it, and the provider's own bill of the same service is a duplicate.
func TestIntakeSubmitsAPaperClaim(t *testing.T) {
	e := newEnv(t)
	r := e.submitIntake(1, paperClaim(office("clm-p1")))
	assert.Equal(t, wire.StatusAdjudicated, r.Status)
	c := e.get(2, "clm-p1") // as the provider's billing staff
	assert.Equal(t, "ProviderMSP", c.Provider)
	assert.Equal(t, &wire.Intake{Channel: wire.IntakePaper, Received: "2026-06-12"}, c.Intake)
	assert.Contains(t, c.Submitter, "PayerMSP")
	assert.Equal(t, int64(9000), c.Adjudication.PaidCents, "the same adjudication as the provider's own claim")
	var page wire.TracePage
	e.Must(e.Query(billing, 2, "ListByStatus", wire.StatusAdjudicated, "10", ""), &page)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "clm-p1", page.Items[0].ID)

	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(billing, 3, wire.TransientClaim, office("clm-e1"), "Submit"), "CONFLICT: duplicate of claim clm-p1")
}

// Bad intake input changes nothing and names its field.
func TestIntakeInputIsValidated(t *testing.T) {
	e := newEnv(t)
	good := paperClaim(office("clm-p1"))
	cases := map[string]func(in *wire.IntakeInput){
		`field "claim.payer"`: func(in *wire.IntakeInput) { in.Claim.Payer = "MutualMSP" },
		`field "provider"`:    func(in *wire.IntakeInput) { in.Provider = "RegulatorMSP" },
		`field "channel"`:     func(in *wire.IntakeInput) { in.Channel = "carrier-pigeon" },
		`field "received"`:    func(in *wire.IntakeInput) { in.Received = "12/06/2026" },
		`field "claim.item[1].quantity"`: func(in *wire.IntakeInput) {
			in.Claim.Items = append([]wire.Item(nil), in.Claim.Items...)
			in.Claim.Items[1].Units = 0
		},
		`field "claim.billablePeriod.end"`: func(in *wire.IntakeInput) { in.Claim.BillablePeriod.End = "2026-06-20" },
	}
	before := e.Peer.Snapshot()
	for want, mutate := range cases {
		in := good
		mutate(&in)
		e.Refused(before, e.Submit(intake, 1, wire.TransientIntake, in, "SubmitIntake"), "INVALID_ARGUMENT: "+want)
	}
	late := good
	late.Received = "2026-06-09" // before the service
	e.Refused(before, e.Submit(intake, 1, wire.TransientIntake, late, "SubmitIntake"), `INVALID_ARGUMENT: field "received"`)
	// Only a payer's claims intake submits intakes; a provider bills with Submit.
	e.Refused(before, e.Submit(adjudicator, 1, wire.TransientIntake, good, "SubmitIntake"), "FORBIDDEN: ")
	e.Refused(before, e.Submit(billing, 1, wire.TransientIntake, good, "SubmitIntake"), "FORBIDDEN: ")
}

// The provider named disputes a claim it never billed: disputed, its
// fingerprints released (the provider's real bill is no duplicate), the
// accumulator restored; its own claims are voided, not disputed; nobody
// else disputes.
func TestProviderDisputesAClaimItNeverBilled(t *testing.T) {
	e := newEnv(t)
	e.submitIntake(1, paperClaim(office("clm-p1")))
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(intake, 2, "", nil, "Dispute", "clm-p1"), "FORBIDDEN: ")
	e.Refused(before, e.Submit(adjudicator, 2, "", nil, "Dispute", "clm-p1"), "FORBIDDEN: ")
	var r wire.Receipt
	e.Must(e.Submit(billing, 2, "", nil, "Dispute", "clm-p1"), &r)
	assert.Equal(t, wire.StatusDisputed, r.Status)
	c := e.get(3, "clm-p1")
	require.NotNil(t, c.Adjudication, "the record keeps what was adjudicated")
	var acc Accumulator
	e.privateRecord(e.blindKey(objAccumulator, "PayerMSP", pt1, "2026"), &acc)
	assert.Equal(t, Accumulator{}, acc, "an unpaid disputed claim paid nothing")
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(billing, 3, "", nil, "Dispute", "clm-p1"), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Submit(adjudicator, 3, wire.TransientPayment, wire.PaymentInput{Trace: "T", AmountCents: 9000}, "Pay", "clm-p1"), "FAILED_PRECONDITION: ")

	own := e.submitClaim(4, office("clm-e1"))
	assert.Equal(t, wire.StatusAdjudicated, own.Status, "the disputed claim released its fingerprints")
	before = e.Peer.Snapshot()
	e.Refused(before, e.Submit(billing, 5, "", nil, "Dispute", "clm-e1"), "FAILED_PRECONDITION: ")
	var page wire.TracePage
	e.Must(e.Query(intake, 5, "ListByStatus", wire.StatusDisputed, "10", ""), &page)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "clm-p1", page.Items[0].ID)
}
