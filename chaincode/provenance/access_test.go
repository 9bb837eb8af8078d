package provenance

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// Who may do what on the supply channel, written from the domain (DSCSA,
// GS1) and not from the code. Keys are "MSP/role"; the registry gives
// ManufacturerMSP the manufacturer part (quality, logistics),
// DistributorMSP the distributor part (logistics, quality), ProviderMSP
// the provider and pharmacy parts (pharmacist and logistics count on the
// supply chain) and RegulatorMSP the regulator part (auditor, registrar).
// RogueMSP holds a licence in the partner registry but plays no part.
var (
	mfrQuality   = "ManufacturerMSP/quality"
	mfrLogistics = "ManufacturerMSP/logistics"
	distLogist   = "DistributorMSP/logistics"
	distQual     = "DistributorMSP/quality"
	pharmPharm   = "ProviderMSP/pharmacist"
	pharmLogist  = "ProviderMSP/logistics"
	regAuditor   = "RegulatorMSP/auditor"
	regRegistrar = "RegulatorMSP/registrar"

	// Every member of a supply part reads public supply facts and verifies.
	supplyMembers = []string{mfrQuality, mfrLogistics, distLogist, distQual, pharmPharm, pharmLogist, regAuditor, regRegistrar}
	// The manufacturer's staff handle what the manufacturer holds.
	mfrStaff = []string{mfrQuality, mfrLogistics}
	// Licensed shippers of other orgs, who do not hold the item shipped:
	// refused, and the attempt is recorded as a counterfeit signal.
	otherShippers = []string{distLogist, pharmPharm, pharmLogist}
)

// rule is one transaction of the matrix: who may run it on the seeded
// supply, and who gets a counterfeit-signal refusal instead of FORBIDDEN.
type rule struct {
	op      string
	allowed []string
	signal  []string
	query   bool
	run     func(e *env, id *memstub.Identity) memstub.Result
}

func submit(fn string, args ...string) func(e *env, id *memstub.Identity) memstub.Result {
	return func(e *env, id *memstub.Identity) memstub.Result { return e.Submit(id, 10, "", nil, fn, args...) }
}

func query(fn string, args ...string) func(e *env, id *memstub.Identity) memstub.Result {
	return func(e *env, id *memstub.Identity) memstub.Result { return e.Query(id, 10, fn, args...) }
}

