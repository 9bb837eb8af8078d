package fhir

import (
	"crypto/sha1" //nolint:gosec // the R4 attachment hash under test
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	cw "github.com/carechain/carechain/chaincode/consent/wire"
	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client/standards/refusal"
)

// Documents written here, in carechain's conventions, to test what the
// mappings accept; the official examples are in fhir_test.go.

var recorded = At(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))

const ownConsent = `{"resourceType":"Consent","id":"consent-1","status":"active",
 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0","display":"Patient Consent"}]}],
 "patient":{"type":"Patient","identifier":{"system":"urn:carechain:patient","value":"subj-9f2c"},"display":"P. van de Heuvel"},
 "dateTime":"2026-03-01T09:58:00Z",
 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},
 "provision":{"type":"permit","period":{"start":"2026-03-01","end":"2026-12-31"},
  "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]},
            "reference":{"type":"Organization","identifier":{"system":"urn:carechain:msp","value":"Hospital2MSP"}}}],
  "action":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentaction","code":"access"}]}],
  "purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT"}],
  "class":[{"system":"urn:carechain:class","code":"lab"}],
  "provision":[{"type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
     "reference":{"type":"PractitionerRole","identifier":{"system":"urn:carechain:org-role","value":"Hospital2MSP/researcher"}}}]}]}}`

func TestConsentMapsAndReadsBack(t *testing.T) {
	res, err := ConsentInput([]byte(ownConsent), recorded)
	require.NoError(t, err)
	want := cw.GrantInput{ID: "consent-1", Subject: "subj-9f2c", Status: cw.StatusActive, Decision: cw.Permit,
		Period: cw.Period{Start: "2026-03-01T00:00:00Z", End: "2027-01-01T00:00:00Z"},
		Provision: cw.Provision{Actors: []cw.Actor{{Org: "Hospital2MSP"}}, Actions: []string{"access"}, Purposes: []string{"treatment"},
			DataClasses: []string{"lab"}, Provisions: []cw.Provision{{Actors: []cw.Actor{{Org: "Hospital2MSP", Role: "researcher"}}}}}}
	require.Equal(t, want, res.Input)
	require.Equal(t, []string{"Consent.category[0].coding[0].display", "Consent.patient.display"}, paths(res.SetAside))

	consentReadsBack(t, res.Input)
}

// consentReadsBack: what carechain writes of a granted consent reads back
// to the same grant.
func consentReadsBack(t *testing.T, in cw.GrantInput) {
	t.Helper()
	c := cw.GrantedConsent(in)
	c.Created, c.Updated = "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"
	out, err := ConsentResource(cw.View{Consent: c, EffectiveStatus: c.Status})
	require.NoError(t, err)
	back, err := ConsentInput(out, recorded)
	require.NoError(t, err)
	require.Equal(t, in, back.Input, "what carechain writes reads back to the same consent")
}

func paths(issues []refusal.Issue) []string {
	var out []string
	for _, is := range issues {
		out = append(out, is.Path)
	}
	return out
}

func TestConsentRefusals(t *testing.T) {
	cases := map[string]struct{ from, to, path string }{
		"literal patient":   {`{"type":"Patient","identifier":{"system":"urn:carechain:patient","value":"subj-9f2c"},"display":"P. van de Heuvel"}`, `{"reference":"Patient/f001"}`, "Consent.patient.reference"},
		"opt-in":            {`"OPTOUT"`, `"OPTIN"`, "Consent.policyRule.coding[0].code"},
		"correct":           {`"code":"access"`, `"code":"correct"`, "Consent.provision.action[0].coding[0].code"},
		"same-type nesting": {`"type":"deny"`, `"type":"permit"`, "Consent.provision.provision[0].type"},
		"custodian":         {`"dateTime"`, `"organization":[{"reference":"Organization/f001"}],"dateTime"`, "Consent.organization"},
		"old":               {`"2026-03-01T09:58:00Z"`, `"2015-11-18"`, "Consent.dateTime"},
		"extension":         {`"status":"active",`, `"status":"active","extension":[{"url":"http://example.org/x","valueString":"y"}],`, "Consent.extension[0]"},
		"primitive ext":     {`"status":"active",`, `"status":"active","_status":{"extension":[{"url":"http://example.org/x","valueString":"y"}]},`, "Consent.status.extension"},
		"research scope":    {`"code":"patient-privacy"`, `"code":"research"`, "Consent.scope.coding[0].code"},
		"resource class":    {`{"system":"urn:carechain:class","code":"lab"}`, `{"system":"http://hl7.org/fhir/resource-types","code":"Observation"}`, "Consent.provision.class[0].code"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(ownConsent, tc.from, tc.to, 1)
			require.NotEqual(t, ownConsent, doc)
			res, err := ConsentInput([]byte(doc), recorded)
			require.Nil(t, res)
			require.Contains(t, paths(refusal.Issues(err)), tc.path, "%v", err)
		})
	}
}

