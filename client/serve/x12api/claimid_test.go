package x12api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/x12"
)

var claimIDKey = base64.StdEncoding.EncodeToString([]byte("x12api tests: 32 bytes of claim id key"))

func keyedServer(f *fakeClaims, key string) *serve.Server {
	d := directory
	d.ClaimIDKey = key
	api := New(f, WithDirectory(d), WithClock(func() time.Time { return at2007 }))
	return serve.New(serve.WithRoutes("/x12", api.Routes()...))
}

// With a claim id key, a claim's public id is a keyed hash of its patient
// control number, the same each time the claim is sent (a call happens
// once), and CLM01 stays in the claim's private input as its business
// identifier; another key makes another id.
func TestPost837WithAKeyKeepsThePatientControlNumberPrivate(t *testing.T) {
	f := &fakeClaims{}
	for i := 0; i < 2; i++ {
		w := do(t, keyedServer(f, claimIDKey), http.MethodPost, "/x12/837", MediaX12, twoClaims())
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		var res SubmitResponse
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &res))
		require.Equal(t, "26463774", res.Claims[0].ClaimID, "the result names the claim as the provider does")
		require.Equal(t, f.submitted[i].ID, res.Claims[0].Receipt.ID)
	}
	got := f.submitted[0]
	require.True(t, strings.HasPrefix(got.ID, "pcn-"), got.ID)
	require.Len(t, got.ID, 36)
	require.NotContains(t, got.ID, "26463774")
	require.Equal(t, got.ID, f.submitted[1].ID, "the same claim sent again has the same id")
	require.Equal(t, []cl.Identifier{{System: x12.SystemPCN, Value: "26463774"}}, got.Identifiers)

	other := &fakeClaims{}
	key2 := base64.StdEncoding.EncodeToString([]byte("another integration's 32-byte key!!"))
	require.Equal(t, http.StatusOK, do(t, keyedServer(other, key2), http.MethodPost, "/x12/837", MediaX12, twoClaims()).Code)
	require.NotEqual(t, got.ID, other.submitted[0].ID)
}

// The 835 of a claim whose id was made from CLM01 echoes CLM01 in CLP01
// (and the carechain id in CLP07), asked by either.
func TestGet835WithAKeyEchoesThePatientControlNumber(t *testing.T) {
	f := &fakeClaims{}
	require.Equal(t, http.StatusOK, do(t, keyedServer(f, claimIDKey), http.MethodPost, "/x12/837", MediaX12, twoClaims()).Code)
	id := f.submitted[0].ID
	paid := paidClaim()
	rem := paid.remits["26463774"]
	rem.Claim = id
	f.claims = map[string]*cl.Claim{id: {Input: f.submitted[0]}}
	f.remits = map[string]*cl.Remittance{id: rem}
	for _, asked := range []string{id, "26463774"} {
		w := do(t, keyedServer(f, claimIDKey), http.MethodGet, "/x12/835/"+asked, "", "")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		r, err := x12.Parse835(w.Body.Bytes())
		require.NoError(t, err)
		require.Equal(t, "26463774", r.Claims[0].ID, "CLP01 is the provider's CLM01")
		require.Contains(t, w.Body.String(), "*ZZ*"+id+"~", "CLP07 is carechain's claim id")
	}
}

func TestDirectoryRefusesAShortOrBadKey(t *testing.T) {
	for _, key := range []string{"c2hvcnQ=", "not base64!"} {
		d := directory
		d.ClaimIDKey = key
		require.Error(t, d.Check(), key)
		w := do(t, keyedServer(&fakeClaims{}, key), http.MethodPost, "/x12/837", MediaX12, twoClaims())
		require.Equal(t, http.StatusInternalServerError, w.Code)
	}
	require.NoError(t, directory.Check(), "no key: CLM01 is the id")
	d := directory
	d.ClaimIDKey = claimIDKey
	require.NoError(t, d.Check())
}
