//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	claimcc "github.com/carechain/carechain/chaincode/claims/wire"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/profile"
)

// secondPayer is the consortium's second org with peers playing the payer
// on care, and its users with the adjudicator and enrollment roles; the
// test skips, saying why, when there is none (the reference topology has
// one payer).
func secondPayer(t *testing.T) (org profile.Org, adjudicator, enrollment string) {
	t.Helper()
	var care []string
	for _, ch := range cl.Profile.Channels {
		if ch.Name == "care" {
			care = ch.Orgs
		}
	}
	for _, o := range cl.Profile.Orgs {
		if o.Name == "payer" || len(o.Peers) == 0 || !slices.Contains(o.Parts, parts.PartPayer) || !slices.Contains(care, o.Name) {
			continue
		}
		for _, u := range o.Users {
			switch u.Role {
			case parts.RoleAdjudicator:
				adjudicator = u.Name
			case parts.RoleEnrollment:
				enrollment = u.Name
			}
		}
		if adjudicator != "" && enrollment != "" {
			return o, adjudicator, enrollment
		}
	}
	t.Skip("the consortium has no second payer on care with adjudicator and enrollment users: the two-insurer story needs one (topology)")
	return profile.Org{}, "", ""
}

// Two insurers: each payer holds only its own claims' details; a claim
// with two coverages crosses over and the secondary pays the remainder;
// the same services billed to both are flagged to both by their screens.
func TestTwoPayersStory(t *testing.T) {
	org, adj2, enr2 := secondPayer(t)
	ctx := context.Background()
	payerSetup(t, ctx)
	run := time.Now().UnixNano()
	member := fmt.Sprintf("pt-e2e-payers-%d", run)
	cov1, cov2 := fmt.Sprintf("cov-e2e-p1-%d", run), fmt.Sprintf("cov-e2e-p2-%d", run)
	coverageFor(t, ctx, cov1, member)
	second := claimsAs(t, org.Name, adj2)
	if _, err := claimsAs(t, org.Name, enr2).SetSalt(ctx); err != nil && !errors.Is(err, client.ErrConflict) {
		require.NoError(t, err)
	}
	_, err := second.SetRules(ctx, claimcc.Rules{Plan: "bronze", Allowed: map[string]int64{"99214": 15000, "80053": 4000}})
	require.NoError(t, err)
	_, err = claimsAs(t, org.Name, enr2).RegisterCoverage(ctx, claimcc.Coverage{ID: cov2, Member: member, Plan: "bronze",
		Period: claimcc.Period{Start: "2026-01-01", End: "2026-12-31"}, CopayCents: 1000, DeductibleCents: 2000, AnnualLimitCents: 100_000})
	require.NoError(t, err)

	provider := claimsAs(t, "provider", "billing1")
	primary := visit(fmt.Sprintf("clm-e2e-cob-%d", run), member, cov1, "2026-06-01", 4000)
	primary.Secondary = &claimcc.CoverageRef{Payer: org.MSPID, Coverage: cov2}
	_, err = provider.Submit(ctx, primary)
	require.NoError(t, err)
	r, err := provider.Crossover(ctx, primary.ID)
	require.NoError(t, err)
	assert.Equal(t, claimcc.CrossoverID(primary.ID), r.ID)
	rem, err := second.Remittance(ctx, r.ID)
	require.NoError(t, err)
	require.NotNil(t, rem.Prior)
	for i, l := range rem.Lines {
		assert.LessOrEqual(t, l.PaidCents, rem.Prior.Lines[i].PatientCents, "line %d: only the remainder", i)
	}
	_, err = claimsAs(t, "payer", "adjudicator1").Get(ctx, r.ID)
	assert.True(t, errors.Is(err, client.ErrForbidden), "the primary reads the secondary's claim: %v", err)

	// The same services billed to both payers, a cent apart: flagged to both.
	a := visit(fmt.Sprintf("clm-e2e-a-%d", run), member, cov1, "2026-06-02", 4000)
	b := visit(fmt.Sprintf("clm-e2e-b-%d", run), member, cov2, "2026-06-02", 4001)
	b.Payer = org.MSPID
	_, err = provider.Submit(ctx, a)
	require.NoError(t, err)
	_, err = provider.Submit(ctx, b)
	require.NoError(t, err)
	_, err = claimsAs(t, "payer", "adjudicator1").Screen(ctx, a.ID)
	require.NoError(t, err)
	_, err = second.Screen(ctx, b.ID)
	require.NoError(t, err)
	flags, err := second.ListFlags(ctx, client.Page{Size: 50})
	require.NoError(t, err)
	var mine []string
	for _, f := range flags.Items {
		mine = append(mine, f.Claim)
	}
	assert.Contains(t, mine, b.ID)
	assert.NotContains(t, mine, a.ID)
}