func TestInvalidR4IsRefusedNamingTheElement(t *testing.T) {
	_, err := ConsentInput([]byte(strings.Replace(ownConsent, `"status":"active"`, `"status":"maybe"`, 1)), recorded)
	require.Error(t, err)
	require.Contains(t, err.Error(), "not valid R4")
	_, err = ClaimInput([]byte(ownConsent), recorded)
	require.Equal(t, []string{"resourceType"}, paths(refusal.Issues(err)))
	_, err = Validate([]byte(`{"resourceType":"Consent","id":"x","status":"active","bogus":1}`))
	require.Error(t, err)
}

const ownClaim = `{"resourceType":"Claim","id":"clm-7a1","status":"active",
 "type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},
 "use":"claim","patient":{"identifier":{"system":"urn:carechain:patient","value":"subj-9f2c"}},
 "created":"2026-03-01","insurer":{"identifier":{"system":"urn:carechain:msp","value":"PayerMSP"}},
 "provider":{"identifier":{"system":"urn:carechain:msp","value":"HospitalMSP"}},
 "priority":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/processpriority","code":"normal"}]},
 "careTeam":[{"sequence":1,"provider":{"identifier":{"system":"http://hl7.org/fhir/sid/us-npi","value":"1234567893"}}}],
 "diagnosis":[{"sequence":1,"diagnosisCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"J02.0"}]}}],
 "insurance":[{"sequence":1,"focal":true,"coverage":{"reference":"Coverage/COV-55"}}],
 "item":[{"sequence":1,"careTeamSequence":[1],"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"99213"}]},
   "modifier":[{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"25"}]}],
   "servicedDate":"2026-02-27","locationCodeableConcept":{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set","code":"11"}]},
   "quantity":{"value":1},"unitPrice":{"value":75.0,"currency":"USD"},"net":{"value":75.0,"currency":"USD"}},
  {"sequence":2,"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"87070"}]},
   "servicedDate":"2026-02-27","locationCodeableConcept":{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set","code":"11"}]},
   "quantity":{"value":2},"unitPrice":{"value":12.5,"currency":"USD"}}],
 "total":{"value":100,"currency":"USD"}}`

var wantClaim = cl.ClaimInput{ID: "clm-7a1", Patient: "subj-9f2c", Coverage: "COV-55", Payer: "PayerMSP", RenderingNPI: "1234567893",
	BillablePeriod: cl.Period{Start: "2026-02-27", End: "2026-02-27"}, PlaceOfService: "11", Diagnoses: []string{"J02.0"},
	Items: []cl.Item{{Sequence: 1, Code: "99213", Modifiers: []string{"25"}, Units: 1, UnitCents: 7500, NetCents: 7500, Date: "2026-02-27"},
		{Sequence: 2, Code: "87070", Units: 2, UnitCents: 1250, NetCents: 2500, Date: "2026-02-27"}}, TotalCents: 10000}

