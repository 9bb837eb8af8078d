package records

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/kit/keywrap"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

var everyone = map[string]*memstub.Identity{
	"patient": patient1, "other patient": patient2, "physician": physician, "physician2": physician2,
	"nurse": nurse, "clerk": clerk, "billing": billing, "privacy": privacy, "provider admin": provAdmin,
	"payer admin": payerAdmin, "adjudicator": adjudicator, "payer clerk": payerClerk, "auditor": auditor,
}

// seeded: rec-1 anchored by the provider's clerk; patient1 lets ProviderMSP
// physicians access labs; physician1 requested access (access id returned).
func seeded(t *testing.T) (*env, string) {
	e := newEnv(t)
	e.Must(e.submit(clerk, 1, e.document("rec-1", 1, []byte("report")), "Anchor"), nil)
	e.grantLabs(2)
	var r Receipt
	e.Must(e.submit(physician, 3, nil, "RequestAccess", "rec-1", "0", "treatment"), &r)
	return e, r.AccessID
}

func TestEveryTransactionForEveryRole(t *testing.T) {
	one, _ := keywrap.NewEphemeral()
	pub := base64.StdEncoding.EncodeToString(one.PublicKey().Bytes())
	ops := []struct {
		name    string
		allowed []string
		run     func(e *env, id *memstub.Identity, access string) memstub.Result
	}{
		{"Anchor", []string{"physician", "physician2", "nurse", "clerk"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.submit(id, 10, e.document("rec-2", 1, []byte("new")), "Anchor")
		}},
		{"Amend", []string{"physician", "physician2", "nurse", "clerk"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.submit(id, 10, e.document("rec-1", 2, []byte("v2")), "Amend", "rec-1")
		}},
		{"MarkEnteredInError", []string{"physician", "physician2", "nurse", "clerk"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.submit(id, 10, nil, "MarkEnteredInError", "rec-1")
		}},
		{"Erase", []string{"clerk", "privacy"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.submit(id, 10, nil, "Erase", "rec-1")
		}},
		{"RegisterCustodianKey", []string{"provider admin", "payer admin"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.submit(id, 10, nil, "RegisterCustodianKey", pub)
		}},
		{"Verify", []string{"patient", "other patient", "physician", "physician2", "nurse", "clerk", "billing", "privacy",
			"provider admin", "payer admin", "adjudicator", "payer clerk", "auditor"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.Query(id, 10, "Verify", "rec-1", "0", hexSum([]byte("report")))
		}},
		{"GetHead", []string{"patient", "other patient", "physician", "physician2", "nurse", "clerk", "billing", "privacy",
			"provider admin", "payer admin", "adjudicator", "payer clerk", "auditor"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.Query(id, 10, "GetHead", "rec-1")
		}},
		{"MatchSubject", []string{"patient", "other patient", "physician", "physician2", "nurse", "clerk", "billing", "privacy",
			"provider admin", "payer admin", "adjudicator", "payer clerk", "auditor"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.Query(id, 10, "MatchSubject", "rec-1", pt1)
		}},
		{"Get", []string{"patient", "physician", "physician2", "nurse", "clerk", "privacy", "auditor"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.Query(id, 10, "Get", "rec-1", "0")
		}},
		{"History", []string{"patient", "physician", "physician2", "nurse", "clerk", "privacy", "auditor"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.Query(id, 10, "History", "rec-1")
		}},
		// Consent permits ProviderMSP physicians; the patient reads their own.
		{"RequestAccess", []string{"patient", "physician", "physician2"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.submit(id, 10, nil, "RequestAccess", "rec-1", "0", "treatment")
		}},
		{"ReleaseKey", []string{"physician"}, func(e *env, id *memstub.Identity, access string) memstub.Result {
			return e.Query(id, 10, "ReleaseKey", access, pub)
		}},
		{"ListAccessLog", []string{"patient", "auditor"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.Query(id, 10, "ListAccessLog", pt1, "10", "")
		}},
		{"ListAccessLogByCustodian", []string{"privacy", "auditor"}, func(e *env, id *memstub.Identity, _ string) memstub.Result {
			return e.Query(id, 10, "ListAccessLogByCustodian", "ProviderMSP", "10", "")
		}},
	}
	for _, op := range ops {
		for role, id := range everyone {
			t.Run(op.name+"/"+role, func(t *testing.T) {
				e, access := seeded(t)
				before := e.Peer.Snapshot()
				res := op.run(e, id, access)
				if slices.Contains(op.allowed, role) {
					assert.True(t, res.OK(), "%s as %s: %s", op.name, role, res.Message)
					return
				}
				assert.False(t, res.OK(), "%s as %s should be refused", op.name, role)
				assert.True(t, strings.HasPrefix(res.Message, "FORBIDDEN: ") || strings.HasPrefix(res.Message, "FAILED_PRECONDITION: "), res.Message)
				assert.Equal(t, before, e.Peer.Snapshot())
			})
		}
	}
}

