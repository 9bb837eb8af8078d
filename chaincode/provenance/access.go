package provenance

import (
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// Who is who on the supply channel. Every check reads the parts registry
// (kit/registry): a role attribute counts only together with a part its
// org plays. Trading partners must also be licensed today in the
// regulator's partner registry (RegisterPartner): the parts registry says
// what an org is, the licence says it may trade now.

// tradingParts are the parts that hold and move product.
func tradingParts() []string {
	return []string{parts.PartManufacturer, parts.PartDistributor, parts.PartPharmacy}
}

// memberParts are the parts that read the supply chain's public facts.
func memberParts() []string { return append(tradingParts(), parts.PartRegulator) }

// Role sets of the supply parts (each counts only in a part that grants it).
var (
	handlerRoles      = []string{parts.RoleQuality, parts.RoleLogistics, parts.RolePharmacist}
	shipperRoles      = []string{parts.RoleLogistics, parts.RolePharmacist}
	investigatorRoles = []string{parts.RoleQuality, parts.RolePharmacist}
	memberRoles       = []string{parts.RoleQuality, parts.RoleLogistics, parts.RolePharmacist, parts.RoleAuditor, parts.RoleRegistrar}
)

// requireMember admits any member of a supply part whose role counts
// there: the readers of public supply facts (and verifiers).
func (t *tx) requireMember() error {
	_, _, err := registry.RequireAny(t.Stub, t.Caller, memberParts(), memberRoles...)
	return err
}

// requireMemberOrAdmin admits a supply member (requireMember) or the
// admin of an org playing a supply part (carenet's deploy identity).
func (t *tx) requireMemberOrAdmin() error {
	if t.Caller.Type != caller.TypeAdmin {
		return t.requireMember()
	}
	_, err := registry.RequirePart(t.Stub, t.Caller.MSPID, memberParts()...)
	return err
}

// requireTrader admits a member of a trading part with one of roles that
// counts in it, whose org is a licensed trading partner today.
func (t *tx) requireTrader(roles ...string) error {
	if _, _, err := registry.RequireAny(t.Stub, t.Caller, tradingParts(), roles...); err != nil {
		return err
	}
	_, err := t.partner(t.Caller.MSPID)
	return err
}

// requireMaker admits a manufacturer's staff with one of roles, licensed
// today; ownsGTIN then checks that the org's GS1 company prefixes own the
// product.
func (t *tx) requireMaker(roles ...string) (parts.Org, error) {
	o, err := registry.Require(t.Stub, t.Caller, parts.PartManufacturer, roles...)
	if err != nil {
		return o, err
	}
	_, err = t.partner(t.Caller.MSPID)
	return o, err
}

// ownsGTIN refuses a GTIN (already valid) outside the org's company prefixes.
func ownsGTIN(o parts.Org, gtin string) error {
	if !o.OwnsGTIN(gtin) {
		return ccerr.Forbidden("GTIN %s is not under a GS1 company prefix of %s", gtin, o.MSPID)
	}
	return nil
}

// requireRegistrar admits the regulator's registrar.
func (t *tx) requireRegistrar() error {
	_, err := registry.Require(t.Stub, t.Caller, parts.PartRegulator, parts.RoleRegistrar)
	return err
}

// isRegistrar reports whether the caller is the regulator's registrar; a
// registry failure other than a refusal is an error.
func (t *tx) isRegistrar() (bool, error) {
	if t.Caller.Role != parts.RoleRegistrar {
		return false, nil
	}
	err := t.requireRegistrar()
	if ccerr.CodeOf(err) == ccerr.CodeForbidden {
		return false, nil
	}
	return err == nil, err
}

// registrarOr admits the regulator's registrar, or a trader with one of
// roles (whose ownership the caller then checks). It reports which.
func (t *tx) registrarOr(roles ...string) (registrar bool, err error) {
	if registrar, err = t.isRegistrar(); registrar || err != nil {
		return registrar, err
	}
	return false, t.requireTrader(roles...)
}

// partner returns an org's entry in the partner registry, refused unless
// it is active and valid today.
func (t *tx) partner(msp string) (*wire.Partner, error) {
	var p wire.Partner
	found, err := t.get(objPartner, &p, msp)
	if err != nil {
		return nil, err
	}
	today := t.Now.Format("2006-01-02")
	if !found || p.Status != "active" || today < p.ValidFrom || today > p.ValidTo {
		return nil, ccerr.Forbidden("%s is not an authorized trading partner today", msp)
	}
	return &p, nil
}

// holds refuses unless the caller's org owns the outermost container of an
// item (or the item itself) and it is at rest, not in transit.
func (t *tx) holds(id string, root *wire.Item) error {
	if root.Owner != t.Caller.MSPID {
		return ccerr.Forbidden("%s holds %s, not %s", root.Owner, id, t.Caller.MSPID)
	}
	if root.Disposition == wire.DispInTransit {
		return ccerr.Precondition("%s is in transit", id)
	}
	return nil
}

// held returns an item the caller's org holds at rest, with the chain of
// containers around it (innermost first, the item itself first).
func (t *tx) held(id string) ([]*wire.Item, error) {
	it, err := t.item(id)
	if err != nil {
		return nil, err
	}
	c, err := t.chain(it)
	if err != nil {
		return nil, err
	}
	return c, t.holds(id, c[len(c)-1])
}
