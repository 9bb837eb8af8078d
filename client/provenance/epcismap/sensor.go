package epcismap

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"

	"github.com/carechain/carechain/chaincode/kit/validate"
	"github.com/carechain/carechain/client/standards/epcis"
)

// sensorOnly plans an ObjectEvent whose only carechain meaning is its
// sensor data: readings on the shipment its objects travel on, else on
// the goods at rest (atRest).
func (m *mapper) sensorOnly(e *epcis.Event) (*EventPlan, error) {
	id, err := m.travelsOn(e)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return m.atRest(e)
	}
	calls, gaps := m.readings(e, id, nil)
	if len(calls) == 0 {
		return unsupported(gaps...), nil
	}
	return m.apply(e, "", calls, gaps...), nil
}

// atRest plans the readings of goods at rest: a ReportReading per
// temperature and item, by the org that holds every item (another org's
// goods, or goods not all carechain's, are captured only, saying why).
func (m *mapper) atRest(e *epcis.Event) (*EventPlan, error) {
	items, by, plan, err := m.itemsAtOrg(e)
	if plan != nil || err != nil {
		return plan, err
	}
	per, gaps := m.readings(e, "", nil)
	if len(per) == 0 {
		return unsupported(gaps...), nil
	}
	calls := make([]Call, 0, len(per)*len(items))
	for _, id := range items {
		for _, c := range per {
			c.Fn, c.ID = pv.FnReportReading, id
			calls = append(calls, c)
		}
	}
	return m.apply(e, by, calls, gaps...), nil
}

// travelsOn is the shipment the event names (desadv, po) or its objects
// are in transit on; "" for none.
func (m *mapper) travelsOn(e *epcis.Event) (string, error) {
	if id, ref := shipmentRef(e.BizTransactions); ref >= 0 {
		sh, err := m.st.shipment(id)
		if err != nil || sh != nil && !sh.Received {
			return id, err
		}
	}
	for _, obj := range e.EPCList {
		id, gap := objectID(obj)
		if gap != nil {
			continue
		}
		it, err := m.st.item(id)
		if err != nil {
			return "", err
		}
		if it != nil && it.Shipment != "" {
			return it.Shipment, nil
		}
	}
	return "", nil
}

// readings appends an AddReading per temperature the event reports, and
// reports what of its sensor data no reading records.
func (m *mapper) readings(e *epcis.Event, shipment string, calls []Call) ([]Call, []Gap) {
	var gaps []Gap
	for i, el := range e.SensorElements {
		for j, r := range el.Reports {
			path := fmt.Sprintf("sensorElementList[%d].sensorReport[%d]", i, j)
			c, g := reading(el, r, path)
			gaps = append(gaps, g...)
			if c != nil {
				c.ID = shipment
				calls = append(calls, *c)
			}
		}
	}
	return calls, gaps
}

// reading is the AddReading of one sensor report, nil when the report
// carries no temperature the chaincode takes (the gaps say why).
func reading(el epcis.SensorElement, r epcis.SensorReport, path string) (*Call, []Gap) {
	gaps := reportExtras(r, path)
	if !r.Type.Is("Temperature") {
		return nil, append(gaps, Gap{GapSensorType, path + ": " + r.Type.String()})
	}
	if r.Value == nil {
		return nil, gaps
	}
	tenths, g := tenthsC(*r.Value, r.UOM, path)
	if tenths == nil {
		return nil, append(gaps, g...)
	}
	device, g2 := device(el, r, path)
	gaps = append(append(gaps, g...), g2...)
	if t := first(r.Time, metaTime(el)); t != "" {
		gaps = append(gaps, Gap{GapSensorTime, path + ": " + t})
	}
	return &Call{Fn: pv.FnAddReading, Device: device, TenthC: *tenths}, gaps
}

// reportExtras reports a sensor report's alerts, non-numeric values and
// aggregates, which no reading records.
func reportExtras(r epcis.SensorReport, path string) []Gap {
	var gaps []Gap
	if !r.Exception.IsZero() || r.StringValue != nil || r.BooleanValue != nil || r.HexBinaryValue != "" || r.URIValue != "" {
		gaps = append(gaps, Gap{GapSensorAlert, path})
	}
	if r.MinValue != nil || r.MaxValue != nil || r.MeanValue != nil || r.SDev != nil || r.PercRank != nil || r.PercValue != nil {
		gaps = append(gaps, Gap{GapSensorAggregate, path})
	}
	return gaps
}

func metaTime(el epcis.SensorElement) string {
	if el.Metadata == nil {
		return ""
	}
	return el.Metadata.Time
}

// tenthsC converts a temperature to tenths of a degree Celsius, in
// AddReading's range.
func tenthsC(v json.Number, uom, path string) (*int, []Gap) {
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return nil, []Gap{{GapSensorUnit, path + ": " + string(v)}}
	}
	switch uom {
	case "CEL":
	case "FAH":
		f = (f - 32) * 5 / 9
	case "KEL":
		f -= 273.15
	default:
		return nil, []Gap{{GapSensorUnit, path + ": unit " + strconv.Quote(uom)}}
	}
	t := math.Round(f * 10)
	if t < -1000 || t > 1000 {
		return nil, []Gap{{GapSensorRange, fmt.Sprintf("%s: %.2f °C", path, f)}}
	}
	n := int(t)
	if math.Abs(f*10-t) > 1e-6 {
		return &n, []Gap{{GapSensorPrecision, fmt.Sprintf("%s: %s %s recorded as %.1f °C", path, v, uom, t/10)}}
	}
	return &n, nil
}

// device is the reading's device as the chaincode takes it.
func device(el epcis.SensorElement, r epcis.SensorReport, path string) (string, []Gap) {
	d := r.DeviceID
	if d == "" && el.Metadata != nil {
		d = el.Metadata.DeviceID
	}
	if d != "" && validate.Identifier("device", d) == nil {
		return d, nil
	}
	return "epcis-sensor", []Gap{{GapSensorDevice, path + ": device " + strconv.Quote(d) + " recorded as epcis-sensor"}}
}
