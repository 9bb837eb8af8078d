package epcismap

import (
	"strings"
	"time"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/gs1"
)

// FnCapture is the provenance transaction that anchors the events that
// change no custody (Capture and Unsupported outcomes).
const FnCapture = pv.FnCapture

// Anchor is what the provenance chaincode's Capture keeps of an event that
// changes no custody: the public fields a query needs (its Commitment is
// the importer's to compute, with a salt it keeps), and what of the event
// the anchor leaves out.
type Anchor struct {
	Input pv.CaptureInput `json:"input"`
	// Lost lists what a query of the anchor will not return (readPoint
	// geo: URIs, quantities, sources, ...): the commitment covers them.
	Lost []string `json:"lost,omitempty"`
}

// AnchorOf is an event's anchor. The identifiers are the event's URIs
// (Digital Links without their query), its objects carechain ids where
// the chaincode tracks them (units and SSCCs), else the URIs, class-level
// quantities by their class; locations only as SGLNs, which are keys too
// (an event of a sensor at a read point names no object). Identifiers of
// persons (GSRNs) are left out, kept in the commitment only. The input still
// needs its commitment; Check tells whether the chaincode will take it.
func AnchorOf(e *epcis.Event) Anchor {
	a := Anchor{Input: pv.CaptureInput{EventID: e.EventID, Type: e.Type, Action: e.Action,
		BizStep: e.BizStep.String(), Disposition: e.Disposition.String(), EventTime: e.EventTime}}
	in := &a.Input
	objects := map[string]bool{}
	add := func(id epcis.Identifier) string {
		uri := strings.SplitN(id.URI, "?", 2)[0]
		if pv.IsPersonID(uri) {
			a.Lost = appendOnce(a.Lost, personLost)
			return ""
		}
		o, gap := ObjectID(id)
		if gap != nil {
			o = uri
		}
		if !objects[o] {
			objects[o] = true
			in.Objects = append(in.Objects, o)
		}
		return uri
	}
	if e.ParentID != nil {
		in.ParentID = add(*e.ParentID)
	}
	why(e, in, &a)
	in.EPCList = addAll(e.EPCList, add)
	in.ChildEPCs = addAll(e.ChildEPCs, add)
	in.Inputs = addAll(e.InputEPCList, add)
	in.Outputs = addAll(e.OutputEPCList, add)
	in.Quantities = pv.Quantities{QuantityList: quantities(e.QuantityList, add), ChildQuantityList: quantities(e.ChildQuantityList, add),
		InputQuantityList: quantities(e.InputQuantityList, add), OutputQuantityList: quantities(e.OutputQuantityList, add)}
	in.ReadPoint, a.Lost = location(e.ReadPoint, "readPoint", a.Lost)
	in.BizLocation, a.Lost = location(e.BizLocation, "bizLocation", a.Lost)
	for _, l := range []string{in.ReadPoint, in.BizLocation} {
		if l != "" && !objects[l] {
			objects[l] = true
			in.Objects = append(in.Objects, l)
		}
	}
	a.Lost = append(a.Lost, lostMembers(e)...)
	return a
}

// personLost is what an anchor says of the person identifiers it leaves out.
const personLost = "GSRNs (a patient's or a caregiver's identifier: in the commitment only, never on the ledger)"

func appendOnce(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}

// why sets an input's business transactions (but those naming a person)
// and error declaration.
func why(e *epcis.Event, in *pv.CaptureInput, a *Anchor) {
	for _, bt := range e.BizTransactions {
		if pv.IsPersonID(bt.ID) {
			a.Lost = appendOnce(a.Lost, personLost)
			continue
		}
		in.BizTransactions = append(in.BizTransactions, pv.BizTx{Type: bt.Type.String(), ID: bt.ID})
	}
	if d := e.ErrorDeclaration; d != nil {
		in.ErrorDeclaration = &pv.Declaration{DeclarationTime: d.DeclarationTime, Reason: d.Reason.String(), CorrectiveEventIDs: d.CorrectiveEventIDs}
	}
}

// quantities are a quantity list as Capture keeps it, each class added
// to the keys.
func quantities(l []epcis.Quantity, add func(epcis.Identifier) string) []pv.Quantity {
	var out []pv.Quantity
	for _, q := range l {
		x := pv.Quantity{Class: add(q.Class), UOM: q.UOM}
		if q.Quantity != nil {
			x.Quantity = q.Quantity.String()
		}
		out = append(out, x)
	}
	return out
}

// addAll adds a list's identifiers, but those add leaves out ("").
func addAll(ids []epcis.Identifier, add func(epcis.Identifier) string) []string {
	var out []string
	for _, id := range ids {
		if uri := add(id); uri != "" {
			out = append(out, uri)
		}
	}
	return out
}

// location is a location's SGLN URI, or "" and a note when it has none.
func location(l *epcis.Location, name string, lost []string) (string, []string) {
	if l == nil {
		return "", lost
	}
	uri := l.ID.URI
	if l.ID.Key != nil && l.ID.Key.Kind == gs1.SGLN && pv.CheckLocation(name, uri) == nil {
		return uri, lost
	}
	return "", append(lost, name+" "+uri+" (not an SGLN)")
}

// lostMembers names the members of an event an anchor does not keep.
func lostMembers(e *epcis.Event) []string {
	var out []string
	for _, m := range []struct {
		name string
		has  bool
	}{
		{"sourceList", len(e.Sources) > 0},
		{"destinationList", len(e.Destinations) > 0},
		{"sensorElementList", len(e.SensorElements) > 0},
		{"ilmd", e.ILMD != nil},
		{"errorDeclaration extensions", e.ErrorDeclaration != nil && len(e.ErrorDeclaration.Extensions) > 0},
		{"persistentDisposition", e.PersistentDisposition != nil},
		{"certificationInfo", e.CertificationInfo != nil},
		{"extensions", len(e.Extensions) > 0},
	} {
		if m.has {
			out = append(out, m.name)
		}
	}
	return out
}

// Check refuses an anchor the chaincode would refuse, naming the field,
// as of now.
func (a Anchor) Check(now time.Time) error {
	in := a.Input
	if in.Commitment == "" {
		in.Commitment = strings.Repeat("0", 64)
	}
	return in.Check("event", now)
}

// PlannedAnchor is the anchor of one event of a plan that changes no
// custody, or why the chaincode would not take it (NotAnchored).
type PlannedAnchor struct {
	Index       int    `json:"index"`
	Anchor      Anchor `json:"anchor"`
	NotAnchored string `json:"notAnchored,omitempty"`
}

// Anchors are the anchors of a plan's events captured only or
// unsupported (doc is the plan's document), in document order, checked as
// of now.
func Anchors(doc *epcis.Document, plan *Plan, now time.Time) []PlannedAnchor {
	var out []PlannedAnchor
	for _, ep := range plan.Events {
		if ep.Outcome == Apply || ep.Index < 0 || ep.Index >= len(doc.Events) {
			continue
		}
		pa := PlannedAnchor{Index: ep.Index, Anchor: AnchorOf(&doc.Events[ep.Index])}
		if err := pa.Anchor.Check(now); err != nil {
			pa.NotAnchored = err.Error()
		}
		out = append(out, pa)
	}
	return out
}
