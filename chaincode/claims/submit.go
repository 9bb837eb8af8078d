package claims

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/parts/wire"
)

// Claim is a claim as the provider and the payer hold it privately.
type Claim struct {
	Input        ClaimInput    `json:"claim"`
	Provider     string        `json:"provider"`
	Submitter    string        `json:"submitter"`
	Status       string        `json:"status"`
	PendReason   string        `json:"pendReason,omitempty" metadata:",optional"`
	Signals      []Signal      `json:"signals"`
	Adjudication *Adjudication `json:"adjudication,omitempty" metadata:",optional"`
	Payments     []Payment     `json:"payments"`
	Replaces     string        `json:"replaces,omitempty" metadata:",optional"`
	ReplacedBy   string        `json:"replacedBy,omitempty" metadata:",optional"`
	History      []Change      `json:"history"`
	Submitted    string        `json:"submitted"`
	Updated      string        `json:"updated"`
}

// Signal is a fraud signal, with its reason.
type Signal struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// Fraud signal codes.
const (
	SignalUnknownRecord  = "RECORD_UNKNOWN"
	SignalOtherPatient   = "RECORD_OTHER_PATIENT"
	SignalAfterWithdrawn = "SERVICE_AFTER_RECORD_WITHDRAWN"
	SignalTooManyPerDay  = "TOO_MANY_CLAIMS_PATIENT_DAY"
)

// Payment is a payer's payment of a claim.
type Payment struct {
	Trace       string `json:"trace"`
	AmountCents int64  `json:"amount"`
	Date        string `json:"date"`
	Reversed    string `json:"reversed,omitempty" metadata:",optional"`
}

// Change is one status change, for the claim's own history.
type Change struct {
	Status string `json:"status"`
	At     string `json:"at"`
	By     string `json:"by"`
	TxID   string `json:"txId"`
}

// Receipt is what a submitted transaction returns. The response is written
// into the block, so it says no more than the claim's public trace: id,
// status and outcome. Why a claim is pended (Claim.PendReason) is read
// with Get.
type Receipt struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Outcome string `json:"outcome,omitempty" metadata:",optional"`
	TxID    string `json:"txId"`
}

