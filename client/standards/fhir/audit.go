package fhir

import (
	"strings"

	cw "github.com/carechain/carechain/chaincode/consent/wire"
	rc "github.com/carechain/carechain/chaincode/records/wire"
)

const (
	systemDCM         = "http://dicom.nema.org/resources/ontology/DCM"
	systemAuditType   = "http://terminology.hl7.org/CodeSystem/audit-event-type"
	systemObjectRole  = "http://terminology.hl7.org/CodeSystem/object-role"
	systemAuditSource = "http://terminology.hl7.org/CodeSystem/security-source-type"
)

// DisclosureEvent writes one entry of the records access log (an
// accounting of disclosures) as an R4 AuditEvent: an export (DICOM 110106)
// of the record to the recipient, for the purpose, on the basis the entry
// names (a consent, a break-glass access, the patient), observed by the
// custodian.
func DisclosureEvent(e rc.AccessEntry) ([]byte, error) {
	res := obj{"resourceType": "AuditEvent", "id": e.ID,
		"type":    coding(systemDCM, "110106"),
		"subtype": []any{coding(systemAuditType, "disclosure")},
		"action":  "R", "recorded": e.Date, "outcome": "0",
		"agent": []any{
			obj{"who": identity(e.Org, e.Recipient), "requestor": true, "role": []any{obj{"text": e.Role}},
				"purposeOfUse": []any{concept(systemActReason, purposeCode(e.Purpose))}},
			obj{"who": identRef("Organization", SystemOrg, e.Custodian), "requestor": false},
		},
		"source": obj{"observer": identRef("Organization", SystemOrg, e.Custodian),
			"type": []any{coding(systemAuditSource, "4")}},
		"purposeOfEvent": []any{concept(systemActReason, purposeCode(e.Purpose))},
		"entity": append([]any{
			obj{"what": identRef("DocumentReference", SystemRecord, e.Record), "role": coding(systemObjectRole, "3"),
				"securityLabel": []any{coding(SystemDataClass, e.Category)}, "detail": []any{detail("version", itoa(e.Version))}},
			obj{"what": identRef("Patient", SystemPatient, e.Subject), "role": coding(systemObjectRole, "1")},
		}, basisEntity(e.Basis)...),
	}
	return emit(res)
}

func identity(org, id string) obj {
	return obj{"identifier": obj{"system": SystemIdentity, "value": org + "/" + id}}
}

func detail(typ, value string) obj { return obj{"type": typ, "valueString": value} }

// basisEntity names what permitted the disclosure: consent:ID or break-glass:ID.
func basisEntity(basis string) []any {
	kind, id, ok := strings.Cut(basis, ":")
	switch {
	case ok && kind == "consent":
		return []any{obj{"what": identRef("Consent", SystemConsent, id), "role": coding(systemObjectRole, "13")}}
	case ok && kind == "break-glass":
		return []any{obj{"what": obj{"identifier": obj{"system": SystemBreakGlass, "value": id}}, "role": coding(systemObjectRole, "13"),
			"detail": []any{detail("basis", "break-glass")}}}
	case basis != "":
		return []any{obj{"what": obj{"display": basis}, "role": coding(systemObjectRole, "13"), "detail": []any{detail("basis", basis)}}}
	}
	return nil
}

// SystemBreakGlass identifies a consent chaincode break-glass access.
const SystemBreakGlass = "urn:carechain:break-glass"

// BreakGlassEvent writes one use of an emergency access as an R4
// AuditEvent: the decision the break-glass access permitted, for the
// caller, on the data it asked for.
func BreakGlassEvent(b cw.BreakGlass, u cw.BreakGlassUse) ([]byte, error) {
	org, who, _ := strings.Cut(u.Caller, "/")
	entities := []any{
		obj{"what": identRef("Patient", SystemPatient, b.Subject), "role": coding(systemObjectRole, "1")},
		obj{"what": obj{"identifier": obj{"system": SystemBreakGlass, "value": b.ID}}, "role": coding(systemObjectRole, "13"),
			"detail": []any{detail("reason", b.Reason), detail("action", u.Action)}},
	}
	if u.Record != "" {
		entities = append(entities, obj{"what": identRef("DocumentReference", SystemRecord, u.Record), "role": coding(systemObjectRole, "3")})
	}
	if u.DataClass != "" {
		entities = append(entities, obj{"what": obj{"display": "data class " + u.DataClass}, "role": coding(systemObjectRole, "4"),
			"securityLabel": []any{coding(SystemDataClass, u.DataClass)}})
	}
	res := obj{"resourceType": "AuditEvent", "id": breakGlassUseID(u),
		"type": coding(systemDCM, "110113"), "subtype": []any{coding(systemDCM, "110110")},
		"action": "E", "recorded": u.At, "outcome": "0",
		"purposeOfEvent": []any{concept(systemActReason, purposeCode(u.Purpose))},
		"agent": []any{obj{"who": identity(org, who), "requestor": true,
			"purposeOfUse": []any{concept(systemActReason, purposeCode(u.Purpose))}}},
		"source": obj{"observer": identRef("Organization", SystemOrg, b.Requester.Org), "type": []any{coding(systemAuditSource, "4")}},
		"entity": entities,
	}
	return emit(res)
}

// breakGlassUseID is an AuditEvent id for a use: its transaction id.
func breakGlassUseID(u cw.BreakGlassUse) string {
	id := u.TxID
	if len(id) > 64 {
		id = id[:64]
	}
	return id
}
