package fhirapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"

	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/docstore"
	"github.com/carechain/carechain/client/records"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/fhir"
)

// Records is what the FHIR routes ask of the records chaincode and the
// encrypted store, as *records.Client answers it.
type Records interface {
	// Put encrypts and stores a document and anchors it (its key goes to
	// the records chaincode, its ciphertext to the store).
	Put(ctx context.Context, d records.Document) (*rc.Receipt, error)
	// History reads and verifies a record's versions, newest first.
	History(ctx context.Context, id string) (*records.History, error)
	// Get requests access to a record version (0: current) for a purpose
	// (submitted: the access is logged) and writes its verified plaintext.
	Get(ctx context.Context, id string, version int, purpose string, w io.Writer, progress docstore.Progress) (*records.Retrieved, error)
	// ListBySubject pages a patient's records (order "newest" or
	// "oldest"), for the patient and the regulator's auditor.
	ListBySubject(ctx context.Context, subject, order string, p client.Page) (*rc.RecordPage, error)
}

// WithRecords serves DocumentReference.
func WithRecords(r Records) Option { return func(a *API) { a.records = r } }

var (
	opDocCreate = op("fhirDocumentReferenceCreate", "anchor an R4 DocumentReference with its content inline (attachment.data): encrypted into the store, the key through records", true, 201, "the record was anchored")
	opDocGet    = serve.Operation{ID: "fhirDocumentReferenceGet", Summary: "$get: request access to a record's current version for a purpose (logged as a disclosure) and answer its content as an R4 Binary",
		Params:   []serve.Param{idParam[0], {Name: "purpose", In: "query", Required: true, Description: "the purpose of use the access is logged with (treatment, payment, ...)"}},
		Produces: MediaFHIR, Responses: map[int]string{200: "the Binary", 400: "no purpose, or the document is too large for $get",
			403: "no consent or role allows this access", 404: "no such record"}}
	opDocTransaction = op("fhirDocumentTransaction", "a transaction Bundle creating a DocumentReference with the Binary of its content (the attachment names the Binary entry's fullUrl): anchored as POST DocumentReference anchors, answered with the transaction-response", true, 200, "the transaction-response Bundle")
	opDocRead        = op("fhirDocumentReferenceRead", "a record's current version as an R4 DocumentReference (its content is not in it)", false, 200, "the DocumentReference")
)

func (a *API) documentRoutes() []route {
	return []route{
		{serve.Route{Method: http.MethodPost, Pattern: "/DocumentReference", Op: opDocCreate, Handler: a.createDocument}, "DocumentReference", "create", "", ""},
		{serve.Route{Method: http.MethodGet, Pattern: "/DocumentReference/{id}", Op: opDocRead, Handler: a.readDocument}, "DocumentReference", "read", "", ""},
		{serve.Route{Method: http.MethodGet, Pattern: "/DocumentReference", Op: opDocSearch, Handler: a.searchDocuments}, "DocumentReference", "search-type", "patient", ""},
		{serve.Route{Method: http.MethodPost, Pattern: "/DocumentReference/{id}/$get", Op: opDocGet, Handler: a.getDocument}, "DocumentReference", "", "", "get"},
		{serve.Route{Method: http.MethodPost, Pattern: "", Op: opDocTransaction, Handler: a.createDocumentTransaction}, "", "transaction", "", ""},
	}
}

