package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// member is one member of a JSON object being written, in order.
type member struct {
	key   string
	value any
}

// ordered is a JSON object written in the order its members were added.
type ordered []member

func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.key, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o *ordered) str(key, v string) {
	if v != "" {
		*o = append(*o, member{key, v})
	}
}

func (o *ordered) raw(key string, v json.RawMessage) {
	if v != nil {
		*o = append(*o, member{key, v})
	}
}

func (o *ordered) vocab(key string, v Vocab) { o.str(key, v.String()) }

func (o *ordered) number(key string, n *json.Number) {
	if n != nil {
		*o = append(*o, member{key, *n})
	}
}

func (o *ordered) put(key string, v any) { *o = append(*o, member{key, v}) }

// extensions appends kept members, sorted by name.
func (o *ordered) extensions(x Extensions) {
	for _, k := range sortedNames(x) {
		*o = append(*o, member{k, x[k]})
	}
}

// Write writes a document as EPCIS 2.0 JSON-LD: @context as read (the
// EPCIS 2.0 context when there was none), schemaVersion 2.0 unless set,
// CBV values as bare terms, identifiers as their URIs, extensions as
// written. It refuses a document it could not write faithfully: no
// creationDate, a member an event's type does not have.
func Write(d *Document) ([]byte, error) {
	if d.CreationDate == "" {
		return nil, &Error{Path: "creationDate", Reason: "is missing"}
	}
	var o ordered
	ctx := d.Context
	if ctx == nil {
		ctx, _ = json.Marshal([]string{DefaultContext})
	}
	o.raw("@context", ctx)
	o.str("id", d.ID)
	o.str("type", d.Type)
	o.str("schemaVersion", first(d.SchemaVersion, "2.0"))
	o.str("creationDate", d.CreationDate)
	events, err := writeEvents(d.Events)
	if err != nil {
		return nil, err
	}
	switch d.Type {
	case TypeDocument:
		o.str("instanceIdentifier", d.InstanceIdentifier)
		o.str("sender", d.Sender)
		o.str("receiver", d.Receiver)
		o.raw("epcisHeader", d.Header)
		body := ordered{{"eventList", events}}
		body.extensions(d.BodyExtensions)
		o.put("epcisBody", body)
	case TypeQueryDocument:
		o.put("epcisBody", queryBody(d, events))
	default:
		return nil, &Error{Path: "type", Reason: fmt.Sprintf("%q is not EPCISDocument or EPCISQueryDocument", d.Type)}
	}
	o.extensions(d.Extensions)
	return json.Marshal(o)
}

func queryBody(d *Document, events []ordered) ordered {
	results := ordered{{"eventList", events}}
	results.raw("vocabularyList", d.Vocabularies)
	results.extensions(d.ResultsExtensions)
	q := ordered{{"queryName", d.QueryName}}
	q.str("subscriptionID", d.SubscriptionID)
	q.put("resultsBody", results)
	q.extensions(d.QueryExtension)
	body := ordered{{"queryResults", q}}
	body.extensions(d.BodyExtensions)
	return body
}

func writeEvents(events []Event) ([]ordered, error) {
	out := make([]ordered, 0, len(events))
	for i, e := range events {
		o, err := writeEvent(e)
		if err != nil {
			return nil, &Error{Path: index("epcisBody.eventList", i), Reason: "cannot be written", Err: err}
		}
		out = append(out, o)
	}
	return out, nil
}

func writeEvent(e Event) (ordered, error) {
	o := ordered{{"type", e.Type}}
	o.raw("@context", e.Context)
	o.str("eventID", e.EventID)
	o.str("eventTime", e.EventTime)
	o.str("recordTime", e.RecordTime)
	o.str("eventTimeZoneOffset", e.EventTimeZoneOffset)
	o.raw("certificationInfo", e.CertificationInfo)
	if e.ErrorDeclaration != nil {
		o.put("errorDeclaration", writeErrorDeclaration(e.ErrorDeclaration))
	}
	typed := typedMembers(e)
	allowed, standard := members[e.Type]
	for _, m := range typed {
		if !standard || !allowed[m.key] {
			return nil, fmt.Errorf("a %s has no %s", e.Type, m.key)
		}
	}
	o = append(o, typed...)
	o.extensions(e.Extensions)
	return o, nil
}

