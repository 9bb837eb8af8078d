package client

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"

	"github.com/carechain/carechain/client/profile"
)

// three gateways in front of one orderer: the session's own org's peer,
// another member's, and a second peer of the session's org.
func threeGateways(scripts ...map[step][]fault) (own, other, own2 *fakeGateway) {
	o := newOrderer(0)
	for len(scripts) < 3 {
		scripts = append(scripts, nil)
	}
	return o.gateway("peer0.provider", "ProviderMSP", scripts[0]),
		o.gateway("peer0.payer", "PayerMSP", scripts[1]),
		o.gateway("peer1.provider", "ProviderMSP", scripts[2])
}

var putCall = Call{Channel: "care", Chaincode: "cc", Function: "Put", Args: []string{"k", "v"}}

var phiCall = Call{Channel: "care", Chaincode: "records", Function: "Store",
	Transient: map[string][]byte{"document": []byte("discharge letter")}}

// steps lists the steps of a gateway's requests, with their transaction ids.
func steps(f *fakeGateway) []string {
	var out []string
	for _, r := range f.got() {
		out = append(out, fmt.Sprintf("%s %s", r.step, r.txID))
	}
	return out
}

func TestEvaluateFailsOverAndComesBack(t *testing.T) {
	own, other, _ := threeGateways()
	s := fakeSession(t, testRetry, []*fakeGateway{own, other})
	clock := time.Unix(1000, 0)
	s.gws.now = func() time.Time { return clock }

	own.setDead(true)
	res, err := s.Evaluate(context.Background(), putCall)
	require.NoError(t, err)
	assert.Equal(t, "answer from peer0.payer", string(res.Payload))
	assert.Equal(t, 2, res.Attempts, "one try on the lost gateway, then the next")

	// Lost: the next calls go to the next gateway at once, not to the dead one.
	before := len(own.got())
	for i := 0; i < 3; i++ {
		res, err = s.Evaluate(context.Background(), putCall)
		require.NoError(t, err)
		assert.Equal(t, 1, res.Attempts)
	}
	assert.Len(t, own.got(), before, "a lost gateway is passed over")

	// Back after the failback pause: the org's own gateway again.
	own.setDead(false)
	clock = clock.Add(10 * time.Millisecond)
	res, err = s.Evaluate(context.Background(), putCall)
	require.NoError(t, err)
	assert.Equal(t, "answer from peer0.provider", string(res.Payload))
}

func TestLossesDoubleThePauseAndCountOncePerPause(t *testing.T) {
	own, other, _ := threeGateways()
	s := fakeSession(t, testRetry, []*fakeGateway{own, other})
	clock := time.Unix(1000, 0)
	gws := s.gws
	gws.now = func() time.Time { return clock }
	g := gws.list[0]
	refused := classify(status.Error(codes.Unavailable, "connection error: connection refused"), "")
	lostNow := func() { gws.observe(context.Background(), g, refused) }

	for i := 0; i < 5; i++ { // requests failing together on a dying gateway
		lostNow()
	}
	assert.Equal(t, 1, g.losses)
	assert.Equal(t, clock.Add(10*time.Millisecond), g.skipUntil)

	clock = clock.Add(10 * time.Millisecond)
	lostNow() // tried again, lost again
	assert.Equal(t, 2, g.losses)
	assert.Equal(t, clock.Add(20*time.Millisecond), g.skipUntil)
	for i := 0; i < 10; i++ {
		clock = g.skipUntil
		lostNow()
	}
	assert.Equal(t, clock.Add(160*time.Millisecond), g.skipUntil, "at most 16 times the failback")

	gws.observe(context.Background(), g, nil)
	assert.Zero(t, g.losses)
	picked, err := gws.pick(putCall)
	require.NoError(t, err)
	assert.Same(t, g, picked)

	// A deadline of the caller's is not the gateway's loss; its own is.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gws.observe(ctx, g, &Error{Code: CodeTimeout})
	assert.Zero(t, g.losses)
	gws.observe(context.Background(), g, &Error{Code: CodeTimeout})
	assert.Equal(t, 1, g.losses)
	gws.observe(context.Background(), gws.list[1], &Error{Code: CodeConflict})
	assert.Zero(t, gws.list[1].losses, "a chaincode's answer says the gateway works")
}

