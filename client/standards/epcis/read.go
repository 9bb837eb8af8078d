package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MaxDocumentBytes bounds a document Parse reads.
const MaxDocumentBytes = 64 << 20

// Parse reads an EPCIS 2.0 JSON or JSON-LD document (EPCISDocument or
// EPCISQueryDocument). It refuses, naming the member's path, a document
// that is not well formed: duplicate member names, a member that is
// neither known for its object nor namespaced, a malformed identifier,
// time or vocabulary value.
func Parse(data []byte) (*Document, error) {
	if len(data) > MaxDocumentBytes {
		return nil, &Error{Reason: fmt.Sprintf("the document is larger than %d bytes", MaxDocumentBytes)}
	}
	if err := checkDuplicates(data); err != nil {
		return nil, err
	}
	var err error
	o := newObject("", bytes.TrimSpace(data), &err)
	d := &Document{Type: o.required("type")}
	if err != nil {
		return nil, err
	}
	switch d.Type {
	case TypeDocument:
		readHeader(o, d, true)
		readBody(newObject("epcisBody", o.raw("epcisBody"), &err), d)
	case TypeQueryDocument:
		readHeader(o, d, false)
		readQueryBody(newObject("epcisBody", o.raw("epcisBody"), &err), d)
	default:
		return nil, &Error{Path: "type", Reason: fmt.Sprintf("%q is not EPCISDocument or EPCISQueryDocument", d.Type)}
	}
	d.Extensions = o.rest()
	if err != nil {
		return nil, err
	}
	return d, nil
}

func readHeader(o *object, d *Document, full bool) {
	d.Context = o.raw("@context")
	d.ID = o.uri("id")
	d.SchemaVersion = o.str("schemaVersion")
	d.CreationDate = o.timestamp("creationDate")
	if full {
		d.InstanceIdentifier = o.str("instanceIdentifier")
		d.Sender = o.str("sender")
		d.Receiver = o.str("receiver")
		d.Header = o.raw("epcisHeader")
	}
}

func readBody(body *object, d *Document) {
	if !body.has("eventList") {
		body.fail("eventList", "is missing")
	}
	d.Events = readEvents(body, "eventList")
	d.BodyExtensions = body.rest()
}

func readQueryBody(body *object, d *Document) {
	q := newObject(body.at("queryResults"), body.raw("queryResults"), body.err)
	d.QueryName = q.required("queryName")
	d.SubscriptionID = q.str("subscriptionID")
	rb := newObject(q.at("resultsBody"), q.raw("resultsBody"), q.err)
	if !rb.has("eventList") {
		rb.fail("eventList", "is missing")
	}
	d.Events = readEvents(rb, "eventList")
	d.Vocabularies = rb.raw("vocabularyList")
	d.ResultsExtensions = rb.rest()
	d.QueryExtension = q.rest()
	d.BodyExtensions = body.rest()
}

func readEvents(o *object, key string) []Event {
	raws := o.list(key)
	events := make([]Event, 0, len(raws))
	for i, r := range raws {
		e := readEvent(newObject(index(o.at(key), i), r, o.err))
		if *o.err != nil {
			return nil
		}
		events = append(events, e)
	}
	return events
}

// checkDuplicates refuses a document in which an object names a member
// twice: decoders disagree on which one counts.
func checkDuplicates(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := walk(dec, ""); err != nil {
		return err
	}
	if _, err := dec.Token(); err == nil {
		return &Error{Reason: "the document has data after its end"}
	}
	return nil
}

func walk(dec *json.Decoder, path string) error {
	t, err := dec.Token()
	if err != nil {
		return &Error{Path: path, Reason: "is not valid JSON", Err: err}
	}
	switch t {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			k, _ := dec.Token()
			name, _ := k.(string)
			if seen[name] {
				return &Error{Path: join(path, name), Reason: "is a member named twice"}
			}
			seen[name] = true
			if err := walk(dec, join(path, name)); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if err := walk(dec, index(path, i)); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	}
	if err != nil {
		return &Error{Path: path, Reason: "is not valid JSON", Err: err}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