func (t *tx) receipt(c *Claim) *Receipt {
	r := &Receipt{ID: c.Input.ID, Status: c.Status, TxID: t.ID()}
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
func (c *Contract) Submit(ctx contractapi.TransactionContextInterface) (*Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := t.require(providerBilling); err != nil {
		return nil, err
	}
	var in ClaimInput
	if err := t.Transient(TransientClaim, &in, maxInputBytes); err != nil {
		return nil, err
	}
	cl, err := t.submit(in, "")
	if err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}

// submit records a new claim of the caller's org, replacing the claim
// replaces (empty for none).
func (t *tx) submit(in ClaimInput, replaces string) (*Claim, error) {
	if err := in.validate(t.Now); err != nil {
		return nil, err
	}
	if in.Payer == t.Caller.MSPID {
		return nil, ccerr.Invalid("payer", "a provider cannot bill itself")
	}
	payer, err := t.requirePayerOrg("payer", in.Payer)
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
	fps := lineFingerprints(salt, t.Caller.MSPID, &in)
	if err := t.refuseDuplicates(&in, salt, fps, replaces); err != nil {
		return nil, err
	}
	cl := &Claim{Input: in, Provider: t.Caller.MSPID, Submitter: t.Caller.Key(), Signals: []Signal{}, Payments: []Payment{},
		History: []Change{}, Submitted: t.Stamp(), Replaces: replaces}
	if cl.Signals, err = t.signals(&in, replaces); err != nil {
		return nil, err
	}
	if err := t.adjudicate(cl, payer, Decision{}); err != nil {
		return nil, err
	}
	tr := &Trace{ID: in.ID, Provider: cl.Provider, Payer: in.Payer}
	if err := t.save(cl, tr); err != nil {
		return nil, err
	}
	return cl, t.putClaimKeys(cl, tr, fps)
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
// endorsement policy, and its private patient-day entries.
func (t *tx) putClaimKeys(cl *Claim, tr *Trace, fps []string) error {
	policy, err := partiesPolicy(tr)
	if err != nil {
		return err
	}
	if err := t.putFingerprints(cl.Input.ID, fps, policy); err != nil {
		return err
	}
	return t.moveDays(&cl.Input, true)
}

// serviceDays are the distinct service dates of a claim's lines, sorted.
func serviceDays(c *ClaimInput) []string {
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
func (t *tx) adjudicate(cl *Claim, payer wire.Org, d Decision) error {
	in := &cl.Input
	cl.Adjudication, cl.PendReason = nil, ""
	if len(cl.Signals) > 0 && !d.ApprovePriorAuth && !d.DenyPriorAuth && cl.Status == "" {
		cl.Status, cl.PendReason = StatusPended, PendFraud
		return nil
	}
	cov, ok, err := t.coverageFor(in, payer)
	if err != nil || !ok {
		cl.Status, cl.PendReason = StatusPended, PendCoverage
		return err
	}
	var rules Rules
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
		cl.Status, cl.PendReason = StatusPended, pend
		return nil
	}
	adj.At, adj.Manual = t.Stamp(), d != (Decision{}) || cl.Status != ""
	cl.Status, cl.Adjudication = StatusAdjudicated, &adj
	return t.putAccumulator(in.Payer, in.Patient, year, next)
}

// coverageFor is the claim's coverage when it covers the claim: the
// payer's coverage of the patient, active over the billable period, under
// a plan the payer (still) owns.
func (t *tx) coverageFor(in *ClaimInput, payer wire.Org) (*Coverage, bool, error) {
	var cov Coverage
	err := t.readCoverage(in.Payer, in.Coverage, &cov)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	ok := cov.Member == in.Patient && cov.Payer == in.Payer && cov.Status == "active" && planOK(payer, cov.Plan) &&
		cov.Period.contains(in.BillablePeriod.Start) && cov.Period.contains(in.BillablePeriod.End)
	return &cov, ok, nil
}

// signals records the fraud signals of a claim.
func (t *tx) signals(in *ClaimInput, replaces string) ([]Signal, error) {
	out, err := t.recordSignals(in)
	if err != nil {
		return nil, err
	}
	limit := 5
	var cov Coverage
	if err := t.readCoverage(in.Payer, in.Coverage, &cov); err == nil {
		var rules Rules
		if err := t.readRules(in.Payer, cov.Plan, &rules); err == nil {
			limit = rules.maxPerDay()
		}
	}
	for _, d := range serviceDays(in) {
		n, err := t.claimsOnDay(in.Payer, in.Patient, d, replaces)
		if err != nil {
			return nil, err
		}
		if n >= limit {
			out = append(out, Signal{SignalTooManyPerDay, fmt.Sprintf("more than %d claims for this patient on %s", limit, d)})
		}
	}
	return out, nil
}

// recordSignals asks the records chaincode about every cited record.
func (t *tx) recordSignals(in *ClaimInput) ([]Signal, error) {
	out := []Signal{}
	for _, rec := range in.Records {
		var m struct {
			Known          bool   `json:"known"`
			Matches        bool   `json:"matches"`
			EnteredInError string `json:"enteredInError"`
		}
		if err := cccall.Call(t.Stub, RecordsChaincode, "MatchSubject", &m, rec, in.Patient); err != nil {
			return nil, err
		}
		switch {
		case !m.Known:
			out = append(out, Signal{SignalUnknownRecord, fmt.Sprintf("cited record %s does not exist", rec)})
		case !m.Matches:
			out = append(out, Signal{SignalOtherPatient, fmt.Sprintf("cited record %s belongs to another patient", rec)})
		case len(m.EnteredInError) >= 10 && m.EnteredInError[:10] <= in.BillablePeriod.End:
			out = append(out, Signal{SignalAfterWithdrawn, fmt.Sprintf("service on or after %s, when record %s was entered in error", m.EnteredInError[:10], rec)})
		}
	}
	return out, nil
}

// askPaymentConsent asks the consent chaincode when the channel requires
// consent for payment disclosures.
func (t *tx) askPaymentConsent(in *ClaimInput) error {
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
	if err := cccall.Call(t.Stub, ConsentChaincode, "Check", &d, string(req)); err != nil {
		return err
	}
	if d.Decision != "permit" {
		return ccerr.Forbidden("the patient's consent does not permit disclosure for payment, which this channel requires")
	}
	return nil
}
