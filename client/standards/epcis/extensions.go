package epcis

import "fmt"

// ExtensionPaths lists, by path, every member the model keeps as written
// rather than represents: what a consumer of the model must look at
// itself (or report as not taken).
func (d *Document) ExtensionPaths() []string {
	var out []string
	add := func(path string, x Extensions) {
		for _, k := range sortedNames(x) {
			out = append(out, join(path, k))
		}
	}
	add("", d.Extensions)
	add("epcisBody", d.BodyExtensions)
	add("epcisBody.queryResults", d.QueryExtension)
	add("epcisBody.queryResults.resultsBody", d.ResultsExtensions)
	list := "epcisBody.eventList"
	if d.Type == TypeQueryDocument {
		list = "epcisBody.queryResults.resultsBody.eventList"
	}
	for i, e := range d.Events {
		out = append(out, e.ExtensionPaths(index(list, i))...)
	}
	return out
}

// ExtensionPaths lists the event's members kept as written, under path.
func (e *Event) ExtensionPaths(path string) []string {
	var out []string
	add := func(p string, x Extensions) {
		for _, k := range sortedNames(x) {
			out = append(out, join(p, k))
		}
	}
	add(path, e.Extensions)
	if e.ErrorDeclaration != nil {
		add(path+".errorDeclaration", e.ErrorDeclaration.Extensions)
	}
	if e.ReadPoint != nil {
		add(path+".readPoint", e.ReadPoint.Extensions)
	}
	if e.BizLocation != nil {
		add(path+".bizLocation", e.BizLocation.Extensions)
	}
	if e.ILMD != nil {
		add(path+".ilmd", e.ILMD.Other)
	}
	for i, el := range e.SensorElements {
		p := fmt.Sprintf("%s.sensorElementList[%d]", path, i)
		add(p, el.Extensions)
		if el.Metadata != nil {
			add(p+".sensorMetadata", el.Metadata.Extensions)
		}
		for j, r := range el.Reports {
			add(fmt.Sprintf("%s.sensorReport[%d]", p, j), r.Extensions)
		}
	}
	return out
}
