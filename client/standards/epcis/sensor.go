package epcis

import (
	"encoding/json"
	"regexp"
)

func readSensorElements(o *object) []SensorElement {
	var out []SensorElement
	for i, raw := range o.list("sensorElementList") {
		s := newObject(index(o.at("sensorElementList"), i), raw, o.err)
		el := SensorElement{}
		if s.has("sensorMetadata") {
			el.Metadata = readSensorMetadata(newObject(s.at("sensorMetadata"), s.raw("sensorMetadata"), s.err))
		}
		reports := s.list("sensorReport")
		if len(reports) == 0 {
			s.fail("sensorReport", "is missing or empty")
		}
		for j, r := range reports {
			el.Reports = append(el.Reports, readSensorReport(newObject(index(s.at("sensorReport"), j), r, s.err)))
		}
		el.Extensions = s.rest()
		out = append(out, el)
	}
	return out
}

func readSensorMetadata(o *object) *SensorMetadata {
	m := &SensorMetadata{
		Time: o.timestamp("time"), StartTime: o.timestamp("startTime"), EndTime: o.timestamp("endTime"),
		DeviceID: o.uri("deviceID"), DeviceMetadata: o.uri("deviceMetadata"), RawData: o.uri("rawData"),
		DataProcessingMethod: o.uri("dataProcessingMethod"), BizRules: o.uri("bizRules"),
	}
	m.Extensions = o.rest()
	return m
}

var hexForm = regexp.MustCompile(`^[A-Fa-f0-9]+$`)

func readSensorReport(o *object) SensorReport {
	r := SensorReport{
		Type: o.vocab("type", MeasurementTypes), Exception: o.vocab("exception", SensorAlertTypes),
		DeviceID: o.uri("deviceID"), DeviceMetadata: o.uri("deviceMetadata"), RawData: o.uri("rawData"),
		DataProcessingMethod: o.uri("dataProcessingMethod"), BizRules: o.uri("bizRules"), Time: o.timestamp("time"),
		Microorganism: o.uri("microorganism"), ChemicalSubstance: o.uri("chemicalSubstance"),
		CoordinateReferenceSystem: o.uri("coordinateReferenceSystem"), URIValue: o.uri("uriValue"),
		HexBinaryValue: o.str("hexBinaryValue"), Component: o.vocab("component", Components),
		Value: o.number("value"), MinValue: o.number("minValue"), MaxValue: o.number("maxValue"),
		MeanValue: o.number("meanValue"), SDev: o.number("sDev"), PercRank: o.number("percRank"),
		PercValue: o.number("percValue"), BooleanValue: o.boolean("booleanValue"), UOM: o.str("uom"),
	}
	if o.has("stringValue") {
		s := o.str("stringValue")
		r.StringValue = &s
	}
	if r.HexBinaryValue != "" && !hexForm.MatchString(r.HexBinaryValue) {
		o.fail("hexBinaryValue", "is not hexadecimal")
	}
	if r.Type.IsZero() {
		o.fail("type", "is missing")
	}
	r.Extensions = o.rest()
	return r
}

// Reading is one measured value of a sensor report, with the time and
// device that apply to it (the report's own, else its element's
// metadata).
type Reading struct {
	Element, Report int
	Type            Vocab
	Value           json.Number
	UOM             string
	Time            string
	DeviceID        string
}

// Readings lists the event's sensor reports that carry a single value
// (reports of minimum, maximum, mean and the like carry none and are not
// listed).
func (e *Event) Readings() []Reading {
	var out []Reading
	for i, el := range e.SensorElements {
		for j, r := range el.Reports {
			if r.Value == nil {
				continue
			}
			rd := Reading{Element: i, Report: j, Type: r.Type, Value: *r.Value, UOM: r.UOM, Time: r.Time, DeviceID: r.DeviceID}
			if el.Metadata != nil {
				rd.Time = first(rd.Time, el.Metadata.Time)
				rd.DeviceID = first(rd.DeviceID, el.Metadata.DeviceID)
			}
			out = append(out, rd)
		}
	}
	return out
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
