package epcis

func sensorElements(l []SensorElement) []ordered {
	out := make([]ordered, len(l))
	for i, el := range l {
		var o ordered
		if m := el.Metadata; m != nil {
			o.put("sensorMetadata", sensorMetadata(m))
		}
		reports := make([]ordered, len(el.Reports))
		for j, r := range el.Reports {
			reports[j] = sensorReport(r)
		}
		o.put("sensorReport", reports)
		o.extensions(el.Extensions)
		out[i] = o
	}
	return out
}

func sensorMetadata(m *SensorMetadata) ordered {
	o := ordered{}
	o.str("time", m.Time)
	o.str("startTime", m.StartTime)
	o.str("endTime", m.EndTime)
	o.str("deviceID", m.DeviceID)
	o.str("deviceMetadata", m.DeviceMetadata)
	o.str("rawData", m.RawData)
	o.str("dataProcessingMethod", m.DataProcessingMethod)
	o.str("bizRules", m.BizRules)
	o.extensions(m.Extensions)
	return o
}

func sensorReport(r SensorReport) ordered {
	o := ordered{{"type", r.Type.String()}}
	o.vocab("exception", r.Exception)
	for _, m := range []member{{"deviceID", r.DeviceID}, {"deviceMetadata", r.DeviceMetadata}, {"rawData", r.RawData},
		{"dataProcessingMethod", r.DataProcessingMethod}, {"bizRules", r.BizRules}, {"time", r.Time},
		{"microorganism", r.Microorganism}, {"chemicalSubstance", r.ChemicalSubstance},
		{"coordinateReferenceSystem", r.CoordinateReferenceSystem}} {
		o.str(m.key, m.value.(string))
	}
	o.number("value", r.Value)
	o.vocab("component", r.Component)
	if r.StringValue != nil {
		o.put("stringValue", *r.StringValue)
	}
	if r.BooleanValue != nil {
		o.put("booleanValue", *r.BooleanValue)
	}
	o.str("hexBinaryValue", r.HexBinaryValue)
	o.str("uriValue", r.URIValue)
	o.number("minValue", r.MinValue)
	o.number("maxValue", r.MaxValue)
	o.number("meanValue", r.MeanValue)
	o.number("sDev", r.SDev)
	o.number("percRank", r.PercRank)
	o.number("percValue", r.PercValue)
	o.str("uom", r.UOM)
	o.extensions(r.Extensions)
	return o
}
