// Package provenance is the typed client of the provenance chaincode:
// trading partners register products and batches, commission serialized
// units in bulk (split into transactions, with progress), pack, ship,
// receive, verify and dispense; the regulator keeps the partner registry
// and recalls lots. EPCIS 2.0 documents are imported through
// epcismap's plan of their events, and traces exported as EPCIS 2.0.
//
// Endorsement: items carry key-level policies (the owner's peer at rest,
// sender and receiver in transit, the channel majority for what is packed
// inside a container). The gateway plans endorsements from them; Ship
// names its two partners, whose private collection it writes. Commission
// and AnchorUnits also write the manufacturer's commissioning collection,
// whose policy is the manufacturer's peer: a unit without that anchor is
// unknown to every read (Verify answers UNKNOWN_SERIAL).
package provenance

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
)

// Chaincode is the provenance chaincode's name in the topology.
const Chaincode = pv.Chaincode

// Client calls the provenance chaincode as one session.
type Client struct{ c client.Contract }

// New returns a provenance client on a channel (supply).
func New(s *client.Session, channel string) *Client {
	return &Client{c: client.Contract{Session: s, Channel: channel, Chaincode: Chaincode}}
}

func (k *Client) receipt(ctx context.Context, fn string, in client.Input) (*pv.Receipt, error) {
	var r pv.Receipt
	if _, err := k.c.Submit(ctx, fn, in, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func jsonArg(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}

// RegisterPartner adds or updates a registry entry (regulator's registrar).
func (k *Client) RegisterPartner(ctx context.Context, p pv.Partner) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnRegisterPartner, client.Input{Args: []string{jsonArg(p)}})
}

// RegisterProduct registers a product of the caller's org.
func (k *Client) RegisterProduct(ctx context.Context, p pv.Product) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnRegisterProduct, client.Input{Args: []string{jsonArg(p)}})
}

// CreateBatch registers a lot.
func (k *Client) CreateBatch(ctx context.Context, gtin, lot, expiry string) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnCreateBatch, client.Input{Args: []string{gtin, lot, expiry}})
}

// Commission serializes units, MaxCommission per transaction; progress is
// told the units done. It returns the units commissioned and the signals.
func (k *Client) Commission(ctx context.Context, gtin, lot string, serials []string, progress func(done, total int)) (int, []pv.Signal, error) {
	done := 0
	var signals []pv.Signal
	for start := 0; start < len(serials); start += pv.MaxCommission {
		end := min(start+pv.MaxCommission, len(serials))
		r, err := k.receipt(ctx, pv.FnCommission, client.Input{Args: []string{gtin, lot, jsonArg(serials[start:end])}})
		if err != nil {
			return done, signals, fmt.Errorf("serials %d..%d: %w", start, end-1, err)
		}
		done += r.Count
		signals = append(signals, r.Signals...)
		if progress != nil {
			progress(end, len(serials))
		}
	}
	return done, signals, nil
}

// AnchorUnits anchors units of a lot commissioned before commissioning
// anchors existed, MaxCommission per transaction (the manufacturer's
// quality staff, for serials its own records show it commissioned). It
// returns how many were anchored; units anchored already are skipped.
func (k *Client) AnchorUnits(ctx context.Context, gtin, lot string, serials []string) (int, error) {
	done := 0
	for start := 0; start < len(serials); start += pv.MaxCommission {
		end := min(start+pv.MaxCommission, len(serials))
		r, err := k.receipt(ctx, pv.FnAnchorUnits, client.Input{Args: []string{gtin, lot, jsonArg(serials[start:end])}})
		if err != nil {
			return done, fmt.Errorf("serials %d..%d: %w", start, end-1, err)
		}
		done += r.Count
	}
	return done, nil
}

// Pack aggregates units into a case or cases into a pallet.
func (k *Client) Pack(ctx context.Context, in pv.PackInput) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnPack, client.Input{Args: []string{jsonArg(in)}})
}

// Unpack empties a container.
func (k *Client) Unpack(ctx context.Context, sscc string) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnUnpack, client.Input{Args: []string{sscc}})
}

// Ship sends items to a partner with the DSCSA documents (kept private
// between the two).
func (k *Client) Ship(ctx context.Context, in pv.ShipInput, dscsa any) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnShip, client.Input{Args: []string{jsonArg(in)}, TransientKey: pv.TransientDSCSA, Transient: dscsa,
		Endorsers: []string{k.c.Session.Org.MSPID, in.To}})
}

// Receive confirms a shipment.
func (k *Client) Receive(ctx context.Context, shipment string) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnReceive, client.Input{Args: []string{shipment}})
}

