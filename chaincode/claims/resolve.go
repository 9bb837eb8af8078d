package claims

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Resolving a flag. A payer that looked into a flag on a line of its own
// claim says what it found: the line is a duplicate, and is denied (CARC
// 18, exact duplicate claim/service, what it added to the member's
// accumulator taken back), or the flag is cleared, with a reason. The
// resolution is kept in the claim's record (the provider–payer pair's
// collection), never in the payers' collection: the other payer flagged
// for the same service learns nothing of it. The provider's peer, which
// endorses the change of the claim, is no member of the payers'
// collection: the payer hands it the flag as stored (SealedFlag), checked
// against the private-data hash every peer holds, as a crossover is.

// carcDuplicate is CARC 18: exact duplicate claim/service.
const carcDuplicate = "18"

// RuleDuplicate is the rule recorded on an adjudication whose line a
// payer denied as a duplicate.
const RuleDuplicate = "duplicate-service"

// maxReasonLen bounds a resolution's reason, in characters.
const maxReasonLen = 500

// SealedFlag returns the flag on line (1-based) of a claim as the payers'
// collection stores it, to the claim's payer's adjudicators and claims
// intake, for ResolveFlag. Evaluate it on the payer's peer.
func (c *Contract) SealedFlag(ctx contractapi.TransactionContextInterface, id string, line int) (*wire.SealedFlag, error) {
	t, tr, cl, err := c.beginAsClaimsPayer(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkLine(cl, line); err != nil {
		return nil, err
	}
	k, err := t.flagKey(tr.Payer, id, line)
	if err != nil {
		return nil, err
	}
	raw, err := t.Stub.GetPrivateData(wire.PayersCollection, k)
	if err != nil {
		return nil, privateErr(t.Caller.MSPID, wire.PayersCollection, ccerr.Internal("read flag: %v", err))
	}
	if len(raw) == 0 {
		return nil, ccerr.NotFound("no flag on claim %s line %d", id, line)
	}
	return &wire.SealedFlag{Key: k, Sealed: base64.StdEncoding.EncodeToString(raw)}, nil
}

// flagKey is the key of payer's flag on a claim's line: a simple key,
// flagPrefix(payer) and a token of the claim and line, so that ListFlags
// pages it with a private range query from its bookmark (Fabric's private
// partial composite key queries cannot start there). The token keeps the
// key's hash, which every block shows, from being recomputed by anyone
// outside the payers' collection.
func (t *tx) flagKey(payer, claim string, line int) (string, error) {
	prefix, err := flagPrefix(payer)
	if err != nil {
		return "", err
	}
	b, err := t.blinder(wire.PayersCollection)
	if err != nil {
		return "", err
	}
	return prefix + b.Token(objServiceFlag, payer, claim, strconv.Itoa(line)), nil
}

// flagPrefix starts the keys of payer's flags: "serviceFlag.", the payer's
// MSP id (an identifier, which holds no '/') and '/'.
func flagPrefix(payer string) (string, error) {
	if err := validate.Identifier("payer", payer); err != nil {
		return "", err
	}
	return objServiceFlag + "." + payer + "/", nil
}

// isFlagKeyOf reports whether k is the key of one of payer's flags.
func isFlagKeyOf(k, payer string) bool {
	prefix, err := flagPrefix(payer)
	return err == nil && strings.HasPrefix(k, prefix) && validate.Identifier("flag.key", k[len(prefix):]) == nil
}

// checkLine refuses a line number that is not one of the claim's.
func checkLine(cl *wire.Claim, line int) error {
	if line < 1 || line > len(cl.Input.Items) {
		return ccerr.Invalid("line", "must be one of the claim's lines, 1 to %d", len(cl.Input.Items))
	}
	return nil
}

// ResolveFlag records the claim's payer's resolution of the flag on a
// line of its claim (transient "resolution"), by its adjudicators,
// endorsed by the provider's and the payer's peers. A duplicate is
// denied on an adjudicated claim only (a paid one has its payment
// reversed first; a pended one is adjudicated first), and not while the
// claim's crossover is live; a flag is cleared in any live status. A flag
// is resolved once.
func (c *Contract) ResolveFlag(ctx contractapi.TransactionContextInterface, id string, line int) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cl, tr, err := t.step(id, payerAdjudicate, wire.StatusPended, wire.StatusAdjudicated, wire.StatusAppealed, wire.StatusPaid)
	if err != nil {
		return nil, err
	}
	var in wire.ResolutionInput
	if err := t.Transient(wire.TransientResolution, &in, 8*1024); err != nil {
		return nil, err
	}
	f, err := t.resolvable(cl, tr, line, &in)
	if err != nil {
		return nil, err
	}
	if in.Outcome == wire.ResolutionDuplicate {
		if err := t.denyDuplicate(cl, line); err != nil {
			return nil, err
		}
	}
	cl.Resolutions = append(cl.Resolutions, wire.FlagResolution{Line: line, Match: f.Match, Outcome: in.Outcome,
		Reason: in.Reason, By: t.Caller.Key(), At: t.Stamp(), TxID: t.ID()})
	if err := t.save(cl, tr); err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}

