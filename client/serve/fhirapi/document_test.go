package fhirapi

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/docstore"
	"github.com/carechain/carechain/client/records"
	"github.com/carechain/carechain/client/serve"
)

// fakeRecords keeps what Put stored, and answers its anchor as History.
type fakeRecords struct {
	stored   map[string][]byte
	anchors  map[string]rc.Anchor
	broken   bool // History does not verify
	accesses []string
	denied   bool // Get is refused, as without consent
}

// Get logs the access (purpose) and writes the stored content.
func (f *fakeRecords) Get(ctx context.Context, id string, version int, purpose string, w io.Writer, progress docstore.Progress) (*records.Retrieved, error) {
	f.accesses = append(f.accesses, id+"/"+purpose)
	if f.denied {
		return nil, &client.Error{Code: client.CodeAccessDenied, Message: "no consent permits this access"}
	}
	a := f.anchors[id]
	_, err := w.Write(f.stored[id])
	return &records.Retrieved{Release: rc.Release{Record: id, Version: a.Version, ContentType: a.ContentType, Size: a.Size}, AccessID: "acc-1"}, err
}

func (f *fakeRecords) Put(ctx context.Context, d records.Document) (*rc.Receipt, error) {
	content, err := io.ReadAll(d.Content)
	if err != nil {
		return nil, err
	}
	f.stored[d.ID] = content
	f.anchors[d.ID] = rc.Anchor{ResourceType: d.Type, ID: d.ID, Version: 1, Status: rc.StatusCurrent, Subject: d.Subject,
		Custodian: org, Type: d.Type, Category: d.Category, ContentType: d.ContentType, Size: int64(len(content)),
		Created: "2026-03-01T10:00:00Z", Author: org + "/clerk1"}
	return &rc.Receipt{ID: d.ID}, nil
}

func (f *fakeRecords) History(ctx context.Context, id string) (*records.History, error) {
	a, ok := f.anchors[id]
	if !ok {
		return nil, notFound("record " + id)
	}
	if f.broken {
		return &records.History{Versions: []rc.VersionEntry{{Anchor: a}}, Problem: "version 1 does not match its commitment"}, nil
	}
	return &records.History{Versions: []rc.VersionEntry{{Anchor: a}}, Verified: true}, nil
}

func docServer(f *fakeRecords, session string) *serve.Server {
	api := New(session, WithRecords(f), WithClock(func() time.Time { return recorded }))
	return serve.New(serve.WithRoutes("/fhir", api.Routes()...))
}

func docRef(content string) string {
	return `{"resourceType":"DocumentReference","id":"rec-1","status":"current",
	 "category":[{"coding":[{"system":"urn:carechain:class","code":"lab"}]}],
	 "subject":{"identifier":{"system":"urn:carechain:patient","value":"subj-9f2c"}},
	 "custodian":{"identifier":{"system":"urn:carechain:msp","value":"HospitalMSP"}},
	 "content":[{"attachment":{"contentType":"text/plain","data":"` + base64.StdEncoding.EncodeToString([]byte(content)) + `"}}]}`
}

func TestDocumentReferenceCreateAndRead(t *testing.T) {
	f := &fakeRecords{stored: map[string][]byte{}, anchors: map[string]rc.Anchor{}}
	srv := docServer(f, org)
	w := do(srv, http.MethodPost, "/fhir/DocumentReference", MediaFHIR, docRef("potassium 4.1 mmol/L"))
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "DocumentReference")
	require.Equal(t, "/fhir/DocumentReference/rec-1", w.Header().Get("Location"))
	require.Equal(t, "potassium 4.1 mmol/L", string(f.stored["rec-1"]), "the content went to the records client")
	require.NotContains(t, w.Body.String(), "potassium", "the answer does not carry the content")
	require.Equal(t, "lab", f.anchors["rec-1"].Category)

	w = do(srv, http.MethodGet, "/fhir/DocumentReference/rec-1", "", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "DocumentReference")

	f.broken = true
	w = do(srv, http.MethodGet, "/fhir/DocumentReference/rec-1", "", "")
	require.Equal(t, http.StatusInternalServerError, w.Code)
	require.Contains(t, decodeOutcome(t, w.Body.Bytes()).Issue[0].Diagnostics, "does not verify")
}

