package fhirapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/records"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/fhir"
)

// fakeAccessLog pages its entries one at a time, as the chaincode pages
// from a bookmark, and says which list was asked for.
type fakeAccessLog struct {
	entries []rc.AccessEntry
	asked   []string
	denied  bool
}

func (f *fakeAccessLog) page(keep func(rc.AccessEntry) bool, p client.Page) (*rc.AccessPage, error) {
	if f.denied {
		return nil, &client.Error{Code: client.CodeForbidden, Message: "only the patient or the regulator's auditor may read a patient's access log"}
	}
	var match []rc.AccessEntry
	for _, e := range f.entries {
		if keep(e) {
			match = append(match, e)
		}
	}
	i, _ := strconv.Atoi(p.Bookmark)
	out := &rc.AccessPage{Items: []rc.AccessEntry{}}
	if i < len(match) {
		out.Items = append(out.Items, match[i])
	}
	if i+1 < len(match) {
		out.Bookmark = strconv.Itoa(i + 1)
	}
	return out, nil
}

func (f *fakeAccessLog) AccessLog(ctx context.Context, subject, order string, p client.Page) (*rc.AccessPage, error) {
	f.asked = append(f.asked, "subject "+subject+" "+order)
	return f.page(func(e rc.AccessEntry) bool { return e.Subject == subject }, p)
}

func (f *fakeAccessLog) AccessLogByCustodian(ctx context.Context, msp, order string, p client.Page) (*rc.AccessPage, error) {
	f.asked = append(f.asked, "custodian "+msp+" "+order)
	return f.page(func(e rc.AccessEntry) bool { return e.Custodian == msp }, p)
}

func auditServer(l *fakeAccessLog, r *fakeRecords) *serve.Server {
	api := New(org, WithAccessLog(l), WithRecords(r), WithDirectory(directory), WithClock(func() time.Time { return recorded }))
	return serve.New(serve.WithRoutes("/fhir", api.Routes()...))
}

var disclosures = []rc.AccessEntry{
	{ID: "acc-1", Date: "2026-03-01T10:00:00Z", Subject: "subj-9f2c", Record: "rec-1", Version: 1, Category: "lab", Custodian: org,
		Org: "ClinicMSP", Recipient: "physician7", Role: "physician", Purpose: "treatment", Basis: "consent:cns-4"},
	{ID: "acc-2", Date: "2026-03-01T11:00:00Z", Subject: "subj-9f2c", Record: "rec-1", Version: 1, Category: "lab", Custodian: org,
		Org: "ClinicMSP", Recipient: "nurse2", Role: "nurse", Purpose: "emergency", Basis: "break-glass:bg-7"},
	{ID: "acc-3", Date: "2026-03-01T12:00:00Z", Subject: "subj-other", Record: "rec-9", Version: 2, Category: "imaging", Custodian: org,
		Org: "PayerMSP", Recipient: "adjudicator1", Role: "adjudicator", Purpose: "payment", Basis: "consent:cns-8"},
}

// auditEvent is what a test reads of an AuditEvent.
type auditEvent struct {
	ResourceType, ID string
	Entity           []struct {
		What struct {
			Identifier struct{ System, Value string }
		}
	}
}

// AuditEvent?patient= pages a patient's disclosures, one valid R4
// AuditEvent each, a break-glass one naming the break-glass access it was
// made on; AuditEvent?source:identifier= pages a custodian's.
func TestAuditEventSearchPagesTheAccessLog(t *testing.T) {
	l := &fakeAccessLog{entries: disclosures}
	srv := auditServer(l, &fakeRecords{})
	target := "/fhir/AuditEvent?patient=Patient/f001&_count=1"
	var got []auditEvent
	for target != "" {
		w := do(srv, http.MethodGet, target, "", "")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Bundle")
		var b struct {
			Link  []struct{ Relation, URL string }
			Entry []struct{ Resource json.RawMessage }
		}
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &b))
		require.Len(t, b.Entry, 1)
		var ev auditEvent
		require.NoError(t, json.Unmarshal(b.Entry[0].Resource, &ev))
		got, target = append(got, ev), ""
		if len(b.Link) > 1 {
			require.Equal(t, "next", b.Link[1].Relation)
			target = b.Link[1].URL
		}
	}
	require.Len(t, got, 2, "the other patient's disclosure is not in this patient's accounting")
	require.Equal(t, []string{"acc-1", "acc-2"}, []string{got[0].ID, got[1].ID})
	require.Contains(t, entityIDs(got[1]), fhir.SystemBreakGlass+"|bg-7")
	require.Contains(t, entityIDs(got[0]), fhir.SystemConsent+"|cns-4")
	require.Equal(t, []string{"subject subj-9f2c newest", "subject subj-9f2c newest"}, l.asked)

	w := do(srv, http.MethodGet, "/fhir/AuditEvent?source:identifier="+url.QueryEscape(fhir.SystemOrg+"|"+org)+"&_count=5", "", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Bundle")
	require.Equal(t, "custodian "+org+" newest", l.asked[2])
}

