package serve

import (
	"encoding/json"
	"fmt"
	"time"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client/standards/epcis"
)

// CapturedEventID is the eventID of a captured event that came without one.
func CapturedEventID(id string) string { return "urn:carechain:captured:" + id }

// CapturedEvent is a captured event's record as an EPCIS 2.0 event: its
// public fields (with its errorDeclaration, when declared erroneous), and
// as extensions the org that captured it, its record
// id and its commitment (carechain:capturedBy, carechain:capture,
// carechain:commitment).
func CapturedEvent(c pv.CapturedEvent) (epcis.Event, error) {
	e := epcis.Event{Type: c.Type, EventID: c.EventID, EventTime: c.EventTime, EventTimeZoneOffset: "+00:00", Action: c.Action,
		Extensions: epcis.Extensions{"carechain:capturedBy": quote(c.By), "carechain:capture": quote(c.ID), "carechain:commitment": quote(c.Commitment)}}
	if e.EventID == "" {
		e.EventID = CapturedEventID(c.ID)
	}
	if at, err := time.Parse(time.RFC3339Nano, c.EventTime); err == nil {
		e.EventTimeZoneOffset = at.Format("-07:00")
	}
	var err error
	if e.BizStep, err = vocab(epcis.BizSteps, c.BizStep); err != nil {
		return e, fmt.Errorf("captured %s: bizStep: %w", c.ID, err)
	}
	if e.Disposition, err = vocab(epcis.Dispositions, c.Disposition); err != nil {
		return e, fmt.Errorf("captured %s: disposition: %w", c.ID, err)
	}
	if err := capturedIdentifiers(&e, c); err != nil {
		return e, fmt.Errorf("captured %s: %w", c.ID, err)
	}
	if err := capturedWhy(&e, c); err != nil {
		return e, fmt.Errorf("captured %s: %w", c.ID, err)
	}
	if d := c.ErrorDeclaration; d != nil {
		e.ErrorDeclaration = &epcis.ErrorDeclaration{DeclarationTime: d.DeclarationTime, CorrectiveEventIDs: d.CorrectiveEventIDs}
		if e.ErrorDeclaration.Reason, err = vocab(epcis.ErrorReasons, d.Reason); err != nil {
			return e, fmt.Errorf("captured %s: errorDeclaration.reason: %w", c.ID, err)
		}
	}
	return e, nil
}

func capturedIdentifiers(e *epcis.Event, c pv.CapturedEvent) error {
	var err error
	for _, l := range []struct {
		to   *[]epcis.Identifier
		from []string
	}{{&e.EPCList, c.EPCList}, {&e.ChildEPCs, c.ChildEPCs}, {&e.InputEPCList, c.Inputs}, {&e.OutputEPCList, c.Outputs}} {
		if *l.to, err = parseAll(l.from); err != nil {
			return err
		}
	}
	if c.ParentID != "" {
		id, err := epcis.ParseIdentifier(c.ParentID)
		if err != nil {
			return err
		}
		e.ParentID = &id
	}
	if (e.Type == epcis.ObjectEvent || e.Type == epcis.TransactionEvent) && e.EPCList == nil { // a required member, its objects perhaps left out
		e.EPCList = []epcis.Identifier{}
	}
	for _, l := range []struct {
		to  **epcis.Location
		uri string
	}{{&e.ReadPoint, c.ReadPoint}, {&e.BizLocation, c.BizLocation}} {
		if l.uri != "" {
			id, err := epcis.ParseIdentifier(l.uri)
			if err != nil {
				return err
			}
			*l.to = &epcis.Location{ID: id}
		}
	}
	return nil
}

// capturedWhy restores a captured event's quantities and business
// transactions.
func capturedWhy(e *epcis.Event, c pv.CapturedEvent) error {
	var err error
	for _, l := range []struct {
		to   *[]epcis.Quantity
		from []pv.Quantity
	}{{&e.QuantityList, c.Quantities.QuantityList}, {&e.ChildQuantityList, c.Quantities.ChildQuantityList},
		{&e.InputQuantityList, c.Quantities.InputQuantityList}, {&e.OutputQuantityList, c.Quantities.OutputQuantityList}} {
		if *l.to, err = quantities(l.from); err != nil {
			return err
		}
	}
	for i, bt := range c.BizTransactions {
		typ, err := vocab(epcis.BizTransactionTypes, bt.Type)
		if err != nil {
			return fmt.Errorf("bizTransactionList[%d].type: %w", i, err)
		}
		e.BizTransactions = append(e.BizTransactions, epcis.BizTransaction{Type: typ, ID: bt.ID})
	}
	return nil
}

func quantities(l []pv.Quantity) ([]epcis.Quantity, error) {
	var out []epcis.Quantity
	for _, q := range l {
		class, err := epcis.ParseIdentifier(q.Class)
		if err != nil {
			return nil, err
		}
		x := epcis.Quantity{Class: class, UOM: q.UOM}
		if q.Quantity != "" {
			n := json.Number(q.Quantity)
			x.Quantity = &n
		}
		out = append(out, x)
	}
	return out, nil
}

func parseAll(uris []string) ([]epcis.Identifier, error) {
	if uris == nil {
		return nil, nil
	}
	out := make([]epcis.Identifier, 0, len(uris))
	for _, u := range uris {
		id, err := epcis.ParseIdentifier(u)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func vocab(v interface {
	Parse(string) (epcis.Vocab, error)
}, s string) (epcis.Vocab, error) {
	if s == "" {
		return epcis.Vocab{}, nil
	}
	return v.Parse(s)
}

func quote(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
