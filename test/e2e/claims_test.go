//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	claimcc "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/claims"
	"github.com/carechain/carechain/network/health"
)

// catchUp waits until peer "to" has every block peer "from" has now.
func catchUp(t *testing.T, from, to, channel string) {
	t.Helper()
	node, err := cl.Profile.Peer(from)
	require.NoError(t, err)
	samples, err := health.Metrics(context.Background(), node.Operations)
	require.NoError(t, err)
	h, ok := health.Value(samples, "ledger_blockchain_height", map[string]string{"channel": channel})
	require.True(t, ok)
	waitHeight(t, to, channel, uint64(h)-1)
}

func claimsAs(t *testing.T, org, user string) *claims.Client {
	return claims.New(session(t, org, user), "care")
}

// visit is an office visit and a metabolic panel, marked so the scan can
// find its details.
func visit(id, patient, coverage, day string, panelCents int64) claimcc.ClaimInput {
	return claimcc.ClaimInput{ID: id, Patient: patient, Coverage: coverage, Payer: "PayerMSP", RenderingNPI: "1234567893",
		BillablePeriod: claimcc.Period{Start: day, End: day}, PlaceOfService: "11", Diagnoses: []string{"E11.65", "Z71.3"},
		Items: []claimcc.Item{
			{Sequence: 1, Code: "99214", Modifiers: []string{"25"}, Units: 1, UnitCents: 21000, NetCents: 21000, Date: day},
			{Sequence: 2, Code: "80053", Units: 1, UnitCents: panelCents, NetCents: panelCents, Date: day},
		},
		TotalCents: 21000 + panelCents}
}

var setupPayer sync.Once

func payerSetup(t *testing.T, ctx context.Context) {
	setupPayer.Do(func() {
		_, err := claimsAs(t, "payer", "enrollment1").SetSalt(ctx)
		require.NoError(t, err)
		_, err = claimsAs(t, "payer", "adjudicator1").SetRules(ctx, claimcc.Rules{Plan: "e2e-gold",
			Allowed: map[string]int64{"99214": 18000, "80053": 4500}, MaxClaimsPerPatientDay: 3})
		require.NoError(t, err)
	})
}

func coverageFor(t *testing.T, ctx context.Context, id, member string) {
	_, err := claimsAs(t, "payer", "enrollment1").RegisterCoverage(ctx, claimcc.Coverage{ID: id, Member: member, Plan: "e2e-gold",
		Period: claimcc.Period{Start: "2026-01-01", End: "2026-12-31"}, CopayCents: 2500, DeductibleCents: 0, AnnualLimitCents: 5_000_000})
	require.NoError(t, err)
}