// createDocument anchors a DocumentReference whose custodian is the
// session's org (carechain makes the anchoring org the custodian).
func (a *API) createDocument(w http.ResponseWriter, r *http.Request) {
	data, err := readResource(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := fhir.DocumentInput(data, nil, a.options(a.now())...)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if a.anchorDocument(w, r, d) {
		a.documentAnswer(w, r, http.StatusCreated, d.ID)
	}
}

// createDocumentTransaction anchors the DocumentReference of a transaction
// Bundle with the Binary sent beside it, and answers the
// transaction-response Bundle.
func (a *API) createDocumentTransaction(w http.ResponseWriter, r *http.Request) {
	data, err := readResource(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := fhir.DocumentTransaction(data, a.options(a.now())...)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if a.anchorDocument(w, r, d) {
		a.answer(w, r, http.StatusOK, "", func() ([]byte, error) { return fhir.TransactionResponse(d.ID, true) })
	}
}

// anchorDocument anchors d, whose custodian must be the session's org; it
// answers the failure itself and reports whether d was anchored.
func (a *API) anchorDocument(w http.ResponseWriter, r *http.Request, d *fhir.DocumentResult) bool {
	if d.Custodian != "" && d.Custodian != a.org {
		a.fail(w, r, refuse("DocumentReference/"+d.ID, "DocumentReference.custodian", "carechain makes the anchoring org (%s) the custodian, not %s", a.org, d.Custodian))
		return false
	}
	_, err := a.records.Put(r.Context(), records.Document{ID: d.ID, Subject: d.Subject, Type: "DocumentReference",
		Category: d.Category, ContentType: d.ContentType, Content: bytes.NewReader(d.Content)})
	if err != nil {
		a.fail(w, r, err)
		return false
	}
	return true
}

func (a *API) readDocument(w http.ResponseWriter, r *http.Request) {
	a.documentAnswer(w, r, http.StatusOK, chi.URLParam(r, "id"))
}

// documentAnswer answers a record's current version, once its history
// verifies (every version's anchor against its public commitment).
func (a *API) documentAnswer(w http.ResponseWriter, r *http.Request, status int, id string) {
	data, err := a.verifiedDocument(r, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	location := ""
	if status == http.StatusCreated {
		location = a.base + "/DocumentReference/" + id
	}
	write(w, status, location, data)
}

// verifiedDocument is a record's current version as a DocumentReference,
// once its history verifies.
func (a *API) verifiedDocument(r *http.Request, id string) ([]byte, error) {
	h, err := a.verifiedHistory(r, id)
	if err != nil {
		return nil, err
	}
	return fhir.DocumentReferenceResource(h.Versions[0].Anchor)
}

// verifiedHistory is a record's history (newest first) once it verifies:
// every version's anchor against its public commitment.
func (a *API) verifiedHistory(r *http.Request, id string) (*records.History, error) {
	h, err := a.records.History(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !h.Verified || len(h.Versions) == 0 {
		return nil, &client.Error{Code: client.CodeInternal, Message: "record " + id + ": its history does not verify: " + h.Problem}
	}
	return h, nil
}

// maxBinary is the largest document $get answers inline: a Binary holds
// its content base64 in the JSON, in memory.
const maxBinary = 16 << 20

// getDocument requests access to a record's current version for the
// purpose given and answers its content as a Binary. It is a POST: the
// access is a transaction (a disclosure in the patient's accounting), and
// a request sent twice is logged twice. A document too large for a
// Binary is refused before any access is requested.
func (a *API) getDocument(w http.ResponseWriter, r *http.Request) {
	id, purpose := chi.URLParam(r, "id"), r.URL.Query().Get("purpose")
	if purpose == "" {
		a.fail(w, r, serve.BadRequest("purpose", errors.New("$get needs the purpose of use the access is logged with")))
		return
	}
	h, err := a.records.History(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if len(h.Versions) > 0 && h.Versions[0].Anchor.Size > maxBinary {
		a.fail(w, r, serve.BadRequest("id", fmt.Errorf("record %s is %d bytes: $get answers documents of at most %d", id, h.Versions[0].Anchor.Size, maxBinary)))
		return
	}
	var content bytes.Buffer
	got, err := a.records.Get(r.Context(), id, 0, purpose, &content, nil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.answer(w, r, http.StatusOK, "", func() ([]byte, error) {
		return fhir.BinaryResource(id, got.Release.ContentType, content.Bytes())
	})
}
