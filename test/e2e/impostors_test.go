//go:build e2e

package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	claimcc "github.com/carechain/carechain/chaincode/claims/wire"
	consentcc "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/parts/wire"
	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	rc "github.com/carechain/carechain/chaincode/records/wire"
	cc "github.com/carechain/carechain/client"
)

// stamped is a call whose transaction timestamp the caller chooses, as any
// client can (Fabric takes the proposal's timestamp from the client): the
// proposal is built, its timestamp rewritten and then signed offline.
type stamped struct {
	Channel, Chaincode, Function string
	Args                         []string
	Transient                    map[string][]byte
	At                           time.Time
}

// submitStamped endorses and submits the call as the session's user and
// waits for its commit; it returns the first error (endorsement refused,
// or the commit's validation code).
func submitStamped(t *testing.T, s *cc.Session, call stamped) error {
	t.Helper()
	conn, err := cc.NewPool().Conn(s.Peer)
	require.NoError(t, err)
	gw, err := client.Connect(s.Identity.ID, client.WithClientConnection(conn))
	require.NoError(t, err)
	defer gw.Close()
	contract := gw.GetNetwork(call.Channel).GetContract(call.Chaincode)
	unsigned, err := contract.NewProposal(call.Function, client.WithArguments(call.Args...), client.WithTransient(call.Transient))
	require.NoError(t, err)
	raw, err := unsigned.Bytes()
	require.NoError(t, err)
	restamped, digest := restamp(t, raw, call.At)
	sig, err := s.Identity.Sign(digest)
	require.NoError(t, err)
	proposal, err := gw.NewSignedProposal(restamped, sig)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	unsignedTx, err := proposal.EndorseWithContext(ctx)
	if err != nil {
		return err
	}
	txBytes, err := unsignedTx.Bytes()
	require.NoError(t, err)
	txSig, err := s.Identity.Sign(unsignedTx.Digest())
	require.NoError(t, err)
	tx, err := gw.NewSignedTransaction(txBytes, txSig)
	require.NoError(t, err)
	commit, err := tx.SubmitWithContext(ctx)
	if err != nil {
		return err
	}
	status, err := commit.StatusWithContext(ctx)
	if err != nil {
		return err
	}
	if !status.Successful {
		return &client.CommitError{TransactionID: status.TransactionID, Code: status.Code}
	}
	return nil
}

// restamp sets the channel header's timestamp of a serialized proposed
// transaction and returns it with the digest to sign.
func restamp(t *testing.T, raw []byte, at time.Time) ([]byte, []byte) {
	var pt gateway.ProposedTransaction
	require.NoError(t, proto.Unmarshal(raw, &pt))
	var prop peer.Proposal
	require.NoError(t, proto.Unmarshal(pt.GetProposal().GetProposalBytes(), &prop))
	var hdr common.Header
	require.NoError(t, proto.Unmarshal(prop.GetHeader(), &hdr))
	var ch common.ChannelHeader
	require.NoError(t, proto.Unmarshal(hdr.GetChannelHeader(), &ch))
	ch.Timestamp = timestamppb.New(at)
	var err error
	hdr.ChannelHeader, err = proto.Marshal(&ch)
	require.NoError(t, err)
	prop.Header, err = proto.Marshal(&hdr)
	require.NoError(t, err)
	pt.Proposal.ProposalBytes, err = proto.Marshal(&prop)
	require.NoError(t, err)
	out, err := proto.Marshal(&pt)
	require.NoError(t, err)
	sum := sha256.Sum256(pt.Proposal.ProposalBytes)
	return out, sum[:]
}

