package provenance

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	pv "github.com/carechain/carechain/chaincode/provenance"
)

// epcisDocument is the part of an EPCIS 2.0 JSON document import reads.
type epcisDocument struct {
	Type      string `json:"type"`
	EPCISBody struct {
		EventList []epcisEvent `json:"eventList"`
	} `json:"epcisBody"`
}

type epcisEvent struct {
	Type        string   `json:"type"`
	Action      string   `json:"action"`
	BizStep     string   `json:"bizStep"`
	EPCList     []string `json:"epcList"`
	ParentID    string   `json:"parentID"`
	ChildEPCs   []string `json:"childEPCs"`
	Destination string   `json:"destination"`
	BizTx       []struct {
		ID string `json:"bizTransaction"`
	} `json:"bizTransactionList"`
	ILMD map[string]string `json:"ilmd"`
}

// ImportEPCIS replays an EPCIS 2.0 JSON document's events as transactions,
// in order: commissioning (ObjectEvent ADD, with ilmd lot and expiry),
// packing and unpacking (AggregationEvent ADD and DELETE), shipping (with
// destination, the receiver's MSP id, and a bizTransaction naming the
// shipment), receiving, dispensing, decommissioning and destroying. It
// stops at the first event it cannot apply and says which.
func (k *Client) ImportEPCIS(ctx context.Context, data []byte, dscsa any, progress func(done, total int)) (int, error) {
	var doc epcisDocument
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&doc); err != nil {
		return 0, fmt.Errorf("EPCIS document: %w", err)
	}
	if doc.Type != "EPCISDocument" {
		return 0, fmt.Errorf("EPCIS document: type %q is not EPCISDocument", doc.Type)
	}
	events := doc.EPCISBody.EventList
	for i, e := range events {
		if err := k.apply(ctx, e, dscsa); err != nil {
			return i, fmt.Errorf("event %d (%s %s %s): %w", i, e.Type, e.Action, e.BizStep, err)
		}
		if progress != nil {
			progress(i+1, len(events))
		}
	}
	return len(events), nil
}

func step(s string) string { return strings.TrimPrefix(s, "urn:epcglobal:cbv:bizstep:") }

func ids(uris []string) ([]string, error) {
	out := make([]string, 0, len(uris))
	for _, u := range uris {
		_, id, err := pv.ParseEPC("epc", u)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func (k *Client) apply(ctx context.Context, e epcisEvent, dscsa any) error {
	switch {
	case e.Type == "ObjectEvent" && e.Action == "ADD" && step(e.BizStep) == pv.StepCommissioning:
		units, err := ids(e.EPCList)
		if err != nil {
			return err
		}
		lot, expiry := e.ILMD["cbvmda:lotNumber"], e.ILMD["cbvmda:itemExpirationDate"]
		if lot == "" || expiry == "" {
			return fmt.Errorf("ilmd must give cbvmda:lotNumber and cbvmda:itemExpirationDate")
		}
		bySKU := map[string][]string{}
		var order []string
		for _, u := range units {
			gtin, serial, _ := pv.ParseSGTIN("epc", u)
			if _, ok := bySKU[gtin]; !ok {
				order = append(order, gtin)
			}
			bySKU[gtin] = append(bySKU[gtin], serial)
		}
		for _, gtin := range order {
			if _, _, err := k.Commission(ctx, gtin, lot, bySKU[gtin], nil); err != nil {
				return err
			}
		}
		return nil
	case e.Type == "AggregationEvent" && (e.Action == "ADD" || e.Action == "DELETE"):
		parent, err := ids([]string{e.ParentID})
		if err != nil {
			return err
		}
		if e.Action == "DELETE" {
			_, err = k.Unpack(ctx, parent[0])
			return err
		}
		children, err := ids(e.ChildEPCs)
		if err != nil {
			return err
		}
		kind := "case"
		if len(children) > 0 && !strings.Contains(children[0], ".") {
			kind = "pallet"
		}
		_, err = k.Pack(ctx, pv.PackInput{SSCC: parent[0], Kind: kind, Children: children})
		return err
	case e.Type == "ObjectEvent" && step(e.BizStep) == pv.StepShipping:
		items, err := ids(e.EPCList)
		if err != nil {
			return err
		}
		if len(e.BizTx) == 0 || e.Destination == "" {
			return fmt.Errorf("shipping needs a bizTransaction (the shipment) and a destination (the receiver's MSP id)")
		}
		r, err := k.Ship(ctx, pv.ShipInput{ID: shipmentID(e.BizTx[0].ID), To: e.Destination, Items: items}, dscsa)
		if err == nil && r.Status == "refused" {
			err = fmt.Errorf("shipment refused: %s", r.Signals[0].Reason)
		}
		return err
	case e.Type == "ObjectEvent" && step(e.BizStep) == pv.StepReceiving:
		if len(e.BizTx) == 0 {
			return fmt.Errorf("receiving needs a bizTransaction naming the shipment")
		}
		_, err := k.Receive(ctx, shipmentID(e.BizTx[0].ID))
		return err
	case e.Type == "ObjectEvent" && (step(e.BizStep) == pv.StepDispensing || step(e.BizStep) == pv.StepDecommissioning || step(e.BizStep) == pv.StepDestroying):
		items, err := ids(e.EPCList)
		if err != nil {
			return err
		}
		for _, it := range items {
			switch step(e.BizStep) {
			case pv.StepDispensing:
				_, err = k.Dispense(ctx, it)
			default:
				_, err = k.Decommission(ctx, it, "imported EPCIS event", step(e.BizStep) == pv.StepDestroying)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("not an event carechain imports")
}

func shipmentID(bizTx string) string { return strings.TrimPrefix(bizTx, "urn:carechain:shipment:") }
