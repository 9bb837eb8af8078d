//go:build e2e

package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/carechain/carechain/chaincode/parts/wire"
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
