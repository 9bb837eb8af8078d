package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// examples are the commands' examples that their definitions do not give
// themselves, by command path below carectl. The acting identity comes
// from $CARECTL_ORG/$CARECTL_USER (or --org/--user) in most of them.
var examples = map[string]string{
	"submit": `  carectl submit baseline Put k1 v1
  carectl submit records SetupBlinding --transient 'secret=@secret.bin' --transient 'note={"a":"b=c"}'`,
	"evaluate": `  carectl evaluate baseline Get k1`,
	"events": `  carectl events consent --count 10 -o json      # NDJSON: one event a line
  carectl events records --checkpoint pos.json --out events.ndjson`,
	"tx":         `  carectl --org regulator --user auditor1 tx 4f0c…`,
	"identities": `  carectl identities -o json`,
	"whoami":     `  CARECTL_ORG=provider CARECTL_USER=physician1 carectl whoami`,
	"config":     `  carectl --org provider --user physician1 config use-context`,

	"consent":                  `  carectl --org patients --user patient1 consent list`,
	"consent activate":         `  carectl --org patients --user patient1 consent activate cns-1`,
	"consent revoke":           `  carectl --org patients --user patient1 consent revoke cns-1`,
	"consent entered-in-error": `  carectl --org patients --user patient1 consent entered-in-error cns-1`,
	"consent attach-form":      `  carectl --org patients --user patient1 consent attach-form cns-1 signed-form.pdf`,
	"consent get":              `  carectl --org patients --user patient1 consent get cns-1 -o json`,
	"consent history":          `  carectl consent history cns-1 --page-size 5`,
	"consent list": `  carectl --org patients --user patient1 consent list
  carectl --org provider --user physician1 consent list --patient pt-...`,
	"consent update": `  carectl --org patients --user patient1 consent update cns-1 @consent.json`,
	"consent break-glass list": `  carectl --org patients --user patient1 consent break-glass list
  carectl --org regulator --user auditor1 consent break-glass list --clinicians-org ProviderMSP`,
	"consent break-glass uses": `  carectl --org patients --user patient1 consent break-glass uses bg-1`,
	"consent delegate":         `  carectl --org patients --user patient1 consent delegate list`,
	"consent delegate add":     `  carectl --org patients --user patient1 consent delegate add --delegate PatientsMSP//guardian1 --kind guardian`,
	"consent delegate list":    `  carectl --org patients --user patient1 consent delegate list`,
	"consent delegate revoke":  `  carectl --org patients --user patient1 consent delegate revoke --delegate PatientsMSP//guardian1`,

	"records":                  `  carectl --org provider --user clerk1 records list --patient pt-...`,
	"records register-key":     `  carectl --org payer --user adjudicator1 records register-key`,
	"records get":              `  carectl --org provider --user physician1 records get rec-1 --purpose treatment -O lab.pdf`,
	"records head":             `  carectl records head rec-1 -o json`,
	"records history":          `  carectl records history rec-1`,
	"records access-log":       `  carectl --org patients --user patient1 records access-log --order oldest`,
	"records list":             `  carectl --org provider --user clerk1 records list --patient pt-...`,
	"records erase":            `  carectl --org provider --user clerk1 records erase rec-1`,
	"records entered-in-error": `  carectl --org provider --user clerk1 records entered-in-error rec-1`,

	"claims":          `  carectl --org provider --user billing1 claims submit @claim.json`,
	"claims coverage": `  carectl --org payer --user enrollment1 claims coverage get cov-1`,
	"claims coverage add": `  carectl --org payer --user enrollment1 claims coverage add '{"id":"cov-1","member":"pt-...","plan":"gold",
    "period":{"start":"2026-01-01","end":"2026-12-31"},"annualLimit":500000,"copay":2000,"deductible":10000}'`,
	"claims coverage get": `  carectl --org provider --user billing1 claims coverage get cov-1 --payer PayerMSP`,
	"claims rules":        `  carectl --org payer --user adjudicator1 claims rules @rules.json`,
	"claims salt":         `  carectl --org payer --user enrollment1 claims salt`,
	"claims submit": `  carectl --org provider --user billing1 claims submit '{"patient":"pt-...","coverage":"cov-1","payer":"PayerMSP",
    "renderingNpi":"1234567893","billablePeriod":{"start":"2026-06-01","end":"2026-06-01"},"placeOfService":"11",
    "diagnosis":["J06.9"],"item":[{"sequence":1,"productOrService":"99213","quantity":1,"unitPrice":12000,
    "net":12000,"servicedDate":"2026-06-01"}],"total":12000}'`,
	"claims replace":    `  carectl --org provider --user billing1 claims replace clm-1 @claim-corrected.json`,
	"claims void":       `  carectl --org provider --user billing1 claims void clm-1`,
	"claims appeal":     `  carectl --org provider --user billing1 claims appeal clm-1`,
	"claims adjudicate": `  carectl --org payer --user adjudicator1 claims adjudicate clm-1 --approve-prior-auth`,
	"claims pay":        `  carectl --org payer --user adjudicator1 claims pay clm-1 --trace TRN-1`,
	"claims reverse":    `  carectl --org payer --user adjudicator1 claims reverse clm-1`,
	"claims get":        `  carectl --org provider --user billing1 claims get clm-1 -o json`,
	"claims list":       `  carectl --org payer --user adjudicator1 claims list --status pended`,
	"claims remittance": `  carectl --org provider --user billing1 claims remittance clm-1`,
	"claims settings": `  carectl claims settings
  carectl --org regulator --user admin claims settings payment-consent-required true`,
	"claims intake":    `  carectl --org payer --user enrollment1 claims intake @intake.json`,
	"claims dispute":   `  carectl --org provider --user billing1 claims dispute clm-1`,
	"claims crossover": `  carectl --org provider --user billing1 claims crossover clm-1`,
	"claims screen":    `  carectl --org payer2 --user adjudicator1 claims screen clm-1`,
	"claims resolve":   `  carectl --org payer2 --user adjudicator1 claims resolve clm-1 2 --outcome duplicate --reason "billed to the other insurer"`,
	"claims flags":     `  carectl --org payer2 --user adjudicator1 claims flags --page-size 50`,
	"claims worklist":  `  carectl --org payer --user adjudicator1 claims worklist -o json`,
	"claims follow": `  carectl --org payer2 --user adjudicator1 claims follow --screen --checkpoint screen.json
  carectl --org provider --user billing1 claims follow --forward --count 1`,

	"drugs":               `  carectl --org distributor --user logistics1 drugs item 10614141123459.SN000001`,
	"drugs partner":       `  carectl --org regulator --user registrar1 drugs partner add @partner.json`,
	"drugs partner add":   `  carectl --org regulator --user registrar1 drugs partner add '{"mspId":"DistributorMSP","name":"Distributor","license":"DL-1","gln":"0614141000005","validFrom":"2026-01-01","validTo":"2027-01-01","status":"active"}'`,
	"drugs product":       `  carectl --org manufacturer --user quality1 drugs product add @product.json`,
	"drugs product add":   `  carectl --org manufacturer --user quality1 drugs product add '{"gtin":"10614141123459","name":"Amoxicillin","strength":"500 mg","dosageForm":"capsule","ndc":"0614-1412-34","manufacturer":"ManufacturerMSP","minTemp":20,"maxTemp":250}'`,
	"drugs batch":         `  carectl --org manufacturer --user quality1 drugs batch create 10614141123459 LOT-1 2027-12-31`,
	"drugs batch create":  `  carectl --org manufacturer --user quality1 drugs batch create 10614141123459 LOT-1 2027-12-31`,
	"drugs pack":          `  carectl --org manufacturer --user logistics1 drugs pack 006141410000000016 10614141123459.SN000001,10614141123459.SN000002`,
	"drugs unpack":        `  carectl --org distributor --user logistics1 drugs unpack 006141410000000016`,
	"drugs ship":          `  carectl --org manufacturer --user logistics1 drugs ship shp-1 DistributorMSP 006141410000000016 --dscsa @dscsa.json`,
	"drugs dscsa":         `  carectl --org distributor --user logistics1 drugs dscsa shp-1`,
	"drugs receive":       `  carectl --org distributor --user logistics1 drugs receive shp-1`,
	"drugs reading":       `  carectl --org distributor --user logistics1 drugs reading shp-1 logger-7 4.5`,
	"drugs dispense":      `  carectl --org pharmacy --user pharmacist1 drugs dispense 10614141123459.SN000001`,
	"drugs item":          `  carectl drugs item 10614141123459.SN000001 -o json`,
	"drugs trace":         `  carectl drugs trace 10614141123459.SN000001 --order newest`,
	"drugs signals":       `  carectl drugs signals 10614141123459.SN000001`,
	"drugs suspect":       `  carectl --org pharmacy --user pharmacist1 drugs suspect 10614141123459.SN000001 --reason "damaged seal"`,
	"drugs clear":         `  carectl --org pharmacy --user pharmacist1 drugs clear 10614141123459.SN000001 --reason "seal intact on inspection"`,
	"drugs illegitimate":  `  carectl --org regulator --user registrar1 drugs illegitimate 10614141123459.SN000001 --reason "counterfeit"`,
	"drugs recall":        `  carectl --org manufacturer --user quality1 drugs recall 10614141123459 LOT-1 --reason "contamination"`,
	"drugs recall-report": `  carectl --org manufacturer --user quality1 drugs recall-report 10614141123459 LOT-1`,
	"drugs decommission":  `  carectl --org pharmacy --user pharmacist1 drugs decommission 10614141123459.SN000001 --reason "expired"`,
	"drugs destroy":       `  carectl --org pharmacy --user pharmacist1 drugs destroy 10614141123459.SN000001 --reason "incinerated"`,
	"drugs epcis":         `  carectl drugs epcis export 10614141123459.SN000001 > trace.jsonld`,
	"drugs epcis export":  `  carectl drugs epcis export 10614141123459.SN000001 > trace.jsonld`,
	"drugs epcis plan":    `  carectl --org distributor --user logistics1 drugs epcis plan events.jsonld`,
	"drugs epcis import":  `  carectl --org distributor --user logistics1 drugs epcis import events.jsonld`,

	"users":        `  carectl --org provider --user registrar1 users list`,
	"users link":   `  carectl --org patients --user registrar1 users link --enrollment p0f3… --subject pt-...`,
	"users list":   `  carectl --org provider --user registrar1 users list -o json`,
	"users revoke": `  carectl --org provider --user registrar1 users revoke --name physician3 --reason keycompromise`,
	"users unlink": `  carectl --org patients --user registrar1 users unlink --enrollment p0f3… --compromised`,
}

// addExamples gives each command of the tree its example from examples,
// unless its definition has one.
func addExamples(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(c.CommandPath(), root.Name()+" ")
		if ex, ok := examples[path]; ok && c.Example == "" {
			c.Example = ex
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
