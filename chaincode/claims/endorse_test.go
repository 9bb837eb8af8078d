package claims

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// endorseOn simulates tx on the peer of each org in turn (same committed
// state, same transaction id) and returns their endorsements.
func (e *env) endorseOn(tx memstub.Tx, orgs ...string) []memstub.Endorsement {
	e.T.Helper()
	defer e.Peer.SetMSP("ProviderMSP")
	out := make([]memstub.Endorsement, 0, len(orgs))
	for _, org := range orgs {
		e.Peer.SetMSP(org)
		out = append(out, e.Peer.Simulate(tx).Endorsement())
	}
	return out
}

// Submit is endorsed by the provider's and the payer's peers: on the same
// committed state, both sign the same response, read set and write set
// (else the gateway refuses it as ENDORSEMENT_MISMATCH) — for a new claim
// that is adjudicated, one that pends on its coverage, and one that
// cites a record and follows an earlier claim of the patient's day.
func TestSubmitEndorsementsAgree(t *testing.T) {
	e := newEnv(t)
	e.submitClaim(1, office("clm-0"))
	later := onDay(office("clm-x"), "2026-06-10")
	later.Items = later.Items[:1]
	later.Items[0].Code, later.Items[0].Modifiers = "70553", nil
	later.TotalCents = later.Items[0].NetCents
	noCoverage := onDay(office("clm-y"), "2026-06-12")
	noCoverage.Coverage = "cov-none"
	for _, in := range []wire.ClaimInput{onDay(office("clm-a"), "2026-06-11"), noCoverage, later} {
		tx := memstub.Tx{Chaincode: "claims", Identity: billing, Time: at(2), TxID: "tx-" + in.ID, Endorsers: []string{"ProviderMSP", "PayerMSP"},
			Transient: map[string][]byte{wire.TransientClaim: cctest.JSON(in)}, Args: [][]byte{[]byte("Submit")}}
		got := e.endorseOn(tx, "ProviderMSP", "PayerMSP")
		require.Less(t, got[0].Status, int32(400), "%s: %s", in.ID, got[0].Message)
		require.NotEmpty(t, got[0].Writes, in.ID)
		require.Equal(t, got[0], got[1], "%s: the provider's and the payer's peers endorse differently", in.ID)
	}
}
