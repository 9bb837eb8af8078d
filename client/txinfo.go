package client

import (
	"context"
	"fmt"
	"slices"

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
	if err := readEnvelope(pt.GetTransactionEnvelope(), info); err != nil {
		return nil, fmt.Errorf("transaction %s: %w", txID, err)
	}
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

// readEnvelope fills in the creator's and the endorsers' orgs.
func readEnvelope(env *common.Envelope, info *TxInfo) error {
	var payload common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return err
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
		return err
	}
	endorsers, err := endorserOrgs(&tx)
	info.Endorsers = endorsers
	return err
}

// endorserOrgs lists the orgs whose peers endorsed any action of tx, sorted.
func endorserOrgs(tx *peer.Transaction) ([]string, error) {
	var orgs []string
	for _, action := range tx.GetActions() {
		var actionPayload peer.ChaincodeActionPayload
		if err := proto.Unmarshal(action.GetPayload(), &actionPayload); err != nil {
			return nil, err
		}
		for _, e := range actionPayload.GetAction().GetEndorsements() {
			var id msp.SerializedIdentity
			if err := proto.Unmarshal(e.GetEndorser(), &id); err != nil {
				return nil, err
			}
			orgs = append(orgs, id.GetMspid())
		}
	}
	slices.Sort(orgs)
	return slices.Compact(orgs), nil
}