// AddReading attaches a temperature reading (°C × 10) to a shipment.
func (k *Client) AddReading(ctx context.Context, shipment, device string, tenthC int) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnAddReading, client.Input{Args: []string{shipment, device, strconv.Itoa(tenthC)}})
}

// ReportReading records a temperature reading of goods at rest (a unit,
// or a container and its units) that the caller's org holds.
func (k *Client) ReportReading(ctx context.Context, id, device string, tenthC int) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnReportReading, client.Input{Args: []string{id, device, strconv.Itoa(tenthC)}})
}

// Verify checks a product identifier; the request is recorded.
func (k *Client) Verify(ctx context.Context, gtin, serial, lot, expiry string) (*pv.Verification, error) {
	var v pv.Verification
	_, err := k.c.Submit(ctx, pv.FnVerify, client.Input{Args: []string{gtin, serial, lot, expiry}}, &v)
	return &v, err
}

// Dispense dispenses a unit.
func (k *Client) Dispense(ctx context.Context, unit string) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnDispense, client.Input{Args: []string{unit}})
}

// Suspect quarantines an item; Clear and MarkIllegitimate end the quarantine.
func (k *Client) Suspect(ctx context.Context, id, reason string) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnSuspect, client.Input{Args: []string{id, reason}})
}

// Clear ends a quarantine as legitimate.
func (k *Client) Clear(ctx context.Context, id, reason string) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnClear, client.Input{Args: []string{id, reason}})
}

// MarkIllegitimate ends a quarantine as illegitimate.
func (k *Client) MarkIllegitimate(ctx context.Context, id, reason string) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnMarkIllegitimate, client.Input{Args: []string{id, reason}})
}

// RecallLot recalls a lot.
func (k *Client) RecallLot(ctx context.Context, gtin, lot, reason string) (*pv.Receipt, error) {
	return k.receipt(ctx, pv.FnRecallLot, client.Input{Args: []string{gtin, lot, reason}})
}

// RecallReport lists a lot's units and their custodians.
func (k *Client) RecallReport(ctx context.Context, gtin, lot string, p client.Page) (*pv.HoldingPage, error) {
	var out pv.HoldingPage
	return &out, k.c.Evaluate(ctx, pv.FnRecallReport, client.Input{Args: p.Args(gtin, lot)}, &out)
}

// Decommission or Destroy take an item out of circulation.
func (k *Client) Decommission(ctx context.Context, id, reason string, destroyed bool) (*pv.Receipt, error) {
	fn := pv.FnDecommission
	if destroyed {
		fn = pv.FnDestroy
	}
	return k.receipt(ctx, fn, client.Input{Args: []string{id, reason}})
}

// Item reads a unit or container.
func (k *Client) Item(ctx context.Context, id string) (*pv.Item, error) {
	var it pv.Item
	return &it, k.c.Evaluate(ctx, pv.FnGetItem, client.Input{Args: []string{id}}, &it)
}

// Shipment reads a shipment.
func (k *Client) Shipment(ctx context.Context, id string) (*pv.Shipment, error) {
	var s pv.Shipment
	return &s, k.c.Evaluate(ctx, pv.FnGetShipment, client.Input{Args: []string{id}}, &s)
}

// DSCSA reads a shipment's DSCSA documents with the salt of their public
// commitment (the staff of its two partners), and reports whether they
// match the commitment on the public shipment record: a partner can hand
// both to the regulator, who checks them the same way (pv.DSCSA.Matches).
func (k *Client) DSCSA(ctx context.Context, shipment string) (*pv.DSCSA, bool, error) {
	var d pv.DSCSA
	if err := k.c.Evaluate(ctx, pv.FnGetDSCSA, client.Input{Args: []string{shipment}}, &d); err != nil {
		return nil, false, err
	}
	sh, err := k.Shipment(ctx, shipment)
	if err != nil {
		return &d, false, err
	}
	return &d, d.Matches(sh), nil
}

// Trace reads a page of an item's chain of custody, oldest first or (with
// newestFirst) newest first.
func (k *Client) Trace(ctx context.Context, id string, newestFirst bool, p client.Page) (*pv.EventPage, error) {
	var out pv.EventPage
	return &out, k.c.Evaluate(ctx, pv.FnTrace, client.Input{Args: p.Args(id, order(newestFirst))}, &out)
}

func order(newestFirst bool) string {
	if newestFirst {
		return pv.NewestFirst
	}
	return pv.OldestFirst
}

// Signals lists a page of the counterfeit signals of an object, oldest or
// newest first.
func (k *Client) Signals(ctx context.Context, object string, newestFirst bool, p client.Page) (*pv.SignalPage, error) {
	var out pv.SignalPage
	return &out, k.c.Evaluate(ctx, pv.FnListSignals, client.Input{Args: p.Args(object, order(newestFirst))}, &out)
}