// typedMembers are the event's members past the common ones.
func typedMembers(e Event) ordered {
	var o ordered
	ids := func(key string, l []Identifier) {
		if l != nil {
			o.put(key, uris(l))
		}
	}
	ids("epcList", e.EPCList)
	if e.ParentID != nil {
		o.put("parentID", e.ParentID.URI)
	}
	ids("childEPCs", e.ChildEPCs)
	ids("inputEPCList", e.InputEPCList)
	ids("outputEPCList", e.OutputEPCList)
	quantities(&o, "quantityList", e.QuantityList)
	quantities(&o, "childQuantityList", e.ChildQuantityList)
	quantities(&o, "inputQuantityList", e.InputQuantityList)
	quantities(&o, "outputQuantityList", e.OutputQuantityList)
	o.str("transformationID", e.TransformationID)
	o.str("action", e.Action)
	o.vocab("bizStep", e.BizStep)
	o.vocab("disposition", e.Disposition)
	writeWhy(&o, e)
	return o
}

func writeWhy(o *ordered, e Event) {
	if p := e.PersistentDisposition; p != nil {
		pd := ordered{}
		if p.Set != nil {
			pd.put("set", vocabs(p.Set))
		}
		if p.Unset != nil {
			pd.put("unset", vocabs(p.Unset))
		}
		o.put("persistentDisposition", pd)
	}
	location(o, "readPoint", e.ReadPoint)
	location(o, "bizLocation", e.BizLocation)
	if e.BizTransactions != nil {
		o.put("bizTransactionList", bizTransactions(e.BizTransactions))
	}
	parties(o, "sourceList", "source", e.Sources)
	parties(o, "destinationList", "destination", e.Destinations)
	if e.SensorElements != nil {
		o.put("sensorElementList", sensorElements(e.SensorElements))
	}
	if e.ILMD != nil {
		o.put("ilmd", ilmd(e.ILMD))
	}
}

func uris(l []Identifier) []string {
	out := make([]string, len(l))
	for i, id := range l {
		out[i] = id.URI
	}
	return out
}

func vocabs(l []Vocab) []string {
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = v.String()
	}
	return out
}

func quantities(o *ordered, key string, l []Quantity) {
	if l == nil {
		return
	}
	out := make([]ordered, len(l))
	for i, q := range l {
		out[i] = ordered{{"epcClass", q.Class.URI}}
		out[i].number("quantity", q.Quantity)
		out[i].str("uom", q.UOM)
	}
	o.put(key, out)
}

func location(o *ordered, key string, l *Location) {
	if l == nil {
		return
	}
	lo := ordered{{"id", l.ID.URI}}
	lo.extensions(l.Extensions)
	o.put(key, lo)
}

func bizTransactions(l []BizTransaction) []ordered {
	out := make([]ordered, len(l))
	for i, b := range l {
		out[i] = ordered{}
		out[i].vocab("type", b.Type)
		out[i].put("bizTransaction", b.ID)
	}
	return out
}

func parties(o *ordered, key, member string, l []Party) {
	if l == nil {
		return
	}
	out := make([]ordered, len(l))
	for i, p := range l {
		out[i] = ordered{{"type", p.Type.String()}, {member, p.ID.URI}}
	}
	o.put(key, out)
}

func writeErrorDeclaration(d *ErrorDeclaration) ordered {
	o := ordered{{"declarationTime", d.DeclarationTime}}
	o.vocab("reason", d.Reason)
	if d.CorrectiveEventIDs != nil {
		o.put("correctiveEventIDs", d.CorrectiveEventIDs)
	}
	o.extensions(d.Extensions)
	return o
}

func ilmd(m *ILMD) ordered {
	var o ordered
	o.str("cbvmda:lotNumber", m.Lot)
	o.str("cbvmda:itemExpirationDate", m.ExpirationDate)
	o.str("cbvmda:bestBeforeDate", m.BestBeforeDate)
	o.str("cbvmda:sellByDate", m.SellByDate)
	o.extensions(m.Other)
	if o == nil {
		return ordered{}
	}
	return o
}
