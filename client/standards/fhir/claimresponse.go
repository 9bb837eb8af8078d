package fhir

import (
	"fmt"
	"strings"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
)

const (
	systemClaimType   = "http://terminology.hl7.org/CodeSystem/claim-type"
	systemAdjudicate  = "http://terminology.hl7.org/CodeSystem/adjudication"
	systemPaymentType = "http://terminology.hl7.org/CodeSystem/ex-paymenttype"
	systemCareRole    = "http://terminology.hl7.org/CodeSystem/claimcareteamrole"
	// SystemPaymentTrace identifies a payment by its trace (check or EFT number).
	SystemPaymentTrace = "urn:carechain:payment-trace"
)

// ClaimResponse writes a claim's adjudication as an R4 ClaimResponse:
// outcome queued while pended, complete once adjudicated (disposition
// approved, partial or denied); per line the submitted, eligible (allowed)
// and benefit (paid) amounts and every adjustment with its group (CO, PR,
// OA) and CARC; the latest payment.
func ClaimResponse(c cl.Claim) ([]byte, error) {
	res := responseHeader("ClaimResponse", c)
	res["requestor"] = identRef("Organization", SystemOrg, c.Provider)
	res["request"] = identRef("Claim", SystemClaim, c.Input.ID)
	if a := c.Adjudication; a != nil {
		var items []any
		for _, l := range a.Lines {
			items = append(items, obj{"itemSequence": l.Sequence, "adjudication": lineAdjudication(l)})
		}
		if len(items) > 0 {
			res["item"] = items
		}
	}
	addMoney(res, c)
	return emit(res)
}

// ExplanationOfBenefit writes a claim with its adjudication as an R4
// ExplanationOfBenefit: the claim's lines, diagnoses, rendering provider
// and focal coverage, with the adjudication as in ClaimResponse.
func ExplanationOfBenefit(c cl.Claim) ([]byte, error) {
	in := c.Input
	res := responseHeader("ExplanationOfBenefit", c)
	res["provider"] = identRef("Organization", SystemOrg, c.Provider)
	res["claim"] = identRef("Claim", SystemClaim, in.ID)
	res["billablePeriod"] = obj{"start": in.BillablePeriod.Start, "end": in.BillablePeriod.End}
	res["careTeam"] = []any{obj{"sequence": 1, "provider": identRef("Practitioner", SystemNPI, in.RenderingNPI),
		"role": concept(systemCareRole, "primary")}}
	res["insurance"] = eobInsurance(in)
	var dx []any
	for i, d := range in.Diagnoses {
		dx = append(dx, obj{"sequence": i + 1, "diagnosisCodeableConcept": concept(systemICD10CM, d)})
	}
	res["diagnosis"] = dx
	res["item"] = eobItems(c)
	addMoney(res, c)
	return emit(res)
}

func eobInsurance(in cl.ClaimInput) []any {
	var out []any
	for _, x := range insuranceOut(in) {
		entry := x.(obj)
		delete(entry, "sequence") // EOB.insurance has focal and coverage only
		out = append(out, entry)
	}
	return out
}

func responseHeader(typ string, c cl.Claim) obj {
	res := obj{"resourceType": typ, "id": c.Input.ID, "status": responseStatus(c.Status),
		"type": concept(systemClaimType, "professional"), "use": "claim",
		"patient": identRef("Patient", SystemPatient, c.Input.Patient),
		"insurer": identRef("Organization", SystemOrg, c.Input.Payer), "created": created(c), "outcome": outcome(c)}
	if d := disposition(c); d != "" {
		res["disposition"] = d
	}
	if c.Updated != "" {
		res["meta"] = obj{"lastUpdated": c.Updated}
	}
	return res
}

func responseStatus(s string) string {
	if s == cl.StatusVoided {
		return "cancelled"
	}
	return "active"
}

func created(c cl.Claim) string {
	if c.Adjudication != nil && c.Adjudication.At != "" {
		return c.Adjudication.At
	}
	if c.Updated != "" {
		return c.Updated
	}
	return c.Submitted
}

func outcome(c cl.Claim) string {
	if c.Adjudication == nil {
		return "queued"
	}
	return "complete"
}

func disposition(c cl.Claim) string {
	switch {
	case c.Adjudication != nil:
		return c.Adjudication.Outcome
	case c.PendReason != "":
		return "pended: " + c.PendReason
	}
	return ""
}

func amount(category string, cents int64) obj {
	return obj{"category": concept(systemAdjudicate, category), "amount": money(cents)}
}

func lineAdjudication(l cl.LineResult) []any {
	out := []any{amount("submitted", l.SubmittedCents), amount("eligible", l.AllowedCents), amount("benefit", l.PaidCents)}
	for _, r := range l.Reasons {
		out = append(out, obj{"category": concept(systemCAGC, r.Group), "reason": concept(systemCARC, r.Code), "amount": money(r.Amount)})
	}
	return out
}

func eobItems(c cl.Claim) []any {
	lines := map[int]cl.LineResult{}
	if c.Adjudication != nil {
		for _, l := range c.Adjudication.Lines {
			lines[l.Sequence] = l
		}
	}
	var items []any
	for _, it := range c.Input.Items {
		item := obj{"sequence": it.Sequence, "productOrService": concept(procedureSystemURL(it.Code), it.Code),
			"servicedDate": it.Date, "quantity": obj{"value": it.Units}, "unitPrice": money(it.UnitCents), "net": money(it.NetCents),
			"locationCodeableConcept": concept(systemPOS, it.Place(c.Input.PlaceOfService)), "careTeamSequence": []any{1}}
		var mods []any
		for _, m := range it.Modifiers {
			mods = append(mods, concept(procedureSystemURL(it.Code), m))
		}
		if len(mods) > 0 {
			item["modifier"] = mods
		}
		if l, ok := lines[it.Sequence]; ok {
			item["adjudication"] = lineAdjudication(l)
		}
		items = append(items, item)
	}
	return items
}

func procedureSystemURL(code string) string {
	if len(code) == 5 && strings.IndexAny(code[:1], "0123456789") == 0 {
		return systemCPT
	}
	return systemHCPCS
}

// addMoney adds the totals and the latest payment.
func addMoney(res obj, c cl.Claim) {
	a := c.Adjudication
	if a == nil {
		return
	}
	var submitted int64
	for _, l := range a.Lines {
		submitted += l.SubmittedCents
	}
	res["total"] = []any{amount("submitted", submitted), amount("benefit", a.PaidCents)}
	for i := len(c.Payments) - 1; i >= 0; i-- {
		p := c.Payments[i]
		if p.Reversed != "" {
			continue
		}
		res["payment"] = obj{"type": concept(systemPaymentType, "complete"), "date": dateOf(p.Date), "amount": money(p.AmountCents),
			"identifier": obj{"system": SystemPaymentTrace, "value": p.Trace}}
		return
	}
}

// dateOf is the date of an RFC 3339 time (or the value when it is one).
func dateOf(v string) string {
	if len(v) >= 10 {
		return v[:10]
	}
	return fmt.Sprint(v)
}
