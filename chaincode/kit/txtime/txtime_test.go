package txtime_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/txtime"
)

func TestNow(t *testing.T) {
	p := memstub.NewPeer("care")
	id := memstub.NewIdentity("Org1MSP", "alice", nil)
	local := time.Date(2024, 5, 1, 14, 30, 0, 42, time.FixedZone("CEST", 2*3600))
	var got time.Time
	res := p.Run("cc", id, local, func(stub shim.ChaincodeStubInterface) error {
		var err error
		got, err = txtime.Now(stub)
		return err
	})
	require.True(t, res.Committed, res.Message)
	assert.True(t, local.Equal(got))
	assert.Equal(t, time.UTC, got.Location())
	assert.Equal(t, 42, got.Nanosecond())
}

// fakeStub overrides GetTxTimestamp; other methods are not used.
type fakeStub struct {
	shim.ChaincodeStubInterface
	ts  *timestamppb.Timestamp
	err error
}

func (f fakeStub) GetTxTimestamp() (*timestamppb.Timestamp, error) { return f.ts, f.err }

func TestNowFailures(t *testing.T) {
	tests := []struct {
		name string
		stub fakeStub
	}{
		{"stub error", fakeStub{err: errors.New("no proposal")}},
		{"no timestamp", fakeStub{}},
		{"invalid timestamp", fakeStub{ts: &timestamppb.Timestamp{Seconds: 1, Nanos: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := txtime.Now(tt.stub)
			assert.Equal(t, ccerr.CodeInternal, ccerr.CodeOf(err))
		})
	}
}

func TestSkewRefusesTimestampsFarFromThePeersClock(t *testing.T) {
	clock := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	s := txtime.DefaultSkew
	for _, ok := range []time.Duration{0, 5 * time.Minute, -5 * time.Minute, time.Second} {
		if err := s.Check(clock.Add(ok), clock); err != nil {
			t.Errorf("%v off: %v", ok, err)
		}
	}
	for _, bad := range []time.Duration{5*time.Minute + time.Second, 365 * 24 * time.Hour, -6 * time.Minute, -30 * 24 * time.Hour} {
		err := s.Check(clock.Add(bad), clock)
		if ccerr.CodeOf(err) != ccerr.CodeInvalidArgument || !strings.Contains(err.Error(), `field "timestamp"`) {
			t.Errorf("%v off: want INVALID_ARGUMENT timestamp, got %v", bad, err)
		}
	}
}

func TestNotBeforeKeepsTimeMovingForward(t *testing.T) {
	last := time.Date(2026, 6, 15, 12, 0, 0, 5, time.UTC)
	if err := txtime.NotBefore(last, "x", last.Format(time.RFC3339Nano)); err != nil {
		t.Fatal(err)
	}
	if err := txtime.NotBefore(last.Add(-1), "consent c1", last.Format(time.RFC3339Nano)); ccerr.CodeOf(err) != ccerr.CodeFailedPrecondition || !strings.Contains(err.Error(), "consent c1") {
		t.Fatalf("backdated: %v", err)
	}
	if err := txtime.NotBefore(last, "x", ""); err != nil {
		t.Fatal(err)
	}
	if err := txtime.NotBefore(last, "x", "yesterday"); ccerr.CodeOf(err) != ccerr.CodeInternal {
		t.Fatalf("malformed: %v", err)
	}
}