func TestDocumentReferenceRefusals(t *testing.T) {
	f := &fakeRecords{stored: map[string][]byte{}, anchors: map[string]rc.Anchor{}}
	w := do(docServer(f, "ClinicMSP"), http.MethodPost, "/fhir/DocumentReference", MediaFHIR, docRef("x"))
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Equal(t, []string{"DocumentReference.custodian"}, decodeOutcome(t, w.Body.Bytes()).Issue[0].Expression)
	noClass := strings.Replace(docRef("x"), `"urn:carechain:class"`, `"http://loinc.org"`, 1)
	w = do(docServer(f, org), http.MethodPost, "/fhir/DocumentReference", MediaFHIR, noClass)
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Contains(t, decodeOutcome(t, w.Body.Bytes()).Issue[0].Expression[0], "DocumentReference.category[0]")
	require.Empty(t, f.stored, "a refused document stores nothing")
}

// $get requests access for the purpose given (once) and answers the
// content as an R4 Binary; no purpose, or a document too large, requests
// nothing; a refused access is an OperationOutcome.
func TestDocumentReferenceGet(t *testing.T) {
	f := &fakeRecords{stored: map[string][]byte{}, anchors: map[string]rc.Anchor{}}
	srv := docServer(f, org)
	require.Equal(t, http.StatusCreated, do(srv, http.MethodPost, "/fhir/DocumentReference", MediaFHIR, docRef("potassium 4.1 mmol/L")).Code)
	w := do(srv, http.MethodPost, "/fhir/DocumentReference/rec-1/$get?purpose=treatment", "", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Binary")
	require.Contains(t, w.Body.String(), base64.StdEncoding.EncodeToString([]byte("potassium 4.1 mmol/L")))
	require.Equal(t, []string{"rec-1/treatment"}, f.accesses)

	w = do(srv, http.MethodPost, "/fhir/DocumentReference/rec-1/$get", "", "")
	require.Equal(t, http.StatusBadRequest, w.Code)
	big := f.anchors["rec-1"]
	big.Size = maxBinary + 1
	f.anchors["rec-1"] = big
	w = do(srv, http.MethodPost, "/fhir/DocumentReference/rec-1/$get?purpose=treatment", "", "")
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Len(t, f.accesses, 1, "nothing requested without a purpose or for a document too large")

	big.Size = 20
	f.anchors["rec-1"], f.denied = big, true
	w = do(srv, http.MethodPost, "/fhir/DocumentReference/rec-1/$get?purpose=research", "", "")
	require.Equal(t, http.StatusForbidden, w.Code)
	require.Equal(t, "forbidden", decodeOutcome(t, w.Body.Bytes()).Issue[0].Code)

	meta := do(srv, http.MethodGet, "/fhir/metadata", "", "").Body.String()
	require.Contains(t, meta, `"operation":[{"definition":"urn:carechain:fhir:OperationDefinition:DocumentReference-get","name":"get"}]`)
}

// ListBySubject pages one record at a time, in id order.
func (f *fakeRecords) ListBySubject(ctx context.Context, subject, order string, p client.Page) (*rc.RecordPage, error) {
	if f.denied {
		return nil, &client.Error{Code: client.CodeAccessDenied, Message: "only the patient or the regulator's auditor may list a patient's records"}
	}
	ids := sortedIDs(f.anchors, func(a rc.Anchor) bool { return a.Subject == subject })
	i, _ := strconv.Atoi(p.Bookmark)
	page := &rc.RecordPage{Items: []rc.Anchor{}}
	if i < len(ids) {
		page.Items = append(page.Items, f.anchors[ids[i]])
	}
	if i+1 < len(ids) {
		page.Bookmark = strconv.Itoa(i + 1)
	}
	return page, nil
}
