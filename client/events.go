package client

import (
	"context"

	"github.com/hyperledger/fabric-gateway/pkg/client"
)

// Event is a committed chaincode event.
type Event struct {
	Block     uint64 `json:"block"`
	TxID      string `json:"txId"`
	Chaincode string `json:"chaincode"`
	Name      string `json:"name"`
	Payload   []byte `json:"payload"`
}

// Events streams a chaincode's events as their transactions commit, from
// startBlock when given, else from the next block. The channel closes when
// ctx ends or the stream fails.
func (s *Session) Events(ctx context.Context, channel, chaincode string, startBlock *uint64) (<-chan Event, error) {
	var opts []client.ChaincodeEventsOption
	if startBlock != nil {
		opts = append(opts, client.WithStartBlock(*startBlock))
	}
	src, err := s.gw.GetNetwork(channel).ChaincodeEvents(ctx, chaincode, opts...)
	if err != nil {
		return nil, classify(err, "")
	}
	out := make(chan Event)
	go func() {
		defer close(out)
		for ev := range src {
			select {
			case out <- Event{Block: ev.BlockNumber, TxID: ev.TransactionID, Chaincode: ev.ChaincodeName, Name: ev.EventName, Payload: ev.Payload}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