// Only the gateway's own failure moves calls: an outage it relays from
// the orderers or endorsers behind it does not.
func TestWhatLosesAGateway(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		err  error
		lost bool
	}{
		{status.Error(codes.Unavailable, "connection error: desc = transport: error while dialing: connection refused"), true},
		{status.Error(codes.Unavailable, "error reading from server: EOF"), true},
		{status.Error(codes.DeadlineExceeded, "context deadline exceeded"), true},
		{withDetails(codes.Unavailable, "no orderers could successfully process transaction",
			"received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=no Raft leader"), false},
		{withDetails(codes.Unavailable, "failed to endorse transaction", "rpc error: code = Unavailable desc = peer0.payer is down"), false},
		{withDetails(codes.Unavailable, "failed to collect enough transaction endorsements",
			"no combination of peers can be derived which satisfy the endorsement policy"), true},
		{status.Error(codes.Aborted, "MVCC"), false},
		{status.Error(codes.PermissionDenied, "access denied"), false},
	} {
		assert.Equal(t, tt.lost, lostBy(ctx, classify(tt.err, "")), "%v", tt.err)
	}
}

func TestAFailingConnectionIsPassedOver(t *testing.T) {
	own, other, _ := threeGateways()
	s := fakeSession(t, testRetry, []*fakeGateway{own, other})
	state := connectivity.TransientFailure
	s.gws.list[0].state = func() connectivity.State { return state }
	res, err := s.Evaluate(context.Background(), putCall)
	require.NoError(t, err)
	assert.Equal(t, "answer from peer0.payer", string(res.Payload))
	assert.Empty(t, own.got(), "not even tried while gRPC waits out a failed connect")
	state = connectivity.Ready
	res, err = s.Evaluate(context.Background(), putCall)
	require.NoError(t, err)
	assert.Equal(t, "answer from peer0.provider", string(res.Payload))
}

func TestGatewaysOnlyForTheCallsChannel(t *testing.T) {
	own, other, _ := threeGateways()
	s := fakeSession(t, testRetry, []*fakeGateway{own, other})
	s.gws.list[1].peer.Channels = []string{"supply"}
	own.setDead(true)
	_, err := s.Evaluate(context.Background(), putCall)
	assert.ErrorIs(t, err, ErrUnavailable)
	assert.Empty(t, other.got(), "peer0.payer does not serve care to this org")

	// No gateway serves the channel by the profile: the first one answers.
	s.gws.list[0].peer.Channels = []string{"supply"}
	own.setDead(false)
	_, err = s.Evaluate(context.Background(), Call{Channel: "elsewhere"})
	require.NoError(t, err)
}

func TestAGatewayThatCannotBeOpenedIsSkipped(t *testing.T) {
	own, other, _ := threeGateways()
	s := fakeSession(t, testRetry, []*fakeGateway{own, other})
	s.gws.list[0].api = nil
	s.gws.list[0].open = func() (gatewayAPI, func() connectivity.State, error) {
		return nil, nil, fmt.Errorf("TLS root of peer0.provider: no such file")
	}
	res, err := s.Evaluate(context.Background(), putCall)
	require.NoError(t, err)
	assert.Equal(t, "answer from peer0.payer", string(res.Payload))

	s = fakeSession(t, testRetry, []*fakeGateway{own})
	s.gws.list[0].api = nil
	s.gws.list[0].open = func() (gatewayAPI, func() connectivity.State, error) { return nil, nil, fmt.Errorf("no such file") }
	_, err = s.Evaluate(context.Background(), putCall)
	assert.ErrorIs(t, err, ErrUnavailable)
	assert.ErrorContains(t, err, "no gateway peer")
}

// failoverCase is a Submit across gateways and what must come of it.
type failoverCase struct {
	name string
	// scripts of the own gateway and the other member's; the own one dies
	// after its scripted faults when kill is set.
	own, other map[step][]fault
	kill       bool
	// what the call reports, and what happened
	wantTxID, wantCode string
	wantBuilt          int
	wantOnOther        []string // the other gateway's requests
}

