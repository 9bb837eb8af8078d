package fhir

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
)

// HL7's Coverage 9876B1 goes in as published: its certificate number,
// type, dependent number, policy holder (an employer on another FHIR
// server) and its twelve classes are kept. The R4 Coverage carechain
// writes from it (valid R4) says the same in each of those elements as
// the published one, class by class in order, and its payor and
// beneficiary are the carechain identities the directory resolved.
func TestPublishedCoverageReadsBackWithItsMeaning(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(examples, "Coverage-9876B1.json"))
	require.NoError(t, err)
	res, err := CoverageInput(data, WithDirectory(exampleDirectory), At(recordedOn(data)))
	require.NoError(t, err)
	require.Equal(t, "B37FC", res.Coverage.Plan)
	require.Equal(t, "Org2MSP", res.Coverage.Payer)
	require.Equal(t, "subject-4", res.Coverage.Member)
	require.Len(t, res.Coverage.Classes, 11)

	out, err := CoverageResource(res.Coverage)
	require.NoError(t, err)
	typ, err := Validate(out)
	require.NoError(t, err)
	require.Equal(t, "Coverage", typ)
	published, written := jsonOf(t, data), jsonOf(t, out)
	for _, k := range []string{"identifier", "dependent", "policyHolder", "period", "status"} {
		require.Equal(t, published[k], written[k], k)
	}
	require.Equal(t, codesOf(published["type"]), codesOf(written["type"]))
	require.Equal(t, classesOf(published), classesOf(written))
	require.Equal(t, map[string]any{"system": SystemOrg, "value": "Org2MSP"}, written["payor"].([]any)[0].(map[string]any)["identifier"])
	require.Equal(t, map[string]any{"system": SystemPatient, "value": "subject-4"}, written["beneficiary"].(map[string]any)["identifier"])
	back, err := CoverageInput(out)
	require.NoError(t, err)
	require.Equal(t, res.Coverage, back.Coverage)
}

// A policy holder carechain identifies (a patient or an org) is kept as
// that identity and written back as a reference of its type.
func TestCoveragePolicyHolderByIdentity(t *testing.T) {
	c := cl.Coverage{ID: "COV-56", Member: "subj-9f2c", Payer: "PayerMSP", Plan: "GOLD", Status: "active",
		Period:       cl.Period{Start: "2026-01-01", End: "2026-12-31"},
		PolicyHolder: &cl.Party{System: SystemOrg, Value: "EmployerMSP"}, SubscriberID: "AB9876"}
	out, err := CoverageResource(c)
	require.NoError(t, err)
	written := jsonOf(t, out)
	require.Equal(t, "Organization", written["policyHolder"].(map[string]any)["type"])
	back, err := CoverageInput(out, recorded)
	require.NoError(t, err)
	require.Equal(t, c, back.Coverage)
}

// A class carechain does not know and a type without a system are
// refused by element; so are order, network and a copay exception.
func TestCoverageDetailsCarechainCannotKeep(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(examples, "Coverage-7546D.json"))
	require.NoError(t, err)
	_, err = CoverageInput(data, WithDirectory(exampleDirectory), At(recordedOn(data)))
	require.ElementsMatch(t, []string{"Coverage.order", "Coverage.network", "Coverage.contract",
		"Coverage.costToBeneficiary[0].exception", "Coverage.costToBeneficiary[0].type.coding[0].code"}, pathsOf(err))

	doc := `{"resourceType":"Coverage","id":"c1","status":"active","type":{"coding":[{"code":"EHCPOL"}]},
	 "beneficiary":{"identifier":{"system":"urn:carechain:patient","value":"subj-1"}},
	 "payor":[{"identifier":{"system":"urn:carechain:msp","value":"PayerMSP"}}],
	 "period":{"start":"2026-01-01","end":"2026-12-31"},
	 "class":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/coverage-class","code":"plan"}]},"value":"GOLD"},
	          {"type":{"coding":[{"system":"http://example.org/classes","code":"tier"}]},"value":"2"}]}`
	_, err = CoverageInput([]byte(doc), recorded)
	require.ElementsMatch(t, []string{"Coverage.type.coding[0].code", "Coverage.class[1].type.coding[0].code"}, pathsOf(err))
}

func jsonOf(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

// codesOf is a CodeableConcept's codings as system|code.
func codesOf(cc any) []string {
	var out []string
	for _, c := range cc.(map[string]any)["coding"].([]any) {
		m := c.(map[string]any)
		out = append(out, m["system"].(string)+"|"+m["code"].(string))
	}
	return out
}

// classesOf is a Coverage's classes as code=value (name), the plan
// first, the others in order.
func classesOf(cov map[string]any) []string {
	var plan, out []string
	for _, k := range cov["class"].([]any) {
		m := k.(map[string]any)
		s := codesOf(m["type"])[0] + "=" + m["value"].(string)
		if name, ok := m["name"].(string); ok {
			s += " (" + name + ")"
		}
		if codesOf(m["type"])[0] == systemCoverageClass+"|plan" {
			plan = append(plan, codesOf(m["type"])[0]+"="+m["value"].(string))
			continue
		}
		out = append(out, s)
	}
	return append(plan, out...)
}
