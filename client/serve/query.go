package serve

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
)

// queryContext is the JSON-LD context of query answers: EPCIS 2.0's and
// the carechain prefix of the extension members (as the export writes).
var queryContext = json.RawMessage(`["` + epcis.DefaultContext + `",{"carechain":"urn:carechain:epcis:"}]`)

// Query paging.
const (
	DefaultPerPage = 30
	MaxPerPage     = 1000
)

var queryParams = []Param{
	{Name: "MATCH_epc", In: "query", Description: "events whose epcList or childEPCs hold one of these EPCs (EPC URNs or Digital Links, comma-separated or repeated)"},
	{Name: "MATCH_anyEPC", In: "query", Description: "events naming one of these EPCs anywhere (parentID, epcList, childEPCs, input and output lists)"},
	{Name: "EQ_bizStep", In: "query", Description: "events of one of these business steps (any CBV form)"},
	{Name: "EQ_disposition", In: "query", Description: "events with one of these dispositions (any CBV form)"},
	{Name: "GE_eventTime", In: "query", Description: "events at or after this time (RFC 3339)"},
	{Name: "LT_eventTime", In: "query", Description: "events before this time (RFC 3339)"},
	{Name: "EQ_readPoint", In: "query", Description: "events at one of these read points (SGLN URIs)"},
	{Name: "EQ_bizLocation", In: "query", Description: "events at one of these business locations (SGLN URIs)"},
	{Name: "perPage", In: "query", Type: "integer", Description: "events per page (default 30, at most 1000)"},
	{Name: "nextPageToken", In: "query", Description: "the token of the page to read (from the previous page's Link rel=next)"},
}

// EventQuery is a parsed query.
type EventQuery struct {
	EPCs, AnyEPCs            []epcis.Identifier
	BizSteps, Dispositions   []epcis.Vocab
	ReadPoints, BizLocations []epcis.Identifier
	From, Before             time.Time
	PerPage, Offset          int
}

var knownParams = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range queryParams {
		m[p.Name] = true
	}
	return m
}()

// ParseQuery reads a query's parameters; an unknown one or a malformed
// value is refused naming the parameter.
func ParseQuery(v url.Values) (*EventQuery, error) {
	for name := range v {
		if !knownParams[name] {
			return nil, BadRequest(name, errors.New("is not a query parameter this server answers"))
		}
	}
	q := &EventQuery{PerPage: DefaultPerPage}
	var err error
	if q.EPCs, err = identifiers(v, "MATCH_epc"); err != nil {
		return nil, err
	}
	if q.AnyEPCs, err = identifiers(v, "MATCH_anyEPC"); err != nil {
		return nil, err
	}
	if q.ReadPoints, err = identifiers(v, "EQ_readPoint"); err != nil {
		return nil, err
	}
	if q.BizLocations, err = identifiers(v, "EQ_bizLocation"); err != nil {
		return nil, err
	}
	if q.BizSteps, err = vocabs(v, "EQ_bizStep", epcis.BizSteps); err != nil {
		return nil, err
	}
	if q.Dispositions, err = vocabs(v, "EQ_disposition", epcis.Dispositions); err != nil {
		return nil, err
	}
	if err := q.times(v); err != nil {
		return nil, err
	}
	return q, q.paging(v)
}