var failoverCases = []failoverCase{
	{name: "lost before endorsing: a new proposal on the next gateway", kill: true,
		wantTxID: "tx2", wantBuilt: 2, wantOnOther: []string{"endorse tx2", "submit tx2", "status tx2"}},
	{name: "endorsement mismatch is not a lost gateway: a new proposal on the same",
		own: map[step][]fault{stepEndorse: {mismatch}}, wantTxID: "tx2", wantBuilt: 2},
	{name: "submit refused by a dying gateway: the same transaction through the next at once",
		own: map[step][]fault{stepSubmit: {down}}, kill: true,
		wantTxID: "tx1", wantBuilt: 1, wantOnOther: []string{"submit tx1", "status tx1"}},
	{name: "ordered, the reply lost, the gateway gone: sent again through the next, a copy without effect",
		own: map[step][]fault{stepSubmit: {lostReply}}, kill: true,
		wantTxID: "tx1", wantBuilt: 1, wantOnOther: []string{"submit tx1", "status tx1"}},
	{name: "accepted, then the gateway died and the orderer lost it: sent again through the next",
		own: map[step][]fault{stepSubmit: {dropped}, stepStatus: {down}}, kill: true,
		wantTxID: "tx1", wantBuilt: 1, wantOnOther: []string{"status tx1", "submit tx1", "status tx1"}},
	{name: "the next gateway answers a duplicate, then its status is slow: sent again there",
		own: map[step][]fault{stepSubmit: {lostReply}}, other: map[step][]fault{stepStatus: {hang}, stepSubmit: {duplicateReply}}, kill: true,
		wantTxID: "tx1", wantBuilt: 1, wantOnOther: []string{"submit tx1", "status tx1", "submit tx1", "status tx1"}},
	{name: "both lost once: the one lost longest ago is tried again first",
		own: map[step][]fault{stepSubmit: {lostReply}}, other: map[step][]fault{stepStatus: {down}}, kill: true,
		wantTxID: "tx1", wantBuilt: 1, wantOnOther: []string{"submit tx1", "status tx1", "status tx1"}},
	{name: "every gateway lost after the send: COMMIT_UNKNOWN, never a second transaction",
		own: map[step][]fault{stepSubmit: {down}}, other: map[step][]fault{stepStatus: times(down, 20), stepSubmit: times(down, 20)}, kill: true,
		wantTxID: "tx1", wantCode: string(CodeCommitUnknown), wantBuilt: 1},
}

func TestSubmitFailover(t *testing.T) {
	for _, tt := range failoverCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t)
		})
	}
}

func (tt failoverCase) check(t *testing.T) {
	own, other, _ := threeGateways(tt.own, tt.other)
	if tt.kill {
		own.script[stepStatus] = append(own.script[stepStatus], times(down, 50)...)
		own.script[stepSubmit] = append(own.script[stepSubmit], times(down, 50)...)
		if len(tt.own[stepSubmit]) == 0 {
			own.setDead(true)
		}
	}
	s := fakeSession(t, testRetry, []*fakeGateway{own, other}, WithFailback(time.Minute))
	res, err := s.Submit(context.Background(), putCall)

	assert.Len(t, own.built, tt.wantBuilt, "transactions built")
	assertOneAtATime(t, own.fakeOrderer)
	assertSameSignature(t, own.fakeOrderer)
	if tt.wantOnOther != nil {
		assert.Equal(t, tt.wantOnOther, steps(other))
	}
	if tt.wantCode != "" {
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, tt.wantCode, string(e.Code), "%v", err)
		assert.Equal(t, tt.wantTxID, e.TxID)
		assert.LessOrEqual(t, own.valid(), 1)
		return
	}
	require.NoError(t, err)
	assert.Equal(t, tt.wantTxID, res.TxID)
	assert.Equal(t, 1, own.valid(), "the call took effect once")
}

// assertSameSignature: every send of a transaction carried one signature,
// whichever gateway it went through.
func assertSameSignature(t *testing.T, o *fakeOrderer) {
	t.Helper()
	for id, sigs := range o.signatures {
		assert.Len(t, sigs, 1, "%s was sent with %d signatures", id, len(sigs))
	}
}

