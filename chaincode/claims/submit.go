package claims

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	consentwire "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	recordswire "github.com/carechain/carechain/chaincode/records/wire"
)

func (t *tx) receipt(c *wire.Claim) *wire.Receipt {
	r := &wire.Receipt{ID: c.Input.ID, Status: c.Status, TxID: t.ID()}
	if c.Adjudication != nil {
		r.Outcome = c.Adjudication.Outcome
	}
	return r
}

// Submit takes a claim (transient "claim", ClaimInput) from the billing
// staff of an org playing the provider: it refuses malformed, impossible
// and duplicate claims and claims to an org that is not a payer, records
// fraud signals, checks coverage and runs the plan's rules. The claim ends
// adjudicated, or pended with the reason.
func (c *Contract) Submit(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := t.require(providerBilling); err != nil {
		return nil, err
	}
	var in wire.ClaimInput
	if err := t.Transient(wire.TransientClaim, &in, maxInputBytes); err != nil {
		return nil, err
	}
	cl, err := t.submit(in, origin{provider: t.Caller.MSPID})
	if err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}

// origin is where a new claim comes from: its provider, the claim it
// replaces (if any), how its payer received it (SubmitIntake) and the
// primary's adjudication (Crossover).
type origin struct {
	provider string
	replaces string
	intake   *wire.Intake
	primary  *wire.Prior
}

// submit records a new claim of o's provider.
func (t *tx) submit(in wire.ClaimInput, o origin) (*wire.Claim, error) {
	replaces := o.replaces
	payer, err := t.admitClaim(&in, o)
	if err != nil {
		return nil, err
	}
	if err := t.refuseExisting(in.ID); err != nil {
		return nil, err
	}
	if err := t.askPaymentConsent(&in); err != nil {
		return nil, err
	}
	salt, err := t.salt(in.Payer)
	if err != nil {
		return nil, err
	}
	fps := lineFingerprints(salt, o.provider, &in)
	if err := t.refuseDuplicates(&in, salt, fps, replaces); err != nil {
		return nil, err
	}
	cl := &wire.Claim{Input: in, Provider: o.provider, Submitter: t.Caller.Key(), Signals: []wire.Signal{}, Payments: []wire.Payment{},
		History: []wire.Change{}, Submitted: t.Stamp(), Replaces: replaces, Intake: o.intake, Primary: o.primary}
	if cl.Signals, err = t.signals(cl.Provider, &in, replaces); err != nil {
		return nil, err
	}
	if err := t.adjudicate(cl, payer, wire.Decision{}); err != nil {
		return nil, err
	}
	tr := &wire.Trace{ID: in.ID, Provider: cl.Provider, Payer: in.Payer}
	if err := t.save(cl, tr); err != nil {
		return nil, err
	}
	return cl, t.putClaimKeys(cl, tr, fps)
}

// admitClaim validates a new claim and its payers: the payer it bills
// (whose org it returns) and a secondary payer must be payers of the
// consortium, and not the provider itself.
func (t *tx) admitClaim(in *wire.ClaimInput, o origin) (parts.Org, error) {
	if err := validateClaim(in, t.Now); err != nil {
		return parts.Org{}, err
	}
	if in.Payer == o.provider {
		return parts.Org{}, ccerr.Invalid("payer", "a provider cannot bill itself")
	}
	payer, err := t.requirePayerOrg("payer", in.Payer)
	if err != nil {
		return parts.Org{}, err
	}
	if in.Secondary != nil {
		if _, err := t.requirePayerOrg("secondary.payer", in.Secondary.Payer); err != nil {
			return parts.Org{}, err
		}
	}
	return payer, nil
}

// refuseExisting refuses a claim id that is taken.
func (t *tx) refuseExisting(id string) error {
	k, err := key(objTrace, id)
	if err != nil {
		return err
	}
	if exists, err := state.Exists(t.Stub, k); err != nil {
		return err
	} else if exists {
		return ccerr.Conflict("claim %s already exists", id)
	}
	return nil
}

// putClaimKeys writes a new claim's line fingerprints, with the parties'
// endorsement policy, its private patient index entry and patient-day
// entries.
func (t *tx) putClaimKeys(cl *wire.Claim, tr *wire.Trace, fps []string) error {
	policy, err := partiesPolicy(tr)
	if err != nil {
		return err
	}
	if err := t.putFingerprints(cl.Input.ID, fps, policy); err != nil {
		return err
	}
	if err := t.putPatientEntry(cl, tr); err != nil {
		return err
	}
	return t.moveDays(cl.Provider, &cl.Input, true)
}

// serviceDays are the distinct service dates of a claim's lines, sorted.
func serviceDays(c *wire.ClaimInput) []string {
	var days []string
	for _, it := range c.Items {
		if !slices.Contains(days, it.Date) {
			days = append(days, it.Date)
		}
	}
	slices.Sort(days)
	return days
}