// The parts registry is bootstrapped from the topology on both channels,
// with each org's CA certificate, and only a majority's admins change it.
func TestPartsRegistryIsTheTopologys(t *testing.T) {
	ctx := context.Background()
	for channel, want := range map[string][]string{
		"care":   {"PatientsMSP", "PayerMSP", "ProviderMSP", "RegulatorMSP"},
		"supply": {"DistributorMSP", "ManufacturerMSP", "ProviderMSP", "RegulatorMSP"},
	} {
		res, err := session(t, "regulator", "auditor1").Evaluate(ctx, cc.Call{Channel: channel, Chaincode: wire.Chaincode, Function: wire.FnList})
		require.NoError(t, err)
		var r wire.Registry
		require.NoError(t, json.Unmarshal(res.Payload, &r))
		var got []string
		for _, o := range r.Orgs {
			got = append(got, o.MSPID)
			require.Len(t, o.RootCerts, 1, "%s on %s carries its CA certificate", o.MSPID, channel)
		}
		require.Equal(t, want, got, channel)
	}
	// One admin alone changes nothing: a proposal stays open.
	change := `{"set":{"mspId":"ProviderMSP","name":"provider","parts":["payer","pharmacy","provider"],"peer":true}}`
	res, err := session(t, "provider", "admin").Submit(ctx, cc.Call{Channel: "care", Chaincode: wire.Chaincode, Function: wire.FnPropose, Args: []string{change}})
	require.NoError(t, err)
	var p wire.Proposal
	require.NoError(t, json.Unmarshal(res.Payload, &p))
	require.Equal(t, wire.ProposalOpen, p.Status)
}

// A transaction stamped far from the endorsing peers' clocks is refused,
// whatever it does.
func TestForwardAndBackdatedTransactionsAreRefused(t *testing.T) {
	s := session(t, "provider", "admin")
	for _, at := range []time.Time{time.Now().Add(365 * 24 * time.Hour), time.Now().Add(-30 * 24 * time.Hour)} {
		err := submitStamped(t, s, stamped{Channel: "care", Chaincode: wire.Chaincode, Function: wire.FnPropose,
			Args: []string{`{"remove":"RegulatorMSP"}`}, At: at})
		require.ErrorContains(t, err, `field "timestamp"`, "stamped %s", at)
	}
}

// refusedAs asserts a typed client error with code.
func refusedAs(t *testing.T, err error, code cc.Code, what string) {
	t.Helper()
	var e *cc.Error
	require.ErrorAs(t, err, &e, what)
	require.Equal(t, code, e.Code, "%s: %v", what, err)
}

// An org's CA can mint any role; the role counts only with the org's part.
func TestImpostorsAreRefused(t *testing.T) {
	ctx := context.Background()
	breakGlass, err := json.Marshal(map[string]any{"subject": "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3", "reason": "e2e impostor",
		"minutes": 30, "purpose": []string{"emergency"}, "class": []string{"psychiatry"}})
	require.NoError(t, err)
	for _, c := range []struct {
		org, user string
		call      cc.Call
	}{
		{"provider", "impostor-adjudicator", cc.Call{Chaincode: claimcc.Chaincode, Function: claimcc.FnSetRules,
			Transient: map[string][]byte{"rules": []byte(`{"plan":"gold","allowed":{"99213":99999999}}`)}}},
		{"provider", "impostor-enrollment", cc.Call{Chaincode: claimcc.Chaincode, Function: claimcc.FnRegisterCoverage,
			Transient: map[string][]byte{"coverage": []byte(`{"id":"cov-impostor","member":"pt-x","plan":"gold","period":{"start":"2026-01-01","end":"2026-12-31"}}`)}}},
		{"provider", "impostor-enrollment", cc.Call{Chaincode: claimcc.Chaincode, Function: claimcc.FnSetSalt,
			Transient: map[string][]byte{"salt": []byte(`{"salt":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`)}}},
		{"payer", "impostor-physician", cc.Call{Chaincode: consentcc.Chaincode, Function: consentcc.FnBreakGlass,
			Transient: map[string][]byte{"breakglass": breakGlass}}},
		{"payer", "impostor-physician", cc.Call{Chaincode: rc.Chaincode, Function: rc.FnRequestAccess, Args: []string{"rec-impostor", "1", "treatment"}}},
	} {
		c.call.Channel = "care"
		_, err := session(t, c.org, c.user).Submit(ctx, c.call)
		refusedAs(t, err, cc.CodeForbidden, c.org+"/"+c.user+" "+c.call.Function)
	}
}