func TestBadAnchorInputIsRefusedWithTheField(t *testing.T) {
	mut := func(f func(*AnchorInput)) func(e *env) any {
		return func(e *env) any {
			in := e.document("rec-9", 1, []byte("doc"))
			f(&in)
			return in
		}
	}
	raw := func(s string) func(*env) any { return func(*env) any { return []byte(s) } }
	cases := map[string]struct {
		input func(*env) any
		field string
	}{
		"not JSON":        {raw("{"), "anchor"},
		"unknown field":   {raw(`{"id":"x","diagnosis":"F32"}`), "anchor"},
		"oversized":       {raw(`{"id":"` + strings.Repeat("a", maxInputBytes) + `"}`), "anchor"},
		"empty id":        {mut(func(in *AnchorInput) { in.ID = "" }), "id"},
		"empty subject":   {mut(func(in *AnchorInput) { in.Subject = "" }), "subject"},
		"unknown type":    {mut(func(in *AnchorInput) { in.Type = "Tweet" }), "type"},
		"bad category":    {mut(func(in *AnchorInput) { in.Category = "a b" }), "category"},
		"bad media type":  {mut(func(in *AnchorInput) { in.ContentType = "pdf" }), "contentType"},
		"zero size":       {mut(func(in *AnchorInput) { in.Size = 0 }), "size"},
		"negative size":   {mut(func(in *AnchorInput) { in.Size = -5 }), "size"},
		"huge size":       {mut(func(in *AnchorInput) { in.Size = 1 << 40 }), "size"},
		"bad plain hash":  {mut(func(in *AnchorInput) { in.PlainSHA256 = "ABC" }), "plainSha256"},
		"bad cipher hash": {mut(func(in *AnchorInput) { in.CipherSHA256 = "" }), "cipherSha256"},
		"not encrypted":   {mut(func(in *AnchorInput) { in.CipherSHA256 = in.PlainSHA256 }), "cipherSha256"},
		"no location":     {mut(func(in *AnchorInput) { in.Location = "" }), "location"},
		"long location":   {mut(func(in *AnchorInput) { in.Location = strings.Repeat("l", maxLocation+1) }), "location"},
		"key not base64":  {mut(func(in *AnchorInput) { in.WrappedKey = "***" }), "wrappedKey"},
		"key not wrapped": {mut(func(in *AnchorInput) { in.WrappedKey = base64.StdEncoding.EncodeToString([]byte("raw key")) }), "wrappedKey"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e, _ := seeded(t)
			before := e.Peer.Snapshot()
			e.Refused(before, e.submit(clerk, 10, c.input(e), "Anchor"), `INVALID_ARGUMENT: field "`+c.field+`"`)
		})
	}
	e, _ := seeded(t)
	before := e.Peer.Snapshot()
	e.Refused(before, e.submit(clerk, 10, nil, "Anchor"), `INVALID_ARGUMENT: field "anchor"`)
	e.Refused(before, e.submit(physician, 10, nil, "RequestAccess", "rec-1", "0", "curiosity"), `INVALID_ARGUMENT: field "purpose"`)
	e.Refused(before, e.submit(physician, 10, nil, "RequestAccess", "rec-1", "7", "treatment"), `INVALID_ARGUMENT: field "version"`)
	e.Refused(before, e.submit(physician, 10, nil, "RequestAccess", "", "0", "treatment"), `INVALID_ARGUMENT: field "id"`)
	e.Refused(before, e.Query(physician, 10, "Verify", "rec-1", "0", "xyz"), `INVALID_ARGUMENT: field "sha256"`)
	e.Refused(before, e.submit(provAdmin, 10, nil, "RegisterCustodianKey", "AAAA"), `INVALID_ARGUMENT: field "publicKey"`)
}

func FuzzAnchorInput(f *testing.F) {
	f.Add([]byte(`{"id":"r","subject":"s","type":"Observation","category":"labs","contentType":"text/plain","size":1,"plainSha256":"` +
		strings.Repeat("a", 64) + `","cipherSha256":"` + strings.Repeat("b", 64) + `","location":"x","wrappedKey":"AQ=="}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in AnchorInput
		if err := decodeAnchor(data, &in); err != nil {
			return
		}
		_, _ = in.validate()
	})
}
