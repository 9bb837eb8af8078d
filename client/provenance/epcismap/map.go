package epcismap

import (
	"context"
	"fmt"
	"time"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"

	"github.com/carechain/carechain/client/standards/epcis"
)

type mapper struct {
	now     func() time.Time
	self    string
	ledger  Ledger
	parties Parties
	st      *state
}

// Map plans a document's events in order (see the package doc). Only the
// ledger's errors stop it; every event gets a plan.
func Map(ctx context.Context, doc *epcis.Document, opts ...Option) (*Plan, error) {
	m := &mapper{now: time.Now, ledger: NoLedger{}, parties: Directory{}}
	for _, o := range opts {
		o(m)
	}
	m.st = newState(ctx, m.ledger)
	p := &Plan{}
	for i := range doc.Events {
		ep, err := m.event(&doc.Events[i])
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		ep.Index, ep.EventID, ep.Type, ep.BizStep = i, doc.Events[i].EventID, doc.Events[i].Type, doc.Events[i].BizStep.String()
		p.Events = append(p.Events, *ep)
	}
	return p, nil
}

// event plans one event.
func (m *mapper) event(e *epcis.Event) (*EventPlan, error) {
	if _, standard := eventTypes[e.Type]; !standard {
		return unsupported(Gap{GapExtensionEventType, e.Type}), nil
	}
	if !(e.Type == epcis.ObjectEvent && e.BizStep.Is("commissioning")) {
		if ours, err := m.ours(e); err != nil || !ours {
			return capture("none of its objects was commissioned in carechain: the event is captured, not invented into custody"), err
		}
	}
	if e.ErrorDeclaration != nil {
		return unsupported(Gap{GapErrorDeclaration, "declared " + e.ErrorDeclaration.Reason.String() + " at " + e.ErrorDeclaration.DeclarationTime}), nil
	}
	switch e.Type {
	case epcis.ObjectEvent:
		return m.objectEvent(e)
	case epcis.AggregationEvent:
		return m.aggregation(e)
	case epcis.TransformationEvent:
		return unsupported(Gap{GapTransformation, fmt.Sprintf("%d input and %d output objects", len(e.InputEPCList)+len(e.InputQuantityList), len(e.OutputEPCList)+len(e.OutputQuantityList))}), nil
	case epcis.AssociationEvent:
		return unsupported(Gap{GapAssociation, e.Action + " children of " + uriOf(e.ParentID)}), nil
	}
	return unsupported(Gap{GapTransactionEvent, e.Action}), nil
}

var eventTypes = map[string]bool{epcis.ObjectEvent: true, epcis.AggregationEvent: true, epcis.TransactionEvent: true,
	epcis.TransformationEvent: true, epcis.AssociationEvent: true}

func (m *mapper) objectEvent(e *epcis.Event) (*EventPlan, error) {
	switch {
	case e.BizStep.Is("commissioning"):
		return m.commission(e)
	case e.BizStep.Is("shipping"):
		return m.ship(e)
	case e.BizStep.Is("receiving"):
		return m.receive(e)
	case e.BizStep.Is("dispensing"):
		return m.end(e, pv.FnDispense)
	case e.BizStep.Is("decommissioning"):
		return m.end(e, pv.FnDecommission)
	case e.BizStep.Is("destroying"):
		return m.end(e, pv.FnDestroy)
	case len(e.SensorElements) > 0:
		return m.sensorOnly(e)
	}
	return capture("a " + describeStep(e) + " ObjectEvent changes no custody in carechain"), nil
}

// ours reports whether an event names an object carechain holds.
func (m *mapper) ours(e *epcis.Event) (bool, error) {
	ids := append(append(append(append([]epcis.Identifier{}, e.EPCList...), e.ChildEPCs...), e.InputEPCList...), e.OutputEPCList...)
	if e.ParentID != nil {
		ids = append(ids, *e.ParentID)
	}
	for _, id := range ids {
		o, gap := objectID(id)
		if gap != nil {
			continue
		}
		it, err := m.st.item(o)
		if err != nil || it != nil {
			return it != nil, err
		}
	}
	return false, nil
}

func describeStep(e *epcis.Event) string {
	if e.BizStep.IsZero() {
		return "business-step-less"
	}
	return e.BizStep.String()
}

func uriOf(id *epcis.Identifier) string {
	if id == nil {
		return ""
	}
	return id.URI
}

func capture(reason string) *EventPlan { return &EventPlan{Outcome: Capture, Reason: reason} }

func unsupported(gaps ...Gap) *EventPlan {
	return &EventPlan{Outcome: Unsupported, Gaps: gaps, Reason: CapturedReason(gaps)}
}

// apply is an applied plan with the gaps every applied event has: what
// of the event no call records.
func (m *mapper) apply(e *epcis.Event, by string, calls []Call, gaps ...Gap) *EventPlan {
	return &EventPlan{Outcome: Apply, By: by, Calls: calls, Gaps: append(gaps, lost(e)...)}
}

// actor checks that the org an event names may be planned for: the
// plan's own org (or any, without WithSelf). It returns a capture plan
// when the event is another org's.
func (m *mapper) actor(by string) *EventPlan {
	if m.self != "" && by != "" && by != m.self {
		return capture("the event is " + by + "'s to record, not " + m.self + "'s: no org acts for another")
	}
	return nil
}

// orgAt is the org a location (bizLocation, else readPoint) belongs to.
func (m *mapper) orgAt(e *epcis.Event) string {
	for _, l := range []*epcis.Location{e.BizLocation, e.ReadPoint} {
		if l != nil && l.ID.Key != nil {
			if msp, ok := m.parties.OrgOf(*l.ID.Key); ok {
				return msp
			}
		}
	}
	return ""
}

// party resolves the first party of a list by type preference: owning,
// then possessing party, then location. The key is the one chosen.
func (m *mapper) party(l []epcis.Party) (msp string, chosen *epcis.Party) {
	for _, typ := range []string{"owning_party", "possessing_party", "location"} {
		for i := range l {
			if !l[i].Type.Is(typ) {
				continue
			}
			if l[i].ID.Key != nil {
				if msp, ok := m.parties.OrgOf(*l[i].ID.Key); ok {
					return msp, &l[i]
				}
			}
			return "", &l[i]
		}
	}
	return "", nil
}
