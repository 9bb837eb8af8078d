package claims

import (
	"slices"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// AppealWindow is how long after its adjudication a claim may be appealed:
// 180 days, the least a US group health plan must allow for an appeal of
// an adverse benefit determination (29 CFR 2560.503-1(h)(3)(i)).
const AppealWindow = 180 * 24 * time.Hour

// step checks the caller (its part and role, then that its org is the
// claim's party on that side, before any private read), loads the claim,
// refuses a transaction stamped before the claim's latest change, and
// checks that the claim is in one of the statuses from.
func (t *tx) step(id string, g grant, from ...string) (*wire.Claim, *wire.Trace, error) {
	_, part, err := t.require(g)
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
	if err := t.NotBefore("claim "+id, tr.Updated); err != nil {
		return nil, nil, err
	}
	if !slices.Contains(from, cl.Status) {
		return nil, nil, ccerr.Precondition("claim %s is %s: not allowed from there", id, cl.Status)
	}
	return cl, tr, nil
}

// Adjudicate lets the payer's adjudicator decide a pended or appealed claim:
// the rules run again, with the transient "decision" (optional) approving or
// denying prior authorizations.
func (c *Contract) Adjudicate(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cl, tr, err := t.step(id, payerAdjudicate, wire.StatusPended, wire.StatusAppealed)
	if err != nil {
		return nil, err
	}
	var d wire.Decision
	if m, err := t.Stub.GetTransient(); err == nil && len(m[wire.TransientDecision]) > 0 {
		if err := t.Transient(wire.TransientDecision, &d, 1024); err != nil {
			return nil, err
		}
		if d.ApprovePriorAuth && d.DenyPriorAuth {
			return nil, ccerr.Invalid(wire.TransientDecision, "approve or deny prior authorization, not both")
		}
	}
	if cl.Status == wire.StatusAppealed && cl.Adjudication != nil {
		// Re-adjudication starts from the accumulators before the first one.
		if err := t.unwind(cl); err != nil {
			return nil, err
		}
	}
	if err := t.adjudicate(cl, t.org, d); err != nil {
		return nil, err
	}
	if err := t.save(cl, tr); err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}

// unwind takes a claim's adjudicated payment back out of its member's accumulator.
func (t *tx) unwind(cl *wire.Claim) error {
	year := cl.Input.BillablePeriod.Start[:4]
	acc, err := t.accumulator(cl.Input.Payer, cl.Input.Patient, year)
	if err != nil {
		return err
	}
	acc.PaidCents -= cl.Adjudication.PaidCents
	for _, l := range cl.Adjudication.Lines {
		if cl.Primary != nil {
			break // a crossover's PR adjustments are the primary's, its deductible untouched
		}
		for _, r := range l.Reasons {
			if r.Group == "PR" && r.Code == carcDeductible {
				acc.DeductibleMetCents -= r.Amount
			}
		}
	}
	cl.Adjudication = nil
	return t.putAccumulator(cl.Input.Payer, cl.Input.Patient, year, acc)
}

// Appeal lets the provider's billing staff contest an adjudication, within
// AppealWindow of it; not that of a primary claim whose crossover is live
// (crossoverSettled).
func (c *Contract) Appeal(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cl, tr, err := t.step(id, providerBilling, wire.StatusAdjudicated)
	if err != nil {
		return nil, err
	}
	if cl.Adjudication.Outcome == wire.OutcomeApproved {
		return nil, ccerr.Precondition("claim %s was approved in full: nothing to appeal", id)
	}
	if err := t.withinAppealWindow(cl); err != nil {
		return nil, err
	}
	if err := t.crossoverSettled(cl); err != nil {
		return nil, err
	}
	cl.Status = wire.StatusAppealed
	if err := t.save(cl, tr); err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}

// withinAppealWindow refuses an appeal more than AppealWindow after the
// claim's adjudication.
func (t *tx) withinAppealWindow(cl *wire.Claim) error {
	at, err := time.Parse(time.RFC3339Nano, cl.Adjudication.At)
	if err != nil {
		return ccerr.Internal("claim %s: adjudication stamp: %v", cl.Input.ID, err)
	}
	if closes := at.Add(AppealWindow); t.Now.After(closes) {
		return ccerr.Precondition("claim %s: the appeal window closed at %s", cl.Input.ID, closes.Format(time.RFC3339))
	}
	return nil
}

// Pay records the payer's payment (transient "payment": trace number and
// amount, which must be the adjudicated payment).
func (c *Contract) Pay(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cl, tr, err := t.step(id, payerAdjudicate, wire.StatusAdjudicated)
	if err != nil {
		return nil, err
	}
	if cl.Adjudication.Outcome == wire.OutcomeDenied {
		return nil, ccerr.Precondition("claim %s was denied: there is nothing to pay", id)
	}
	var in wire.PaymentInput
	if err := t.Transient(wire.TransientPayment, &in, 1024); err != nil {
		return nil, err
	}
	if err := validate.Identifier("trace", in.Trace); err != nil {
		return nil, err
	}
	if in.AmountCents != cl.Adjudication.PaidCents {
		return nil, ccerr.Invalid("amount", "must be the adjudicated payment, %d", cl.Adjudication.PaidCents)
	}
	cl.Payments = append(cl.Payments, wire.Payment{Trace: in.Trace, AmountCents: in.AmountCents, Date: t.Stamp()})
	cl.Status = wire.StatusPaid
	if err := t.save(cl, tr); err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}

// ReversePayment reverses a payment; the claim is adjudicated again, unpaid.
func (c *Contract) ReversePayment(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cl, tr, err := t.step(id, payerAdjudicate, wire.StatusPaid)
	if err != nil {
		return nil, err
	}
	cl.Payments[len(cl.Payments)-1].Reversed = t.Stamp()
	cl.Status = wire.StatusAdjudicated
	if err := t.save(cl, tr); err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}

// Void withdraws a claim before payment (837 frequency code 8); its line
// fingerprints are released so a corrected claim can be submitted. A
// primary claim whose crossover is live is not voided (crossoverSettled).
func (c *Contract) Void(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cl, tr, err := t.step(id, providerBilling, wire.StatusPended, wire.StatusAdjudicated, wire.StatusAppealed)
	if err != nil {
		return nil, err
	}
	if err := t.crossoverSettled(cl); err != nil {
		return nil, err
	}
	if err := t.withdraw(cl, tr); err != nil {
		return nil, err
	}
	cl.Status = wire.StatusVoided
	if err := t.save(cl, tr); err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}

// withdraw releases a claim's line fingerprints, its patient-day index
// entries and what it added to its member's accumulator.
func (t *tx) withdraw(cl *wire.Claim, tr *wire.Trace) error {
	if err := t.release(cl, tr); err != nil {
		return err
	}
	if cl.Adjudication != nil {
		return t.unwind(cl)
	}
	return nil
}

// release deletes a claim's line fingerprints and patient-day entries.
func (t *tx) release(cl *wire.Claim, tr *wire.Trace) error {
	salt, err := t.salt(tr.Payer)
	if err != nil {
		return err
	}
	for _, fp := range lineFingerprints(salt, cl.Provider, &cl.Input) {
		fk, err := key(objFingerprint, fp)
		if err != nil {
			return err
		}
		if err := state.Delete(t.Stub, fk); err != nil {
			return err
		}
	}
	return t.moveDays(cl.Provider, &cl.Input, false)
}

// Replace replaces a claim before payment with a corrected one (837
// frequency code 7; transient "claim" with a new id); not a primary claim
// whose crossover is live (crossoverSettled).
func (c *Contract) Replace(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cl, tr, err := t.step(id, providerBilling, wire.StatusPended, wire.StatusAdjudicated, wire.StatusAppealed)
	if err != nil {
		return nil, err
	}
	var in wire.ClaimInput
	if err := t.Transient(wire.TransientClaim, &in, maxInputBytes); err != nil {
		return nil, err
	}
	if in.ID == id {
		return nil, ccerr.Invalid("id", "the replacement needs its own id")
	}
	if in.Patient != cl.Input.Patient {
		return nil, ccerr.Invalid("patient", "a replacement is for the same patient")
	}
	if in.Payer != cl.Input.Payer {
		return nil, ccerr.Invalid("payer", "a replacement is for the same payer")
	}
	if err := t.crossoverSettled(cl); err != nil {
		return nil, err
	}
	if err := t.withdraw(cl, tr); err != nil {
		return nil, err
	}
	cl.Status, cl.ReplacedBy = wire.StatusReplaced, in.ID
	if err := t.save(cl, tr); err != nil {
		return nil, err
	}
	next, err := t.submit(in, origin{provider: cl.Provider, replaces: id})
	if err != nil {
		return nil, err
	}
	return t.receipt(next), t.finish()
}
