package consent

import (
	"testing"
	"time"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"

	"github.com/carechain/carechain/chaincode/kit/validate"
)

// FuzzGrantInput decodes and validates arbitrary consent input: it must
// never panic, and whatever it accepts must evaluate without panicking.
func FuzzGrantInput(f *testing.F) {
	f.Add(cctest.JSON(grantInput("c1")))
	f.Add([]byte(`{"id":"c","subject":"s","decision":"deny","period":{"start":"2026-01-01T00:00:00Z"},"provision":{"provision":[{"class":["x"]}]}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"provision":{"provision":[{"provision":[{"provision":[{"provision":[{}]}]}]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in wire.GrantInput
		if err := validate.DecodeJSON("consent", data, &in, maxInputBytes); err != nil {
			return
		}
		if err := validateGrant(&in); err != nil {
			return
		}
		c := &wire.Consent{ID: in.ID, Subject: in.Subject, Status: wire.StatusActive, Decision: in.Decision, Period: in.Period, Provision: in.Provision}
		d := Decide([]*wire.Consent{c}, physicianReq("labs"), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
		if d.Decision != wire.Permit && d.Decision != wire.Deny {
			t.Fatalf("decision %q", d.Decision)
		}
	})
}

// FuzzRequest decodes and validates arbitrary Check requests.
func FuzzRequest(f *testing.F) {
	f.Add(request(pt1, "labs", physicianActor))
	f.Add(`{"subject":"x","action":"access","purpose":"treatment","data":"r1"}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, data string) {
		var req wire.Request
		if err := validate.DecodeJSON("request", data, &req, maxInputBytes); err != nil {
			return
		}
		_ = validateRequest(&req)
	})
}
