package provenance

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const sealed = "OutOf(3, 'DistributorMSP.peer', 'ManufacturerMSP.peer', 'ProviderMSP.peer', 'RegulatorMSP.peer')"

// Attack 5: owned state carries its owner's key-level policy, moved with
// the state: the owner at rest, AND(sender, receiver) in transit, the
// receiver after receipt; what is inside a container, and what nobody may
// change, is sealed by the channel majority.
func TestEndorsementPolicyMovesWithTheState(t *testing.T) {
	e := newEnv(t)
	assert.Equal(t, "AND('ManufacturerMSP.peer')", e.policyOf(objProduct, gtin))
	assert.Equal(t, "AND('ManufacturerMSP.peer')", e.policyOf(objBatch, gtin, lot))
	assert.Equal(t, "AND('RegulatorMSP.peer')", e.policyOf(objPartner, distMSP))
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 3)), nil)
	assert.Equal(t, "AND('ManufacturerMSP.peer')", e.policyOf(objItem, unit(0)))
	assert.Equal(t, sealed, e.policyOf(objUnitsByLot, gtin, lot, "SN00000"))

	e.Must(e.pack(mfgLogistic, 2, case1, "case", unit(0), unit(1)), nil)
	assert.Equal(t, "AND('ManufacturerMSP.peer')", e.policyOf(objItem, case1))
	assert.Equal(t, sealed, e.policyOf(objItem, unit(0)), "inside a container")
	assert.Equal(t, sealed, e.policyOf(objContains, case1, unit(0)))

	e.Must(e.ship(mfgLogistic, 3, "SHP-1", distMSP, case1), nil)
	inTransit := "AND('DistributorMSP.peer', 'ManufacturerMSP.peer')"
	assert.Equal(t, inTransit, e.policyOf(objItem, case1))
	assert.Equal(t, inTransit, e.policyOf(objShipment, "SHP-1"))
	assert.Equal(t, "AND('ManufacturerMSP.peer')", e.policyOf(objItem, unit(2)), "not shipped")

	e.Must(e.Submit(distributor, 4, "", nil, "Receive", "SHP-1"), nil)
	assert.Equal(t, "AND('DistributorMSP.peer')", e.policyOf(objItem, case1))
	assert.Equal(t, "AND('DistributorMSP.peer')", e.policyOf(objShipment, "SHP-1"))

	e.Must(e.Submit(distributor, 5, "", nil, "Unpack", case1), nil)
	assert.Equal(t, "AND('DistributorMSP.peer')", e.policyOf(objItem, unit(0)), "released to its owner")

	e.Must(e.Submit(registrar, 6, "", nil, "RecallLot", gtin, lot, "x"), nil)
	assert.Equal(t, sealed, e.policyOf(objRecall, gtin, lot))
}
