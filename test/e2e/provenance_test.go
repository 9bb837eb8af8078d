//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance"
)

func drugsAs(t *testing.T, org, user string) *provenance.Client {
	return provenance.New(session(t, org, user), "supply")
}

// sscc makes a valid SSCC from a 17-digit body.
func sscc(body string) string { return body + string(pv.CheckDigit(body)) }

// settled waits until every supply peer has committed a transaction: the
// next step is endorsed by another org's peer, which must see it.
func settled(t *testing.T, r *pv.Receipt, err error) *pv.Receipt {
	t.Helper()
	require.NoError(t, err)
	for _, p := range []string{"peer0.manufacturer", "peer0.distributor", "peer0.provider", "peer0.regulator"} {
		waitSupply(t, p, r.TxID)
	}
	return r
}

// waitSupply waits until a supply peer has the block of a transaction.
func waitSupply(t *testing.T, peerID, txID string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	readers := []*client.Session{session(t, "manufacturer", "quality1"), session(t, "distributor", "logistics1")}
	for {
		for _, s := range readers {
			if info, err := s.Transaction(context.Background(), "supply", txID); err == nil {
				waitHeight(t, peerID, "supply", info.Block)
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("transaction %s not found", txID)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The pharma story: the manufacturer commissions 1,000 units, packs them
// into cases and a pallet, ships to the distributor; the distributor
// receives and ships cases on to the hospital pharmacy; a pharmacist
// verifies and dispenses one unit; the regulator recalls the lot; another
// unit then verifies as recalled and cannot be dispensed; a forged serial
// is unknown; trace shows every hop; an unauthorized partner cannot ship.
func TestSupplyStory(t *testing.T) {
	ctx := context.Background()
	run := time.Now().UnixNano()
	const gtin = "10614141123459"
	lot := fmt.Sprintf("E2E-%d", run%1_000_000_000)
	expiry := "2028-12-31"
	prefix := fmt.Sprintf("%06d", run%1_000_000)

	settle := func(r *pv.Receipt, err error) *pv.Receipt { t.Helper(); return settled(t, r, err) }
	registrar := drugsAs(t, "regulator", "registrar1")
	for _, m := range []string{"ManufacturerMSP", "DistributorMSP", "ProviderMSP"} {
		_, err := registrar.RegisterPartner(ctx, pv.Partner{MSPID: m, Name: m, License: "LIC-" + m, GLN: "0614141000012",
			ValidFrom: "2026-01-01", ValidTo: "2030-12-31"})
		require.NoError(t, err)
	}
	quality := drugsAs(t, "manufacturer", "quality1")
	_, err := quality.RegisterProduct(ctx, pv.Product{GTIN: gtin, Name: "Amoxicillin", Strength: "500 mg", DosageForm: "capsule",
		NDC: "0093-3109", MinTenthC: 20, MaxTenthC: 250})
	require.NoError(t, err)
	_, err = quality.CreateBatch(ctx, gtin, lot, expiry)
	require.NoError(t, err)

	serials := make([]string, 1000)
	for i := range serials {
		serials[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	done, signals, err := quality.Commission(ctx, gtin, lot, serials, nil)
	require.NoError(t, err)
	assert.Equal(t, 1000, done)
	assert.Empty(t, signals)

	// 10 cases of 100 units, then one pallet of the 10 cases.
	mfg := drugsAs(t, "manufacturer", "logistics1")
	var cases []string
	for c := 0; c < 10; c++ {
		id := sscc(fmt.Sprintf("1061414%010d", (run/1000+int64(c))%10_000_000_000))
		var units []string
		for i := c * 100; i < (c+1)*100; i++ {
			units = append(units, pv.SGTIN(gtin, serials[i]))
		}
		r, err := mfg.Pack(ctx, pv.PackInput{SSCC: id, Kind: "case", Children: units})
		require.NoError(t, err, "case %d", c)
		if c == 9 {
			settled(t, r, err)
		}
		cases = append(cases, id)
	}
	pallet := sscc(fmt.Sprintf("2061414%010d", (run/1000)%10_000_000_000))
	settle(mfg.Pack(ctx, pv.PackInput{SSCC: pallet, Kind: "pallet", Children: cases}))

	ship1 := fmt.Sprintf("SHP-%d-1", run)
	r, err := mfg.Ship(ctx, pv.ShipInput{ID: ship1, To: "DistributorMSP", Items: []string{pallet}}, map[string]string{"ti": "invoice 1"})
	require.NoError(t, err)
	assert.Equal(t, pv.DispInTransit, r.Status)
	waitSupply(t, "peer0.distributor", r.TxID)

	dist := drugsAs(t, "distributor", "logistics1")
	settle(dist.Receive(ctx, ship1))
	settle(dist.Unpack(ctx, pallet))
	ship2 := fmt.Sprintf("SHP-%d-2", run)
	r, err = dist.Ship(ctx, pv.ShipInput{ID: ship2, To: "ProviderMSP", Items: cases[:2]}, map[string]string{"ti": "invoice 2"})
	require.NoError(t, err)
	waitSupply(t, "peer0.provider", r.TxID)

	pharmacy := drugsAs(t, "provider", "pharmacist1")
	settle(pharmacy.Receive(ctx, ship2))
	// The partners read the DSCSA documents with their salt; the public
	// shipment holds only the salted commitment.
	dscsa, matches, err := pharmacy.DSCSA(ctx, ship2)
	require.NoError(t, err)
	assert.True(t, matches)
	assert.Contains(t, dscsa.Documents, "invoice 2")
	assert.NotEmpty(t, dscsa.Salt)
	v, err := pharmacy.Verify(ctx, gtin, serials[5], lot, expiry)
	require.NoError(t, err)
	assert.Equal(t, pv.Verified, v.Result)
	assert.Equal(t, "ProviderMSP", v.Requester, "a verification names the org, not the pharmacist")
	settle(pharmacy.Dispense(ctx, pv.SGTIN(gtin, serials[5])))

	// The regulator recalls the lot.
	settle(registrar.RecallLot(ctx, gtin, lot, "e2e: contamination found"))
	v, err = pharmacy.Verify(ctx, gtin, serials[6], lot, expiry)
	require.NoError(t, err)
	assert.Equal(t, pv.Recalled, v.Result)
	_, err = pharmacy.Dispense(ctx, pv.SGTIN(gtin, serials[6]))
	assert.True(t, errors.Is(err, client.ErrPrecondition), "got %v", err)
	report, err := registrar.RecallReport(ctx, gtin, lot, client.Page{Size: 100})
	require.NoError(t, err)
	assert.Len(t, report.Items, 100)
	assert.NotEmpty(t, report.Bookmark)

	// A forged serial is unknown.
	v, err = pharmacy.Verify(ctx, gtin, "FORGED"+prefix, lot, expiry)
	require.NoError(t, err)
	assert.Equal(t, pv.UnknownSerial, v.Result)
	// Commission anchored every unit in the manufacturer's commissioning
	// collection (the pharmacy's peer, not a member, verified against the
	// anchor's hash above): anchoring them again anchors none.
	anchored, err := quality.AnchorUnits(ctx, gtin, lot, serials[900:902])
	require.NoError(t, err)
	assert.Zero(t, anchored)

	// The trace shows every hop, back to the manufacturer.
	trace, err := pharmacy.Trace(ctx, pv.SGTIN(gtin, serials[6]), false, client.Page{Size: 100})
	require.NoError(t, err)
	var hops []string
	for _, e := range trace.Items {
		if e.BizStep == pv.StepShipping || e.BizStep == pv.StepReceiving {
			hops = append(hops, e.BizStep+":"+e.Source+">"+e.Destination)
		}
	}
	assert.Equal(t, []string{"shipping:ManufacturerMSP>DistributorMSP", "receiving:ManufacturerMSP>DistributorMSP",
		"shipping:DistributorMSP>ProviderMSP", "receiving:DistributorMSP>ProviderMSP"}, hops)
	assert.Equal(t, pv.StepCommissioning, trace.Items[0].BizStep)
	newest, err := pharmacy.Trace(ctx, pv.SGTIN(gtin, serials[6]), true, client.Page{Size: 1})
	require.NoError(t, err)
	require.Len(t, newest.Items, 1)
	assert.Equal(t, trace.Items[len(trace.Items)-1].EventID, newest.Items[0].EventID, "newest first")
	assert.NotEmpty(t, newest.Bookmark)

	// The auditor reads but does not act: no recall, no clearance.
	_, err = drugsAs(t, "regulator", "auditor1").RecallLot(ctx, gtin, lot+"-x", "e2e: not the auditor's")
	assert.True(t, errors.Is(err, client.ErrForbidden), "got %v", err)

	// EPCIS: the export of a unit reads back as EPCIS 2.0, one plan per
	// event; imported again it repeats nothing (every event is on the
	// ledger, or another org's).
	doc, err := pharmacy.ExportEPCIS(ctx, pv.SGTIN(gtin, serials[6]))
	require.NoError(t, err)
	parsed, plan, err := pharmacy.PlanEPCIS(ctx, doc)
	require.NoError(t, err)
	require.Len(t, plan.Events, len(parsed.Events))
	assert.Equal(t, len(trace.Items), len(parsed.Events))
	assert.Empty(t, plan.Calls(), "the ledger's own trace imports as nothing new")
	assert.Equal(t, pv.StepCommissioning, parsed.Events[0].BizStep.Term)
	require.NotNil(t, parsed.Events[0].ILMD)
	assert.Equal(t, lot, parsed.Events[0].ILMD.Lot)

	// An unauthorized partner cannot ship: the registrar suspends the
	// distributor, which then cannot ship the cases it holds.
	settle(registrar.RegisterPartner(ctx, pv.Partner{MSPID: "DistributorMSP", Name: "DistributorMSP", License: "LIC-DistributorMSP",
		GLN: "0614141000012", ValidFrom: "2026-01-01", ValidTo: "2030-12-31", Status: "suspended"}))
	_, err = dist.Ship(ctx, pv.ShipInput{ID: ship1 + "-x", To: "ProviderMSP", Items: cases[2:3]}, map[string]string{"ti": "x"})
	var ce *client.Error
	require.True(t, errors.As(err, &ce), "got %v", err)
	assert.Equal(t, client.CodeForbidden, ce.Code)
	assert.Contains(t, ce.Message, "not an authorized trading partner")
	_, err = registrar.RegisterPartner(ctx, pv.Partner{MSPID: "DistributorMSP", Name: "DistributorMSP", License: "LIC-DistributorMSP",
		GLN: "0614141000012", ValidFrom: "2026-01-01", ValidTo: "2030-12-31"})
	require.NoError(t, err)
}
