package fhir

// CapabilityStatement says what carechain's FHIR interface supports: R4
// JSON; Consent create, read, search by patient and revoke; Claim create
// (answered with a ClaimResponse); ClaimResponse and ExplanationOfBenefit
// read and search by claim or patient; Coverage create and read;
// DocumentReference create (with its Binary), read and $get; AuditEvent
// search by patient; Provenance read and search by target. date is the
// statement's date (YYYY-MM-DD).
func CapabilityStatement(date, software, version string) ([]byte, error) {
	res := obj{"resourceType": "CapabilityStatement", "status": "active", "date": date, "kind": "instance",
		"fhirVersion": "4.0.1", "format": []any{"json"},
		"software":       obj{"name": software, "version": version},
		"implementation": obj{"description": "carechain: a consortium ledger of consents, claims, records and supply"},
		"rest": []any{obj{"mode": "server", "resource": []any{
			resource("Consent", []string{"create", "read", "update", "search-type"}, "patient"),
			resource("Claim", []string{"create"}),
			resource("ClaimResponse", []string{"read", "search-type"}, "request", "patient"),
			resource("ExplanationOfBenefit", []string{"read", "search-type"}, "claim", "patient"),
			resource("Coverage", []string{"create", "read"}),
			withGet(resource("DocumentReference", []string{"create", "read"})),
			resource("Binary", []string{"read"}),
			resource("AuditEvent", []string{"search-type"}, "patient"),
			resource("Provenance", []string{"read", "search-type"}, "target"),
		}}},
	}
	return emit(res)
}

func resource(typ string, interactions []string, search ...string) obj {
	var in []any
	for _, i := range interactions {
		in = append(in, obj{"code": i})
	}
	r := obj{"type": typ, "interaction": in}
	var params []any
	for _, s := range search {
		params = append(params, obj{"name": s, "type": "reference"})
	}
	if len(params) > 0 {
		r["searchParam"] = params
	}
	return r
}

func withGet(r obj) obj {
	r["operation"] = []any{obj{"name": "get", "definition": "urn:carechain:fhir:OperationDefinition:DocumentReference-get"}}
	return r
}