func TestClaimMapsAndReadsBack(t *testing.T) {
	res, err := ClaimInput([]byte(ownClaim), recorded)
	require.NoError(t, err)
	require.Equal(t, wantClaim, res.Input)
	require.Equal(t, "HospitalMSP", res.Provider)
	res.Input.Items[1].PriorAuth = "AUTH-9"
	out, err := ClaimResource(res.Input, res.Provider, "2026-03-01")
	require.NoError(t, err)
	back, err := ClaimInput(out, recorded)
	require.NoError(t, err)
	require.Equal(t, res.Input, back.Input)
}

// Several insurance entries map in order: the focal one is the primary,
// the next the secondary (its payer the coverage id's assigner); more are
// refused, each by its element, in one place (proclaim).
func TestClaimWithSeveralInsurances(t *testing.T) {
	secondary := `{"sequence":2,"focal":false,"coverage":{"identifier":{"system":"urn:carechain:coverage","value":"COV-77",
	  "assigner":{"identifier":{"system":"urn:carechain:msp","value":"Payer2MSP"}}}}}`
	one := `"insurance":[{"sequence":1,"focal":true,"coverage":{"reference":"Coverage/COV-55"}}]`
	doc := strings.Replace(ownClaim, one, `"insurance":[{"sequence":1,"focal":true,"coverage":{"reference":"Coverage/COV-55"}},`+secondary+`]`, 1)
	res, err := ClaimInput([]byte(doc), recorded)
	require.NoError(t, err)
	require.Equal(t, &cl.CoverageRef{Payer: "Payer2MSP", Coverage: "COV-77"}, res.Input.Secondary)
	out, err := ClaimResource(res.Input, res.Provider, "2026-03-01")
	require.NoError(t, err)
	back, err := ClaimInput(out, recorded)
	require.NoError(t, err)
	require.Equal(t, res.Input, back.Input)

	third := strings.Replace(strings.Replace(secondary, `"sequence":2`, `"sequence":3`, 1), "COV-77", "COV-99", 1)
	doc = strings.Replace(ownClaim, one, `"insurance":[{"sequence":1,"focal":true,"coverage":{"reference":"Coverage/COV-55"}},`+secondary+`,`+third+`]`, 1)
	_, err = ClaimInput([]byte(doc), recorded)
	require.Equal(t, []string{"Claim.insurance[2]"}, paths(refusal.Issues(err)))

	doc = strings.Replace(ownClaim, one, `"insurance":[{"sequence":1,"focal":false,"coverage":{"reference":"Coverage/COV-44"}},{"sequence":2,"focal":true,"coverage":{"reference":"Coverage/COV-55"}}]`, 1)
	_, err = ClaimInput([]byte(doc), recorded)
	require.Equal(t, []string{"Claim.insurance[0]"}, paths(refusal.Issues(err)), "a claim to the secondary is a crossover")
}

func TestClaimRefusals(t *testing.T) {
	cases := map[string]struct{ from, to, path string }{
		"oral":             {`"code":"professional"`, `"code":"oral"`, "Claim.type.coding[0].code"},
		"ICD-10 (WHO)":     {"http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10", "Claim.diagnosis[0].diagnosisCodeableConcept.coding[0].code"},
		"pointer":          {`"careTeamSequence":[1],`, `"careTeamSequence":[1],"diagnosisSequence":[2],`, "Claim.item[0].diagnosisSequence[0]"},
		"two claim auths":  {`"focal":true,`, `"focal":true,"preAuthRef":["A-1","A-2"],`, "Claim.insurance[0].preAuthRef[1]"},
		"body site":        {`"quantity":{"value":2}`, `"quantity":{"value":2},"bodySite":{"coding":[{"code":"1"}]}`, "Claim.item[1].bodySite"},
		"net":              {`"net":{"value":75.0,"currency":"USD"}`, `"net":{"value":76.0,"currency":"USD"}`, "Claim.item[0].net.value"},
		"euros":            {`"total":{"value":100,"currency":"USD"}`, `"total":{"value":100,"currency":"EUR"}`, "Claim.total.currency"},
		"bad line place":   {"\"code\":\"11\"}]},\n   \"quantity\":{\"value\":2}", "\"code\":\"2X\"}]},\n   \"quantity\":{\"value\":2}", "Claim.item[1].locationCodeableConcept.coding[0].code"},
		"no place":         {`,"locationCodeableConcept":{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set","code":"11"}]}`, ``, "Claim.item[0].locationCodeableConcept"},
		"stat":             {`"code":"normal"`, `"code":"stat"`, "Claim.priority.coding[0].code"},
		"preauthorization": {`"use":"claim"`, `"use":"preauthorization"`, "Claim.use"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(ownClaim, tc.from, tc.to, 1)
			if name == "no place" {
				doc = strings.ReplaceAll(ownClaim, tc.from, tc.to)
			}
			require.NotEqual(t, ownClaim, doc)
			res, err := ClaimInput([]byte(doc), recorded)
			require.Nil(t, res)
			require.Contains(t, paths(refusal.Issues(err)), tc.path, "%v", err)
		})
	}
}

