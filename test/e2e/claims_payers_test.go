//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	claimcc "github.com/carechain/carechain/chaincode/claims/wire"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/claims"
	"github.com/carechain/carechain/client/profile"
	"github.com/carechain/carechain/client/standards/x12"
)

// secondPayer is a consortium org, other than "payer", with peers playing
// the payer on care, and its users with the adjudicator, enrollment and
// claims-intake roles; ok is false when there is none.
func secondPayer(c *client.Client) (payer2 payerUsers, ok bool) {
	var care []string
	for _, ch := range c.Profile.Channels {
		if ch.Name == "care" {
			care = ch.Orgs
		}
	}
	for _, o := range c.Profile.Orgs {
		if o.Name == "payer" || len(o.Peers) == 0 || !slices.Contains(o.Parts, parts.PartPayer) || !slices.Contains(care, o.Name) {
			continue
		}
		p := payerUsers{org: o}
		for _, u := range o.Users {
			switch u.Role {
			case parts.RoleAdjudicator:
				p.adjudicator = u.Name
			case parts.RoleEnrollment:
				p.enrollment = u.Name
			case parts.RoleClaimsIntake:
				p.intake = u.Name
			}
		}
		if p.adjudicator != "" && p.enrollment != "" && p.intake != "" {
			return p, true
		}
	}
	return payerUsers{}, false
}

// payerUsers is a payer org and its claims staff.
type payerUsers struct {
	org                             profile.Org
	adjudicator, enrollment, intake string
}

// A consortium whose topology lists a second payer runs the two-insurer
// story as it is; the reference one has one payer, and the reconcile test
// (reorg_test.go) runs the story while it has added payer2.
func TestTwoPayersStory(t *testing.T) {
	p2, ok := secondPayer(cl)
	if !ok {
		t.Skip("the reference topology has one payer: TestAPayerJoinsAndLeavesTheCareChannel runs the two-insurer story with payer2 added")
	}
	twoPayersStory(t, cl, p2)
}

// story is the two-insurer story on a client of the consortium (its
// profile lists the second payer).
type story struct {
	t   *testing.T
	ctx context.Context
	c   *client.Client
	p2  payerUsers
	run int64
	// from is the block the parties' systems start at.
	from uint64
	// stopped holds the first error a party's system stopped with.
	stopped atomic.Value
}

// as is a claims client of org's user on c.
func (s *story) as(org, user string) *claims.Client {
	se, err := s.c.Session(org, user, client.SessionOptions{Wallet: wallet})
	require.NoError(s.t, err, "session %s/%s", org, user)
	s.t.Cleanup(func() { _ = se.Close() })
	return claims.New(se, "care")
}

// committedOn waits until peer peerID has committed transaction txID.
func (s *story) committedOn(peerID, txID string) {
	s.t.Helper()
	se, err := s.c.Session("provider", "physician1")
	require.NoError(s.t, err)
	defer se.Close()
	var info *client.TxInfo
	deadline := time.Now().Add(30 * time.Second)
	for info, err = se.Transaction(s.ctx, "care", txID); err != nil; info, err = se.Transaction(s.ctx, "care", txID) {
		require.True(s.t, time.Now().Before(deadline), "transaction %s not found: %v", txID, err)
		time.Sleep(100 * time.Millisecond)
	}
	peerHeight(s.t, s.c, peerID, "care", info.Block)
}

func (s *story) peer2() string { return "peer0." + s.p2.org.Name }

// twoPayersStory: with payer and a second payer on care, and each
// party's system following its claims' events (each payer's screens every
// new claim of the payer, the provider's forwards every adjudicated claim
// with a secondary coverage), a provider bills the second payer, whose
// adjudicator decides the pended claim with carectl; the same services
// billed to both are flagged to each once the second claim is on the
// ledger, with no screen asked by hand, naming its own claim only, and the
// second payer denies its line as a duplicate with carectl (the other
// payer cannot); a claim with both coverages, once the primary pays its
// share, crosses over with no step by hand and the secondary pays only
// what the primary left to the patient (deductible, copay and the
// secondary's limit at work); the second payer's intake submits a paper
// claim, the provider's own bill of it is refused at that payer and
// flagged at the other, and the provider disputes it; and the peers of the
// regulator, the manufacturer and the other payer hold no detail of the
// second payer's claims.
func twoPayersStory(t *testing.T, c *client.Client, p2 payerUsers) {
	ctx := context.Background()
	s := &story{t: t, ctx: ctx, c: c, p2: p2, run: time.Now().UnixNano()}
	payerSetup(t, ctx)
	s.setupSecondPayer()
	stop := s.partiesSystems()
	only := s.billedToSecondPayer()
	s.duplicatesAcrossPayers()
	s.coordinationOfBenefits()
	paper, paperMember := s.paperClaimDisputed()
	stop()
	s.payerOnly(append(only, paper...), paperMember)
}

