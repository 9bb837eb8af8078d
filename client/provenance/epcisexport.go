package provenance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/gs1"
)

// exportContext is the JSON-LD context of carechain's EPCIS documents:
// EPCIS 2.0's, and the carechain prefix of its extension members.
var exportContext = json.RawMessage(`["` + epcis.DefaultContext + `",{"carechain":"urn:carechain:epcis:"}]`)

// exporter writes recorded events as EPCIS 2.0. Identifiers are EPC URNs
// where the company prefix is known (the parts registry's prefixes), GS1
// Digital Links where it is not (a GTIN, SSCC or GLN has no partition of
// its own); parties are the partners' GLNs as PGLNs.
type exporter struct {
	prefixes *gs1.Table
	// gln is a partner's GLN ("" when it has none on record).
	gln func(ctx context.Context, msp string) (string, error)
	// shipmentItems are a shipment's items (carechain ids).
	shipmentItems func(ctx context.Context, id string) ([]string, error)
}

func (x *exporter) document(ctx context.Context, events []pv.Event, created time.Time) (*epcis.Document, error) {
	d := &epcis.Document{Type: epcis.TypeDocument, Context: exportContext, SchemaVersion: "2.0",
		CreationDate: created.UTC().Format(time.RFC3339Nano), Events: make([]epcis.Event, 0, len(events))}
	for i, e := range events {
		ev, err := x.event(ctx, e)
		if err != nil {
			return nil, fmt.Errorf("event %d (%s): %w", i, e.EventID, err)
		}
		d.Events = append(d.Events, ev)
	}
	return d, nil
}

