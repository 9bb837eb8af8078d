package txn

import (
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/events"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

type input struct {
	Name string `json:"name"`
}

// kit is a chaincode that begins a transaction, reads transient input
// "in", records a change and emits it.
var kit = memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
	t, err := Begin(stub)
	if err != nil {
		return shim.Error(err.Error())
	}
	var in input
	if err := t.Transient("in", &in, 64); err != nil {
		return shim.Error(err.Error())
	}
	t.Events.Add("thing.done", in.Name, map[string]string{"by": t.Caller.Key(), "at": t.Stamp()})
	if err := t.Emit("kit"); err != nil {
		return shim.Error(err.Error())
	}
	return shim.Success([]byte(t.ID()))
})

func TestBeginTransientEmit(t *testing.T) {
	p := memstub.NewPeer("care")
	p.Install("kit", kit)
	id := memstub.NewIdentity("ProviderMSP", "clerk1", map[string]string{"role": "records-clerk"})
	when := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)

	res := p.Invoke("kit", id, when, map[string][]byte{"in": []byte(`{"name":"x"}`)}, "fn")
	require.True(t, res.OK(), res.Message)
	assert.Equal(t, res.TxID, string(res.Payload))
	env, err := events.Decode(res.Event.Payload)
	require.NoError(t, err)
	assert.Equal(t, "kit", res.Event.Name)
	assert.Equal(t, res.TxID, env.TxID)
	assert.Equal(t, when, env.Timestamp)
	assert.Equal(t, events.Change{Type: "thing.done", ID: "x",
		Attrs: map[string]string{"by": "ProviderMSP/clerk1", "at": "2026-01-02T03:04:05.000000006Z"}}, env.Changes[0])

	// SortStamp keeps every fraction digit so that its strings sort like times.
	a := &Tx{Now: time.Date(2026, 1, 1, 0, 0, 22, 500_000_000, time.UTC)}
	b := &Tx{Now: time.Date(2026, 1, 1, 0, 0, 22, 510_000_000, time.UTC)}
	assert.Less(t, a.SortStamp(), b.SortStamp())
	assert.Greater(t, a.Stamp(), b.Stamp(), "Stamp's strings do not sort like the times")

	for name, tm := range map[string]map[string][]byte{
		"missing":       nil,
		"empty":         {"in": {}},
		"unknown field": {"in": []byte(`{"name":"x","extra":1}`)},
		"oversized":     {"in": []byte(`{"name":"` + string(make([]byte, 100)) + `"}`)},
	} {
		res := p.Invoke("kit", id, when, tm, "fn")
		assert.False(t, res.OK(), name)
		assert.Contains(t, res.Message, `INVALID_ARGUMENT: field "in"`, name)
	}
}
