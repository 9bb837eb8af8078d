package claims

import (
	"slices"
	"strings"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// grant is one way to pass an access check: the caller's org plays part
// (in the parts registry) and the caller's role is one of roles, which
// that part lets count.
type grant struct {
	part  string
	roles []string
}

func (g grant) String() string { return g.part + " " + strings.Join(g.roles, "/") }

// Who may do what. Ownership comes on top: a claim's provider-side
// actions are its provider's, its payer-side actions its payer's.
var (
	providerBilling = grant{parts.PartProvider, []string{parts.RoleBilling}}
	payerAdjudicate = grant{parts.PartPayer, []string{parts.RoleAdjudicator}}
	payerEnrollment = grant{parts.PartPayer, []string{parts.RoleEnrollment}}
	// Claims are read by the payer's adjudicators and claims intake.
	payerClaimStaff = grant{parts.PartPayer, []string{parts.RoleAdjudicator, parts.RoleClaimsIntake}}
	// Coverage is read by them and by enrollment.
	payerCoverageStaff = grant{parts.PartPayer, []string{parts.RoleAdjudicator, parts.RoleClaimsIntake, parts.RoleEnrollment}}
	regulatorAuditor   = grant{parts.PartRegulator, []string{parts.RoleAuditor}}
)

// require passes the caller when one of grants lets it; it returns the
// caller's registry entry and the part of the grant that let it. An org
// the registry does not list, a role its part does not grant and an
// identity without a role (an admin) are FORBIDDEN.
func (t *tx) require(grants ...grant) (parts.Org, string, error) {
	c := t.Caller
	o, err := registry.Org(t.Stub, c.MSPID)
	if err != nil {
		return o, "", err
	}
	t.org = o
	for _, g := range grants {
		if slices.Contains(g.roles, c.Role) && o.Allows(g.part, c.Role) {
			return o, g.part, nil
		}
	}
	names := make([]string, len(grants))
	for i, g := range grants {
		names[i] = g.String()
	}
	return o, "", ccerr.Forbidden("%s (role %q, parts %s) may not do this: requires %s",
		c.Key(), c.Role, strings.Join(o.Parts, ","), strings.Join(names, " or "))
}

// owns checks that the caller's org is the claim's party on the side of
// part (provider or payer).
func (t *tx) owns(part string, tr *wire.Trace) error {
	party := tr.Provider
	if part == parts.PartPayer {
		party = tr.Payer
	}
	if part != parts.PartRegulator && t.Caller.MSPID != party {
		return ccerr.Forbidden("claim %s is %s's as its %s, not %s's", tr.ID, party, part, t.Caller.MSPID)
	}
	return nil
}

// requireMember lets any identity of an org the registry lists: public
// traces and settings, which every channel member can read in the blocks
// anyway.
func (t *tx) requireMember() error {
	_, err := registry.Org(t.Stub, t.Caller.MSPID)
	return err
}

// requireRegulatorAdmin lets an admin of an org playing the regulator.
func (t *tx) requireRegulatorAdmin() error {
	if t.Caller.Type != caller.TypeAdmin {
		return ccerr.Forbidden("%s is not an admin: only the regulator's admin changes channel settings", t.Caller.Key())
	}
	_, err := registry.RequirePart(t.Stub, t.Caller.MSPID, parts.PartRegulator)
	return err
}

// requirePayerOrg checks, for a claim, that payer is an org playing the
// payer in the registry, and returns its entry.
func (t *tx) requirePayerOrg(field, payer string) (parts.Org, error) {
	o, err := registry.RequirePart(t.Stub, payer, parts.PartPayer)
	if ccerr.CodeOf(err) == ccerr.CodeForbidden {
		return o, ccerr.Invalid(field, "%s does not play the payer part in the consortium registry", payer)
	}
	return o, err
}

// requirePlan checks that plan is one of the payer's plans, when its
// registry entry lists plans.
func requirePlan(field string, payer parts.Org, plan string) error {
	if len(payer.Plans) > 0 && !payer.OwnsPlan(plan) {
		return ccerr.Invalid(field, "%s is not one of %s's plans (%s)", plan, payer.MSPID, strings.Join(payer.Plans, ", "))
	}
	return nil
}

// planOK reports whether a coverage's plan may be adjudicated under
// payer's entry (a plan the payer gave up is no longer covered).
func planOK(payer parts.Org, plan string) bool {
	return payer.Plays(parts.PartPayer) && requirePlan("plan", payer, plan) == nil
}