func (x *exporter) event(ctx context.Context, e pv.Event) (epcis.Event, error) {
	ev := epcis.Event{Type: e.Type, EventID: e.EventID, EventTime: e.EventTime, EventTimeZoneOffset: first(e.TimeZone, "+00:00"),
		Action: e.Action, Extensions: epcis.Extensions{}}
	var err error
	if ev.BizStep, err = vocab(epcis.BizSteps, e.BizStep); err != nil {
		return ev, err
	}
	if ev.Disposition, err = vocab(epcis.Dispositions, e.Disposition); err != nil {
		return ev, err
	}
	if err := x.objects(&ev, e); err != nil {
		return ev, err
	}
	if ev.BizTransactions, err = bizTransactions(e.BizTx); err != nil {
		return ev, err
	}
	if err := x.parties(ctx, &ev, e); err != nil {
		return ev, err
	}
	if err := x.sensor(ctx, &ev, e); err != nil {
		return ev, err
	}
	ev.ILMD = ilmd(e.ILMD)
	if e.ReadPoint != "" {
		ev.ReadPoint = &epcis.Location{ID: epcis.Identifier{URI: e.ReadPoint}}
	}
	ev.Extensions["carechain:recordedBy"] = quote(e.By)
	return ev, nil
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func quote(s string) json.RawMessage { b, _ := json.Marshal(s); return b }

func vocab(v interface {
	Parse(string) (epcis.Vocab, error)
}, s string) (epcis.Vocab, error) {
	if s == "" {
		return epcis.Vocab{}, nil
	}
	return v.Parse(s)
}

// objects converts the event's EPC URIs (written by the chaincode with a
// 7-digit partition, which they are read back through) to the export's.
func (x *exporter) objects(ev *epcis.Event, e pv.Event) error {
	var err error
	if ev.EPCList, err = x.identifiers(e.EPCList); err != nil {
		return err
	}
	if ev.ChildEPCs, err = x.identifiers(e.ChildEPCs); err != nil {
		return err
	}
	if e.ParentID != "" {
		ids, err := x.identifiers([]string{e.ParentID})
		if err != nil {
			return err
		}
		ev.ParentID = &ids[0]
	}
	if ev.Type == epcis.ObjectEvent && ev.EPCList == nil {
		ev.EPCList = []epcis.Identifier{}
	}
	return nil
}

func (x *exporter) identifiers(uris []string) ([]epcis.Identifier, error) {
	if uris == nil {
		return nil, nil
	}
	out := make([]epcis.Identifier, 0, len(uris))
	for _, u := range uris {
		_, id, err := pv.ParseEPC("epc", u)
		if err != nil {
			return nil, err
		}
		ident, err := x.identifier(itemKey(id))
		if err != nil {
			return nil, err
		}
		out = append(out, ident)
	}
	return out, nil
}

// itemKey is the GS1 key of a carechain item id (GTIN.serial or SSCC).
func itemKey(id string) gs1.Key {
	if gtin, serial, ok := strings.Cut(id, "."); ok {
		return gs1.Key{Kind: gs1.SGTIN, Value: gtin, Serial: serial}
	}
	return gs1.Key{Kind: gs1.SSCC, Value: id}
}

// identifier writes a key as a URN when its company prefix is known, else
// as a Digital Link.
func (x *exporter) identifier(k gs1.Key) (epcis.Identifier, error) {
	uri, err := gs1.EPCURI(k, x.prefixes)
	if errors.Is(err, gs1.ErrUnknownPrefix) {
		uri, err = gs1.DigitalLinkURI(k, "")
	}
	if err != nil {
		return epcis.Identifier{}, err
	}
	return epcis.Identifier{URI: uri, Key: &k}, nil
}

func bizTransactions(l []pv.BizTx) ([]epcis.BizTransaction, error) {
	if l == nil {
		return nil, nil
	}
	out := make([]epcis.BizTransaction, 0, len(l))
	for _, b := range l {
		t, err := vocab(epcis.BizTransactionTypes, b.Type)
		if err != nil {
			return nil, err
		}
		out = append(out, epcis.BizTransaction{Type: t, ID: b.ID})
	}
	return out, nil
}

// parties writes the event's source and destination orgs as their
// partners' PGLNs (owning parties: carechain moves ownership with
// custody); an org without a GLN on record keeps its MSP id as an
// extension.
func (x *exporter) parties(ctx context.Context, ev *epcis.Event, e pv.Event) error {
	for _, p := range []struct {
		msp  string
		list *[]epcis.Party
		ext  string
	}{{e.Source, &ev.Sources, "carechain:source"}, {e.Destination, &ev.Destinations, "carechain:destination"}} {
		if p.msp == "" {
			continue
		}
		gln, err := x.gln(ctx, p.msp)
		if err != nil {
			return err
		}
		if gln == "" {
			ev.Extensions[p.ext] = quote(p.msp)
			continue
		}
		id, err := x.identifier(gs1.Key{Kind: gs1.PGLN, Value: gln})
		if err != nil {
			return fmt.Errorf("partner %s: %w", p.msp, err)
		}
		*p.list = []epcis.Party{{Type: epcis.Vocab{Term: "owning_party"}, ID: id}}
	}
	return nil
}

// sensor writes a reading as a sensor element: temperature in °C, its
// device, ALARM_CONDITION for an excursion; its objects are the items of
// the shipment it was taken on.
func (x *exporter) sensor(ctx context.Context, ev *epcis.Event, e pv.Event) error {
	if e.Sensor == nil {
		return nil
	}
	v := json.Number(strconv.FormatFloat(float64(e.Sensor.TenthC)/10, 'f', 1, 64))
	r := epcis.SensorReport{Type: epcis.Vocab{Term: "Temperature"}, Value: &v, UOM: "CEL"}
	if e.Sensor.Excursion {
		r.Exception = epcis.Vocab{Term: "ALARM_CONDITION"}
	}
	meta := &epcis.SensorMetadata{DeviceID: e.Sensor.Device}
	if epcis.CheckURI(e.Sensor.Device) != nil {
		meta.DeviceID = "urn:carechain:device:" + e.Sensor.Device
	}
	ev.SensorElements = []epcis.SensorElement{{Metadata: meta, Reports: []epcis.SensorReport{r}}}
	for _, b := range e.BizTx {
		if id, ok := strings.CutPrefix(b.ID, "urn:carechain:shipment:"); ok && len(ev.EPCList) == 0 {
			items, err := x.shipmentItems(ctx, id)
			if err != nil {
				return err
			}
			for _, it := range items {
				id, err := x.identifier(itemKey(it))
				if err != nil {
					return err
				}
				ev.EPCList = append(ev.EPCList, id)
			}
		}
	}
	return nil
}

// ilmd writes a commissioning's lot master data.
func ilmd(m map[string]string) *epcis.ILMD {
	if len(m) == 0 {
		return nil
	}
	out := &epcis.ILMD{Other: epcis.Extensions{}}
	for k, v := range m {
		switch k {
		case "cbvmda:lotNumber":
			out.Lot = v
		case "cbvmda:itemExpirationDate":
			out.ExpirationDate = v
		default:
			out.Other[k] = quote(v)
		}
	}
	if len(out.Other) == 0 {
		out.Other = nil
	}
	return out
}