func TestCoverageMapsAndReadsBack(t *testing.T) {
	c := cl.Coverage{ID: "COV-55", Member: "subj-9f2c", Payer: "PayerMSP", Plan: "GOLD", Status: "active",
		Period: cl.Period{Start: "2026-01-01", End: "2026-12-31"}, AnnualLimitCents: 5_000_000, CopayCents: 2000, DeductibleCents: 50000}
	out, err := CoverageResource(c)
	require.NoError(t, err)
	res, err := CoverageInput(out, recorded)
	require.NoError(t, err)
	require.Equal(t, c, res.Coverage)
}

func TestDocumentWithItsBinary(t *testing.T) {
	content := []byte("<ClinicalDocument/>")
	sum := sha1.Sum(content) //nolint:gosec
	docRef := `{"resourceType":"DocumentReference","id":"rec-1","status":"current",
	 "category":[{"coding":[{"system":"urn:carechain:class","code":"lab"}]}],
	 "subject":{"identifier":{"system":"urn:carechain:patient","value":"subj-9f2c"}},
	 "custodian":{"identifier":{"system":"urn:carechain:msp","value":"HospitalMSP"}},
	 "content":[{"attachment":{"contentType":"application/hl7-v3+xml","url":"Binary/rec-1","size":19,"hash":"` +
		base64.StdEncoding.EncodeToString(sum[:]) + `"}}]}`
	binary, err := BinaryResource("rec-1", "application/hl7-v3+xml", content)
	require.NoError(t, err)
	res, err := DocumentInput([]byte(docRef), binary, recorded)
	require.NoError(t, err)
	require.Equal(t, DocumentResult{ID: "rec-1", Subject: "subj-9f2c", Category: "lab", ContentType: "application/hl7-v3+xml",
		Content: content, Custodian: "HospitalMSP"}, *res)

	_, err = DocumentInput([]byte(strings.Replace(docRef, `"size":19`, `"size":20`, 1)), binary, recorded)
	require.Contains(t, paths(refusal.Issues(err)), "DocumentReference.content[0].attachment.size")

	a := rc.Anchor{ID: "rec-1", Version: 2, Status: rc.StatusCurrent, Subject: "subj-9f2c", Custodian: "HospitalMSP", Category: "lab",
		ContentType: "application/hl7-v3+xml", Size: 19, Created: "2026-03-01T10:00:00Z", Author: "HospitalMSP/dr-1"}
	out, err := DocumentReferenceResource(a)
	require.NoError(t, err)
	require.Contains(t, string(out), `"versionId":"2"`)
}

