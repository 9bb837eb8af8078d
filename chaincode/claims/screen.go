package claims

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// The cross-payer duplicate screen. A service's consortium fingerprint is
// a token under the payers' secret (collection claimsPayers, whose members
// are the payers only) of what makes it the same service — provider,
// patient, date of service, procedure, modifiers (normalised) and units,
// never the amount or how the billable period is written — so no provider,
// regulator or patient registry can compute one. A provider's peer can
// neither read the payers' collection nor compute the fingerprint, so the
// screen cannot run in Submit (every endorser must produce the same
// read-write set): it is a second transaction, Screen, that the claim's
// payer runs once the claim is on the ledger (the claims client's
// screener does it on each new claim's event), endorsed by its own peer.
//
// In the payers' collection:
//
//	serviceEntry [token(fingerprint, payer)] → the payer's live claims and
//	             lines billing the service; key-level policy: that
//	             payer's peer, so no other payer rewrites or deletes it
//	serviceFlag.PAYER/token(payer, claim, line) (a simple key, which a
//	             private range query pages) → Flag: this line of
//	             the payer's claim bills a service a live claim at
//	             another payer (or another of its own) bills too;
//	             key-level policy: that payer's peer (resolve.go: its
//	             resolution is kept in the claim's record)
//
// A flag names the payer's own claim and line and a match token (the same
// for every payer flagged for the service): nothing of the other claim.
// Claims related by coordination of benefits (a claim and its crossover)
// are the same service on purpose and never flagged.

const (
	objServiceEntry = "serviceEntry"
	objServiceFlag  = "serviceFlag"
)

// serviceLine is one claim line in a service entry.
type serviceLine struct {
	Claim string `json:"claim"`
	Line  int    `json:"line"`
}

type serviceEntry struct {
	Lines []serviceLine `json:"lines"`
}

// Screen checks a claim's lines against every payer's entries in the
// payers' collection and records them there: by the adjudicators or
// claims intake of the claim's payer, on its peer. Each line that bills
// a service some other live claim bills (not one related to it by
// coordination of benefits) flags both claims' lines, each to its own
// payer. Screening again changes no entry or flag: it writes its payer's
// entries as they are (see line), so that it validates as the first did.
func (c *Contract) Screen(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, tr, cl, err := c.beginAsClaimsPayer(ctx, id)
	if err != nil {
		return nil, err
	}
	if !live(tr.Status) {
		return nil, ccerr.Precondition("claim %s is %s: only live claims are screened", id, tr.Status)
	}
	payers, err := t.payerOrgs()
	if err != nil {
		return nil, err
	}
	s := &screen{t: t, cl: cl, tr: tr, payers: payers, related: related(cl)}
	for i := range cl.Input.Items {
		if err := s.line(i); err != nil {
			return nil, err
		}
	}
	return &wire.Receipt{ID: id, Status: "screened", TxID: t.ID()}, nil
}

// live reports whether a claim in status counts as billed.
func live(status string) bool {
	return status != wire.StatusVoided && status != wire.StatusReplaced && status != wire.StatusDisputed
}

// related are the claims that bill a claim's services on purpose: its
// primary, or its crossover.
func related(cl *wire.Claim) []string {
	if cl.Primary != nil {
		return []string{cl.Primary.Claim}
	}
	if cl.Input.Secondary != nil {
		return []string{wire.CrossoverID(cl.Input.ID)}
	}
	return nil
}

// payerOrgs are the MSP ids of the orgs with peers playing the payer, sorted.
func (t *tx) payerOrgs() ([]string, error) {
	var reg parts.Registry
	if err := cccall.Call(t.Stub, parts.Chaincode, parts.FnList, &reg); err != nil {
		return nil, err
	}
	var out []string
	for _, o := range reg.Orgs {
		if o.Peer && o.Plays(parts.PartPayer) {
			out = append(out, o.MSPID)
		}
	}
	slices.Sort(out)
	return out, nil
}

// screen is one Screen of a claim.
type screen struct {
	t       *tx
	cl      *wire.Claim
	tr      *wire.Trace
	payers  []string
	related []string
}

// serviceToken is the consortium fingerprint of line i of the claim.
func (s *screen) serviceToken(i int) (string, error) {
	b, err := s.t.blinder(wire.PayersCollection)
	if err != nil {
		return "", err
	}
	in, it := &s.cl.Input, s.cl.Input.Items[i]
	return b.Token("service", s.cl.Provider, in.Patient, it.Date, it.Code, normalModifiers(it.Modifiers), strconv.FormatInt(it.Units, 10)), nil
}

// line screens line i: every payer's entry for its service, then its own.
func (s *screen) line(i int) error {
	fp, err := s.serviceToken(i)
	if err != nil {
		return err
	}
	seq := i + 1
	for _, payer := range s.payers {
		k, e, err := s.entry(fp, payer)
		if err != nil {
			return err
		}
		for _, other := range e.Lines {
			if err := s.match(fp, payer, other, seq); err != nil {
				return err
			}
		}
		if payer != s.tr.Payer {
			continue
		}
		// The payer's own entry is written even when it lists the line
		// already: a transaction without writes is validated against the
		// chaincode's policy, which the payer's peer alone does not meet
		// (ENDORSEMENT_POLICY_FAILURE); with this write, against the
		// entry's own policy, the payer's peer.
		created := len(e.Lines) == 0
		if !slices.Contains(e.Lines, serviceLine{Claim: s.tr.ID, Line: seq}) {
			e.Lines = append(e.Lines, serviceLine{Claim: s.tr.ID, Line: seq})
		}
		if err := s.putEntry(k, e, created); err != nil {
			return err
		}
	}
	return nil
}

