package registry_test

import (
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	"github.com/carechain/carechain/chaincode/parts/wire"
)

var t0 = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

// check runs Require as id inside a transaction of namespace "app".
func check(p *memstub.Peer, id *memstub.Identity, part string, roles ...string) memstub.Result {
	return p.Run("app", id, t0.Add(time.Minute), func(stub shim.ChaincodeStubInterface) error {
		c, err := caller.From(stub)
		if err != nil {
			return err
		}
		_, err = registry.Require(stub, c, part, roles...)
		return err
	})
}

// Every role minted in every org: only the org whose part lets the role
// count passes.
func TestRequireCountsARoleOnlyInAnOrgOfThePart(t *testing.T) {
	p := memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
	partstest.Install(p, partstest.Reference(), t0)
	msps := []string{"ProviderMSP", "PayerMSP", "RegulatorMSP", "PatientsMSP", "ManufacturerMSP", "OrdererMSP"}
	rules := []struct{ part, role, msp string }{
		{wire.PartPayer, wire.RoleAdjudicator, "PayerMSP"},
		{wire.PartPayer, wire.RoleEnrollment, "PayerMSP"},
		{wire.PartProvider, wire.RolePhysician, "ProviderMSP"},
		{wire.PartProvider, wire.RoleBilling, "ProviderMSP"},
		{wire.PartRegulator, wire.RoleAuditor, "RegulatorMSP"},
		{wire.PartPatientRegistry, wire.RolePatient, "PatientsMSP"},
	}
	for _, r := range rules {
		for _, msp := range msps {
			id := memstub.NewIdentity(msp, "u", map[string]string{"role": r.role})
			res := check(p, id, r.part, r.role)
			if msp == r.msp {
				require.True(t, res.OK(), "%s %s of %s: %s", r.part, r.role, msp, res.Message)
			} else {
				require.False(t, res.OK(), "%s %s minted by %s must not count", r.part, r.role, msp)
				require.Contains(t, res.Message, "FORBIDDEN")
			}
		}
	}
}

func TestRequireRefusesARoleThePartDoesNotGrant(t *testing.T) {
	p := memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
	partstest.Install(p, partstest.Reference(), t0)
	// PayerMSP plays payer, but "physician" is not a payer's role.
	id := memstub.NewIdentity("PayerMSP", "u", map[string]string{"role": wire.RolePhysician})
	res := check(p, id, wire.PartPayer, wire.RolePhysician)
	require.Contains(t, res.Message, `role "physician" does not count`)
	res = check(p, memstub.NewIdentity("PayerMSP", "u", nil), wire.PartPayer, wire.RoleAdjudicator)
	require.Contains(t, res.Message, "no role")
}

func TestRequireAnyNamesThePartThatLetTheRoleCount(t *testing.T) {
	p := memstub.NewPeer("supply", memstub.WithMSP("ProviderMSP"))
	partstest.Install(p, partstest.Reference(), t0)
	var got string
	res := p.Run("app", memstub.NewIdentity("ProviderMSP", "ph", map[string]string{"role": "pharmacist"}), t0.Add(time.Minute), func(stub shim.ChaincodeStubInterface) error {
		c, _ := caller.From(stub)
		_, part, err := registry.RequireAny(stub, c, []string{wire.PartDistributor, wire.PartPharmacy}, wire.RolePharmacist, wire.RoleLogistics)
		got = part
		return err
	})
	require.True(t, res.OK(), res.Message)
	require.Equal(t, wire.PartPharmacy, got)
	res = p.Run("app", memstub.NewIdentity("RegulatorMSP", "x", map[string]string{"role": "logistics"}), t0.Add(time.Minute), func(stub shim.ChaincodeStubInterface) error {
		c, _ := caller.From(stub)
		_, _, err := registry.RequireAny(stub, c, []string{wire.PartDistributor, wire.PartPharmacy}, wire.RoleLogistics)
		return err
	})
	require.Contains(t, res.Message, "FORBIDDEN")
}
