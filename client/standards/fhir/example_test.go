package fhir_test

import (
	"fmt"
	"os"
	"time"

	cw "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/client/standards/fhir"
	"github.com/carechain/carechain/client/standards/refusal"
)

// ClaimInput maps an R4 Claim to carechain's claim input, or names what
// carechain cannot represent.
func ExampleClaimInput() {
	data, err := os.ReadFile("../../../test/testdata/fhir/r4/Claim-860150.json")
	if err != nil {
		panic(err)
	}
	directory := func(lit string) (string, string, bool) {
		switch lit {
		case "Patient/1":
			return fhir.SystemPatient, "subject-1", true
		case "Organization/1", "Organization/2":
			return fhir.SystemOrg, "Org" + lit[len(lit)-1:] + "MSP", true
		case "Practitioner/example":
			return fhir.SystemNPI, "1234567893", true
		}
		return "", "", false
	}
	_, err = fhir.ClaimInput(data, fhir.WithDirectory(directory), fhir.At(time.Date(2014, 8, 16, 12, 0, 0, 0, time.UTC)))
	for _, is := range refusal.Issues(err) {
		fmt.Println(is.Path)
	}
	// Output:
	// Claim.item[0].locationCodeableConcept
	// Claim.diagnosis[0].diagnosisCodeableConcept.coding[0].code
	// Claim.item[0].productOrService.coding[0].code
}

// ConsentResource writes a consent as R4, validated.
func ExampleConsentResource() {
	c := cw.GrantedConsent(cw.GrantInput{ID: "consent-1", Subject: "subj-9f2c", Decision: cw.Deny,
		Period:    cw.Period{Start: "2026-03-01T00:00:00Z"},
		Provision: cw.Provision{Actors: []cw.Actor{{Org: "ResearchMSP"}}}})
	data, err := fhir.ConsentResource(cw.View{Consent: c, EffectiveStatus: cw.StatusActive})
	if err != nil {
		panic(err)
	}
	typ, err := fhir.Validate(data)
	fmt.Println(typ, err)
	// Output: Consent <nil>
}
