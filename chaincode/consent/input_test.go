package consent

import (
	"strings"
	"testing"
	"time"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
)

// Every bad input is refused with INVALID_ARGUMENT naming the field, and
// changes nothing.
func TestBadGrantInputIsRefusedWithTheField(t *testing.T) {
	mut := func(f func(*wire.GrantInput)) wire.GrantInput {
		in := grantInput("c9")
		f(&in)
		return in
	}
	cases := map[string]struct {
		input any
		field string
	}{
		"not JSON":               {[]byte("{not json"), "consent"},
		"empty object":           {[]byte("{}"), "id"},
		"unknown field":          {[]byte(`{"id":"c9","subject":"pt-1","decision":"permit","diagnosis":"F32"}`), "consent"},
		"trailing data":          {append(cctest.JSON(grantInput("c9")), []byte(" {}")...), "consent"},
		"oversized":              {[]byte(`{"id":"` + strings.Repeat("a", maxInputBytes) + `"}`), "consent"},
		"empty id":               {mut(func(in *wire.GrantInput) { in.ID = "" }), "id"},
		"id with separator":      {mut(func(in *wire.GrantInput) { in.ID = "a\x00b" }), "id"},
		"id too long":            {mut(func(in *wire.GrantInput) { in.ID = strings.Repeat("x", 129) }), "id"},
		"empty subject":          {mut(func(in *wire.GrantInput) { in.Subject = "" }), "subject"},
		"unknown decision":       {mut(func(in *wire.GrantInput) { in.Decision = "maybe" }), "decision"},
		"unknown status":         {mut(func(in *wire.GrantInput) { in.Status = "inactive" }), "status"},
		"bad start":              {mut(func(in *wire.GrantInput) { in.Period.Start = "yesterday" }), "period.start"},
		"end before start":       {mut(func(in *wire.GrantInput) { in.Period.End = at(-60).Format(time.RFC3339) }), "period.end"},
		"unknown action":         {mut(func(in *wire.GrantInput) { in.Provision.Actions = []string{"delete"} }), "provision.action[0]"},
		"unknown purpose":        {mut(func(in *wire.GrantInput) { in.Provision.Purposes = []string{"marketing"} }), "provision.purpose[0]"},
		"duplicate class":        {mut(func(in *wire.GrantInput) { in.Provision.DataClasses = []string{"labs", "labs"} }), "provision.class[1]"},
		"grantee without org":    {mut(func(in *wire.GrantInput) { in.Provision.Actors = []wire.Actor{{Role: "physician"}} }), "provision.actor[0].org"},
		"permit without grantee": {mut(func(in *wire.GrantInput) { in.Provision.Actors = nil }), "provision.actor"},
		"permit without action":  {mut(func(in *wire.GrantInput) { in.Provision.Actions = nil }), "provision.action"},
		"permit without purpose": {mut(func(in *wire.GrantInput) { in.Provision.Purposes = nil }), "provision.purpose"},
		"permit without data":    {mut(func(in *wire.GrantInput) { in.Provision.DataClasses = nil }), "provision.class"},
		"bad form hash":          {mut(func(in *wire.GrantInput) { in.FormHash = "abc" }), "formHash"},
		"supersedes itself":      {mut(func(in *wire.GrantInput) { in.Supersedes = "c9" }), "supersedes"},
		"nested too deep": {mut(func(in *wire.GrantInput) {
			deep := wire.Provision{DataClasses: []string{"labs"}}
			for i := 0; i < 4; i++ {
				deep = wire.Provision{DataClasses: []string{"labs"}, Provisions: []wire.Provision{deep}}
			}
			in.Provision.Provisions = deep.Provisions
		}), "provision.provision[0].provision[0].provision[0].provision[0]"},
		"nested bad period": {mut(func(in *wire.GrantInput) {
			in.Provision.Provisions = []wire.Provision{{Period: &wire.Period{Start: "nope"}}}
		}), "provision.provision[0].period.start"},
		"too many classes": {mut(func(in *wire.GrantInput) {
			in.Provision.DataClasses = nil
			for i := 0; i <= maxListItems; i++ {
				in.Provision.DataClasses = append(in.Provision.DataClasses, "c"+itoa(i))
			}
		}), "provision.class"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := seeded(t)
			before := e.Peer.Snapshot()
			tm := signed(patient1, []byte("unsigned"), wire.TransientConsent, c.input)
			e.Refused(before, e.Peer.Invoke("consent", patient1, at(10), tm, "Grant"), `INVALID_ARGUMENT: field "`+c.field+`"`)
		})
	}
}