func claimWithAdjudication() cl.Claim {
	return cl.Claim{Input: wantClaim, Provider: "HospitalMSP", Status: cl.StatusPaid, Submitted: "2026-03-01T10:00:00Z",
		Updated: "2026-03-02T10:00:00Z", Adjudication: &cl.Adjudication{Outcome: cl.OutcomePartial, PaidCents: 7000, PatientCents: 2000,
			At: "2026-03-01T10:00:01Z", Lines: []cl.LineResult{
				{Sequence: 1, SubmittedCents: 7500, AllowedCents: 6000, PatientCents: 2000, PaidCents: 4000, Outcome: cl.OutcomePartial,
					Reasons: []cl.Reason{{Group: "CO", Code: "45", Amount: 1500}, {Group: "PR", Code: "3", Amount: 2000}}},
				{Sequence: 2, SubmittedCents: 2500, AllowedCents: 3000, PaidCents: 3000, Outcome: cl.OutcomeApproved, Reasons: []cl.Reason{}}}},
		Payments: []cl.Payment{{Trace: "EFT-1", AmountCents: 7000, Date: "2026-03-02T10:00:00Z"}}}
}

func TestResponsesValidateAndSayTheAdjudication(t *testing.T) {
	c := claimWithAdjudication()
	for name, write := range map[string]func(cl.Claim) ([]byte, error){"ClaimResponse": ClaimResponse, "ExplanationOfBenefit": ExplanationOfBenefit} {
		out, err := write(c)
		require.NoError(t, err, name)
		var res map[string]any
		require.NoError(t, json.Unmarshal(out, &res))
		require.Equal(t, "complete", res["outcome"], name)
		require.Equal(t, "partial", res["disposition"], name)
		require.Contains(t, string(out), `"code":"45"`)
		require.Contains(t, string(out), `"value":"EFT-1"`)
	}
	c.Adjudication, c.Status, c.PendReason, c.Payments = nil, cl.StatusPended, cl.PendPriorAuth, nil
	out, err := ClaimResponse(c)
	require.NoError(t, err)
	require.Contains(t, string(out), `"outcome":"queued"`)
}

func TestAuditEventsAndProvenance(t *testing.T) {
	e := rc.AccessEntry{ID: "acc-1", Date: "2026-03-01T10:00:00Z", Subject: "subj-9f2c", Record: "rec-1", Version: 2, Category: "lab",
		Custodian: "HospitalMSP", Org: "Hospital2MSP", Recipient: "dr-2", Role: "physician", Purpose: "treatment", Basis: "consent:consent-1"}
	out, err := DisclosureEvent(e)
	require.NoError(t, err)
	require.Contains(t, string(out), `"value":"consent-1"`)
	e.Basis = "break-glass:bg-1"
	_, err = DisclosureEvent(e)
	require.NoError(t, err)
	b := cw.BreakGlass{ID: "bg-1", Subject: "subj-9f2c", Requester: cw.Actor{Org: "Hospital2MSP", ID: "dr-2"}, Reason: "unconscious"}
	u := cw.BreakGlassUse{BreakGlassID: "bg-1", TxID: "tx1", At: "2026-03-01T10:05:00Z", Caller: "Hospital2MSP/dr-2", Action: "access",
		Purpose: "emergency", DataClass: "lab"}
	out, err = BreakGlassEvent(b, u)
	require.NoError(t, err)
	require.Contains(t, string(out), `"code":"ETREAT"`)
	v1 := rc.Anchor{ID: "rec-1", Version: 1, Custodian: "HospitalMSP", Author: "HospitalMSP/dr-1", Created: "2026-01-01T00:00:00Z"}
	v2 := v1
	v2.Version, v2.Created = 2, "2026-02-01T00:00:00Z"
	provs, err := VersionProvenance([]rc.VersionEntry{{Anchor: v2}, {Anchor: v1}})
	require.NoError(t, err)
	require.Len(t, provs, 2)
	require.Contains(t, string(provs[1]), `"DocumentReference/rec-1/_history/1"`)
	capability, err := CapabilityStatement("2026-03-01", "carechain", "0.1",
		Served{Type: "ExplanationOfBenefit", Interactions: []string{"read"}},
		Served{Type: "Consent", Interactions: []string{"create", "read", "search-type"}, Search: []string{"patient"}, Operations: []string{"revoke"}})
	require.NoError(t, err)
	require.Contains(t, string(capability), `"type":"ExplanationOfBenefit"`)
}