// adjudicate checks coverage and runs the plan's rules on a claim that is
// new, pended or appealed; a pended result leaves accumulators untouched.
// payer is the claim's payer's registry entry.
func (t *tx) adjudicate(cl *wire.Claim, payer parts.Org, d wire.Decision) error {
	in := &cl.Input
	cl.Adjudication, cl.PendReason = nil, ""
	if len(cl.Signals) > 0 && !d.ApprovePriorAuth && !d.DenyPriorAuth && cl.Status == "" {
		cl.Status, cl.PendReason = wire.StatusPended, wire.PendFraud
		return nil
	}
	cov, ok, err := t.coverageFor(in, payer)
	if err != nil || !ok {
		cl.Status, cl.PendReason = wire.StatusPended, wire.PendCoverage
		return err
	}
	var rules wire.Rules
	if err := t.readRules(in.Payer, cov.Plan, &rules); err != nil {
		return ccerr.New(ccerr.CodeOf(err), "", "plan %s: %v", cov.Plan, err)
	}
	year := in.BillablePeriod.Start[:4]
	acc, err := t.accumulator(in.Payer, in.Patient, year)
	if err != nil {
		return err
	}
	adj, next, pend := Adjudicate(in, cov, &rules, acc, d)
	if pend != "" {
		cl.Status, cl.PendReason = wire.StatusPended, pend
		return nil
	}
	if cl.Primary != nil {
		// A crossover pays the remainder; the member's deductible with the
		// secondary is not credited by what the primary processed.
		next.PaidCents -= coordinate(&adj, cl.Primary)
		next.DeductibleMetCents = acc.DeductibleMetCents
	}
	adj.At, adj.Manual = t.Stamp(), d != (wire.Decision{}) || cl.Status != ""
	cl.Status, cl.Adjudication = wire.StatusAdjudicated, &adj
	return t.putAccumulator(in.Payer, in.Patient, year, next)
}

// coverageFor is the claim's coverage when it covers the claim: the
// payer's coverage of the patient, active over the billable period, under
// a plan the payer (still) owns.
func (t *tx) coverageFor(in *wire.ClaimInput, payer parts.Org) (*wire.Coverage, bool, error) {
	var cov wire.Coverage
	err := t.readCoverage(in.Payer, in.Coverage, &cov)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	ok := cov.Member == in.Patient && cov.Payer == in.Payer && cov.Status == "active" && planOK(payer, cov.Plan) &&
		periodContains(cov.Period, in.BillablePeriod.Start) && periodContains(cov.Period, in.BillablePeriod.End)
	return &cov, ok, nil
}

// signals records the fraud signals of a provider's claim.
func (t *tx) signals(provider string, in *wire.ClaimInput, replaces string) ([]wire.Signal, error) {
	out, err := t.recordSignals(in)
	if err != nil {
		return nil, err
	}
	limit := 5
	var cov wire.Coverage
	if err := t.readCoverage(in.Payer, in.Coverage, &cov); err == nil {
		var rules wire.Rules
		if err := t.readRules(in.Payer, cov.Plan, &rules); err == nil {
			limit = maxPerDay(&rules)
		}
	}
	for _, d := range serviceDays(in) {
		n, err := t.claimsOnDay(provider, in.Payer, in.Patient, d, replaces)
		if err != nil {
			return nil, err
		}
		if n >= limit {
			out = append(out, wire.Signal{Code: wire.SignalTooManyPerDay, Reason: fmt.Sprintf("more than %d claims for this patient on %s", limit, d)})
		}
	}
	return out, nil
}

// recordSignals asks the records chaincode about every cited record.
func (t *tx) recordSignals(in *wire.ClaimInput) ([]wire.Signal, error) {
	out := []wire.Signal{}
	for _, rec := range in.Records {
		var m struct {
			Known          bool   `json:"known"`
			Matches        bool   `json:"matches"`
			EnteredInError string `json:"enteredInError"`
		}
		if err := cccall.Call(t.Stub, RecordsChaincode, recordswire.FnMatchSubject, &m, rec, in.Patient); err != nil {
			return nil, err
		}
		switch {
		case !m.Known:
			out = append(out, wire.Signal{Code: wire.SignalUnknownRecord, Reason: fmt.Sprintf("cited record %s does not exist", rec)})
		case !m.Matches:
			out = append(out, wire.Signal{Code: wire.SignalOtherPatient, Reason: fmt.Sprintf("cited record %s belongs to another patient", rec)})
		case len(m.EnteredInError) >= 10 && m.EnteredInError[:10] <= in.BillablePeriod.End:
			out = append(out, wire.Signal{Code: wire.SignalAfterWithdrawn, Reason: fmt.Sprintf("service on or after %s, when record %s was entered in error", m.EnteredInError[:10], rec)})
		}
	}
	return out, nil
}

// askPaymentConsent asks the consent chaincode when the channel requires
// consent for payment disclosures.
func (t *tx) askPaymentConsent(in *wire.ClaimInput) error {
	s, err := t.settings()
	if err != nil || !s.PaymentConsentRequired {
		return err
	}
	req, err := json.Marshal(map[string]string{"subject": in.Patient, "action": "disclose", "purpose": "payment", "class": "claims"})
	if err != nil {
		return ccerr.Internal("consent request: %v", err)
	}
	var d struct {
		Decision string `json:"decision"`
	}
	if err := cccall.Call(t.Stub, ConsentChaincode, consentwire.FnCheck, &d, string(req)); err != nil {
		return err
	}
	if d.Decision != "permit" {
		return ccerr.Forbidden("the patient's consent does not permit disclosure for payment, which this channel requires")
	}
	return nil
}