// A break-glass stamped a year ahead (to be open "now" for a year) is
// refused by the endorsing peers' clocks.
func TestForwardDatedBreakGlassIsRefused(t *testing.T) {
	in, err := json.Marshal(map[string]any{"subject": "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3", "reason": "e2e forward-dated",
		"minutes": 1, "purpose": []string{"emergency"}, "class": []string{"labs"}})
	require.NoError(t, err)
	err = submitStamped(t, session(t, "provider", "physician1"), stamped{Channel: "care", Chaincode: consentcc.Chaincode, Function: consentcc.FnBreakGlass,
		Transient: map[string][]byte{"breakglass": in}, At: time.Now().Add(365 * 24 * time.Hour)})
	require.ErrorContains(t, err, `field "timestamp"`)
}

// A unit belongs to its owner: changing it with the endorsements of two
// other orgs (which satisfy the chaincode's own policy) fails validation;
// the same change endorsed as the gateway plans it commits.
func TestChangingAnotherOrgsItemFailsValidation(t *testing.T) {
	ctx := context.Background()
	const gtin = "10614141123459"
	run := time.Now().UnixNano()
	lot := fmt.Sprintf("SBE-%d", run%1_000_000_000)
	serial := fmt.Sprintf("SBE%09d", run%1_000_000_000)
	registrar := drugsAs(t, "regulator", "registrar1")
	for _, m := range []string{"ManufacturerMSP", "DistributorMSP", "ProviderMSP"} {
		_, err := registrar.RegisterPartner(ctx, pv.Partner{MSPID: m, Name: m, License: "LIC-" + m, GLN: "0614141000012",
			ValidFrom: "2026-01-01", ValidTo: "2030-12-31"})
		require.NoError(t, err)
	}
	quality := drugsAs(t, "manufacturer", "quality1")
	_, err := quality.RegisterProduct(ctx, pv.Product{GTIN: gtin, Name: "Amoxicillin", Strength: "500 mg", DosageForm: "capsule",
		NDC: "0093-3109", MinTenthC: 20, MaxTenthC: 250})
	if err != nil {
		refusedAs(t, err, cc.CodeConflict, "product registered earlier")
	}
	_, err = quality.CreateBatch(ctx, gtin, lot, "2028-12-31")
	require.NoError(t, err)
	_, _, err = quality.Commission(ctx, gtin, lot, []string{serial}, nil)
	require.NoError(t, err)

	owner := session(t, "manufacturer", "quality1")
	suspect := cc.Call{Channel: "supply", Chaincode: pv.Chaincode, Function: pv.FnSuspect, Args: []string{pv.SGTIN(gtin, serial), "e2e: forged endorsers"},
		Endorsers: []string{"DistributorMSP", "RegulatorMSP"}}
	// The gateway waits for its own peer only: until the two other orgs'
	// peers have committed the commissioning they answer NOT_FOUND, which
	// is refused at endorsement (nothing ordered), so asking again is safe.
	deadline := time.Now().Add(15 * time.Second)
	for _, err = owner.Submit(ctx, suspect); cc.CodeOf(err) == cc.CodeNotFound && time.Now().Before(deadline); _, err = owner.Submit(ctx, suspect) {
		time.Sleep(200 * time.Millisecond)
	}
	refusedAs(t, err, cc.CodeEndorsementPolicy, "a change endorsed by two orgs that do not own the unit")

	suspect.Endorsers = nil
	_, err = owner.Submit(ctx, suspect)
	require.NoError(t, err, "the control: endorsed as the gateway plans it, with the owner's peer")
}
