package records

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// Every input is validated at the boundary: a bad one is refused with
// INVALID_ARGUMENT naming the field, and changes nothing.
func TestBadAnchorInputIsRefusedWithTheField(t *testing.T) {
	mut := func(f func(*wire.AnchorInput)) func(e *env) any {
		return func(e *env) any {
			in := e.document("rec-9", 1, []byte("doc"))
			f(&in)
			return in
		}
	}
	raw := func(s string) func(*env) any { return func(*env) any { return []byte(s) } }
	cases := []struct {
		name  string
		input func(*env) any
		field string
	}{
		{"not JSON", raw("{"), "anchor"},
		{"unknown field", raw(`{"id":"x","diagnosis":"F32"}`), "anchor"},
		{"oversized", raw(`{"id":"` + strings.Repeat("a", maxInputBytes) + `"}`), "anchor"},
		{"empty id", mut(func(in *wire.AnchorInput) { in.ID = "" }), "id"},
		{"empty subject", mut(func(in *wire.AnchorInput) { in.Subject = "" }), "subject"},
		{"unknown type", mut(func(in *wire.AnchorInput) { in.Type = "Tweet" }), "type"},
		{"bad category", mut(func(in *wire.AnchorInput) { in.Category = "a b" }), "category"},
		{"bad media type", mut(func(in *wire.AnchorInput) { in.ContentType = "pdf" }), "contentType"},
		{"zero size", mut(func(in *wire.AnchorInput) { in.Size = 0 }), "size"},
		{"negative size", mut(func(in *wire.AnchorInput) { in.Size = -5 }), "size"},
		{"huge size", mut(func(in *wire.AnchorInput) { in.Size = 1 << 40 }), "size"},
		{"bad plain commitment", mut(func(in *wire.AnchorInput) { in.PlainCommitment = "ABC" }), "plainCommitment"},
		{"bad cipher hash", mut(func(in *wire.AnchorInput) { in.CipherSHA256 = "" }), "cipherSha256"},
		{"one value for both", mut(func(in *wire.AnchorInput) { in.CipherSHA256 = in.PlainCommitment }), "cipherSha256"},
		{"no location", mut(func(in *wire.AnchorInput) { in.Location = "" }), "location"},
		{"long location", mut(func(in *wire.AnchorInput) { in.Location = strings.Repeat("l", maxLocation+1) }), "location"},
		{"key not base64", mut(func(in *wire.AnchorInput) { in.WrappedKey = "***" }), "wrappedKey"},
		{"key not wrapped", mut(func(in *wire.AnchorInput) { in.WrappedKey = base64.StdEncoding.EncodeToString([]byte("raw key")) }), "wrappedKey"},
	}
	e, _ := matrixSeed(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.T = t
			before := e.Peer.Snapshot()
			e.Refused(before, e.submit(clerk, 10, c.input(e), "Anchor"), `INVALID_ARGUMENT: field "`+c.field+`"`)
		})
	}
}

func TestBadArgumentsAreRefusedWithTheField(t *testing.T) {
	e, access := matrixSeed(t)
	_, pub := oneTimeKey(t)
	e.Must(e.request(patient1, 4, "rec-1", "patient-request"), nil)
	var page wire.AccessPage
	e.Must(e.Query(patient1, 10, "ListAccessLog", pt1, "", "1", ""), &page)
	require.NotEmpty(t, page.Bookmark)
	cases := []struct {
		name  string
		res   func() memstub.Result
		field string
	}{
		{"no anchor", func() memstub.Result { return e.submit(clerk, 10, nil, "Anchor") }, "anchor"},
		{"purpose", func() memstub.Result { return e.request(physician, 10, "rec-1", "curiosity") }, "purpose"},
		{"version", func() memstub.Result { return e.submit(physician, 10, nil, "RequestAccess", "rec-1", "7", "treatment") }, "version"},
		{"negative version", func() memstub.Result {
			return e.submit(physician, 10, nil, "RequestAccess", "rec-1", "-1", "treatment")
		}, "version"},
		{"id", func() memstub.Result { return e.request(physician, 10, "", "treatment") }, "id"},
		{"release access id", func() memstub.Result { return e.releaseKey(physician, at(10), "a b", "rec-1", "treatment", pub) }, "accessId"},
		{"release purpose", func() memstub.Result { return e.releaseKey(physician, at(10), access, "rec-1", "curiosity", pub) }, "purpose"},
		{"release key", func() memstub.Result { return e.releaseKey(physician, at(10), access, "rec-1", "treatment", "AAAA") }, "recipientKey"},
		{"sha256", func() memstub.Result { return e.Query(physician, 10, "Verify", "rec-1", "0", "xyz") }, "sha256"},
		{"verify version", func() memstub.Result { return e.Query(physician, 10, "Verify", "rec-1", "-3", hexSum(nil)) }, "version"},
		{"get version", func() memstub.Result { return e.Query(physician, 10, "Get", "rec-1", "9") }, "version"},
		{"public key", func() memstub.Result { return e.submit(provAdmin, 10, nil, "RegisterCustodianKey", "AAAA") }, "publicKey"},
		{"custodian key msp", func() memstub.Result { return e.Query(physician, 10, "GetCustodianKey", "not an msp") }, "mspId"},
		{"match subject", func() memstub.Result { return e.matchViaClaims(billing, 10, "rec-1", "a b") }, "subject"},
		{"log subject", func() memstub.Result { return e.Query(auditor, 10, "ListAccessLog", "a b", "", "10", "") }, "subject"},
		{"log order", func() memstub.Result { return e.Query(patient1, 10, "ListAccessLog", pt1, "up", "10", "") }, "order"},
		{"log page size", func() memstub.Result { return e.Query(patient1, 10, "ListAccessLog", pt1, "", "1000", "") }, "pageSize"},
		{"log bookmark", func() memstub.Result { return e.Query(patient1, 10, "ListAccessLog", pt1, "", "10", "%%%") }, "bookmark"},
		{"log bookmark of another list", func() memstub.Result {
			return e.Query(auditor, 10, "ListAccessLogByCustodian", "ProviderMSP", "", "10", page.Bookmark)
		}, "bookmark"},
		{"custodian msp", func() memstub.Result { return e.Query(auditor, 10, "ListAccessLogByCustodian", "a b", "", "10", "") }, "mspId"},
		{"history page size", func() memstub.Result { return e.Query(clerk, 10, "History", "rec-1", "-1", "") }, "pageSize"},
		{"history bookmark", func() memstub.Result { return e.Query(clerk, 10, "History", "rec-1", "0", "x") }, "bookmark"},
		{"subject list", func() memstub.Result { return e.Query(auditor, 10, "ListBySubject", "a b", "", "10", "") }, "subject"},
	}
	for _, c := range cases {
		before := e.Peer.Snapshot()
		e.Refused(before, c.res(), `INVALID_ARGUMENT: field "`+c.field+`"`)
	}
}

func FuzzAnchorInput(f *testing.F) {
	f.Add([]byte(`{"id":"r","subject":"s","type":"Observation","category":"labs","contentType":"text/plain","size":1,"plainCommitment":"` +
		strings.Repeat("a", 64) + `","cipherSha256":"` + strings.Repeat("b", 64) + `","location":"x","wrappedKey":"AQ=="}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in wire.AnchorInput
		if err := decodeAnchor(data, &in); err != nil {
			return
		}
		_, _ = validateAnchor(&in)
	})
}
