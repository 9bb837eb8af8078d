package claims

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Coordination of benefits. A claim names the patient's next coverage
// (ClaimInput.Secondary). Once its payer, the primary, has adjudicated it,
// Crossover makes the claim for the remainder at the secondary payer,
// CrossoverID(primary), in the provider–secondary pair's collection; the
// provider does not bill twice. The secondary's peer is no member of the
// provider–primary collection and cannot read the primary's record, so the
// crossover carries it in the transient map (as SealedRecord returns it)
// and every endorser checks it against the record's hash, which every
// peer holds, before anything of it is used.

// carcPriorPayer is CARC 23: the impact of prior payers' adjudication.
const carcPriorPayer = "23"

// RuleCoordination is the rule recorded on a secondary's adjudication.
const RuleCoordination = "coordination-of-benefits"

// SealedRecord returns a claim's private record as stored (base64): its
// salt and JSON, whose SHA-256 is the trace's detailsHash. For the claim's
// readers (Get's), to forward the claim with Crossover. Evaluate it.
func (c *Contract) SealedRecord(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return "", err
	}
	_, tr, err := t.readable(id)
	if err != nil {
		return "", err
	}
	k, err := recordKey(tr.Record, tr.ID)
	if err != nil {
		return "", err
	}
	raw, err := t.Stub.GetPrivateData(wire.PairCollection(tr.Provider, tr.Payer), k)
	if err != nil {
		return "", ccerr.Internal("record of claim %s: %v", id, err)
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

// Crossover forwards an adjudicated (or paid) claim that names a secondary
// coverage to the secondary payer, endorsed by the provider's and the
// secondary's peers: by the provider's billing staff (the claims client
// does it when the primary's adjudication event arrives, so the provider
// never bills twice) or the secondary's adjudicators and claims intake
// (the primary handed them the record). The primary payer cannot submit
// it: it is no member of the secondary's collections, whose memberOnlyRead
// and memberOnlyWrite refuse its clients. The transient "primary" is the
// primary claim's sealed record; it must hash to the record on the ledger. The new claim,
// CrossoverID(id), is the same services under the secondary coverage,
// with the primary's adjudication (Prior); the secondary adjudicates it
// by its own rules and pays at most what the primary left to the patient,
// line by line, never what the primary paid. A second crossover of the
// same claim is a CONFLICT.
func (c *Contract) Crossover(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	_, part, err := t.require(providerBilling, payerClaimStaff)
	if err != nil {
		return nil, err
	}
	tr, err := t.trace(id)
	if err != nil {
		return nil, err
	}
	if part == parts.PartProvider {
		if err := t.owns(part, tr); err != nil {
			return nil, err
		}
	}
	primary, err := t.primaryRecord(tr)
	if err != nil {
		return nil, err
	}
	if s := primary.Input.Secondary; part == parts.PartPayer && (s == nil || s.Payer != t.Caller.MSPID) {
		return nil, ccerr.Forbidden("claim %s does not name %s as its secondary payer", id, t.Caller.MSPID)
	}
	in, prior, err := t.crossoverClaim(tr, primary)
	if err != nil {
		return nil, err
	}
	cl, err := t.submit(in, origin{provider: tr.Provider, primary: prior})
	if err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}

// primaryRecord is the primary claim's record from the transient map,
// checked against the trace's commitment (the hash of the stored record,
// which the trace check read on this peer).
func (t *tx) primaryRecord(tr *wire.Trace) (*wire.Claim, error) {
	var sealed string
	if err := t.Transient(wire.TransientPrimary, &sealed, 4*maxInputBytes); err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(raw) == 0 {
		return nil, ccerr.Invalid(wire.TransientPrimary, "needs the primary claim's sealed record (base64, as SealedRecord returns it)")
	}
	sum := sha256.Sum256(raw)
	if hex.EncodeToString(sum[:]) != tr.DetailsHash {
		// FAILED_PRECONDITION, not INVALID_ARGUMENT: a record read a moment
		// ago differs as soon as the primary pays, or while this peer has
		// not committed the change the reader saw; read it again.
		return nil, ccerr.New(ccerr.CodeFailedPrecondition, wire.TransientPrimary,
			"is not claim %s's record as this peer holds it now (its hash differs): read it again (SealedRecord)", tr.ID)
	}
	_, data, err := unseal(raw)
	var cl wire.Claim
	if err == nil {
		err = json.Unmarshal(data, &cl)
	}
	if err != nil || cl.Input.ID != tr.ID {
		return nil, ccerr.Internal("record of claim %s: %v", tr.ID, err)
	}
	return &cl, nil
}

// crossoverClaim is the secondary's claim of a primary claim and the
// primary's adjudication, when the primary may cross over.
func (t *tx) crossoverClaim(tr *wire.Trace, p *wire.Claim) (wire.ClaimInput, *wire.Prior, error) {
	if err := t.NotBefore("claim "+tr.ID, tr.Updated); err != nil {
		return wire.ClaimInput{}, nil, err
	}
	if p.Input.Secondary == nil {
		return wire.ClaimInput{}, nil, ccerr.Precondition("claim %s names no secondary coverage", tr.ID)
	}
	if p.Primary != nil {
		return wire.ClaimInput{}, nil, ccerr.Precondition("claim %s is itself a crossover", tr.ID)
	}
	if (p.Status != wire.StatusAdjudicated && p.Status != wire.StatusPaid) || p.Adjudication == nil {
		return wire.ClaimInput{}, nil, ccerr.Precondition("claim %s is %s: it crosses over once the primary has adjudicated it", tr.ID, p.Status)
	}
	if p.Adjudication.Outcome == wire.OutcomeDenied {
		return wire.ClaimInput{}, nil, ccerr.Precondition("claim %s was denied by the primary: bill the secondary as primary", tr.ID)
	}
	in := p.Input
	in.ID, in.Payer, in.Coverage, in.Secondary = wire.CrossoverID(tr.ID), p.Input.Secondary.Payer, p.Input.Secondary.Coverage, nil
	a := p.Adjudication
	prior := &wire.Prior{Claim: tr.ID, Payer: tr.Payer, PaidCents: a.PaidCents, PatientCents: a.PatientCents, Lines: a.Lines}
	for _, l := range a.Lines {
		prior.AllowedCents += l.AllowedCents
	}
	return in, prior, nil
}

// coordinate turns the secondary's own adjudication of a crossover claim
// into what it pays of the remainder: per line, the least of what its
// rules pay and what the primary left to the patient. The primary's
// payment shows as OA-23; what the patient still owes keeps the primary's
// patient-responsibility codes (deductible, copay), less what the
// secondary paid of them, in order. It returns how much less than its
// rules the secondary pays.
func coordinate(adj *wire.Adjudication, prior *wire.Prior) int64 {
	var saved int64
	adj.PaidCents, adj.PatientCents = 0, 0
	for i := range adj.Lines {
		l, p := &adj.Lines[i], prior.Lines[i]
		pay := min(l.PaidCents, p.PatientCents)
		saved += l.PaidCents - pay
		l.Reasons = coordinatedReasons(l.Reasons, l.SubmittedCents, p, pay)
		l.PaidCents, l.PatientCents = pay, p.PatientCents-pay
		adj.PaidCents += l.PaidCents
		adj.PatientCents += l.PatientCents
	}
	adj.Rules = append(adj.Rules, RuleCoordination)
	return saved
}

// coordinatedReasons are a secondary line's adjustments, which add up to
// its charge less what it pays, as an 835 must: its own contractual ones
// (CO) as far as the primary's contractual adjustment goes (the patient
// owes the primary's responsibility less this payment, so the provider
// writes off no more than under the primary's contract); the prior
// payer's impact (OA-23): the primary's payment and what is left of its
// contractual adjustment; and the primary's patient responsibility less
// pay, code by code.
func coordinatedReasons(own []wire.Reason, submitted int64, p wire.LineResult, pay int64) []wire.Reason {
	out := []wire.Reason{}
	room := max(0, submitted-p.PaidCents-p.PatientCents)
	for _, r := range own {
		if r.Group != "CO" || room == 0 {
			continue
		}
		amount := min(r.Amount, room)
		room -= amount
		out = append(out, wire.Reason{Group: "CO", Code: r.Code, Amount: amount})
	}
	if prior := p.PaidCents + room; prior > 0 {
		out = append(out, wire.Reason{Group: "OA", Code: carcPriorPayer, Amount: prior})
	}
	for _, r := range p.Reasons {
		if r.Group != "PR" {
			continue
		}
		covered := min(r.Amount, pay)
		pay -= covered
		if left := r.Amount - covered; left > 0 {
			out = append(out, wire.Reason{Group: "PR", Code: r.Code, Amount: left})
		}
	}
	return out
}