// A line's diagnosis pointers and the claim's business identifiers are
// kept, and read back the same from the Claim carechain writes.
func TestClaimPointersAndIdentifiersRoundTrip(t *testing.T) {
	doc := strings.Replace(ownClaim, `"careTeamSequence":[1],`, `"careTeamSequence":[1],"diagnosisSequence":[1],`, 1)
	doc = strings.Replace(doc, `"status":"active",`, `"identifier":[{"system":"http://happypdocs.com/claim","value":"8612345"}],"status":"active",`, 1)
	require.Contains(t, doc, "8612345")
	res, err := ClaimInput([]byte(doc), recorded)
	require.NoError(t, err)
	want := wantClaim
	want.Items = append([]cl.Item(nil), wantClaim.Items...)
	want.Items[0].DiagnosisPointers = []int{1}
	want.Identifiers = []cl.Identifier{{System: "http://happypdocs.com/claim", Value: "8612345"}}
	require.Equal(t, want, res.Input)
	out, err := ClaimResource(res.Input, res.Provider, "2026-03-01")
	require.NoError(t, err)
	_, err = Validate(out)
	require.NoError(t, err)
	back, err := ClaimInput(out, recorded)
	require.NoError(t, err)
	require.Equal(t, want, back.Input)
}

// A pointer at no diagnosis is refused by its element.
func TestClaimPointerAtNoDiagnosisIsRefused(t *testing.T) {
	doc := strings.Replace(ownClaim, `"careTeamSequence":[1],`, `"careTeamSequence":[1],"diagnosisSequence":[2],`, 1)
	_, err := ClaimInput([]byte(doc), recorded)
	require.Equal(t, []string{"Claim.item[0].diagnosisSequence[0]"}, pathsOf(err))
}

// An identifier of another system counts when the directory maps it
// ("system|value"); unmapped, it is refused naming its value's element.
func TestIdentifierOfAnotherSystemThroughTheDirectory(t *testing.T) {
	data, err := os.ReadFile(examples + "/Coverage-7547E.json")
	require.NoError(t, err)
	dir := func(key string) (string, string, bool) {
		switch key {
		case "http://ehic.com/insurer|123456789":
			return SystemOrg, "EhicMSP", true
		case "Patient/5":
			return SystemPatient, "subject-5", true
		}
		return "", "", false
	}
	_, err = CoverageInput(data, WithDirectory(dir), At(recordedOn(data)))
	require.NotContains(t, paths(refusal.Issues(err)), "Coverage.payor[0].identifier.value")
	_, err = CoverageInput(data, WithDirectory(exampleDirectory), At(recordedOn(data)))
	require.Contains(t, paths(refusal.Issues(err)), "Coverage.payor[0].identifier.value")
}

func pathsOf(err error) []string {
	var out []string
	for _, is := range refusal.Issues(err) {
		out = append(out, is.Path)
	}
	return out
}

// The focal coverage's prior authorization goes to every line, and reads
// back the same; the CMS place-of-service set is known by the URL forms
// CMS and HL7's examples write.
func TestClaimLevelPriorAuthAndPlaceSystemForms(t *testing.T) {
	doc := strings.Replace(ownClaim, `"focal":true,`, `"focal":true,"preAuthRef":["PA-77"],`, 1)
	doc = strings.Replace(doc, "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
		"https://www.cms.gov/medicare/coding/place-of-service-codes/place_of_service_code_set.html", 1)
	res, err := ClaimInput([]byte(doc), recorded)
	require.NoError(t, err)
	for _, it := range res.Input.Items {
		require.Equal(t, "PA-77", it.PriorAuth)
	}
	out, err := ClaimResource(res.Input, res.Provider, "2026-03-01")
	require.NoError(t, err)
	back, err := ClaimInput(out, recorded)
	require.NoError(t, err)
	require.Equal(t, res.Input, back.Input)
}
