package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"

	"github.com/carechain/carechain/client/profile"
)

// grpcGateway is a gateway peer's gRPC service with scripted answers, so
// that the real fabric-gateway client runs against it in memory.
type grpcGateway struct {
	gwproto.UnimplementedGatewayServer
	mu                                        sync.Mutex
	endorseErr, submitErr, statusErr, evalErr error
	status                                    *gwproto.CommitStatusResponse
	submits                                   []*gwproto.SubmitRequest
	statusReqs                                []*gwproto.SignedCommitStatusRequest
}

func (g *grpcGateway) Endorse(_ context.Context, req *gwproto.EndorseRequest) (*gwproto.EndorseResponse, error) {
	if g.endorseErr != nil {
		return nil, g.endorseErr
	}
	env, err := endorsedEnvelope(req.GetProposedTransaction(), []byte("endorsed result"))
	if err != nil {
		return nil, err
	}
	return &gwproto.EndorseResponse{PreparedTransaction: env}, nil
}

func (g *grpcGateway) Submit(_ context.Context, req *gwproto.SubmitRequest) (*gwproto.SubmitResponse, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.submits = append(g.submits, req)
	if g.submitErr != nil {
		return nil, g.submitErr
	}
	return &gwproto.SubmitResponse{}, nil
}

func (g *grpcGateway) CommitStatus(_ context.Context, req *gwproto.SignedCommitStatusRequest) (*gwproto.CommitStatusResponse, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.statusReqs = append(g.statusReqs, req)
	if g.statusErr != nil {
		return nil, g.statusErr
	}
	return g.status, nil
}

func (g *grpcGateway) Evaluate(context.Context, *gwproto.EvaluateRequest) (*gwproto.EvaluateResponse, error) {
	if g.evalErr != nil {
		return nil, g.evalErr
	}
	return &gwproto.EvaluateResponse{Result: &peer.Response{Status: 200, Payload: []byte("evaluated")}}, nil
}

// endorsedEnvelope is the unsigned transaction a gateway returns for a
// proposal: the proposal's header, and an action whose response carries result.
func endorsedEnvelope(sp *peer.SignedProposal, result []byte) (*common.Envelope, error) {
	var prop peer.Proposal
	if err := proto.Unmarshal(sp.GetProposalBytes(), &prop); err != nil {
		return nil, err
	}
	var hdr common.Header
	if err := proto.Unmarshal(prop.GetHeader(), &hdr); err != nil {
		return nil, err
	}
	action := mustMarshal(&peer.ChaincodeAction{Response: &peer.Response{Status: 200, Payload: result}})
	prp := mustMarshal(&peer.ProposalResponsePayload{Extension: action})
	actionPayload := mustMarshal(&peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: prp}})
	tx := mustMarshal(&peer.Transaction{Actions: []*peer.TransactionAction{{Header: hdr.GetSignatureHeader(), Payload: actionPayload}}})
	return &common.Envelope{Payload: mustMarshal(&common.Payload{Header: &hdr, Data: tx})}, nil
}