func values(v url.Values, name string) []string {
	var out []string
	for _, s := range v[name] {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func identifiers(v url.Values, name string) ([]epcis.Identifier, error) {
	var out []epcis.Identifier
	for i, s := range values(v, name) {
		id, err := epcis.ParseIdentifier(s)
		if err != nil {
			return nil, BadRequest(fmt.Sprintf("%s[%d]", name, i), err)
		}
		out = append(out, id)
	}
	return out, nil
}

func vocabs(v url.Values, name string, voc interface {
	Parse(string) (epcis.Vocab, error)
}) ([]epcis.Vocab, error) {
	var out []epcis.Vocab
	for i, s := range values(v, name) {
		x, err := voc.Parse(s)
		if err != nil {
			return nil, BadRequest(fmt.Sprintf("%s[%d]", name, i), err)
		}
		out = append(out, x)
	}
	return out, nil
}

func (q *EventQuery) times(v url.Values) error {
	for name, t := range map[string]*time.Time{"GE_eventTime": &q.From, "LT_eventTime": &q.Before} {
		if s := v.Get(name); s != "" {
			at, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return BadRequest(name, fmt.Errorf("is not an RFC 3339 time: %w", err))
			}
			*t = at
		}
	}
	return nil
}

func (q *EventQuery) paging(v url.Values) error {
	if s := v.Get("perPage"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPerPage {
			return BadRequest("perPage", fmt.Errorf("%q is not a count from 1 to %d", s, MaxPerPage))
		}
		q.PerPage = n
	}
	if s := v.Get("nextPageToken"); s != "" {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		n, perr := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || perr != nil || !strings.HasPrefix(string(raw), "offset:") || n < 0 {
			return BadRequest("nextPageToken", errors.New("is not a token this server gave"))
		}
		q.Offset = n
	}
	return nil
}

func pageToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

// Match reports whether an event meets every condition of the query.
func (q *EventQuery) Match(e *epcis.Event) bool {
	return (len(q.EPCs) == 0 || anySame(q.EPCs, e.EPCList, e.ChildEPCs)) &&
		(len(q.AnyEPCs) == 0 || anySame(q.AnyEPCs, parentOf(e), e.EPCList, e.ChildEPCs, e.InputEPCList, e.OutputEPCList)) &&
		(len(q.BizSteps) == 0 || vocabIn(e.BizStep, q.BizSteps)) &&
		(len(q.Dispositions) == 0 || vocabIn(e.Disposition, q.Dispositions)) &&
		(len(q.ReadPoints) == 0 || locationIn(e.ReadPoint, q.ReadPoints)) &&
		(len(q.BizLocations) == 0 || locationIn(e.BizLocation, q.BizLocations)) &&
		q.inTime(e.EventTime)
}

func parentOf(e *epcis.Event) []epcis.Identifier {
	if e.ParentID == nil {
		return nil
	}
	return []epcis.Identifier{*e.ParentID}
}

func anySame(want []epcis.Identifier, lists ...[]epcis.Identifier) bool {
	for _, l := range lists {
		for _, id := range l {
			for _, w := range want {
				if w.Same(id) {
					return true
				}
			}
		}
	}
	return false
}

func vocabIn(v epcis.Vocab, want []epcis.Vocab) bool {
	for _, w := range want {
		if !v.IsZero() && v == w {
			return true
		}
	}
	return false
}

func locationIn(l *epcis.Location, want []epcis.Identifier) bool {
	return l != nil && anySame(want, []epcis.Identifier{l.ID})
}

func (q *EventQuery) inTime(s string) bool {
	if q.From.IsZero() && q.Before.IsZero() {
		return true
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return false
	}
	return (q.From.IsZero() || !at.Before(q.From)) && (q.Before.IsZero() || at.Before(q.Before))
}

// object is what the ledger finds a queried EPC by: a carechain id
// (tracked: it has a custody trace) or the URI captured events name.
type object struct {
	key     string
	tracked bool
}

// objects are the keys of the query's EPCs, else of its locations (a
// captured event is found by its SGLN locations too, as epcismap.AnchorOf
// keys it).
func (q *EventQuery) objects() ([]object, error) {
	keys := append(append([]epcis.Identifier{}, q.EPCs...), q.AnyEPCs...)
	if len(keys) == 0 {
		keys = append(append(keys, q.ReadPoints...), q.BizLocations...)
	}
	if len(keys) == 0 {
		return nil, BadRequest("MATCH_epc", errors.New("a query names the objects it is about (MATCH_epc or MATCH_anyEPC) or, for the events captured there, a location (EQ_readPoint, EQ_bizLocation): events are read by object or location"))
	}
	var out []object
	seen := map[string]bool{}
	for _, id := range keys {
		o := object{key: strings.SplitN(id.URI, "?", 2)[0]}
		if k, gap := epcismap.ObjectID(id); gap == nil {
			o = object{key: k, tracked: true}
		}
		if !seen[o.key] {
			seen[o.key] = true
			out = append(out, o)
		}
	}
	return out, nil
}

func (s *Server) queryEvents(w http.ResponseWriter, r *http.Request) {
	q, err := ParseQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := s.matching(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, next := events, -1
	if q.Offset >= len(page) {
		page = nil
	} else {
		page = page[q.Offset:]
	}
	if len(page) > q.PerPage {
		page, next = page[:q.PerPage], q.Offset+q.PerPage
	}
	doc := &epcis.Document{Type: epcis.TypeQueryDocument, Context: queryContext, SchemaVersion: "2.0", QueryName: "SimpleEventQuery",
		CreationDate: s.now().UTC().Format(time.RFC3339Nano), Events: append([]epcis.Event{}, page...)}
	data, err := epcis.Write(doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if next >= 0 {
		u := *r.URL
		v := u.Query()
		v.Set("nextPageToken", pageToken(next))
		u.RawQuery = v.Encode()
		w.Header().Set("Link", "<"+u.RequestURI()+`>; rel="next"`)
	}
	w.Header().Set("Content-Type", "application/ld+json")
	_, _ = w.Write(data)
}

// matching reads the traces and the captured events of the query's
// objects and keeps the events that match, each once, by time then id.
func (s *Server) matching(r *http.Request, q *EventQuery) ([]epcis.Event, error) {
	objects, err := q.objects()
	if err != nil {
		return nil, err
	}
	var out []epcis.Event
	seen := map[string]bool{}
	keep := func(e *epcis.Event) {
		if !seen[e.EventID] && q.Match(e) {
			seen[e.EventID] = true
			out = append(out, *e)
		}
	}
	for _, o := range objects {
		if pv.IsPersonID(o.key) {
			continue // no ledger holds a person's identifier (Capture refuses GSRNs)
		}
		if err := s.traced(r, o, keep); err != nil {
			return nil, err
		}
		if err := s.capturedAbout(r, o, keep); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ti, tj := eventTime(out[i]), eventTime(out[j])
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return out[i].EventID < out[j].EventID
	})
	return out, nil
}

func eventTime(e epcis.Event) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, e.EventTime)
	return t
}

// traced passes the events of a tracked object's custody trace to keep.
func (s *Server) traced(r *http.Request, o object, keep func(*epcis.Event)) error {
	if !o.tracked {
		return nil
	}
	doc, err := s.prov.ExportDocument(r.Context(), o.key)
	if errors.Is(err, client.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for i := range doc.Events {
		keep(&doc.Events[i])
	}
	return nil
}

// maxCapturedPages bounds how many pages of captured events one query
// reads per object.
const maxCapturedPages = 50

// capturedAbout passes the events captured about an object to keep.
func (s *Server) capturedAbout(r *http.Request, o object, keep func(*epcis.Event)) error {
	p := client.Page{Size: 100}
	for range maxCapturedPages {
		page, err := s.prov.ListCaptured(r.Context(), o.key, p)
		if err != nil {
			return err
		}
		for _, c := range page.Items {
			e, err := CapturedEvent(c)
			if err != nil {
				return err
			}
			keep(&e)
		}
		if page.Bookmark == "" {
			return nil
		}
		p.Bookmark = page.Bookmark
	}
	return nil
}