// The insurer story: a provider submits, the insurer auto-adjudicates and
// pays, the provider reads the remittance; a duplicate is refused; a claim
// outside coverage is pended; RegulatorOrg's and ManufacturerOrg's peers
// hold no claim detail.
func TestClaimsStory(t *testing.T) {
	ctx := context.Background()
	payerSetup(t, ctx)
	run := time.Now().UnixNano()
	member := fmt.Sprintf("pt-e2e-claims-%d", run)
	covID := fmt.Sprintf("cov-e2e-%d", run)
	coverageFor(t, ctx, covID, member)
	day := "2026-" + time.Now().UTC().Format("01-02")
	if time.Now().UTC().Year() != 2026 {
		day = "2026-06-15"
	}

	provider := claimsAs(t, "provider", "billing1")
	id := fmt.Sprintf("clm-e2e-%d", run)
	r, err := provider.Submit(ctx, visit(id, member, covID, day, 4000))
	require.NoError(t, err)
	assert.Equal(t, claimcc.StatusAdjudicated, r.Status)
	assert.Equal(t, claimcc.OutcomeApproved, r.Outcome)

	// Submitted through the provider's gateway, which waits for its own
	// peer only: the payer reads once its peer has the block.
	waitForTx(t, "peer0.payer", r.TxID)
	payer := claimsAs(t, "payer", "adjudicator1")
	c, err := payer.Get(ctx, id)
	require.NoError(t, err)
	// 210.00 → allowed 180.00 − copay 25.00 = 155.00; panel 40.00.
	assert.Equal(t, int64(19500), c.Adjudication.PaidCents)
	paid, err := payer.Pay(ctx, id, claimcc.PaymentInput{Trace: "EFT-" + id, AmountCents: c.Adjudication.PaidCents})
	require.NoError(t, err)
	// Paid through the payer's gateway: the provider's and the regulator's
	// peers commit the block on their own time.
	waitForTx(t, "peer0.provider", paid.TxID)
	waitForTx(t, "peer0.regulator", paid.TxID)

	rem, err := provider.Remittance(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, claimcc.StatusPaid, rem.Status)
	assert.Equal(t, int64(19500), rem.PaidCents)
	assert.Equal(t, []claimcc.Reason{{Group: "CO", Code: "45", Amount: 3000}, {Group: "PR", Code: "3", Amount: 2500}}, rem.Lines[0].Adjustments)

	// The same services again, under a new id: refused, naming the original.
	_, err = provider.Submit(ctx, visit(id+"-again", member, covID, day, 4000))
	var ce *client.Error
	require.True(t, errors.As(err, &ce), "got %v", err)
	assert.Equal(t, client.CodeConflict, ce.Code)
	assert.Contains(t, ce.Message, id)

	// The same services billed 1 cent higher: still a duplicate (the
	// fingerprint is the service, not the charge).
	_, err = provider.Submit(ctx, visit(id+"-cent", member, covID, day, 4001))
	require.True(t, errors.As(err, &ce), "got %v", err)
	assert.Equal(t, client.CodeConflict, ce.Code)

	// Outside coverage (another day's services): pended with the reason.
	d, err := time.Parse("2006-01-02", day)
	require.NoError(t, err)
	pend, err := provider.Submit(ctx, visit(id+"-nocov", member, "cov-none", d.AddDate(0, 0, -1).Format("2006-01-02"), 4100))
	require.NoError(t, err)
	assert.Equal(t, claimcc.StatusPended, pend.Status)
	// The response is in the block: the reason is read with Get.
	pended, err := provider.Get(ctx, pend.ID)
	require.NoError(t, err)
	assert.Equal(t, claimcc.PendCoverage, pended.PendReason)

	// The regulator sees the public trace and cannot read the claim.
	tr, err := claimsAs(t, "regulator", "auditor1").Trace(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, claimcc.StatusPaid, tr.Status)
	_, err = claimsAs(t, "regulator", "auditor1").Get(ctx, id)
	assert.True(t, errors.Is(err, client.ErrForbidden), "got %v", err)
	// A hospital identity minted with role=adjudicator is not the payer's:
	// it cannot rewrite the payer's fee schedule.
	_, err = claimsAs(t, "provider", "impostor-adjudicator").SetRules(ctx, claimcc.Rules{Plan: "e2e-gold", Allowed: map[string]int64{"99214": 5_000_000}})
	assert.True(t, errors.Is(err, client.ErrForbidden), "got %v", err)

	// Checked on the peers themselves: no claim detail on RegulatorOrg's
	// or ManufacturerOrg's peer, while the provider's peer holds it.
	for _, peer := range []string{"peer0.regulator", "peer0.manufacturer"} {
		assertNotInFiles(t, filepath.Join(nodeDir(peer), "data"), []byte(member), []byte("E11.65"), []byte(covID))
	}
	assert.True(t, anyFileContains(t, filepath.Join(nodeDir("peer0.provider"), "data", "ledgersData", "pvtdataStore"), []byte(member)))
}

// 200 independent claims (each its own patient), submitted at once, all
// commit: no MVCC conflict, because independent claims share no key.
func TestConcurrentIndependentClaims(t *testing.T) {
	ctx := context.Background()
	payerSetup(t, ctx)
	run := time.Now().UnixNano()
	const n = 200
	enroll := session(t, "payer", "enrollment1")
	provider := session(t, "provider", "billing1")
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	sem := make(chan struct{}, 50)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			member := fmt.Sprintf("pt-load-%d-%03d", run, i)
			cov := fmt.Sprintf("cov-load-%d-%03d", run, i)
			_, err := claims.New(enroll, "care").RegisterCoverage(ctx, claimcc.Coverage{ID: cov, Member: member, Plan: "e2e-gold",
				Period: claimcc.Period{Start: "2026-01-01", End: "2026-12-31"}})
			if err != nil {
				errs <- fmt.Errorf("coverage %d: %w", i, err)
			}
		}(i)
	}
	wg.Wait()
	// The coverages were committed through the payer's gateway; the
	// provider's peer, which endorses every claim too, must have them.
	catchUp(t, "peer0.payer", "peer0.provider", "care")
	// No retry: a conflict would surface as an error.
	noRetry := session(t, "provider", "billing1", client.SessionOptions{Retry: &client.NoRetry})
	_ = provider
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			member := fmt.Sprintf("pt-load-%d-%03d", run, i)
			cov := fmt.Sprintf("cov-load-%d-%03d", run, i)
			r, err := claims.New(noRetry, "care").Submit(ctx, visit(fmt.Sprintf("clm-load-%d-%03d", run, i), member, cov, "2026-06-01", 4000))
			if err != nil {
				errs <- fmt.Errorf("claim %d: %w", i, err)
			} else if r.Status != claimcc.StatusAdjudicated {
				errs <- fmt.Errorf("claim %d: %s", i, r.Status)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	assert.Empty(t, all)
	t.Logf("%d claims committed in %.1fs", n, time.Since(start).Seconds())
}
