package epcis

import (
	"regexp"
	"strings"
	"time"
)

// members lists the members of each event type besides the common ones
// (EPCIS 2.0 section 7.4, and the schema's propertyNames).
var members = map[string]map[string]bool{
	ObjectEvent: set("action epcList quantityList bizStep disposition persistentDisposition readPoint bizLocation " +
		"bizTransactionList sourceList destinationList sensorElementList ilmd"),
	AggregationEvent: set("parentID childEPCs childQuantityList action bizStep disposition readPoint bizLocation " +
		"bizTransactionList sourceList destinationList sensorElementList"),
	TransactionEvent: set("bizTransactionList parentID epcList quantityList action bizStep disposition readPoint " +
		"bizLocation sourceList destinationList sensorElementList"),
	TransformationEvent: set("inputEPCList inputQuantityList outputEPCList outputQuantityList transformationID bizStep " +
		"disposition persistentDisposition readPoint bizLocation bizTransactionList sourceList destinationList sensorElementList ilmd"),
	AssociationEvent: set("parentID childEPCs childQuantityList action bizStep disposition readPoint bizLocation " +
		"bizTransactionList sourceList destinationList sensorElementList"),
}

// anyMember is every member some event type has.
var anyMember = func() map[string]bool {
	all := map[string]bool{}
	for _, m := range members {
		for k := range m {
			all[k] = true
		}
	}
	return all
}()

func set(list string) map[string]bool { return terms(list) }

var tzOffset = regexp.MustCompile(`^[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)$`)

func readEvent(o *object) Event {
	e := Event{Type: o.required("type")}
	allowed, standard := members[e.Type]
	if !standard && !(strings.Contains(e.Type, ":") && checkURI(e.Type) == nil) {
		o.fail("type", "%q is not an EPCIS event type (nor an extension type's URI)", e.Type)
		return e
	}
	readCommon(o, &e)
	if !standard {
		e.Extensions = o.m // an extension event type: its members are its own
		return e
	}
	for _, k := range sortedNames(o.m) {
		if anyMember[k] && !allowed[k] {
			o.fail(k, "is not a member of a %s", e.Type)
		}
	}
	readWhat(o, &e)
	readWhy(o, &e)
	e.Extensions = o.rest()
	requireMembers(o, &e)
	return e
}

func readCommon(o *object, e *Event) {
	e.Context = o.raw("@context")
	e.EventID = o.uri("eventID")
	if !o.has("eventTime") {
		o.fail("eventTime", "is missing")
	}
	e.EventTime = o.timestamp("eventTime")
	e.RecordTime = o.timestamp("recordTime")
	e.EventTimeZoneOffset = o.required("eventTimeZoneOffset")
	if e.EventTimeZoneOffset != "" && !tzOffset.MatchString(e.EventTimeZoneOffset) {
		o.fail("eventTimeZoneOffset", "%q is not ±hh:mm (-14:00 to +14:00)", e.EventTimeZoneOffset)
	}
	e.CertificationInfo = o.raw("certificationInfo")
	if o.has("errorDeclaration") {
		e.ErrorDeclaration = readErrorDeclaration(newObject(o.at("errorDeclaration"), o.raw("errorDeclaration"), o.err))
	}
}

// readWhat reads the what dimension: objects, classes, action.
func readWhat(o *object, e *Event) {
	e.Action = o.str("action")
	if e.Action != "" && e.Action != ActionAdd && e.Action != ActionObserve && e.Action != ActionDelete {
		o.fail("action", "%q is not ADD, OBSERVE or DELETE", e.Action)
	}
	e.EPCList = o.identifiers("epcList")
	e.ChildEPCs = o.identifiers("childEPCs")
	e.InputEPCList = o.identifiers("inputEPCList")
	e.OutputEPCList = o.identifiers("outputEPCList")
	e.ParentID = o.identifier("parentID")
	e.QuantityList = readQuantities(o, "quantityList")
	e.ChildQuantityList = readQuantities(o, "childQuantityList")
	e.InputQuantityList = readQuantities(o, "inputQuantityList")
	e.OutputQuantityList = readQuantities(o, "outputQuantityList")
	e.TransformationID = o.uri("transformationID")
	if o.has("ilmd") {
		e.ILMD = readILMD(newObject(o.at("ilmd"), o.raw("ilmd"), o.err))
	}
}

// readWhy reads the why, where and how: business step, disposition,
// locations, transactions, parties, sensor data.
func readWhy(o *object, e *Event) {
	e.BizStep = o.vocab("bizStep", BizSteps)
	e.Disposition = o.vocab("disposition", Dispositions)
	if o.has("persistentDisposition") {
		e.PersistentDisposition = readPersistent(newObject(o.at("persistentDisposition"), o.raw("persistentDisposition"), o.err))
	}
	e.ReadPoint = readLocation(o, "readPoint")
	e.BizLocation = readLocation(o, "bizLocation")
	e.BizTransactions = readBizTransactions(o)
	e.Sources = readParties(o, "sourceList", "source")
	e.Destinations = readParties(o, "destinationList", "destination")
	e.SensorElements = readSensorElements(o)
}

