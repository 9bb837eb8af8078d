package provenance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
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

// Step is one transaction an EPCIS event becomes.
type Step struct {
	Fn       string   `json:"fn"` // Commission, Pack, Unpack, Ship, Receive, Dispense, Decommission, Destroy
	GTIN     string   `json:"gtin,omitempty"`
	Lot      string   `json:"lot,omitempty"`
	Serials  []string `json:"serials,omitempty"`
	ID       string   `json:"id,omitempty"` // container, shipment or unit
	Kind     string   `json:"kind,omitempty"`
	Children []string `json:"children,omitempty"`
	To       string   `json:"to,omitempty"`
	Items    []string `json:"items,omitempty"`
}

// maxEPCISBytes bounds an imported document.
const maxEPCISBytes = 64 << 20

// Plan reads an EPCIS 2.0 JSON document and turns its events, in order,
// into the transactions that reproduce them: commissioning (ObjectEvent
// ADD with ilmd lot), packing and unpacking (AggregationEvent ADD and
// DELETE), shipping (destination: the receiver's MSP id; a bizTransaction
// naming the shipment), receiving, dispensing, decommissioning and
// destroying. Any other event, or a malformed identifier, is an error that
// names the event.
func Plan(data []byte) ([]Step, error) {
	if len(data) > maxEPCISBytes {
		return nil, fmt.Errorf("EPCIS document: larger than %d bytes", maxEPCISBytes)
	}
	var doc epcisDocument
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("EPCIS document: %w", err)
	}
	if doc.Type != "EPCISDocument" {
		return nil, fmt.Errorf("EPCIS document: type %q is not EPCISDocument", doc.Type)
	}
	var steps []Step
	for i, e := range doc.EPCISBody.EventList {
		s, err := plan(e)
		if err != nil {
			return nil, fmt.Errorf("event %d (%s %s %s): %w", i, e.Type, e.Action, e.BizStep, err)
		}
		steps = append(steps, s...)
	}
	return steps, nil
}

func bizStep(s string) string { return strings.TrimPrefix(s, "urn:epcglobal:cbv:bizstep:") }

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

func plan(e epcisEvent) ([]Step, error) {
	unknown := fmt.Errorf("not an event carechain imports")
	if e.Type == "AggregationEvent" && (e.Action == "ADD" || e.Action == "DELETE") {
		return planAggregation(e)
	}
	if e.Type != "ObjectEvent" {
		return nil, unknown
	}
	switch step := bizStep(e.BizStep); step {
	case pv.StepCommissioning:
		if e.Action == "ADD" {
			return planCommission(e)
		}
	case pv.StepShipping, pv.StepReceiving:
		return planCustody(e, step)
	case pv.StepDispensing, pv.StepDecommissioning, pv.StepDestroying:
		return planEnd(e, step)
	case pv.StepSensorReporting, pv.StepInspecting, pv.StepRecalling:
		if e.Action == "OBSERVE" {
			return nil, nil // observations carechain records itself; nothing to replay
		}
	}
	return nil, unknown
}

// planCommission groups the units of a commissioning event by GTIN.
func planCommission(e epcisEvent) ([]Step, error) {
	units, err := ids(e.EPCList)
	if err != nil {
		return nil, err
	}
	lot := e.ILMD["cbvmda:lotNumber"]
	if lot == "" {
		return nil, fmt.Errorf("ilmd must give cbvmda:lotNumber")
	}
	var out []Step
	for _, u := range units {
		gtin, serial, _ := pv.ParseSGTIN("epc", u)
		if n := len(out); n > 0 && out[n-1].GTIN == gtin {
			out[n-1].Serials = append(out[n-1].Serials, serial)
			continue
		}
		out = append(out, Step{Fn: "Commission", GTIN: gtin, Lot: lot, Serials: []string{serial}})
	}
	return out, nil
}

// planAggregation is a Pack (of units: a case; of cases: a pallet) or an Unpack.
func planAggregation(e epcisEvent) ([]Step, error) {
	parent, err := ids([]string{e.ParentID})
	if err != nil {
		return nil, err
	}
	if e.Action == "DELETE" {
		return []Step{{Fn: "Unpack", ID: parent[0]}}, nil
	}
	children, err := ids(e.ChildEPCs)
	if err != nil {
		return nil, err
	}
	kind := "case"
	if len(children) > 0 && !strings.Contains(children[0], ".") {
		kind = "pallet"
	}
	return []Step{{Fn: "Pack", ID: parent[0], Kind: kind, Children: children}}, nil
}

// planCustody is a Ship (to the destination MSP) or a Receive, of the
// shipment the bizTransaction names.
func planCustody(e epcisEvent, step string) ([]Step, error) {
	if len(e.BizTx) == 0 {
		return nil, fmt.Errorf("%s needs a bizTransaction naming the shipment", step)
	}
	id := strings.TrimPrefix(e.BizTx[0].ID, "urn:carechain:shipment:")
	if step == pv.StepReceiving {
		return []Step{{Fn: "Receive", ID: id}}, nil
	}
	items, err := ids(e.EPCList)
	if err != nil {
		return nil, err
	}
	if e.Destination == "" {
		return nil, fmt.Errorf("shipping needs a destination (the receiver's MSP id)")
	}
	return []Step{{Fn: "Ship", ID: id, To: e.Destination, Items: items}}, nil
}

// planEnd is a Dispense, Decommission or Destroy per item.
func planEnd(e epcisEvent, step string) ([]Step, error) {
	items, err := ids(e.EPCList)
	if err != nil {
		return nil, err
	}
	fn := map[string]string{pv.StepDispensing: "Dispense", pv.StepDecommissioning: "Decommission", pv.StepDestroying: "Destroy"}[step]
	out := make([]Step, 0, len(items))
	for _, it := range items {
		out = append(out, Step{Fn: fn, ID: it})
	}
	return out, nil
}

// ImportEPCIS replays an EPCIS 2.0 JSON document as transactions (see
// Plan), with dscsa as the DSCSA documents of its shipments. It stops at the
// first step that fails and says which.
func (k *Client) ImportEPCIS(ctx context.Context, data []byte, dscsa any, progress func(done, total int)) (int, error) {
	steps, err := Plan(data)
	if err != nil {
		return 0, err
	}
	for i, s := range steps {
		if err := k.run(ctx, s, dscsa); err != nil {
			return i, fmt.Errorf("step %d (%s %s): %w", i, s.Fn, s.ID, err)
		}
		if progress != nil {
			progress(i+1, len(steps))
		}
	}
	return len(steps), nil
}

func (k *Client) run(ctx context.Context, s Step, dscsa any) error {
	var err error
	switch s.Fn {
	case "Commission":
		_, _, err = k.Commission(ctx, s.GTIN, s.Lot, s.Serials, nil)
	case "Pack":
		_, err = k.Pack(ctx, pv.PackInput{SSCC: s.ID, Kind: s.Kind, Children: s.Children})
	case "Unpack":
		_, err = k.Unpack(ctx, s.ID)
	case "Ship":
		var r *pv.Receipt
		r, err = k.Ship(ctx, pv.ShipInput{ID: s.ID, To: s.To, Items: s.Items}, dscsa)
		if err == nil && r.Status == "refused" {
			err = fmt.Errorf("shipment refused: %s", r.Signals[0].Reason)
		}
	case "Receive":
		_, err = k.Receive(ctx, s.ID)
	case "Dispense":
		_, err = k.Dispense(ctx, s.ID)
	case "Decommission", "Destroy":
		_, err = k.Decommission(ctx, s.ID, "imported EPCIS event", s.Fn == "Destroy")
	}
	return err
}