// entry reads a payer's entry for a service.
func (s *screen) entry(fp, payer string) (string, serviceEntry, error) {
	var e serviceEntry
	k, err := s.t.blindKey(wire.PayersCollection, objServiceEntry, fp, payer)
	if err == nil {
		_, err = s.t.lookup(wire.PayersCollection, k, "service entry", &e)
	}
	return k, e, err
}

// putEntry writes the claim's payer's entry; a new one gets the payer's
// peer as its key-level policy.
func (s *screen) putEntry(k string, e serviceEntry, created bool) error {
	if _, err := s.t.putPrivate(wire.PayersCollection, k, e); err != nil {
		return err
	}
	if !created {
		return nil
	}
	return s.t.payerEndorses(k, s.tr.Payer)
}

// payerEndorses gives the new key k of the payers' collection the key-level
// policy of payer's peer: no other payer rewrites or deletes it.
func (t *tx) payerEndorses(k, payer string) error {
	ep, err := statebased.NewStateEP(nil)
	if err == nil {
		err = ep.AddOrgs(statebased.RoleTypePeer, payer)
	}
	var policy []byte
	if err == nil {
		policy, err = ep.Policy()
	}
	if err == nil {
		err = t.Stub.SetPrivateDataValidationParameter(wire.PayersCollection, k, policy)
	}
	if err != nil {
		return ccerr.Internal("policy of %s's key in %s: %v", payer, wire.PayersCollection, err)
	}
	return nil
}

// match flags line seq of the claim and the other line when the other is
// another live claim of the payer whose entry listed it, not related to
// this one. An entry naming a claim whose trace does not hold is ignored.
func (s *screen) match(fp, payer string, other serviceLine, seq int) error {
	if other.Claim == s.tr.ID || slices.Contains(s.related, other.Claim) {
		return nil
	}
	tr, err := s.t.trace(other.Claim)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound || ccerr.CodeOf(err) == ccerr.CodeInvalidArgument {
		return nil
	}
	if err != nil {
		return err
	}
	if tr.Payer != payer || !live(tr.Status) {
		return nil
	}
	b, err := s.t.blinder(wire.PayersCollection)
	if err != nil {
		return err
	}
	matchID := b.Token("match", fp)[:32]
	if err := s.flag(s.tr.Payer, s.tr.ID, seq, matchID); err != nil {
		return err
	}
	return s.flag(payer, other.Claim, other.Line, matchID)
}

// flag records a flag for payer on its claim's line, once, with payer's
// peer as its key-level policy: the screening payer writes another
// payer's flag, which no payer but its own may then rewrite or delete.
func (s *screen) flag(payer, claim string, line int, matchID string) error {
	k, err := s.t.flagKey(payer, claim, line)
	if err != nil {
		return err
	}
	var f wire.Flag
	if found, err := s.t.lookup(wire.PayersCollection, k, "flag", &f); err != nil || found {
		return err
	}
	if _, err = s.t.putPrivate(wire.PayersCollection, k, wire.Flag{Claim: claim, Line: line, Match: matchID, Flagged: s.t.Stamp()}); err != nil {
		return err
	}
	return s.t.payerEndorses(k, payer)
}

// ListFlags lists the caller's payer org's flags, by the payer's
// adjudicators and claims intake, a page at a time from the bookmark, to
// any length: a page reads pageSize+1 keys (flagKey's simple keys, which
// a private range query starts at the bookmark). Evaluate it on the
// payer's peer.
func (c *Contract) ListFlags(ctx contractapi.TransactionContextInterface, pageSize int32, bookmark string) (*wire.FlagPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := t.require(payerClaimStaff); err != nil {
		return nil, err
	}
	prefix, err := flagPrefix(t.Caller.MSPID)
	if err != nil {
		return nil, err
	}
	page, err := state.PagePrivateByPrefix(t.Stub, wire.PayersCollection, prefix, pageSize, bookmark)
	if err != nil {
		return nil, privateErr(t.Caller.MSPID, wire.PayersCollection, err)
	}
	out := &wire.FlagPage{Items: []wire.Flag{}, Bookmark: page.Bookmark}
	for _, r := range page.Records {
		_, data, err := unseal(r.Value)
		var f wire.Flag
		if err == nil {
			err = json.Unmarshal(data, &f)
		}
		if err != nil || !t.flagsOwnClaim(&f) {
			continue // not a flag this chaincode wrote for the caller
		}
		out.Items = append(out.Items, f)
	}
	return out, nil
}

// flagsOwnClaim reports whether a listed flag names a claim of the
// caller's org (another payer's forged flag naming someone else's claim
// is not shown), and sets the flag's resolution from the claim's record.
func (t *tx) flagsOwnClaim(f *wire.Flag) bool {
	tr, err := t.trace(f.Claim)
	if err != nil || tr.Payer != t.Caller.MSPID {
		return false
	}
	cl, err := t.record(tr)
	if err != nil {
		return false
	}
	for i, r := range cl.Resolutions {
		if r.Line == f.Line && r.Match == f.Match {
			f.Resolution = &cl.Resolutions[i]
		}
	}
	return true
}

// beginAsClaimsPayer begins a transaction of the adjudicators or claims
// intake of claim id's payer, on its peer: the role first, then the
// claim's trace and its payer's ownership before any private read, then
// the claim's record.
func (c *Contract) beginAsClaimsPayer(ctx contractapi.TransactionContextInterface, id string) (*tx, *wire.Trace, *wire.Claim, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, _, err := t.require(payerClaimStaff); err != nil {
		return nil, nil, nil, err
	}
	tr, err := t.trace(id)
	if err == nil {
		err = t.owns(parts.PartPayer, tr) // before any private read
	}
	var cl *wire.Claim
	if err == nil {
		cl, err = t.record(tr)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return t, tr, cl, nil
}
