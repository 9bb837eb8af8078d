package fhir

import (
	"strings"
	"time"

	cw "github.com/carechain/carechain/chaincode/consent/wire"
)

type obj = map[string]any

func coding(system, code string) obj { return obj{"system": system, "code": code} }

func concept(system, code string) obj { return obj{"coding": []any{coding(system, code)}} }

func identRef(typ, system, value string) obj {
	return obj{"type": typ, "identifier": obj{"system": system, "value": value}}
}

// ConsentResource writes a consent as read (its effective status at the
// time of reading) as an R4 Consent, validated.
func ConsentResource(v cw.View) ([]byte, error) {
	c := v.Consent
	res := obj{"resourceType": "Consent", "id": c.ID, "status": consentStatus(v.EffectiveStatus),
		"scope":      concept(systemConsentScope, "patient-privacy"),
		"category":   []any{concept(systemLOINC, consentCategory)},
		"patient":    identRef("Patient", SystemPatient, c.Subject),
		"policyRule": concept(systemActCode, "OPTOUT"),
	}
	if c.Created != "" {
		res["dateTime"] = c.Created
	}
	meta := obj{}
	if c.Version > 0 {
		meta["versionId"] = itoa(c.Version)
	}
	if c.Updated != "" {
		meta["lastUpdated"] = c.Updated
	}
	if v.Redacted {
		meta["security"] = []any{coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "REDACTED")}
	}
	if len(meta) > 0 {
		res["meta"] = meta
	}
	root := provisionOut(c.Provision, c.Decision)
	root["period"] = periodOut(c.Period)
	res["provision"] = root
	if ext := consentExtensions(v); len(ext) > 0 {
		res["extension"] = ext
	}
	return emit(res)
}

func consentStatus(s string) string {
	if s == "" {
		return cw.StatusActive
	}
	return s
}

func consentExtensions(v cw.View) []any {
	var ext []any
	for _, x := range []struct{ url, v string }{{ExtFormSHA256, v.FormHash}, {ExtSupersedes, v.Supersedes}, {ExtStatusReason, v.EffectiveReason}} {
		if x.v != "" {
			ext = append(ext, obj{"url": x.url, "valueString": x.v})
		}
	}
	return ext
}

// periodOut writes carechain's half-open interval; an end at midnight UTC
// is written as the last day it includes, as FHIR's end includes it.
func periodOut(p cw.Period) obj {
	out := obj{"start": p.Start}
	if p.End == "" {
		return out
	}
	if t, err := time.Parse(time.RFC3339Nano, p.End); err == nil && t.Equal(t.Truncate(24*time.Hour)) {
		out["end"] = t.AddDate(0, 0, -1).Format("2006-01-02")
		if st, err := time.Parse(time.RFC3339Nano, p.Start); err == nil && st.Equal(st.Truncate(24*time.Hour)) {
			out["start"] = st.Format("2006-01-02")
		}
		return out
	}
	out["end"] = p.End
	return out
}

func provisionOut(p cw.Provision, effect string) obj {
	out := obj{"type": effect}
	if p.Period != nil {
		out["period"] = periodOut(*p.Period)
	}
	var actors, actions, purposesOut, classes, data, nested []any
	for _, a := range p.Actors {
		actors = append(actors, obj{"role": concept(systemParticipation, "IRCP"), "reference": actorRef(a)})
	}
	for _, a := range p.Actions {
		actions = append(actions, concept(systemConsentAction, a))
	}
	for _, pu := range p.Purposes {
		purposesOut = append(purposesOut, coding(systemActReason, purposeCode(pu)))
	}
	for _, c := range p.DataClasses {
		classes = append(classes, coding(SystemDataClass, c))
	}
	for _, rec := range p.Records {
		data = append(data, obj{"meaning": "instance", "reference": identRef("DocumentReference", SystemRecord, rec)})
	}
	for _, n := range p.Provisions {
		nested = append(nested, provisionOut(n, opposite(effect)))
	}
	for k, v := range map[string][]any{"actor": actors, "action": actions, "purpose": purposesOut, "class": classes, "data": data, "provision": nested} {
		if len(v) > 0 {
			out[k] = v
		}
	}
	return out
}

func actorRef(a cw.Actor) obj {
	switch {
	case a.ID != "":
		return obj{"identifier": obj{"system": SystemIdentity, "value": a.Org + "/" + a.ID}}
	case a.Role != "":
		return identRef("PractitionerRole", SystemOrgRole, a.Org+"/"+a.Role)
	}
	return identRef("Organization", SystemOrg, a.Org)
}

func purposeCode(p string) string {
	for code, name := range purposes {
		if name == p {
			return code
		}
	}
	return strings.ToUpper(p)
}