func entityIDs(ev auditEvent) []string {
	var ids []string
	for _, e := range ev.Entity {
		ids = append(ids, e.What.Identifier.System+"|"+e.What.Identifier.Value)
	}
	return ids
}

// A search that names no list, two lists, a parameter the keys do not
// hold or a custodian in another system asks the chaincode nothing; the
// chaincode's refusal is the answer.
func TestAuditEventSearchRefusals(t *testing.T) {
	l := &fakeAccessLog{entries: disclosures}
	srv := auditServer(l, &fakeRecords{})
	for target, param := range map[string]string{
		"/fhir/AuditEvent": "patient",
		"/fhir/AuditEvent?patient=Patient/f001&source:identifier=" + url.QueryEscape(fhir.SystemOrg+"|"+org): "patient",
		"/fhir/AuditEvent?date=2026-03-01":                                        "date",
		"/fhir/AuditEvent?source:identifier=HospitalMSP":                          "source:identifier",
		"/fhir/AuditEvent?source:identifier=" + url.QueryEscape("urn:other|"+org): "source:identifier",
		"/fhir/AuditEvent?patient=Patient/nobody":                                 "patient",
		"/fhir/AuditEvent?patient=Patient/f001&_count=0":                          "_count",
	} {
		w := do(srv, http.MethodGet, target, "", "")
		require.Equal(t, http.StatusBadRequest, w.Code, target)
		require.Equal(t, []string{param}, decodeOutcome(t, w.Body.Bytes()).Issue[0].Expression, target)
	}
	require.Empty(t, l.asked)
	meta := do(srv, http.MethodGet, "/fhir/metadata", "", "").Body.String()
	require.Contains(t, meta, `{"interaction":[{"code":"search-type"}],"searchParam":[{"name":"patient","type":"reference"},{"name":"source","type":"reference"}],"type":"AuditEvent"}`)
	require.Contains(t, meta, `{"interaction":[{"code":"search-type"}],"searchParam":[{"name":"target","type":"reference"}],"type":"Provenance"}`)
	l.denied = true
	w := do(srv, http.MethodGet, "/fhir/AuditEvent?patient=Patient/f001", "", "")
	require.Equal(t, http.StatusForbidden, w.Code)
	require.Equal(t, "forbidden", decodeOutcome(t, w.Body.Bytes()).Issue[0].Code)
}

// Provenance?target= answers one valid R4 Provenance per version of a
// record whose history verifies, each revision naming the version it
// revises; a target that is no record is refused before any read.
func TestProvenanceOfARecordsVersions(t *testing.T) {
	first := rc.Anchor{ID: "rec-1", Version: 1, Custodian: org, Author: org + "/clerk1", Created: "2026-03-01T10:00:00Z"}
	second := first
	second.Version, second.Created = 2, "2026-03-02T10:00:00Z"
	r := &historyRecords{fakeRecords: &fakeRecords{}, versions: []rc.VersionEntry{{Anchor: second}, {Anchor: first}}}
	srv := serve.New(serve.WithRoutes("/fhir", New(org, WithRecords(r)).Routes()...))
	w := do(srv, http.MethodGet, "/fhir/Provenance?target=DocumentReference/rec-1", "", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	validR4(t, w.Body.Bytes(), w.Header().Get("Content-Type"), "Bundle")
	var b struct {
		Entry []struct {
			Resource struct {
				ID     string
				Target []struct{ Reference string }
				Entity []struct {
					Role string
					What struct{ Reference string }
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &b))
	require.Len(t, b.Entry, 2)
	require.Equal(t, "DocumentReference/rec-1/_history/1", b.Entry[0].Resource.Target[0].Reference)
	require.Empty(t, b.Entry[0].Resource.Entity)
	require.Equal(t, "DocumentReference/rec-1/_history/2", b.Entry[1].Resource.Target[0].Reference)
	require.Equal(t, "revision", b.Entry[1].Resource.Entity[0].Role)
	require.Equal(t, "DocumentReference/rec-1/_history/1", b.Entry[1].Resource.Entity[0].What.Reference)

	r.reads = 0
	for _, target := range []string{"/fhir/Provenance", "/fhir/Provenance?target=Claim/c1", "/fhir/Provenance?target=DocumentReference/a/b"} {
		w := do(srv, http.MethodGet, target, "", "")
		require.Equal(t, http.StatusBadRequest, w.Code, target)
	}
	require.Zero(t, r.reads, "a bad target reads nothing")
	r.broken = true
	require.Equal(t, http.StatusInternalServerError, do(srv, http.MethodGet, "/fhir/Provenance?target=DocumentReference/rec-1", "", "").Code,
		"a history that does not verify has no provenance to answer")
}

// historyRecords answers a fixed history of several versions.
type historyRecords struct {
	*fakeRecords
	versions []rc.VersionEntry
	reads    int
}

func (h *historyRecords) History(ctx context.Context, id string) (*records.History, error) {
	h.reads++
	if id != "rec-1" {
		return nil, notFound("record " + id)
	}
	return &records.History{Versions: h.versions, Verified: !h.broken, Problem: map[bool]string{true: "version 2 does not link to version 1"}[h.broken]}, nil
}
