package fhir

// Served is one resource type a FHIR server serves, as its
// CapabilityStatement lists it: the interactions (read, create,
// search-type, ...), the search parameters (reference parameters, such
// as patient) and the operations (name without $: revoke, get).
type Served struct {
	// Type is the resource type; empty for whole-system interactions
	// (transaction), which the statement lists under rest.interaction.
	Type         string
	Interactions []string
	Search       []string
	Operations   []string
}

// OperationURL is the canonical URL of carechain's definition of an
// operation on a resource type (urn:carechain:fhir:OperationDefinition:Consent-revoke).
func OperationURL(typ, name string) string {
	return "urn:carechain:fhir:OperationDefinition:" + typ + "-" + name
}

// CapabilityStatement says what a carechain FHIR server serves, exactly:
// R4 JSON and, per resource type, the interactions, search parameters and
// operations its routes answer (served, in that order). date is the
// statement's date (YYYY-MM-DD).
func CapabilityStatement(date, software, version string, served ...Served) ([]byte, error) {
	var resources, system []any
	for _, s := range served {
		if s.Type == "" { // a whole-system interaction (transaction)
			for _, i := range s.Interactions {
				system = append(system, obj{"code": i})
			}
			continue
		}
		resources = append(resources, resource(s))
	}
	rest := obj{"mode": "server"}
	if len(resources) > 0 {
		rest["resource"] = resources
	}
	if len(system) > 0 {
		rest["interaction"] = system
	}
	res := obj{"resourceType": "CapabilityStatement", "status": "active", "date": date, "kind": "instance",
		"fhirVersion": "4.0.1", "format": []any{"json"},
		"software":       obj{"name": software, "version": version},
		"implementation": obj{"description": "carechain: a consortium ledger of consents, claims, records and supply"},
		"rest":           []any{rest},
	}
	return emit(res)
}

func resource(s Served) obj {
	var in []any
	for _, i := range s.Interactions {
		in = append(in, obj{"code": i})
	}
	r := obj{"type": s.Type}
	if len(in) > 0 {
		r["interaction"] = in
	}
	var params []any
	for _, p := range s.Search {
		params = append(params, obj{"name": p, "type": "reference"})
	}
	if len(params) > 0 {
		r["searchParam"] = params
	}
	var ops []any
	for _, o := range s.Operations {
		ops = append(ops, obj{"name": o, "definition": OperationURL(s.Type, o)})
	}
	if len(ops) > 0 {
		r["operation"] = ops
	}
	return r
}
