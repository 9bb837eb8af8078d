package client

import (
	"context"
	"fmt"
	"sort"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// TxInfo is what the ledger says of a committed transaction.
type TxInfo struct {
	TxID       string `json:"txId"`
	Block      uint64 `json:"block"`
	Validation string `json:"validation"`
	// Endorsers are the MSP ids of the peers whose endorsements the
	// transaction carries, sorted.
	Endorsers []string `json:"endorsers"`
	Creator   string   `json:"creator"`
}

// Transaction reads a committed transaction from the ledger (through the
// gateway peer's query system chaincode) and tells who endorsed it.
func (s *Session) Transaction(ctx context.Context, channel, txID string) (*TxInfo, error) {
	res, err := s.Evaluate(ctx, Call{Channel: channel, Chaincode: "qscc", Function: "GetTransactionByID", Args: []string{channel, txID}})
	if err != nil {
		return nil, err
	}
	var pt peer.ProcessedTransaction
	if err := proto.Unmarshal(res.Payload, &pt); err != nil {
		return nil, fmt.Errorf("transaction %s: %w", txID, err)
	}
	info := &TxInfo{TxID: txID, Validation: peer.TxValidationCode(pt.GetValidationCode()).String()}
	var payload common.Payload
	if err := proto.Unmarshal(pt.GetTransactionEnvelope().GetPayload(), &payload); err != nil {
		return nil, err
	}
	var shdr common.SignatureHeader
	if err := proto.Unmarshal(payload.GetHeader().GetSignatureHeader(), &shdr); err == nil {
		var creator msp.SerializedIdentity
		if proto.Unmarshal(shdr.GetCreator(), &creator) == nil {
			info.Creator = creator.GetMspid()
		}
	}
	var tx peer.Transaction
	if err := proto.Unmarshal(payload.GetData(), &tx); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, action := range tx.GetActions() {
		var cap peer.ChaincodeActionPayload
		if err := proto.Unmarshal(action.GetPayload(), &cap); err != nil {
			return nil, err
		}
		for _, e := range cap.GetAction().GetEndorsements() {
			var id msp.SerializedIdentity
			if err := proto.Unmarshal(e.GetEndorser(), &id); err != nil {
				return nil, err
			}
			if !seen[id.GetMspid()] {
				seen[id.GetMspid()] = true
				info.Endorsers = append(info.Endorsers, id.GetMspid())
			}
		}
	}
	sort.Strings(info.Endorsers)
	res, err = s.Evaluate(ctx, Call{Channel: channel, Chaincode: "qscc", Function: "GetBlockByTxID", Args: []string{channel, txID}})
	if err != nil {
		return nil, err
	}
	var block common.Block
	if err := proto.Unmarshal(res.Payload, &block); err != nil {
		return nil, fmt.Errorf("block of %s: %w", txID, err)
	}
	info.Block = block.GetHeader().GetNumber()
	return info, nil
}