// requireMembers checks what each type must have (EPCIS 2.0 section 7.4).
func requireMembers(o *object, e *Event) {
	if e.Type != TransformationEvent && e.Action == "" {
		o.fail("action", "is missing")
	}
	switch e.Type {
	case AssociationEvent:
		if e.ParentID == nil {
			o.fail("parentID", "is missing")
		}
	case TransactionEvent:
		if len(e.BizTransactions) == 0 {
			o.fail("bizTransactionList", "is missing or empty")
		}
	case ObjectEvent:
		if e.Action == ActionAdd || e.ILMD == nil {
			return
		}
		o.fail("ilmd", "is only for an ObjectEvent ADD, not %s", e.Action)
	}
}

func readErrorDeclaration(o *object) *ErrorDeclaration {
	d := &ErrorDeclaration{DeclarationTime: o.timestamp("declarationTime"), Reason: o.vocab("reason", ErrorReasons)}
	if d.DeclarationTime == "" {
		o.fail("declarationTime", "is missing")
	}
	for _, id := range o.identifiers("correctiveEventIDs") {
		d.CorrectiveEventIDs = append(d.CorrectiveEventIDs, id.URI)
	}
	d.Extensions = o.rest()
	return d
}

func readPersistent(o *object) *PersistentDisposition {
	p := &PersistentDisposition{Set: o.vocabList("set", Dispositions), Unset: o.vocabList("unset", Dispositions)}
	o.closed()
	if len(p.Set)+len(p.Unset) == 0 {
		o.fail("set", "persistentDisposition sets or unsets at least one disposition")
	}
	return p
}

func readLocation(o *object, key string) *Location {
	if !o.has(key) {
		return nil
	}
	l := newObject(o.at(key), o.raw(key), o.err)
	id := l.identifier("id")
	if id == nil {
		l.fail("id", "is missing")
		return nil
	}
	return &Location{ID: *id, Extensions: l.rest()}
}

func readBizTransactions(o *object) []BizTransaction {
	var out []BizTransaction
	for i, raw := range o.list("bizTransactionList") {
		b := newObject(index(o.at("bizTransactionList"), i), raw, o.err)
		bt := BizTransaction{Type: b.vocab("type", BizTransactionTypes), ID: b.uri("bizTransaction")}
		if bt.ID == "" {
			b.fail("bizTransaction", "is missing")
		}
		b.closed()
		out = append(out, bt)
	}
	return out
}

func readParties(o *object, key, member string) []Party {
	var out []Party
	for i, raw := range o.list(key) {
		p := newObject(index(o.at(key), i), raw, o.err)
		typ := p.vocab("type", SourceDestTypes)
		id := p.identifier(member)
		if typ.IsZero() || id == nil {
			p.fail(member, "a %s names its type and its %s", member, member)
			return nil
		}
		p.closed()
		out = append(out, Party{Type: typ, ID: *id})
	}
	return out
}

func readQuantities(o *object, key string) []Quantity {
	var out []Quantity
	for i, raw := range o.list(key) {
		q := newObject(index(o.at(key), i), raw, o.err)
		class := q.identifier("epcClass")
		if class == nil {
			q.fail("epcClass", "is missing")
			return nil
		}
		el := Quantity{Class: *class, Quantity: q.number("quantity"), UOM: q.str("uom")}
		if el.UOM != "" && !uomForm.MatchString(el.UOM) {
			q.fail("uom", "%q is not a UN/ECE Recommendation 20 code", el.UOM)
		}
		if el.UOM != "" && el.Quantity == nil {
			q.fail("uom", "a unit of measure needs a quantity")
		}
		q.closed()
		out = append(out, el)
	}
	return out
}

var uomForm = regexp.MustCompile(`^[A-Z0-9]{2,3}$`)

func readILMD(o *object) *ILMD {
	m := &ILMD{}
	m.Lot = o.str(mdaKey(o, "lotNumber"))
	m.ExpirationDate = o.date(mdaKey(o, "itemExpirationDate"))
	m.BestBeforeDate = o.date(mdaKey(o, "bestBeforeDate"))
	m.SellByDate = o.date(mdaKey(o, "sellByDate"))
	m.Other = o.rest()
	return m
}

// mdaKey is the name a CBV master data attribute has in o: cbvmda:name,
// or its full URN.
func mdaKey(o *object, name string) string {
	if full := "urn:epcglobal:cbv:mda:" + name; o.has(full) {
		if o.has("cbvmda:" + name) {
			o.fail(full, "repeats cbvmda:%s", name)
		}
		return full
	}
	return "cbvmda:" + name
}

func (o *object) date(key string) string {
	s := o.str(key)
	if _, err := time.Parse("2006-01-02", s); s != "" && err != nil {
		o.fail(key, "%q is not a date, YYYY-MM-DD", s)
	}
	return s
}