func rules() []rule {
	return []rule{
		{op: "RegisterPartner", allowed: []string{regRegistrar}, run: submit("RegisterPartner", string(cctest.JSON(wire.Partner{MSPID: "NewMSP",
			Name: "n", License: "L9", GLN: "0614141000012", ValidFrom: "2026-01-01", ValidTo: "2027-01-01"})))},
		{op: "GetPartner", allowed: supplyMembers, query: true, run: query("GetPartner", distMSP)},
		{op: "RegisterProduct", allowed: []string{mfrQuality}, run: submit("RegisterProduct", product(gtin2))},
		{op: "CreateBatch", allowed: []string{mfrQuality}, run: submit("CreateBatch", gtin, "LOT-B", exp)},
		{op: "Commission", allowed: mfrStaff, run: submit("Commission", gtin, lot, serials(100, 2))},
		// Attesting units commissioned before anchors: the maker's quality staff.
		{op: "AnchorUnits", allowed: []string{mfrQuality}, run: submit("AnchorUnits", gtin, lot, serials(0, 2))},
		{op: "Pack", allowed: mfrStaff, run: submit("Pack", string(cctest.JSON(wire.PackInput{SSCC: case2, Kind: "case", Children: units(2, 2)})))},
		{op: "Unpack", allowed: mfrStaff, run: submit("Unpack", case1)},
		{op: "Ship", allowed: []string{mfrLogistics}, signal: otherShippers, run: func(e *env, id *memstub.Identity) memstub.Result {
			to := provMSP
			if id.MSPID == provMSP {
				to = distMSP
			}
			return e.ship(id, 10, "SHP-2", to, unit(4))
		}},
		{op: "Receive", allowed: []string{distLogist}, run: submit("Receive", "SHP-1")},
		{op: "AddReading", allowed: []string{mfrQuality, mfrLogistics, distLogist, distQual}, run: submit("AddReading", "SHP-1", "logger-1", "50")},
		// A reading of goods at rest: their holder's staff.
		{op: "ReportReading", allowed: mfrStaff, run: submit("ReportReading", unit(9), "logger-1", "50")},
		{op: "Verify", allowed: supplyMembers, run: submit("Verify", gtin, "SN00000", lot, exp)},
		{op: "Dispense", allowed: []string{pharmPharm}, run: submit("Dispense", unit(6))},
		{op: "Suspect", allowed: append(slices.Clone(mfrStaff), regRegistrar), run: submit("Suspect", unit(3), "odd label")},
		{op: "Clear", allowed: []string{mfrQuality, regRegistrar}, run: submit("Clear", unit(8), "legitimate")},
		{op: "MarkIllegitimate", allowed: []string{mfrQuality, regRegistrar}, run: submit("MarkIllegitimate", unit(8), "counterfeit")},
		{op: "RecallLot", allowed: []string{mfrQuality, regRegistrar}, run: submit("RecallLot", gtin, lot, "contamination")},
		{op: "Decommission", allowed: mfrStaff, run: submit("Decommission", unit(3), "sample")},
		{op: "Destroy", allowed: mfrStaff, run: submit("Destroy", unit(3), "damaged")},
		{op: "GetItem", allowed: supplyMembers, query: true, run: query("GetItem", unit(0))},
		{op: "GetShipment", allowed: supplyMembers, query: true, run: query("GetShipment", "SHP-1")},
		{op: "Trace", allowed: supplyMembers, query: true, run: query("Trace", unit(0), "", "10", "")},
		{op: "RecallReport", allowed: supplyMembers, query: true, run: query("RecallReport", gtin, lot, "10", "")},
		{op: "ListSignals", allowed: supplyMembers, query: true, run: query("ListSignals", unit(0), wire.NewestFirst, "10", "")},
		// Anchoring EPCIS events without custody meaning: any licensed
		// trading partner's staff; reading them: every supply member.
		{op: "Capture", allowed: []string{mfrQuality, mfrLogistics, distLogist, distQual, pharmPharm, pharmLogist},
			run: submit(wire.FnCapture, captureArg(inspected("urn:uuid:m1")))},
		{op: "ListCaptured", allowed: supplyMembers, query: true, run: query(wire.FnListCaptured, "04012345111118.X9", "10", "")},
		{op: "GetDSCSA", allowed: []string{mfrQuality, mfrLogistics, distLogist, distQual}, query: true, run: query("GetDSCSA", "SHP-1")},
		// A collection's blinding secret: an admin of one of its members.
		{op: "SetupBlinding", allowed: []string{distMSP + "/admin", provMSP + "/admin"}, run: func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, blind.TransientSecret, testSecret[:], "SetupBlinding", unblinded)
		}},
		{op: "BlindingReady", allowed: append(slices.Clone(supplyMembers), mfrMSP+"/admin", distMSP+"/admin", provMSP+"/admin", regMSP+"/admin"),
			query: true, run: query("BlindingReady", CommissionCollection(mfrMSP))},
	}
}

// unblinded is the collection seededSupply leaves without its blinding
// secret (no seeded step uses it), for the SetupBlinding row.
var unblinded = DSCSACollection(distMSP, provMSP)

