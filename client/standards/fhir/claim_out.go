package fhir

import (
	cl "github.com/carechain/carechain/chaincode/claims/wire"
)

// ClaimResource writes carechain's claim input as the R4 professional
// Claim it stands for, created on created (YYYY-MM-DD) by the billing org
// provider: what ClaimInput reads back to the same input.
func ClaimResource(in cl.ClaimInput, provider, created string) ([]byte, error) {
	res := obj{"resourceType": "Claim", "id": in.ID, "status": "active", "type": concept(systemClaimType, "professional"),
		"use": "claim", "patient": identRef("Patient", SystemPatient, in.Patient), "created": created,
		"insurer":        identRef("Organization", SystemOrg, in.Payer),
		"provider":       identRef("Organization", SystemOrg, provider),
		"priority":       concept("http://terminology.hl7.org/CodeSystem/processpriority", "normal"),
		"billablePeriod": obj{"start": in.BillablePeriod.Start, "end": in.BillablePeriod.End},
		"careTeam":       []any{obj{"sequence": 1, "provider": identRef("Practitioner", SystemNPI, in.RenderingNPI)}},
		"insurance":      insuranceOut(in),
		"total":          money(in.TotalCents),
	}
	if ids := identifiersOut(in.Identifiers); len(ids) > 0 {
		res["identifier"] = ids
	}
	var dx, items, info []any
	for i, d := range in.Diagnoses {
		dx = append(dx, obj{"sequence": i + 1, "diagnosisCodeableConcept": concept(systemICD10CM, d)})
	}
	res["diagnosis"] = dx
	for _, it := range in.Items {
		items = append(items, claimItem(it, it.Place(in.PlaceOfService)))
	}
	res["item"] = items
	for i, rec := range in.Records {
		info = append(info, obj{"sequence": i + 1, "category": concept("http://terminology.hl7.org/CodeSystem/claiminformationcategory", "attachment"),
			"valueReference": identRef("DocumentReference", SystemRecord, rec)})
	}
	if len(info) > 0 {
		res["supportingInfo"] = info
	}
	return emit(res)
}

// insuranceOut is the primary coverage and, for coordination of benefits,
// the secondary, its id assigned by its payer.
func insuranceOut(in cl.ClaimInput) []any {
	out := []any{obj{"sequence": 1, "focal": true, "coverage": identRef("Coverage", SystemCoverage, in.Coverage)}}
	if s := in.Secondary; s != nil {
		out = append(out, obj{"sequence": 2, "focal": false, "coverage": obj{"type": "Coverage",
			"identifier": obj{"system": SystemCoverage, "value": s.Coverage, "assigner": identRef("Organization", SystemOrg, s.Payer)}}})
	}
	return out
}

func claimItem(it cl.Item, pos string) obj {
	sys := procedureSystemURL(it.Code)
	item := obj{"sequence": it.Sequence, "careTeamSequence": []any{1}, "productOrService": concept(sys, it.Code),
		"servicedDate": it.Date, "locationCodeableConcept": concept(systemPOS, pos),
		"quantity": obj{"value": it.Units}, "unitPrice": money(it.UnitCents), "net": money(it.NetCents)}
	var mods []any
	for _, m := range it.Modifiers {
		mods = append(mods, concept(sys, m))
	}
	if len(mods) > 0 {
		item["modifier"] = mods
	}
	if len(it.DiagnosisPointers) > 0 {
		item["diagnosisSequence"] = it.DiagnosisPointers
	}
	if it.PriorAuth != "" {
		item["extension"] = []any{obj{"url": ExtItemPriorAuth, "valueString": it.PriorAuth}}
	}
	return item
}

func identifiersOut(ids []cl.Identifier) []any {
	var out []any
	for _, id := range ids {
		out = append(out, obj{"system": id.System, "value": id.Value})
	}
	return out
}