// partiesSystems starts each party's claims system (claims.Automate, as
// `carectl claims follow --screen|--forward` runs it) from the block of the
// second payer's rules, and returns their stop, which requires that none
// failed.
func (s *story) partiesSystems() (stop func()) {
	ctx, cancel := context.WithCancel(s.ctx)
	errs := make(chan error, 3)
	for _, p := range []struct {
		org, user, msp string
		a              claims.Automation
	}{
		{"payer", "intake1", "PayerMSP", claims.Automation{Screen: true}},
		{s.p2.org.Name, s.p2.intake, s.p2.org.MSPID, claims.Automation{Screen: true}},
		{"provider", "billing1", "ProviderMSP", claims.Automation{Forward: true}},
	} {
		k := s.as(p.org, p.user)
		from := s.from
		seen := func(e claims.ClaimEvent) error {
			fmt.Printf("e2e: %s's claims system: block %d, %s %s\n", p.msp, e.Block, e.Claim, e.Status)
			return nil
		}
		go func() {
			err := k.Automate(ctx, p.msp, p.a, client.ListenOptions{StartBlock: &from}, seen)
			if err != nil {
				s.stopped.CompareAndSwap(nil, fmt.Errorf("%s's claims system: %w", p.msp, err))
				fmt.Printf("e2e: %v\n", s.stopped.Load())
			}
			errs <- err
		}()
	}
	s.t.Cleanup(cancel) // before the sessions close, when the story fails first
	return func() {
		cancel()
		for range 3 {
			require.NoError(s.t, <-errs, "a party's claims system failed")
		}
	}
}

// bronze is the second payer's plan in the story.
var bronze = claimcc.Rules{Plan: "bronze", Allowed: map[string]int64{"99214": 15000, "80053": 4000}}

var setupPayer2 sync.Once

// setupSecondPayer sets the second payer's salt (once per consortium) and
// its plan's rules.
func (s *story) setupSecondPayer() {
	setupPayer2.Do(func() {
		_, err := s.as(s.p2.org.Name, s.p2.enrollment).SetSalt(s.ctx)
		if err != nil && !errors.Is(err, client.ErrConflict) {
			require.NoError(s.t, err)
		}
	})
	r, err := s.as(s.p2.org.Name, s.p2.adjudicator).SetRules(s.ctx, bronze)
	require.NoError(s.t, err)
	s.from = s.block(r.TxID)
}

