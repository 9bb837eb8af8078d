package claims

import (
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

var everyone = map[string]*memstub.Identity{
	"billing": billing, "physician": physician, "provider privacy": provPrivacy, "records clerk": clerk,
	"adjudicator": adjudicator, "enrollment": enrollment, "payer admin": payerAdmin,
	"auditor": auditor, "regulator admin": regAdmin, "patient": patient1,
}

// seeded: clm-1 adjudicated (partial: one non-covered line), clm-2 paid,
// clm-3 pended for prior authorization.
func seededClaims(t *testing.T) *env {
	e := newEnv(t)
	c1 := office("clm-1")
	c1.Items = append(c1.Items, Item{Sequence: 3, Code: "J1100", Units: 1, UnitCents: 500, NetCents: 500, Date: "2026-06-10"})
	c1.TotalCents += 500
	e.submitClaim(1, c1)
	c2 := office("clm-2")
	c2.Items[1].UnitCents, c2.Items[1].NetCents, c2.TotalCents = 4100, 4100, 19100
	e.submitClaim(1, c2)
	var c Claim
	e.Must(e.Query(billing, 1, "Get", "clm-2"), &c)
	e.Must(e.Submit(adjudicator, 2, TransientPayment, PaymentInput{Trace: "T", AmountCents: c.Adjudication.PaidCents}, "Pay", "clm-2"), nil)
	mri := office("clm-3")
	mri.Items = []Item{{Sequence: 1, Code: "70553", Units: 1, UnitCents: 100000, NetCents: 100000, Date: "2026-06-10"}}
	mri.TotalCents = 100000
	e.submitClaim(2, mri)
	return e
}

func TestEveryClaimsFunctionForEveryRole(t *testing.T) {
	newClaim := office("clm-new")
	newClaim.Items[1].UnitCents, newClaim.Items[1].NetCents, newClaim.TotalCents = 3900, 3900, 18900
	replacement := office("clm-1r")
	replacement.Items[1].UnitCents, replacement.Items[1].NetCents, replacement.TotalCents = 3800, 3800, 18800
	ops := []struct {
		name    string
		allowed []string
		run     func(e *env, id *memstub.Identity) memstub.Result
	}{
		{"Submit", []string{"billing"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, TransientClaim, newClaim, "Submit")
		}},
		{"Appeal", []string{"billing"}, func(e *env, id *memstub.Identity) memstub.Result { return e.Submit(id, 10, "", nil, "Appeal", "clm-1") }},
		{"Void", []string{"billing"}, func(e *env, id *memstub.Identity) memstub.Result { return e.Submit(id, 10, "", nil, "Void", "clm-1") }},
		{"Replace", []string{"billing"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, TransientClaim, replacement, "Replace", "clm-1")
		}},
		{"Adjudicate", []string{"adjudicator"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, TransientDecision, Decision{ApprovePriorAuth: true}, "Adjudicate", "clm-3")
		}},
		{"Pay", []string{"adjudicator"}, func(e *env, id *memstub.Identity) memstub.Result {
			var c Claim
			e.Must(e.Query(billing, 10, "Get", "clm-1"), &c)
			return e.Submit(id, 10, TransientPayment, PaymentInput{Trace: "T9", AmountCents: c.Adjudication.PaidCents}, "Pay", "clm-1")
		}},
		{"ReversePayment", []string{"adjudicator"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "ReversePayment", "clm-2")
		}},
		{"RegisterCoverage", []string{"enrollment"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, TransientCoverage, Coverage{ID: "cov-9", Member: pt2, Plan: "gold", Period: Period{Start: "2026-01-01", End: "2026-12-31"}}, "RegisterCoverage")
		}},
		{"SetRules", []string{"adjudicator"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, TransientRules, Rules{Plan: "silver", Allowed: map[string]int64{"99213": 9000}}, "SetRules")
		}},
		{"SetSettings", []string{"regulator admin"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Submit(id, 10, "", nil, "SetSettings", "false")
		}},
		{"Get", []string{"billing", "adjudicator", "enrollment"}, func(e *env, id *memstub.Identity) memstub.Result { return e.Query(id, 10, "Get", "clm-1") }},
		{"Remittance", []string{"billing", "adjudicator", "enrollment"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "Remittance", "clm-2")
		}},
		{"GetCoverage", []string{"billing", "adjudicator", "enrollment"}, func(e *env, id *memstub.Identity) memstub.Result {
			return e.Query(id, 10, "GetCoverage", "cov-1")
		}},
	}
	for _, op := range ops {
		for role, id := range everyone {
			t.Run(op.name+"/"+role, func(t *testing.T) {
				e := seededClaims(t)
				before := e.Peer.Snapshot()
				res := op.run(e, id)
				if slices.Contains(op.allowed, role) {
					assert.True(t, res.OK(), "%s as %s: %s", op.name, role, res.Message)
					return
				}
				assert.False(t, res.OK(), "%s as %s should be refused", op.name, role)
				assert.True(t, strings.HasPrefix(res.Message, "FORBIDDEN: "), res.Message)
				assert.Equal(t, before, e.Peer.Snapshot())
			})
		}
	}
}

func TestEveryoneReadsTracesAndListsTheirOwn(t *testing.T) {
	e := seededClaims(t)
	for role, id := range everyone {
		assert.True(t, e.Query(id, 10, "GetTrace", "clm-1").OK(), role)
		assert.True(t, e.Query(id, 10, "GetSettings").OK(), role)
	}
	var page TracePage
	e.Must(e.Query(billing, 10, "ListByStatus", StatusAdjudicated, "10", ""), &page)
	assert.Len(t, page.Items, 1)
	e.Must(e.Query(physician, 10, "ListByStatus", StatusPaid, "10", ""), &page)
	assert.Len(t, page.Items, 1, "an org lists the claims it is party to")
	e.Must(e.Query(patient1, 10, "ListByStatus", StatusPaid, "10", ""), &page)
	assert.Empty(t, page.Items)
}

func FuzzClaimInput(f *testing.F) {
	f.Add(cctest.JSON(office("clm-1")))
	f.Add([]byte(`{"item":[{"sequence":1,"quantity":9223372036854775807,"unitPrice":9223372036854775807}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in ClaimInput
		if err := decodeClaim(data, &in); err != nil {
			return
		}
		if err := in.validate(start); err != nil {
			return
		}
		var sum int64
		for _, it := range in.Items {
			if it.NetCents <= 0 || it.NetCents != it.Units*it.UnitCents {
				t.Fatalf("accepted line %+v", it)
			}
			sum += it.NetCents
		}
		if sum != in.TotalCents || sum <= 0 {
			t.Fatalf("accepted total %d for lines summing to %d", in.TotalCents, sum)
		}
		Adjudicate(&in, &Coverage{CopayCents: 100, DeductibleCents: 100, AnnualLimitCents: 1000}, gold, Accumulator{}, Decision{ApprovePriorAuth: true})
	})
}

func TestSetSaltOnceByEnrollment(t *testing.T) {
	e := newEnv(t) // newEnv set the salt as enrollment1
	for role, id := range everyone {
		res := e.Submit(id, 1, TransientSalt, map[string]string{"salt": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}, "SetSalt")
		if role == "enrollment" {
			assert.True(t, strings.HasPrefix(res.Message, "CONFLICT: "), res.Message)
		} else {
			assert.True(t, strings.HasPrefix(res.Message, "FORBIDDEN: "), "%s: %s", role, res.Message)
		}
	}
}