// resolvable checks a resolution of the flag on line of a claim: its
// outcome and reason, the flag (stored in the payers' collection, as its
// hash shows, for the claim's payer, naming this claim and line), and
// that it is not resolved yet. It returns the flag.
func (t *tx) resolvable(cl *wire.Claim, tr *wire.Trace, line int, in *wire.ResolutionInput) (*wire.Flag, error) {
	if err := checkLine(cl, line); err != nil {
		return nil, err
	}
	if err := validate.OneOf("outcome", in.Outcome, wire.Resolutions()...); err != nil {
		return nil, err
	}
	if err := validate.Required("reason", in.Reason); err != nil {
		return nil, err
	}
	if err := validate.MaxLen("reason", in.Reason, maxReasonLen); err != nil {
		return nil, err
	}
	f, err := t.storedFlag(tr, in.Flag)
	if err != nil {
		return nil, err
	}
	if f.Claim != tr.ID || f.Line != line {
		return nil, ccerr.Invalid("flag", "is the flag on claim %s line %d, not on claim %s line %d", f.Claim, f.Line, tr.ID, line)
	}
	if slices.ContainsFunc(cl.Resolutions, func(r wire.FlagResolution) bool { return r.Line == line && r.Match == f.Match }) {
		return nil, ccerr.Conflict("the flag on claim %s line %d is resolved already", tr.ID, line)
	}
	return f, nil
}

// storedFlag is the flag a sealed flag holds, when its key is one of the
// claim's payer's flags and its value hashes to what the payers'
// collection holds there.
func (t *tx) storedFlag(tr *wire.Trace, sf wire.SealedFlag) (*wire.Flag, error) {
	if !isFlagKeyOf(sf.Key, tr.Payer) {
		return nil, ccerr.Invalid("flag.key", "is not the key of a flag of %s", tr.Payer)
	}
	raw, err := base64.StdEncoding.DecodeString(sf.Sealed)
	if err != nil || len(raw) == 0 {
		return nil, ccerr.Invalid("flag.sealed", "needs the flag as stored (base64, as SealedFlag returns it)")
	}
	sum, err := t.Stub.GetPrivateDataHash(wire.PayersCollection, sf.Key)
	if err != nil {
		return nil, ccerr.Internal("hash of flag: %v", err)
	}
	if got := sha256.Sum256(raw); hex.EncodeToString(got[:]) != hex.EncodeToString(sum) {
		return nil, ccerr.Invalid("flag", "is not a flag on the ledger (its hash differs)")
	}
	var f wire.Flag
	_, data, err := unseal(raw)
	if err == nil {
		err = json.Unmarshal(data, &f)
	}
	if err != nil {
		return nil, ccerr.Invalid("flag", "is not a flag: %v", err)
	}
	return &f, nil
}

// denyDuplicate denies line (1-based) of an adjudicated claim as a
// duplicate: the line pays nothing and leaves the patient nothing (CO-18
// for what was billed), what it paid and the deductible it met leave the
// member's accumulator, and the claim's totals and outcome follow.
func (t *tx) denyDuplicate(cl *wire.Claim, line int) error {
	if cl.Status != wire.StatusAdjudicated || cl.Adjudication == nil {
		return ccerr.Precondition("claim %s is %s: a duplicate line is denied on an adjudicated claim (reverse a payment, adjudicate a pended claim first)", cl.Input.ID, cl.Status)
	}
	if err := t.crossoverSettled(cl); err != nil {
		return err
	}
	adj := cl.Adjudication
	l := &adj.Lines[line-1]
	year := cl.Input.BillablePeriod.Start[:4]
	acc, err := t.accumulator(cl.Input.Payer, cl.Input.Patient, year)
	if err != nil {
		return err
	}
	acc.PaidCents -= l.PaidCents
	if cl.Primary == nil {
		acc.DeductibleMetCents -= deductibleOf(l.Reasons)
	}
	adj.PaidCents -= l.PaidCents
	adj.PatientCents -= l.PatientCents
	*l = wire.LineResult{Sequence: l.Sequence, SubmittedCents: l.SubmittedCents, Outcome: wire.OutcomeDenied,
		Reasons: []wire.Reason{{Group: "CO", Code: carcDuplicate, Amount: l.SubmittedCents}}}
	adj.Outcome = wire.OutcomePartial
	if !slices.ContainsFunc(adj.Lines, func(l wire.LineResult) bool { return l.Outcome != wire.OutcomeDenied }) {
		adj.Outcome = wire.OutcomeDenied
	}
	if !slices.Contains(adj.Rules, RuleDuplicate) {
		adj.Rules = append(adj.Rules, RuleDuplicate)
	}
	adj.Manual, adj.At = true, t.Stamp()
	return t.putAccumulator(cl.Input.Payer, cl.Input.Patient, year, acc)
}

// deductibleOf is the deductible (PR-1) in a line's adjustments.
func deductibleOf(reasons []wire.Reason) int64 {
	var n int64
	for _, r := range reasons {
		if r.Group == "PR" && r.Code == carcDeductible {
			n += r.Amount
		}
	}
	return n
}

// crossoverSettled refuses to change a primary claim (void, replace,
// appeal, dispute, deny a line) while its crossover is live: the
// secondary's claim rests on the primary's adjudication (its Prior). The
// secondary reverses its payment of the crossover, if any, and the
// provider voids the crossover first; a replacement then crosses over
// under its own id. A trace at the crossover's id that no record backs
// is no crossover.
func (t *tx) crossoverSettled(cl *wire.Claim) error {
	if cl.Input.Secondary == nil || cl.Primary != nil {
		return nil
	}
	id := wire.CrossoverID(cl.Input.ID)
	tr, err := t.trace(id)
	if code := ccerr.CodeOf(err); code == ccerr.CodeNotFound || code == ccerr.CodeInvalidArgument {
		return nil
	}
	if err != nil {
		return err
	}
	if !live(tr.Status) {
		return nil
	}
	return ccerr.Precondition("claim %s crossed over to %s as %s (%s), which rests on this claim's adjudication: void the crossover first (its payment reversed by the secondary first)",
		cl.Input.ID, tr.Payer, id, tr.Status)
}