// seededSupply: units 0-9 commissioned; units 0-1 in case1 at the
// manufacturer; unit 5 shipped to the distributor (SHP-1, in transit);
// units 6-7 received by the hospital pharmacy; unit 8 quarantined at the
// manufacturer. The distributor–pharmacy collection has no blinding
// secret yet.
func seededSupply(t testing.TB) *env {
	e := newEnvBlinding(t, &Contract{}, partstest.Reference(), unblinded)
	e.Must(e.Submit(quality, 1, "", nil, "Commission", gtin, lot, serials(0, 10)), nil)
	e.Must(e.pack(mfgLogistic, 2, case1, "case", units(0, 2)...), nil)
	e.Must(e.ship(mfgLogistic, 3, "SHP-1", distMSP, unit(5)), nil)
	e.Must(e.ship(mfgLogistic, 3, "SHP-P", provMSP, unit(6), unit(7)), nil)
	e.Must(e.Submit(pharmacist, 4, "", nil, "Receive", "SHP-P"), nil)
	e.Must(e.Submit(quality, 4, "", nil, "Suspect", unit(8), "seal broken"), nil)
	return e
}

// everyIdentity is every role of wire minted in every org of the supply
// channel and in one the registry does not list, plus each org's admin.
func everyIdentity() map[string]*memstub.Identity {
	roles := []string{parts.RolePatient, parts.RolePhysician, parts.RoleNurse, parts.RoleRecordsClerk, parts.RoleBilling,
		parts.RolePharmacist, parts.RolePrivacy, parts.RoleAdjudicator, parts.RoleEnrollment, parts.RoleClaimsIntake,
		parts.RoleQuality, parts.RoleLogistics, parts.RoleAuditor, parts.RoleRegistrar}
	out := map[string]*memstub.Identity{}
	for _, msp := range []string{mfrMSP, distMSP, provMSP, regMSP, rogueMSP} {
		for _, r := range roles {
			out[msp+"/"+r] = memstub.NewIdentity(msp, r+"1", map[string]string{"role": r})
		}
		out[msp+"/admin"] = memstub.NewIdentity(msp, "admin", map[string]string{"hf.Type": "admin"})
	}
	return out
}

// onPeerOf runs the transaction on the caller's org's peer where it has
// one (its private collections are there).
func onPeerOf(e *env, id *memstub.Identity) {
	if slices.Contains([]string{mfrMSP, distMSP, provMSP}, id.MSPID) {
		e.Peer.SetMSP(id.MSPID)
		return
	}
	e.Peer.SetMSP(mfrMSP)
}

// Every identity calls every transaction: allowed exactly where the table
// says, a counterfeit-signal refusal for licensed shippers that do not
// hold the item, FORBIDDEN with nothing changed everywhere else. Refusals
// run on one shared seeded peer (they change nothing, which is asserted);
// each allowed call gets a fresh one.
func TestRoleOrgMatrix(t *testing.T) {
	ids := everyIdentity()
	names := make([]string, 0, len(ids))
	for n := range ids {
		names = append(names, n)
	}
	slices.Sort(names)
	shared := seededSupply(t)
	for _, r := range rules() {
		for _, who := range names {
			id := ids[who]
			switch {
			case slices.Contains(r.allowed, who):
				e := seededSupply(t)
				onPeerOf(e, id)
				res := r.run(e, id)
				require.True(t, res.OK(), "%s as %s: %s", r.op, who, res.Message)
				if r.op == "Ship" {
					assert.Equal(t, wire.DispInTransit, e.item(unit(4)).Disposition)
				}
			case slices.Contains(r.signal, who):
				e := seededSupply(t)
				onPeerOf(e, id)
				var rc wire.Receipt
				e.Must(r.run(e, id), &rc)
				assert.Equal(t, "refused", rc.Status, "%s as %s", r.op, who)
				assert.Equal(t, wire.SignalNotHolder, rc.Signals[0].Code)
				assert.Equal(t, wire.DispActive, e.item(unit(4)).Disposition, "custody unchanged")
			default:
				onPeerOf(shared, id)
				before := shared.Peer.Snapshot()
				shared.Refused(before, r.run(shared, id), "FORBIDDEN: ")
			}
		}
	}
	assert.Greater(t, len(names), 70, fmt.Sprint(len(names)))
}