// The first rule of the domain, at the gateway: a call that carries
// transient data reaches only the gateways of the session's org (and of
// orgs it allowed), whatever fails.
func TestTransientCallNeverReachesAForeignGateway(t *testing.T) {
	cases := []struct {
		name       string
		own        map[step][]fault
		dead       bool
		wantCode   Code
		wantServer string
	}{
		{name: "own gateway dead", dead: true, wantCode: CodeUnavailable},
		{name: "dies after the send", own: map[step][]fault{stepSubmit: {down}, stepStatus: times(down, 50)}, wantCode: CodeCommitUnknown},
		{name: "the reply lost and status down", own: map[step][]fault{stepSubmit: {lostReply}, stepStatus: times(down, 50)}, wantCode: CodeCommitUnknown},
		{name: "the second peer of the org takes it", own: map[step][]fault{stepSubmit: {down}, stepStatus: times(down, 50)}, wantServer: "peer1.provider"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			own, other, own2 := threeGateways(tt.own)
			own.setDead(tt.dead)
			list := []*fakeGateway{own, other}
			if tt.wantServer != "" {
				list = append(list, own2)
			}
			s := fakeSession(t, testRetry, list, WithFailback(time.Minute))
			_, serr := s.Submit(context.Background(), phiCall)
			_, eerr := s.Evaluate(context.Background(), phiCall)
			assert.Empty(t, other.got(), "the foreign gateway got requests of a transient call")
			if tt.wantCode != "" {
				assert.Equal(t, tt.wantCode, CodeOf(serr), "%v", serr)
				return
			}
			require.NoError(t, serr)
			assert.NotEmpty(t, own2.got())
			_ = eerr
		})
	}
}

func TestTransientCallFailsOverToAnAllowedOrg(t *testing.T) {
	own, other, _ := threeGateways()
	own.setDead(true)
	s := fakeSession(t, testRetry, []*fakeGateway{own, other}, WithTransientOrgs("PayerMSP"))
	res, err := s.Submit(context.Background(), phiCall)
	require.NoError(t, err)
	assert.Equal(t, "tx2", res.TxID)
	assert.Equal(t, []string{"endorse tx2", "submit tx2", "status tx2"}, steps(other))
	for _, r := range other.got() {
		assert.True(t, r.transient)
	}
}

// Random faults on three gateways, random calls: a transient call never
// reaches the foreign gateway, a call takes effect at most once, a new
// transaction follows a sent one only after an MVCC conflict, each
// transaction carries one signature, and what the call reports is true.
func TestFailoverProperties(t *testing.T) {
	faults := []fault{pass, pass, pass, down, lostReply, dropped, duplicateReply, mismatch, hang}
	r := rand.New(rand.NewPCG(11, 7))
	for i := 0; i < 200; i++ {
		scripts := make([]map[step][]fault, 3)
		for g := range scripts {
			scripts[g] = map[step][]fault{}
			for _, st := range []step{stepEndorse, stepSubmit, stepStatus} {
				for n := r.IntN(6); n > 0; n-- {
					scripts[g][st] = append(scripts[g][st], faults[r.IntN(len(faults))])
				}
			}
		}
		call := putCall
		if r.IntN(2) == 0 {
			call = phiCall
		}
		own, other, own2 := threeGateways(scripts...)
		own.mvcc = r.IntN(2)
		own.setDead(r.IntN(3) == 0)
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			s := fakeSession(t, RetryPolicy{Attempts: 4, Backoff: time.Millisecond, CommitWait: 80 * time.Millisecond},
				[]*fakeGateway{own, other, own2})
			res, err := s.Submit(context.Background(), call)
			checkTruth(t, own.fakeOrderer, res, err)
			if len(call.Transient) > 0 {
				assert.Empty(t, other.got(), "transient call at the foreign gateway")
			}
		})
	}
}