// block is the block of committed transaction txID, read on the
// provider's peer once that peer has it: a transaction another org's
// gateway committed reaches this peer a moment later.
func (s *story) block(txID string) uint64 {
	se, err := s.c.Session("provider", "physician1")
	require.NoError(s.t, err)
	defer se.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		info, err := se.Transaction(s.ctx, "care", txID)
		if err == nil {
			return info.Block
		}
		if time.Now().After(deadline) {
			require.NoError(s.t, err, "transaction %s not on the provider's peer after 30 s", txID)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// coverage registers a bronze coverage of member with the second payer:
// copay 10.00, deductible 20.00, limit 1,000.00.
func (s *story) coverage(id, member string) string {
	return s.coverageLimited(id, member, 100_000)
}

// coverageLimited is coverage with an annual limit of limit cents.
func (s *story) coverageLimited(id, member string, limit int64) string {
	r, err := s.as(s.p2.org.Name, s.p2.enrollment).RegisterCoverage(s.ctx, claimcc.Coverage{ID: id, Member: member, Plan: "bronze",
		Period: claimcc.Period{Start: "2026-01-01", End: "2026-12-31"}, CopayCents: 1000, DeductibleCents: 2000, AnnualLimitCents: limit})
	require.NoError(s.t, err)
	return r.TxID
}

// primaryCoverage registers a coverage of member with payer, as
// coverageFor does (copay 25.00), and waits until the provider's peer,
// which endorses the claims that read it, has it.
func (s *story) primaryCoverage(id, member string) {
	s.primaryCoverageWith(id, member, 0)
}

// primaryCoverageWith is primaryCoverage with a deductible.
func (s *story) primaryCoverageWith(id, member string, deductible int64) {
	r, err := s.as("payer", "enrollment1").RegisterCoverage(s.ctx, claimcc.Coverage{ID: id, Member: member, Plan: "e2e-gold",
		Period: claimcc.Period{Start: "2026-01-01", End: "2026-12-31"}, CopayCents: 2500, DeductibleCents: deductible, AnnualLimitCents: 5_000_000})
	require.NoError(s.t, err)
	s.committedOn("peer0.provider", r.TxID)
}

// billedToSecondPayer: the provider bills the second payer before the
// member's coverage is on the ledger (pended), the payer enrolls the
// member, and its adjudicator decides the claim with carectl. It returns
// what only the second payer and the provider may hold of it.
func (s *story) billedToSecondPayer() [][]byte {
	member, cov := fmt.Sprintf("pt-e2e-p2only-%d", s.run), fmt.Sprintf("cov-e2e-p2only-%d", s.run)
	in := visit(fmt.Sprintf("clm-e2e-p2-%d", s.run), member, cov, "2026-06-03", 4000)
	in.Payer = s.p2.org.MSPID
	r, err := s.as("provider", "billing1").Submit(s.ctx, in)
	require.NoError(s.t, err)
	require.Equal(s.t, claimcc.StatusPended, r.Status, "no coverage yet")
	// The adjudication is endorsed by both peers: each needs the claim and the coverage.
	s.committedOn(s.peer2(), r.TxID)
	s.committedOn("peer0.provider", s.coverage(cov, member))

	var got claimcc.Receipt
	s.carectl(&got, s.p2.org.Name, s.p2.adjudicator, "claims", "adjudicate", in.ID)
	assert.Equal(s.t, claimcc.StatusAdjudicated, got.Status)
	s.committedOn(s.peer2(), got.TxID)
	rem, err := s.as(s.p2.org.Name, s.p2.adjudicator).Remittance(s.ctx, in.ID)
	require.NoError(s.t, err)
	// 210.00 → allowed 150.00 − deductible 20.00 − copay 10.00 = 120.00; panel 40.00.
	assert.Equal(s.t, int64(16000), rem.PaidCents)
	assert.Equal(s.t, int64(3000), rem.PatientCents)

	var refused struct {
		Error struct{ Code string } `json:"error"`
	}
	require.NotZero(s.t, s.carectlCode(&refused, "payer", "adjudicator1", "claims", "get", in.ID), "the other payer reads the claim")
	assert.Equal(s.t, string(client.CodeForbidden), refused.Error.Code)
	return [][]byte{[]byte(member), []byte(cov)}
}

// duplicatesAcrossPayers: the same services billed to both payers, a cent
// apart, are flagged to both once the second claim is on the ledger (each
// payer's system screens its claim on its event), each flag naming its
// payer's claim only.
func (s *story) duplicatesAcrossPayers() {
	member := fmt.Sprintf("pt-e2e-dup-%d", s.run)
	cov1, cov2 := fmt.Sprintf("cov-e2e-dup1-%d", s.run), fmt.Sprintf("cov-e2e-dup2-%d", s.run)
	s.primaryCoverage(cov1, member)
	s.committedOn("peer0.provider", s.coverage(cov2, member))
	a := visit(fmt.Sprintf("clm-e2e-a-%d", s.run), member, cov1, "2026-06-02", 4000)
	b := visit(fmt.Sprintf("clm-e2e-b-%d", s.run), member, cov2, "2026-06-02", 4001)
	b.Payer = s.p2.org.MSPID
	provider := s.as("provider", "billing1")
	_, err := provider.Submit(s.ctx, a)
	require.NoError(s.t, err)
	_, err = provider.Submit(s.ctx, b)
	require.NoError(s.t, err)

	start := time.Now()
	mine := s.flaggedSoon(s.as(s.p2.org.Name, s.p2.adjudicator), b.ID)
	theirs := s.flaggedSoon(s.as("payer", "adjudicator1"), a.ID)
	fmt.Printf("e2e: the second claim of a service flagged to both payers %.1fs after it committed (no screen by hand)\n", time.Since(start).Seconds())
	assert.NotContains(s.t, mine, a.ID, "the other payer's claim is not named")
	assert.NotContains(s.t, theirs, b.ID)
	s.resolveDuplicate(b.ID)
}

// resolveDuplicate: the second payer's adjudicator confirms with carectl
// that line 1 of its claim is a duplicate, which denies it; the other
// payer cannot resolve the second payer's flag.
func (s *story) resolveDuplicate(id string) {
	var refused struct {
		Error struct{ Code string } `json:"error"`
	}
	require.NotZero(s.t, s.carectlCode(&refused, "payer", "adjudicator1", "claims", "resolve", id, "1",
		"--outcome", claimcc.ResolutionCleared, "--reason", "not ours to say"), "the other payer resolved the flag")
	assert.Equal(s.t, string(client.CodeForbidden), refused.Error.Code)

	var r claimcc.Receipt
	s.carectl(&r, s.p2.org.Name, s.p2.adjudicator, "claims", "resolve", id, "1",
		"--outcome", claimcc.ResolutionDuplicate, "--reason", "the member's primary plan was billed the same visit")
	assert.Equal(s.t, claimcc.OutcomePartial, r.Outcome)
	c, err := s.as(s.p2.org.Name, s.p2.adjudicator).Get(s.ctx, id)
	require.NoError(s.t, err)
	assert.Equal(s.t, claimcc.OutcomeDenied, c.Adjudication.Lines[0].Outcome)
	assert.Equal(s.t, []claimcc.Reason{{Group: "CO", Code: "18", Amount: c.Adjudication.Lines[0].SubmittedCents}}, c.Adjudication.Lines[0].Reasons)
	require.Len(s.t, c.Resolutions, 1)
	assert.Equal(s.t, claimcc.ResolutionDuplicate, c.Resolutions[0].Outcome)
}

// flaggedSoon waits until claim id is among k's payer's flags, and
// returns the claims those flags name. The screen is the payer's
// system's, on the claim's event; a payer's peer added by reconcile
// screens once Fabric's private-data reconciliation has brought it the
// payers' secret (every 5 s here), which the system waits for.
func (s *story) flaggedSoon(k *claims.Client, id string) []string {
	s.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		ids := s.flagged(k)
		if slices.Contains(ids, id) {
			return ids
		}
		require.Nil(s.t, s.stopped.Load(), "a party's claims system stopped")
		require.True(s.t, time.Now().Before(deadline), "claim %s never flagged: flags %v", id, ids)
		time.Sleep(500 * time.Millisecond)
	}
}

func (s *story) flagged(k *claims.Client) []string {
	page, err := k.ListFlags(s.ctx, client.Page{Size: 100})
	require.NoError(s.t, err)
	var ids []string
	for _, f := range page.Items {
		ids = append(ids, f.Claim)
	}
	return ids
}

// coordinationOfBenefits: payer adjudicates a claim that names the
// second payer's coverage and pays its share; the provider's system
// forwards it on the adjudication's event, and the second payer's claim
// pays only what the primary left to the patient, within its own limit.
func (s *story) coordinationOfBenefits() {
	member := fmt.Sprintf("pt-e2e-cob-%d", s.run)
	cov1, cov2 := fmt.Sprintf("cov-e2e-cob1-%d", s.run), fmt.Sprintf("cov-e2e-cob2-%d", s.run)
	s.primaryCoverageWith(cov1, member, 3000)
	s.committedOn("peer0.provider", s.coverageLimited(cov2, member, 3000))
	primary := visit(fmt.Sprintf("clm-e2e-cob-%d", s.run), member, cov1, "2026-06-01", 4000)
	primary.Secondary = &claimcc.CoverageRef{Payer: s.p2.org.MSPID, Coverage: cov2}
	rp, err := s.as("provider", "billing1").Submit(s.ctx, primary)
	require.NoError(s.t, err)
	require.Equal(s.t, claimcc.StatusAdjudicated, rp.Status)
	s.committedOn("peer0.payer", rp.TxID) // the payer's gateway reads the trace to pay
	// e2e-gold: 99214 210.00 allowed 180.00 − deductible 30.00 − copay
	// 25.00 = 125.00; panel 40.00 paid in full: the primary pays 165.00.
	_, err = s.as("payer", "adjudicator1").Pay(s.ctx, primary.ID, claimcc.PaymentInput{Trace: "EFT-COB-" + primary.ID, AmountCents: 16500})
	require.NoError(s.t, err)

	secondary := s.as(s.p2.org.Name, s.p2.adjudicator)
	id := claimcc.CrossoverID(primary.ID)
	start := time.Now()
	deadline := start.Add(time.Minute)
	var rem *claimcc.Remittance
	for rem, err = secondary.Remittance(s.ctx, id); err != nil; rem, err = secondary.Remittance(s.ctx, id) {
		require.True(s.t, errors.Is(err, client.ErrNotFound), "the crossover: %v", err)
		require.Nil(s.t, s.stopped.Load(), "a party's claims system stopped")
		require.True(s.t, time.Now().Before(deadline), "the crossover never came: %v", err)
		time.Sleep(500 * time.Millisecond)
	}
	fmt.Printf("e2e: the crossover at the second payer %.1fs after the primary paid (no step by hand)\n", time.Since(start).Seconds())
	require.NotNil(s.t, rem.Prior)
	assert.Equal(s.t, claimcc.Prior{Claim: primary.ID, Payer: "PayerMSP", AllowedCents: 22000, PaidCents: 16500, PatientCents: 5500, Lines: rem.Prior.Lines}, *rem.Prior)
	// Bronze alone would pay 150.00 − deductible 20.00 − copay 10.00 =
	// 120.00, capped at its 30.00 limit: of the 55.00 the primary left to
	// the patient (deductible 30.00, copay 25.00) it pays 30.00 — the
	// primary's deductible — and the copay stays with the patient.
	assert.Equal(s.t, int64(3000), rem.PaidCents)
	assert.Equal(s.t, int64(2500), rem.PatientCents)
	assert.Equal(s.t, []claimcc.Reason{{Group: "PR", Code: "3", Amount: 2500}}, prOnly(rem.Lines[0].Adjustments))
	assert.Equal(s.t, rem.Prior.AllowedCents, rem.Prior.PaidCents+rem.PaidCents+rem.PatientCents, "the payments and the patient's share add up")
	for i, l := range rem.Lines {
		assert.LessOrEqual(s.t, l.PaidCents, rem.Prior.Lines[i].PatientCents, "line %d: only the remainder", i)
	}
	r, err := secondary.Pay(s.ctx, id, claimcc.PaymentInput{Trace: "EFT-COB2-" + primary.ID, AmountCents: 3000})
	require.NoError(s.t, err)
	assert.Equal(s.t, claimcc.StatusPaid, r.Status)
	// The secondary's 835 balances as x12's own parser checks it.
	paid, err := secondary.Remittance(s.ctx, id)
	require.NoError(s.t, err)
	data, err := x12.Write835(paid, x12.Remit835{Control: 1, At: time.Now(), Payer: x12.Party{Name: "SECOND", ID: "1"},
		Payee: x12.Party{Name: "PROVIDER", ID: "1234567893"}})
	require.NoError(s.t, err)
	parsed, err := x12.Parse835(data)
	require.NoError(s.t, err, string(data))
	assert.Equal(s.t, "2", parsed.Claims[0].Status, "processed as secondary")
	_, err = s.as("payer", "adjudicator1").Get(s.ctx, id)
	assert.True(s.t, errors.Is(err, client.ErrForbidden), "the primary reads the secondary's claim: %v", err)
}

// prOnly are the patient-responsibility reasons among rs.
func prOnly(rs []claimcc.Reason) []claimcc.Reason {
	var out []claimcc.Reason
	for _, r := range rs {
		if r.Group == "PR" {
			out = append(out, r)
		}
	}
	return out
}

// paperClaimDisputed: the second payer's intake submits a claim it got on
// paper for the provider, who sees it; the provider's own bill of it is
// refused at that payer and flagged at the other; the provider disputes
// the paper claim. It returns what only the second payer and the provider
// may hold of it (its coverage), and what the other payer holds too, from
// the provider's bill (the patient).
func (s *story) paperClaimDisputed() (payer2Only, withPayers [][]byte) {
	member, cov := fmt.Sprintf("pt-e2e-paper-%d", s.run), fmt.Sprintf("cov-e2e-paper-%d", s.run)
	s.committedOn("peer0.provider", s.coverage(cov, member))
	in := visit(fmt.Sprintf("clm-e2e-paper-%d", s.run), member, cov, "2026-06-04", 4000)
	in.Payer = s.p2.org.MSPID
	r, err := s.as(s.p2.org.Name, s.p2.intake).SubmitIntake(s.ctx, claimcc.IntakeInput{Claim: in, Provider: "ProviderMSP",
		Channel: claimcc.IntakePaper, Received: "2026-06-10"})
	require.NoError(s.t, err)
	s.committedOn("peer0.provider", r.TxID)

	provider := s.as("provider", "billing1")
	got, err := provider.Get(s.ctx, in.ID)
	require.NoError(s.t, err, "the provider named sees the payer's intake")
	require.NotNil(s.t, got.Intake)
	assert.Equal(s.t, claimcc.IntakePaper, got.Intake.Channel)

	// The provider bills the same service itself: to the second payer it
	// is a duplicate of the paper claim (refused, naming it); to the other
	// payer, a cent dearer, it is flagged to both payers.
	again := in
	again.ID = fmt.Sprintf("clm-e2e-paper-again-%d", s.run)
	_, err = provider.Submit(s.ctx, again)
	require.True(s.t, errors.Is(err, client.ErrConflict), "the provider's duplicate at the same payer: %v", err)
	assert.Contains(s.t, err.Error(), in.ID)
	elsewhere := visit(fmt.Sprintf("clm-e2e-paper-a-%d", s.run), member, "cov-none", "2026-06-04", 4001)
	_, err = provider.Submit(s.ctx, elsewhere)
	require.NoError(s.t, err)
	assert.NotContains(s.t, s.flaggedSoon(s.as(s.p2.org.Name, s.p2.adjudicator), in.ID), elsewhere.ID)
	assert.NotContains(s.t, s.flaggedSoon(s.as("payer", "adjudicator1"), elsewhere.ID), in.ID)

	d, err := provider.Dispute(s.ctx, in.ID)
	require.NoError(s.t, err)
	assert.Equal(s.t, claimcc.StatusDisputed, d.Status)
	s.committedOn(s.peer2(), d.TxID)
	back, err := s.as(s.p2.org.Name, s.p2.adjudicator).Get(s.ctx, in.ID)
	require.NoError(s.t, err)
	assert.Equal(s.t, claimcc.StatusDisputed, back.Status)
	return [][]byte{[]byte(cov)}, [][]byte{[]byte(member)}
}

// payerOnly checks the peers' files: the second payer's claims' details
// (all) are on its peer and on no peer of the regulator, the manufacturer
// or the other payer, and withPayers on no peer of the regulator or the
// manufacturer; a claim of the other payer's is not on the second payer's
// peer.
func (s *story) payerOnly(all, withPayers [][]byte) {
	member := fmt.Sprintf("pt-e2e-p1only-%d", s.run)
	r, err := s.as("provider", "billing1").Submit(s.ctx, visit(fmt.Sprintf("clm-e2e-p1only-%d", s.run), member, "cov-none", "2026-06-05", 4000))
	require.NoError(s.t, err)
	s.committedOn(s.peer2(), r.TxID)
	s.committedOn("peer0.regulator", r.TxID)
	for _, peer := range []string{"peer0.regulator", "peer0.manufacturer", "peer0.payer"} {
		assertNotInFiles(s.t, filepath.Join(nodeDir(peer), "data"), all...)
		if peer != "peer0.payer" {
			assertNotInFiles(s.t, filepath.Join(nodeDir(peer), "data"), withPayers...)
		}
	}
	assertNotInFiles(s.t, filepath.Join(nodeDir(s.peer2()), "data"), []byte(member))
	assert.True(s.t, anyFileContains(s.t, filepath.Join(nodeDir(s.peer2()), "data", "ledgersData", "pvtdataStore"), all[0]),
		"the second payer's peer holds its claims")
}

var carectlBin = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(home, "e2e-carectl")
	cmd := exec.Command("go", "build", "-o", bin, "./client/cmd/carectl")
	cmd.Dir = repo
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build carectl: %w: %s", err, out)
	}
	return bin, nil
})

// carectl runs carectl as org's user with --output json, requires it to
// succeed, and decodes its output into out.
func (s *story) carectl(out any, org, user string, args ...string) {
	s.t.Helper()
	require.Zero(s.t, s.carectlCode(out, org, user, args...), "carectl %v", args)
}

// carectlCode runs carectl as org's user with --output json, decodes its
// output into out and returns its exit code.
func (s *story) carectlCode(out any, org, user string, args ...string) int {
	s.t.Helper()
	bin, err := carectlBin()
	require.NoError(s.t, err)
	cmd := exec.Command(bin, append([]string{"--network", home, "--org", org, "--user", user, "-o", "json"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		require.NoError(s.t, err)
	}
	doc := stdout.Bytes()
	if len(doc) == 0 && cmd.ProcessState.ExitCode() != 0 {
		doc = stderr.Bytes() // carectl -o json: an error is one JSON document on standard error
	}
	require.NoError(s.t, json.Unmarshal(doc, out), "carectl %v: stdout %s stderr %s", args, stdout.String(), stderr.String())
	return cmd.ProcessState.ExitCode()
}
