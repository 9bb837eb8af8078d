package provenance

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

var everyone = map[string]*memstub.Identity{
	"quality": quality, "mfg logistics": mfgLogistic, "distributor": distributor, "pharmacist": pharmacist,
	"registrar": registrar, "auditor": auditor, "rogue": rogue, "physician": physician,
}

// seededSupply: 6 units; units 0-1 in case1 at the manufacturer; unit 5
// shipped to the distributor (SHP-1, in transit).
func seededSupply(t *testing.T) *env {
	e := newEnv(t)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 6)), nil)
	e.Must(e.Submit(mfgLogistic, 2, "", nil, "Pack", string(cctest.JSON(PackInput{SSCC: case1, Kind: "case", Children: units(0, 2)}))), nil)
	e.Must(e.ship(mfgLogistic, 3, "SHP-1", "DistributorMSP", unit(5)), nil)
	return e
}

func TestEveryProvenanceFunctionForEveryRole(t *testing.T) {
	ops := []struct {
		name    string
		allowed []string
		run     func(e *env, id *memstub.Identity) memstub.Result
	}{
		{"RegisterPartner", []string{"registrar"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "RegisterPartner", string(cctest.JSON(Partner{MSPID: "NewMSP", Name: "n", License: "L9",
				GLN: "0614141000012", ValidFrom: "2026-01-01", ValidTo: "2027-01-01"})))
		}},
		{"RegisterProduct", []string{"quality"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "RegisterProduct", string(cctest.JSON(Product{GTIN: "00614141123452", Name: "x", Strength: "1 mg",
				DosageForm: "tablet", NDC: "1-2", MinTenthC: 0, MaxTenthC: 300})))
		}},
		{"CreateBatch", []string{"quality"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "CreateBatch", gtin, "LOT-B", exp)
		}},
		{"Commission", []string{"quality", "mfg logistics"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "Commission", gtin, lot, serials(100, 2))
		}},
		{"Pack", []string{"quality", "mfg logistics"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "Pack", string(cctest.JSON(PackInput{SSCC: case2, Kind: "case", Children: units(2, 2)})))
		}},
		{"Unpack", []string{"quality", "mfg logistics"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "Unpack", case1)
		}},
		{"Ship", []string{"mfg logistics"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.ship(id, 10, "SHP-2", "ProviderMSP", unit(4))
		}},
		{"Receive", []string{"distributor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "Receive", "SHP-1")
		}},
		{"AddReading", []string{"mfg logistics", "quality", "distributor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "AddReading", "SHP-1", "logger-1", "50")
		}},
		{"Suspect", []string{"quality", "mfg logistics", "auditor", "registrar"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "Suspect", unit(3), "odd label")
		}},
		{"RecallLot", []string{"quality", "auditor", "registrar"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "RecallLot", gtin, lot, "contamination")
		}},
		{"Decommission", []string{"quality", "mfg logistics"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "Decommission", unit(3), "sample")
		}},
		{"Dispense", []string{}, func(e *env, id *memstub.Identity) memstub.Result {
			// Only a pharmacist dispenses, and only what its org holds: the
			// manufacturer holds unit 3, so nobody may here.
			return e.Submit(id, 10, "", nil, "Dispense", unit(3))
		}},
		{"GetDSCSA", []string{"mfg logistics", "quality", "distributor"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "GetDSCSA", "SHP-1")
		}},
	}
	for _, op := range ops {
		for role, id := range everyone {
			t.Run(op.name+"/"+role, func(t *testing.T) {
				e := seededSupply(t)
				if id.MSPID != "ManufacturerMSP" && id.MSPID != "RogueMSP" && id.MSPID != "RegulatorMSP" {
					e.Peer.SetMSP(id.MSPID)
				}
				before := e.Peer.Snapshot()
				res := op.run(e, id)
				if slices.Contains(op.allowed, role) {
					assert.True(t, res.OK(), "%s as %s: %s", op.name, role, res.Message)
					return
				}
				if op.name == "Ship" && res.OK() {
					// A partner shipping what it does not hold: refused, and
					// the attempt recorded as a counterfeit signal.
					var r Receipt
					e.Must(res, &r)
					assert.Equal(t, "refused", r.Status, role)
					assert.Equal(t, SignalNotHolder, r.Signals[0].Code)
					return
				}
				assert.False(t, res.OK(), "%s as %s should be refused", op.name, role)
				assert.True(t, strings.HasPrefix(res.Message, "FORBIDDEN: ") || strings.HasPrefix(res.Message, "FAILED_PRECONDITION: ") ||
					strings.HasPrefix(res.Message, "INVALID_ARGUMENT: "), res.Message)
				assert.Equal(t, before, e.Peer.Snapshot())
			})
		}
	}
}

func TestAnyoneVerifiesAndReads(t *testing.T) {
	e := seededSupply(t)
	for role, id := range everyone {
		assert.True(t, e.Submit(id, 10, "", nil, "Verify", gtin, "SN00000", lot, exp).OK(), role)
		assert.True(t, e.Query(id, 10, "Trace", unit(0), "10", "").OK(), role)
		assert.True(t, e.Query(id, 10, "GetItem", unit(0)).OK(), role)
	}
}
