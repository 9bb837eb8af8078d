package provenance

import (
	"context"
	"errors"
	"fmt"
	"time"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
)

// PlanEPCIS reads an EPCIS 2.0 document (JSON or JSON-LD) and plans its
// events as this client's org would import them (epcismap): its own acts
// against the ledger as it is, parties resolved through the partner
// registry's GLNs. Nothing is submitted.
func (k *Client) PlanEPCIS(ctx context.Context, data []byte) (*epcis.Document, *epcismap.Plan, error) {
	doc, err := epcis.Parse(data)
	if err != nil {
		return nil, nil, err
	}
	reg, err := k.registry(ctx)
	if err != nil {
		return nil, nil, err
	}
	dir, err := k.directory(ctx, reg)
	if err != nil {
		return nil, nil, err
	}
	plan, err := epcismap.Map(ctx, doc, epcismap.WithSelf(k.c.Session.Org.MSPID), epcismap.WithParties(dir), epcismap.WithLedger(ledger{k}))
	return doc, plan, err
}

// ImportResult is what an import did: the plan, and how many of its calls
// were made.
type ImportResult struct {
	Plan  *epcismap.Plan `json:"plan"`
	Calls int            `json:"calls"`
	// Anchors are the events captured only or unsupported, anchored on
	// the ledger (provenance Capture) or saying why not.
	Anchors []EventAnchor `json:"anchors"`
}

// ImportEPCIS plans an EPCIS 2.0 document (PlanEPCIS) and makes the calls
// of its applied events in order, with dscsa as the DSCSA documents of its
// shipments; progress is told the calls done. It stops at the first call
// that fails and says which event it was for. Events captured only or
// unsupported make no custody call (the result's plan says why, each):
// once every call is made they are anchored (AnchorPlan).
func (k *Client) ImportEPCIS(ctx context.Context, data []byte, dscsa any, progress func(done, total int)) (*ImportResult, error) {
	doc, plan, err := k.PlanEPCIS(ctx, data)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Plan: plan}
	total := len(plan.Calls())
	for _, ep := range plan.Events {
		_, err := k.applyEvent(ctx, ep, dscsa, func() {
			res.Calls++
			if progress != nil {
				progress(res.Calls, total)
			}
		})
		if err != nil {
			return res, err
		}
	}
	res.Anchors, err = AnchorPlan(ctx, k.CaptureEvents, doc, plan, time.Now())
	return res, err
}

// ApplyEvent makes the calls of one applied event of a plan in order, with
// dscsa as the DSCSA documents of a shipment; it stops at the first call
// that fails, naming the event and the call, and returns how many calls
// were made. An event captured only or unsupported makes no call.
func (k *Client) ApplyEvent(ctx context.Context, ep epcismap.EventPlan, dscsa any) (int, error) {
	return k.applyEvent(ctx, ep, dscsa, nil)
}

func (k *Client) applyEvent(ctx context.Context, ep epcismap.EventPlan, dscsa any, done func()) (int, error) {
	if ep.Outcome != epcismap.Apply {
		return 0, nil
	}
	for i, c := range ep.Calls {
		if err := k.run(ctx, c, dscsa); err != nil {
			return i, fmt.Errorf("event %d (%s %s), call %s %s: %w", ep.Index, ep.Type, ep.BizStep, c.Fn, c.ID+c.GTIN, err)
		}
		if done != nil {
			done()
		}
	}
	return len(ep.Calls), nil
}

func (k *Client) run(ctx context.Context, c epcismap.Call, dscsa any) error {
	var err error
	switch c.Fn {
	case pv.FnCreateBatch:
		_, err = k.CreateBatch(ctx, c.GTIN, c.Lot, c.Expiry)
		if errors.Is(err, client.ErrConflict) {
			err = nil // registered before: the chaincode keeps its expiry (no read of a lot to compare)
		}
	case pv.FnCommission:
		_, _, err = k.Commission(ctx, c.GTIN, c.Lot, c.Serials, nil)
	case pv.FnPack:
		_, err = k.Pack(ctx, pv.PackInput{SSCC: c.ID, Kind: c.Kind, Children: c.Children})
	case pv.FnUnpack:
		_, err = k.Unpack(ctx, c.ID)
	case pv.FnShip:
		err = k.ship(ctx, c, dscsa)
	case pv.FnReceive:
		_, err = k.Receive(ctx, c.ID)
	case pv.FnAddReading:
		_, err = k.AddReading(ctx, c.ID, c.Device, c.TenthC)
	case pv.FnReportReading:
		_, err = k.ReportReading(ctx, c.ID, c.Device, c.TenthC)
	case pv.FnDispense:
		_, err = k.Dispense(ctx, c.ID)
	case pv.FnDecommission, pv.FnDestroy:
		_, err = k.Decommission(ctx, c.ID, c.Reason, c.Fn == pv.FnDestroy)
	default:
		err = fmt.Errorf("no such call %q", c.Fn)
	}
	return err
}

func (k *Client) ship(ctx context.Context, c epcismap.Call, dscsa any) error {
	r, err := k.Ship(ctx, pv.ShipInput{ID: c.ID, To: c.To, Items: c.Items}, dscsa)
	if err == nil && r.Status == "refused" {
		err = fmt.Errorf("shipment refused: %s", r.Signals[0].Reason)
	}
	return err
}
