package fhir

import (
	"encoding/json"
	"fmt"
)

// DocumentTransaction maps an R4 transaction Bundle that creates a
// DocumentReference together with the Binary holding its content, as an
// EHR integration sends them: two entries, POST DocumentReference and POST
// Binary, the attachment's url naming the Binary by its entry's fullUrl
// (urn:uuid:…) or as Binary/{id}. Anything else in the Bundle is refused
// by name; the DocumentReference is mapped as DocumentInput maps it.
func DocumentTransaction(bundle []byte, opts ...Option) (*DocumentResult, error) {
	d, e, err := parse(bundle, "Bundle")
	if err != nil {
		return nil, err
	}
	e.is("type", "carechain takes a document and its Binary as one transaction", "transaction")
	var raw struct {
		Entry []struct {
			FullURL  string          `json:"fullUrl"`
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(bundle, &raw); err != nil {
		return nil, err
	}
	var docRef, binary []byte
	binaryURL := ""
	for i, entry := range e.list("entry") {
		switch typ := transactionEntry(entry, raw.Entry[i].FullURL); typ {
		case "DocumentReference":
			docRef = onlyOne(entry, docRef, raw.Entry[i].Resource)
		case "Binary":
			binary, binaryURL = onlyOne(entry, binary, raw.Entry[i].Resource), raw.Entry[i].FullURL
		}
	}
	if docRef == nil {
		d.issues.Add("Bundle.entry", "carechain needs the DocumentReference to create (request POST DocumentReference)")
	}
	if err := d.finish(""); err != nil {
		return nil, err
	}
	return DocumentInput(docRef, binary, append(opts, withBinaryURL(binaryURL))...)
}

// transactionEntry reads an entry's request (a create of a
// DocumentReference or a Binary) and returns its resource type, or ""
// when the entry is refused.
func transactionEntry(entry elem, fullURL string) string {
	entry.str("fullUrl")
	entry.skip("resource") // mapped on its own, by DocumentInput
	res, _ := entry.child("resource")
	typ, _, _ := res.str("resourceType")
	req, ok := entry.child("request")
	if !ok {
		entry.refuse("request", "a transaction entry says what to do with its resource")
		return ""
	}
	req.is("method", "carechain creates the document and its Binary (POST)", "POST")
	url, p, _ := req.str("url")
	if typ != "DocumentReference" && typ != "Binary" {
		entry.refuseHere("carechain takes a DocumentReference and its Binary, not a %s", typ)
		return ""
	}
	if url != typ {
		entry.d.issues.Add(p, "a create of a %s is POST %s, not %q", typ, typ, url)
	}
	if typ == "Binary" && fullURL == "" {
		entry.d.issues.Add(entry.path+".fullUrl", "the Binary's fullUrl is how the DocumentReference's attachment.url names it")
	}
	return typ
}

// onlyOne is resource, refusing the entry when one of its type came before.
func onlyOne(entry elem, before, resource []byte) []byte {
	if before != nil {
		entry.refuseHere("carechain creates one document and one Binary a transaction")
		return before
	}
	return resource
}

// withBinaryURL lets an attachment name the Binary sent beside it by the
// fullUrl of its transaction entry.
func withBinaryURL(url string) Option { return func(o *options) { o.binaryURL = url } }

// TransactionResponse is the transaction-response Bundle of a created
// record: its DocumentReference (version 1) and, when one was sent, its
// Binary, both 201 Created.
func TransactionResponse(recordID string, withBinary bool) ([]byte, error) {
	entries := []any{obj{"response": obj{"status": "201 Created",
		"location": fmt.Sprintf("DocumentReference/%s/_history/1", recordID), "etag": `W/"1"`}}}
	if withBinary {
		entries = append(entries, obj{"response": obj{"status": "201 Created"}})
	}
	return emit(obj{"resourceType": "Bundle", "type": "transaction-response", "entry": entries})
}
