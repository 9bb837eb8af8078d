package claims

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// readable loads a claim for a reader: the billing staff of its provider
// (an org playing the provider) or the adjudicators and claims intake of
// its payer (an org playing the payer). The caller is checked before any
// private read.
func (t *tx) readable(id string) (*wire.Claim, *wire.Trace, error) {
	_, part, err := t.require(providerBilling, payerClaimStaff)
	if err != nil {
		return nil, nil, err
	}
	tr, err := t.trace(id)
	if err != nil {
		return nil, nil, err
	}
	if err := t.owns(part, tr); err != nil {
		return nil, nil, err
	}
	cl, err := t.record(tr)
	if err != nil {
		return nil, nil, err
	}
	return cl, tr, nil
}

// Get reads a claim with its adjudication, payments and history.
func (c *Contract) Get(ctx contractapi.TransactionContextInterface, id string) (*wire.Claim, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cl, _, err := t.readable(id)
	return cl, err
}

// GetTrace reads a claim's public trace, for any member of an org the
// registry lists. A trace that matches no private record of the provider
// and the payer is NOT_FOUND.
func (c *Contract) GetTrace(ctx contractapi.TransactionContextInterface, id string) (*wire.Trace, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	return t.trace(id)
}

// Remittance returns the remittance advice of an adjudicated or paid
// claim, for the readers of the claim.
func (c *Contract) Remittance(ctx contractapi.TransactionContextInterface, id string) (*wire.Remittance, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cl, tr, err := t.readable(id)
	if err != nil {
		return nil, err
	}
	if cl.Adjudication == nil {
		return nil, ccerr.Precondition("claim %s is %s: it has no adjudication yet", id, cl.Status)
	}
	r := &wire.Remittance{Claim: id, Payer: tr.Payer, Provider: tr.Provider, Status: cl.Status, Outcome: cl.Adjudication.Outcome,
		ChargedCents: cl.Input.TotalCents, PaidCents: cl.Adjudication.PaidCents, PatientCents: cl.Adjudication.PatientCents,
		Payments: cl.Payments, Prior: cl.Primary}
	for i, l := range cl.Adjudication.Lines {
		it := cl.Input.Items[i]
		line := wire.RemittanceLine{Sequence: l.Sequence, Code: it.Code, Modifiers: it.Modifiers,
			SubmittedCents: l.SubmittedCents, AllowedCents: l.AllowedCents, PatientCents: l.PatientCents,
			PaidCents: l.PaidCents, Adjustments: l.Reasons}
		if cl.Primary != nil {
			line.PriorPaidCents = cl.Primary.Lines[i].PaidCents
		}
		r.Lines = append(r.Lines, line)
	}
	return r, nil
}

// ListByStatus lists, newest change first, the traces of the claims in a
// status: for the billing staff of an org playing the provider and the
// adjudicators and claims intake of an org playing the payer, the claims
// their org is a party to; for the auditors of an org playing the
// regulator, every claim. Pages start at the bookmark and read pageSize
// index entries, however many claims there are.
func (c *Contract) ListByStatus(ctx contractapi.TransactionContextInterface, status string, pageSize int32, bookmark string) (*wire.TracePage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	_, part, err := t.require(providerBilling, payerClaimStaff, regulatorAuditor)
	if err != nil {
		return nil, err
	}
	if err := validate.OneOf("status", status, wire.Statuses()...); err != nil {
		return nil, err
	}
	party := t.Caller.MSPID
	if part == parts.PartRegulator {
		party = allParties
	}
	page, err := state.PageByPartialKey(t.Stub, objByStatus, []string{party, status}, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &wire.TracePage{Items: []wire.Trace{}, Bookmark: page.Bookmark}
	for _, r := range page.Records {
		tr, err := t.listed(r.Key, party, status)
		if err != nil {
			return nil, err
		}
		if tr != nil {
			out.Items = append(out.Items, *tr)
		}
	}
	return out, nil
}

// listed is the trace a status index entry points to, or nil when the
// entry is stale or was not written with the claim (its trace is in
// another status or stamp, or the party is not the claim's).
func (t *tx) listed(k, party, status string) (*wire.Trace, error) {
	_, attrs, err := state.SplitKey(k)
	if err != nil || len(attrs) != 4 {
		return nil, nil // not an entry this chaincode wrote
	}
	tr, err := t.trace(attrs[3])
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	inv, err := invertedStamp(tr.Updated)
	if err != nil || tr.Status != status || inv != attrs[2] || !slices.Contains(statusParties(tr), party) {
		return nil, nil
	}
	return tr, nil
}
