package txevent_test

import (
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/events"
	"github.com/carechain/carechain/chaincode/kit/events/txevent"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

func TestEmit(t *testing.T) {
	p := memstub.NewPeer("care")
	id := memstub.NewIdentity("Org1MSP", "alice", nil)
	ts := time.Date(2024, 5, 1, 12, 0, 0, 5, time.UTC)
	res := p.Run("consent", id, ts, func(stub shim.ChaincodeStubInterface) error {
		var c events.Collector
		c.Add("consent.granted", "c1", map[string]string{"patient": "p1"})
		c.Add("consent.revoked", "c0", nil)
		return txevent.Emit(stub, "consent", &c)
	})
	require.True(t, res.Committed, res.Message)
	require.NotNil(t, res.Event)
	assert.Equal(t, "consent", res.Event.Name)
	env, err := events.Decode(res.Event.Payload)
	require.NoError(t, err)
	assert.Equal(t, res.TxID, env.TxID)
	assert.Equal(t, ts, env.Timestamp)
	require.Len(t, env.Changes, 2)
	assert.Equal(t, "consent.granted", env.Changes[0].Type)
	assert.Equal(t, "c0", env.Changes[1].ID)
}

func TestEmitNothing(t *testing.T) {
	p := memstub.NewPeer("care")
	id := memstub.NewIdentity("Org1MSP", "alice", nil)
	res := p.Run("consent", id, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), func(stub shim.ChaincodeStubInterface) error {
		return txevent.Emit(stub, "consent", &events.Collector{})
	})
	require.True(t, res.Committed)
	assert.Nil(t, res.Event)
}

func TestEmitInvalidChange(t *testing.T) {
	p := memstub.NewPeer("care")
	id := memstub.NewIdentity("Org1MSP", "alice", nil)
	res := p.Run("consent", id, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), func(stub shim.ChaincodeStubInterface) error {
		var c events.Collector
		c.Add("", "c1", nil)
		return txevent.Emit(stub, "consent", &c)
	})
	assert.False(t, res.Committed)
	assert.Contains(t, res.Message, "INTERNAL: ")
	res = p.Run("consent", id, time.Date(2024, 5, 1, 0, 0, 1, 0, time.UTC), func(stub shim.ChaincodeStubInterface) error {
		var c events.Collector
		c.Add("x.y", "c1", nil)
		return txevent.Emit(stub, "", &c)
	})
	assert.False(t, res.Committed)
	assert.Contains(t, res.Message, "event name can not be empty string")
}