// checkTruth: the report matches the ledger.
func checkTruth(t *testing.T, o *fakeOrderer, res *Result, err error) {
	t.Helper()
	assertOneAtATime(t, o)
	assertSameSignature(t, o)
	valid := o.valid()
	assert.LessOrEqual(t, valid, 1, "the call took effect %d times", valid)
	switch code := CodeOf(err); {
	case err == nil:
		assert.Equal(t, 1, valid)
		assert.Equal(t, peerValid, o.ledger[res.TxID].code.String())
	case code == CodeCommitUnknown:
	default:
		assert.Zero(t, valid, "reported %v, yet it took effect", err)
	}
}

const peerValid = "VALID"

// A listener whose gateway dies mid-stream resumes on the next gateway
// from its checkpoint: every event once, in order, the dead one not retried.
func TestListenFailsOverMidStream(t *testing.T) {
	events := newFakeLedger()
	own, other, _ := threeGateways()
	own.stream, other.stream = events, events
	want := events.commitMany("tx", 40)
	s := fakeSession(t, *fastRetry, []*fakeGateway{own, other}, WithFailback(time.Minute))
	var got []string
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var ownRequests int
	err := listen(ctx, sessionEvents{s}, "care", "cc", ListenOptions{StartBlock: zero(), Retry: fastRetry}, func(ev Event) error {
		got = append(got, ev.TxID)
		if len(got) == 10 {
			own.setDead(true)
			ownRequests = len(own.got())
		}
		if len(got) == len(want) {
			return ErrStopListening
		}
		return nil
	})
	require.NoError(t, err)
	exactlyOnce(t, got, want)
	assert.Len(t, own.got(), ownRequests, "the lost gateway was not asked again")
	assert.Contains(t, steps(other), "events ")
}

func TestSessionGatewayOrderFromTheProfile(t *testing.T) {
	p := &profile.Profile{
		Orgs: []profile.Org{
			{Name: "provider", MSPID: "ProviderMSP", Peers: []profile.Node{{ID: "peer0.provider"}}, Gateways: []string{"peer0.provider"}},
			{Name: "payer", MSPID: "PayerMSP", Peers: []profile.Node{{ID: "peer0.payer"}}, Gateways: []string{"peer0.payer"}},
		},
		Channels: []profile.Channel{{Name: "care", Orgs: []string{"provider", "payer"}}},
	}
	order := func(opts ...SessionOption) []string {
		cfg, err := newSessionConfig(opts)
		require.NoError(t, err)
		peers, err := gatewayOrder(p, "provider", cfg)
		require.NoError(t, err)
		var ids []string
		for _, g := range peers {
			ids = append(ids, g.ID)
		}
		return ids
	}
	assert.Equal(t, []string{"peer0.provider", "peer0.payer"}, order())
	assert.Equal(t, []string{"peer0.payer", "peer0.provider"}, order(WithGateway("peer0.payer")))
	assert.Equal(t, []string{"peer0.payer", "peer0.provider"}, order(SessionOptions{Gateway: "peer0.payer"}))
	assert.Equal(t, []string{"peer0.provider"}, order(WithGateways("peer0.provider")), "pinned")

	_, err := newSessionConfig([]SessionOption{WithFailback(0)})
	assert.ErrorContains(t, err, "WithFailback")
	_, err = newSessionConfig([]SessionOption{WithGateways()})
	assert.ErrorContains(t, err, "WithGateways")
	_, err = newSessionConfig([]SessionOption{WithEndorseTimeout(-time.Second)})
	assert.ErrorContains(t, err, "WithEndorseTimeout")
}

// A session whose first gateway is another org's (a peerless org) trusts
// that org with its transient data, and no other.
func TestFirstGatewaysOrgMayCarryTransient(t *testing.T) {
	o := newOrderer(0)
	payer, regulator := o.gateway("peer0.payer", "PayerMSP", nil), o.gateway("peer0.regulator", "RegulatorMSP", nil)
	s := fakeSession(t, testRetry, []*fakeGateway{payer, regulator})
	assert.True(t, s.gws.home["PayerMSP"])
	assert.False(t, s.gws.home["RegulatorMSP"])
	payer.setDead(true)
	_, err := s.Submit(context.Background(), phiCall)
	assert.ErrorIs(t, err, ErrUnavailable)
	assert.Empty(t, regulator.got())
}