func mustMarshal(m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// testIdentity is a self-signed X.509 identity of TestMSP and its key.
func testIdentity(t *testing.T) (*identity.X509Identity, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "user1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	id, err := identity.NewX509Identity("TestMSP", cert)
	require.NoError(t, err)
	return id, key
}

// startGateway serves g in memory and returns a fabricGateway on it.
func startGateway(t *testing.T, g *grpcGateway) (fabricGateway, *ecdsa.PrivateKey) {
	t.Helper()
	id, key := testIdentity(t)
	return startGatewayAs(t, g, id, key), key
}

// startGatewayAs serves g in memory and connects to it as id.
func startGatewayAs(t *testing.T, g *grpcGateway, id *identity.X509Identity, key *ecdsa.PrivateKey) fabricGateway {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer()
	gwproto.RegisterGatewayServer(srv, g)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	sign, err := identity.NewPrivateKeySign(key)
	require.NoError(t, err)
	gw, err := client.Connect(id, client.WithSign(sign), client.WithClientConnection(conn))
	require.NoError(t, err)
	t.Cleanup(func() { _ = gw.Close() })
	return fabricGateway{gw: gw, timeouts: timeouts{evaluate: time.Second, endorse: time.Second, submit: time.Second}}
}

var testCall = Call{Channel: "care", Chaincode: "baseline", Function: "Put", Args: []string{"k", "v"}}

func endorsed(t *testing.T, f fabricGateway) transaction {
	t.Helper()
	p, err := f.propose(testCall)
	require.NoError(t, err)
	tx, err := p.endorse(context.Background())
	require.NoError(t, err)
	require.Equal(t, p.txID(), tx.txID())
	return tx
}

func TestFabricGatewayResubmitsTheSameSignedTransaction(t *testing.T) {
	g := &grpcGateway{}
	f, _ := startGateway(t, g)
	tx := endorsed(t, f)
	assert.Equal(t, []byte("endorsed result"), tx.result())
	require.NoError(t, tx.submit(context.Background()))
	require.NoError(t, tx.submit(context.Background()))

	require.Len(t, g.submits, 2)
	first, second := g.submits[0], g.submits[1]
	assert.Equal(t, tx.txID(), first.GetTransactionId())
	assert.Equal(t, first.GetTransactionId(), second.GetTransactionId())
	assert.NotEmpty(t, first.GetPreparedTransaction().GetSignature())
	assert.True(t, proto.Equal(first.GetPreparedTransaction(), second.GetPreparedTransaction()),
		"a resubmit must send the same signed envelope")
}

func TestFabricGatewayCommitStatusOfAnyTxID(t *testing.T) {
	g := &grpcGateway{status: &gwproto.CommitStatusResponse{Result: peer.TxValidationCode_MVCC_READ_CONFLICT, BlockNumber: 7}}
	f, key := startGateway(t, g)
	st, err := f.commitStatus(context.Background(), "care", "some-tx")
	require.NoError(t, err)
	assert.Equal(t, txStatus{code: peer.TxValidationCode_MVCC_READ_CONFLICT, block: 7}, st)

	require.Len(t, g.statusReqs, 1)
	signed := g.statusReqs[0]
	var req gwproto.CommitStatusRequest
	require.NoError(t, proto.Unmarshal(signed.GetRequest(), &req))
	assert.Equal(t, "care", req.GetChannelId())
	assert.Equal(t, "some-tx", req.GetTransactionId())
	var creator msp.SerializedIdentity
	require.NoError(t, proto.Unmarshal(req.GetIdentity(), &creator))
	assert.Equal(t, "TestMSP", creator.GetMspid())
	digest := sha256.Sum256(signed.GetRequest())
	assert.True(t, ecdsa.VerifyASN1(&key.PublicKey, digest[:], signed.GetSignature()), "the request is signed by the session's key")
}

func TestFabricGatewaySubmitWithSession(t *testing.T) {
	g := &grpcGateway{status: &gwproto.CommitStatusResponse{Result: peer.TxValidationCode_VALID, BlockNumber: 3}}
	f, _ := startGateway(t, g)
	s := sessionOn(t, testRetry, []*gateway{{peer: profile.GatewayPeer{Node: profile.Node{ID: "bufnet"}, MSPID: "TestMSP"}, api: f}})
	res, err := s.Submit(context.Background(), testCall)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), res.Block)
	assert.Equal(t, []byte("endorsed result"), res.Payload)
	require.Len(t, g.submits, 1)
	assert.Equal(t, g.submits[0].GetTransactionId(), res.TxID)

	ev, err := s.Evaluate(context.Background(), testCall)
	require.NoError(t, err)
	assert.Equal(t, []byte("evaluated"), ev.Payload)
}

// A transaction sent through one gateway and sent again through another
// is the same signed envelope: same id, same signature.
func TestFabricGatewayResumeSendsTheSameSignedTransactionElsewhere(t *testing.T) {
	id, key := testIdentity(t)
	a := &grpcGateway{submitErr: status.Error(codes.Unavailable, "connection reset by peer")}
	b := &grpcGateway{}
	fa, fb := startGatewayAs(t, a, id, key), startGatewayAs(t, b, id, key)
	tx := endorsed(t, fa)
	_, err := fb.resume(tx)
	assert.ErrorContains(t, err, "not signed yet", "an unsent transaction must not be signed anew elsewhere")

	require.Error(t, tx.submit(context.Background()))
	moved, err := fb.resume(tx)
	require.NoError(t, err)
	assert.Equal(t, tx.txID(), moved.txID())
	assert.Equal(t, tx.result(), moved.result())
	require.NoError(t, moved.submit(context.Background()))

	require.Len(t, a.submits, 1)
	require.Len(t, b.submits, 1)
	assert.Equal(t, a.submits[0].GetTransactionId(), b.submits[0].GetTransactionId())
	assert.NotEmpty(t, b.submits[0].GetPreparedTransaction().GetSignature())
	assert.True(t, proto.Equal(a.submits[0].GetPreparedTransaction(), b.submits[0].GetPreparedTransaction()),
		"the next gateway must get the same signed envelope")
}

// A session whose first gateway is unreachable endorses, submits and asks
// the status through the next one; the first got no transaction.
func TestFabricGatewaySessionFailsOver(t *testing.T) {
	id, key := testIdentity(t)
	a := &grpcGateway{endorseErr: status.Error(codes.Unavailable, "connection refused")}
	b := &grpcGateway{status: &gwproto.CommitStatusResponse{Result: peer.TxValidationCode_VALID, BlockNumber: 4}}
	list := []*gateway{
		{peer: profile.GatewayPeer{Node: profile.Node{ID: "a"}, MSPID: "ProviderMSP"}, api: startGatewayAs(t, a, id, key)},
		{peer: profile.GatewayPeer{Node: profile.Node{ID: "b"}, MSPID: "PayerMSP"}, api: startGatewayAs(t, b, id, key)},
	}
	// a stays passed over for the whole call: with the tests' 10 ms
	// failback it came back for the status request, whose empty answer
	// (the fake knows no status) read as VALID in block 0.
	s := sessionOn(t, testRetry, list, WithFailback(time.Minute))
	res, err := s.Submit(context.Background(), testCall)
	require.NoError(t, err)
	assert.Equal(t, uint64(4), res.Block)
	assert.Equal(t, 2, res.Attempts, "a new proposal after a failed endorsement")
	assert.Empty(t, a.submits)
	require.Len(t, b.submits, 1)
	assert.Equal(t, res.TxID, b.submits[0].GetTransactionId())
	require.Len(t, b.statusReqs, 1)
}
