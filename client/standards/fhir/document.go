package fhir

import (
	"crypto/sha1" //nolint:gosec // FHIR R4 Attachment.hash is SHA-1; it is checked, never trusted
	"encoding/base64"
	"strconv"
	"strings"

	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client/standards/refusal"
)

// DocumentResult is a DocumentReference with its content, mapped to what
// the records client anchors (client/records.Document): the document goes
// through the encrypted store, its key through the records chaincode.
type DocumentResult struct {
	ID          string
	Subject     string
	Category    string
	ContentType string
	Content     []byte
	// Custodian is the custodian org's MSP id: carechain makes the
	// anchoring org the custodian, so the caller checks it is its own.
	Custodian string
	SetAside  []refusal.Issue
}

// DocumentInput maps an R4 DocumentReference whose one content is inline
// (attachment.data) or a Binary given beside it (attachment.url
// Binary/id) to a record to anchor. The category is carechain's data
// class (system urn:carechain:class); a given size and SHA-1 hash must be
// the content's.
func DocumentInput(docRef, binary []byte, opts ...Option) (*DocumentResult, error) {
	d, e, err := parse(docRef, "DocumentReference")
	if err != nil {
		return nil, err
	}
	o := newOptions(opts)
	var r DocumentResult
	r.ID, _, _ = e.str("id")
	e.is("status", "carechain anchors current documents (amend a record for a new version)", "current")
	if s, ok := e.ref("subject", &o, "Patient"); ok {
		r.Subject = e.want(s, SystemPatient, "patients")
	}
	if c, ok := e.ref("custodian", &o, "Organization"); ok {
		r.Custodian = e.want(c, SystemOrg, "custodians")
	}
	e.sameDay("date", &o, "a document reference's date")
	cats := e.list("category")
	for i, c := range cats {
		sys, code, p, _ := c.concept()
		if sys != SystemDataClass || i > 0 {
			d.issues.Add(p, "carechain files a record under one data class (%s)", SystemDataClass)
			continue
		}
		r.Category = code
	}
	if len(cats) == 0 {
		d.issues.Add("DocumentReference.category", "carechain needs the record's data class (%s)", SystemDataClass)
	}
	documentContent(e, binary, o.binaryURL, &r)
	if err := d.finish(r.ID); err != nil {
		return nil, err
	}
	r.SetAside = d.aside
	return &r, nil
}

func documentContent(e elem, binary []byte, binaryURL string, r *DocumentResult) {
	contents := e.list("content")
	for _, extra := range contents[1:] {
		extra.refuseHere("carechain anchors one content a record")
	}
	a, ok := contents[0].child("attachment")
	if !ok {
		return
	}
	r.ContentType, _, _ = a.str("contentType")
	if data, p, ok := a.str("data"); ok {
		raw, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			e.d.issues.Add(p, "not base64")
		}
		r.Content = raw
	} else if url, p, ok := a.str("url"); ok {
		r.Content = binaryContent(e, url, p, binary, binaryURL, r)
	}
	if len(r.Content) == 0 {
		e.d.issues.Add(a.path, "carechain needs the document's content (attachment.data or its Binary)")
	}
	checkAttachment(a, r.Content)
}

// binaryContent is the content of the Binary sent beside the document,
// which the attachment names as Binary/{id} or by the fullUrl of its
// transaction entry (binaryURL).
func binaryContent(e elem, url, p string, binary []byte, binaryURL string, r *DocumentResult) []byte {
	byEntry := binaryURL != "" && url == binaryURL
	if (!strings.HasPrefix(url, "Binary/") && !byEntry) || binary == nil {
		e.d.issues.Add(p, "carechain takes the content inline or as the Binary %q sent with it", url)
		return nil
	}
	bd, b, err := parse(binary, "Binary")
	if err != nil {
		e.d.issues.Append(refusal.Issues(err)...)
		return nil
	}
	if id, _, _ := b.str("id"); !byEntry && "Binary/"+id != url {
		e.d.issues.Add(p, "the Binary sent is %q, not %s", "Binary/"+id, url)
	}
	ct, _, _ := b.str("contentType")
	if r.ContentType != "" && ct != r.ContentType {
		e.d.issues.Add(p, "the Binary's content type %q is not the attachment's %q", ct, r.ContentType)
	}
	data, _, _ := b.str("data")
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		e.d.issues.Add(p, "the Binary's data is not base64")
	}
	if err := bd.finish(url); err != nil {
		e.d.issues.Append(refusal.Issues(err)...)
	}
	return raw
}

// checkAttachment checks a stated size and hash against the content.
func checkAttachment(a elem, content []byte) {
	if size, p, ok := a.str("size"); ok && size != strconv.Itoa(len(content)) {
		a.d.issues.Add(p, "the content has %d bytes, not %s", len(content), size)
	}
	if hash, p, ok := a.str("hash"); ok {
		sum := sha1.Sum(content) //nolint:gosec // checked against the sender's statement only
		if hash != base64.StdEncoding.EncodeToString(sum[:]) {
			a.d.issues.Add(p, "the content's SHA-1 is not this hash")
		}
	}
}

// DocumentReferenceResource writes a record version's anchor as an R4
// DocumentReference whose content is the Binary of the record.
func DocumentReferenceResource(a rc.Anchor) ([]byte, error) {
	res := obj{"resourceType": "DocumentReference", "id": a.ID, "status": documentStatus(a.Status),
		"subject":   identRef("Patient", SystemPatient, a.Subject),
		"custodian": identRef("Organization", SystemOrg, a.Custodian),
		"category":  []any{concept(SystemDataClass, a.Category)},
		"content": []any{obj{"attachment": obj{"contentType": a.ContentType, "size": a.Size,
			"url": "Binary/" + a.ID}}},
		"meta": obj{"versionId": strconv.Itoa(a.Version)},
	}
	if a.Created != "" {
		res["date"] = a.Created
	}
	if a.Author != "" {
		res["author"] = []any{obj{"identifier": obj{"system": SystemIdentity, "value": a.Author}}}
	}
	return emit(res)
}

func documentStatus(s string) string {
	switch s {
	case rc.StatusSuperseded:
		return "superseded"
	case rc.StatusEnteredInError:
		return "entered-in-error"
	}
	return "current"
}

// BinaryResource writes a record's decrypted content as an R4 Binary.
func BinaryResource(id, contentType string, content []byte) ([]byte, error) {
	return emit(obj{"resourceType": "Binary", "id": id, "contentType": contentType,
		"data": base64.StdEncoding.EncodeToString(content)})
}
