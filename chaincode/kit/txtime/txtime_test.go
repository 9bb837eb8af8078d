package txtime_test

import (
	"errors"
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