func TestMissingTransientIsRefused(t *testing.T) {
	e := seeded(t)
	before := e.Peer.Snapshot()
	for fn, key := range map[string]string{"Grant": wire.TransientConsent, "BreakGlass": wire.TransientBreakGlass, "RegisterDelegate": wire.TransientDelegate, "RevokeDelegate": wire.TransientDelegate} {
		id := patient1
		if fn == "BreakGlass" {
			id = physician
		}
		e.Refused(before, e.Submit(id, 10, "", nil, fn), `INVALID_ARGUMENT: field "`+key+`"`)
	}
}

func TestBadArgumentsAreRefusedWithTheField(t *testing.T) {
	e := seeded(t)
	before := e.Peer.Snapshot()
	cases := []struct {
		id    string
		fn    string
		args  []string
		field string
	}{
		{"revoke empty id", "Revoke", []string{""}, "id"},
		{"revoke unknown", "Revoke", []string{"nope"}, ""},
		{"attach no form", "AttachForm", []string{"c1"}, "form"},
		{"check not JSON", "Check", []string{"{"}, "request"},
		{"check unknown action", "Check", []string{`{"subject":"` + pt1 + `","action":"erase","purpose":"treatment","class":"labs"}`}, "action"},
		{"check unknown purpose", "Check", []string{`{"subject":"` + pt1 + `","action":"access","purpose":"fun","class":"labs"}`}, "purpose"},
		{"check no data", "Check", []string{`{"subject":"` + pt1 + `","action":"access","purpose":"treatment"}`}, "class"},
		{"check unknown field", "Check", []string{`{"subject":"` + pt1 + `","action":"access","purpose":"treatment","class":"labs","x":1}`}, "request"},
		{"list bad subject", "ListBySubject", []string{"bad subject", "10", ""}, "subject"},
		{"list page too big", "ListBySubject", []string{pt1, "500", ""}, "pageSize"},
		{"list bad bookmark", "ListBySubject", []string{pt1, "10", "%%%"}, "bookmark"},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			res := e.Submit(patient1, 10, "", nil, c.fn, c.args...)
			prefix := "NOT_FOUND: "
			if c.field != "" {
				prefix = `INVALID_ARGUMENT: field "` + c.field + `"`
			}
			e.Refused(before, res, prefix)
		})
	}
	e.Refused(before, e.attachForm(patient1, 10, "c1", "XYZ"), `INVALID_ARGUMENT: field "formHash"`)
	e.Refused(before, e.breakGlass(physician, 10, breakGlassInput(0)), `INVALID_ARGUMENT: field "minutes"`)
	e.Refused(before, e.registerDelegate(patient1, 10, wire.DelegateInput{Subject: pt1, Delegate: "guardian1", Kind: wire.KindGuardian,
		Period: wire.Period{Start: at(0).Format(time.RFC3339)}}), `INVALID_ARGUMENT: field "delegate"`)
	e.Refused(before, e.registerDelegate(patient1, 10, wire.DelegateInput{Subject: pt1, Delegate: keyOf(patient2), Kind: "parent",
		Period: wire.Period{Start: at(0).Format(time.RFC3339)}}), `INVALID_ARGUMENT: field "kind"`)
	e.Refused(before, e.grantRes(patient1, 10, grantInput("c1")), "CONFLICT: ")
}
