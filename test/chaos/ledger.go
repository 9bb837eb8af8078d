package chaos

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/carechain/carechain/client"
)

// Write is a valid transaction's write of a key in a peer's ledger.
type Write struct {
	TxID  string
	Block uint64
	Value string
}

// View is one peer's ledger as far as a load's keys go.
type View struct {
	Peer string
	// Writes are the VALID transactions' writes, by key.
	Writes map[string][]Write
	// Txs are the validation codes of the transactions in the scanned
	// blocks, by id (a later copy of an id, DUPLICATE_TXID, is not kept).
	Txs map[string]string
	// State is each key's value in the peer's state database ("": none).
	State map[string]string
}

// Evaluator is Session.Evaluate of one org's gateway.
type Evaluator func(ctx context.Context, call client.Call) (*client.Result, error)

// Height is the channel's block height on the evaluator's peer.
func Height(ctx context.Context, eval Evaluator, channel string) (uint64, error) {
	res, err := eval(ctx, client.Call{Channel: channel, Chaincode: "qscc", Function: "GetChainInfo", Args: []string{channel}})
	if err != nil {
		return 0, err
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(res.Payload, &info); err != nil {
		return 0, err
	}
	return info.GetHeight(), nil
}

// Scan reads blocks [from, to) of the channel through the peer's query
// system chaincode and keeps the writes of chaincode ns to the keys a load
// wrote: state keys chaincodePrefix+key where key starts with prefix, kept
// by key.
func Scan(ctx context.Context, eval Evaluator, peerID, channel string, keys KeySpace, from, to uint64) (*View, error) {
	v := &View{Peer: peerID, Writes: map[string][]Write{}, Txs: map[string]string{}, State: map[string]string{}}
	for n := from; n < to; n++ {
		res, err := eval(ctx, client.Call{Channel: channel, Chaincode: "qscc", Function: "GetBlockByNumber",
			Args: []string{channel, strconv.FormatUint(n, 10)}})
		if err != nil {
			return nil, fmt.Errorf("%s: block %d: %w", peerID, n, err)
		}
		var b common.Block
		if err := proto.Unmarshal(res.Payload, &b); err != nil {
			return nil, fmt.Errorf("%s: block %d: %w", peerID, n, err)
		}
		if err := v.addBlock(&b, keys); err != nil {
			return nil, fmt.Errorf("%s: block %d: %w", peerID, n, err)
		}
	}
	return v, nil
}

// KeySpace names a load's keys in a chaincode's state.
type KeySpace struct {
	Namespace string // the chaincode
	// StatePrefix is what the chaincode puts before a key (baseline: "baseline~").
	StatePrefix string
	// Prefix starts every key of the load.
	Prefix string
}

// key is the load's key of a state key, "" when it is not one.
func (k KeySpace) key(stateKey string) string {
	key, ok := strings.CutPrefix(stateKey, k.StatePrefix)
	if !ok || !strings.HasPrefix(key, k.Prefix) {
		return ""
	}
	return key
}

func (v *View) addBlock(b *common.Block, keys KeySpace) error {
	filter := b.GetMetadata().GetMetadata()[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	for i, env := range b.GetData().GetData() {
		if i >= len(filter) {
			return errors.New("no validation code for every transaction")
		}
		code := peer.TxValidationCode(filter[i])
		txID, writes, err := writesOf(env, keys.Namespace)
		if err != nil || txID == "" {
			return err
		}
		if code == peer.TxValidationCode_DUPLICATE_TXID {
			continue
		}
		v.Txs[txID] = code.String()
		if code != peer.TxValidationCode_VALID {
			continue
		}
		for _, w := range writes {
			if k := keys.key(w.GetKey()); k != "" && !w.GetIsDelete() {
				v.Writes[k] = append(v.Writes[k], Write{TxID: txID, Block: b.GetHeader().GetNumber(), Value: string(w.GetValue())})
			}
		}
	}
	return nil
}

// writesOf decodes an endorser transaction's id and its writes in ns; a
// configuration transaction has no id here.
func writesOf(env []byte, ns string) (string, []*kvrwset.KVWrite, error) {
	var e common.Envelope
	var p common.Payload
	var ch common.ChannelHeader
	var tx peer.Transaction
	if err := proto.Unmarshal(env, &e); err != nil {
		return "", nil, err
	}
	if err := proto.Unmarshal(e.GetPayload(), &p); err != nil {
		return "", nil, err
	}
	if err := proto.Unmarshal(p.GetHeader().GetChannelHeader(), &ch); err != nil {
		return "", nil, err
	}
	if ch.GetType() != int32(common.HeaderType_ENDORSER_TRANSACTION) {
		return "", nil, nil
	}
	if err := proto.Unmarshal(p.GetData(), &tx); err != nil {
		return "", nil, err
	}
	var out []*kvrwset.KVWrite
	for _, a := range tx.GetActions() {
		w, err := actionWrites(a, ns)
		if err != nil {
			return "", nil, err
		}
		out = append(out, w...)
	}
	return ch.GetTxId(), out, nil
}

func actionWrites(a *peer.TransactionAction, ns string) ([]*kvrwset.KVWrite, error) {
	var ccap peer.ChaincodeActionPayload
	var prp peer.ProposalResponsePayload
	var cca peer.ChaincodeAction
	var txrw rwset.TxReadWriteSet
	if err := proto.Unmarshal(a.GetPayload(), &ccap); err != nil {
		return nil, err
	}
	if err := proto.Unmarshal(ccap.GetAction().GetProposalResponsePayload(), &prp); err != nil {
		return nil, err
	}
	if err := proto.Unmarshal(prp.GetExtension(), &cca); err != nil {
		return nil, err
	}
	if err := proto.Unmarshal(cca.GetResults(), &txrw); err != nil {
		return nil, err
	}
	var out []*kvrwset.KVWrite
	for _, set := range txrw.GetNsRwset() {
		if set.GetNamespace() != ns {
			continue
		}
		var kv kvrwset.KVRWSet
		if err := proto.Unmarshal(set.GetRwset(), &kv); err != nil {
			return nil, err
		}
		out = append(out, kv.GetWrites()...)
	}
	return out, nil
}

// ReadState reads every key's value through the peer's gateway with
// baseline's Get, a few at a time.
func (v *View) ReadState(ctx context.Context, eval Evaluator, channel string, keys []string) error {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var errs []error
	sem := make(chan struct{}, 8)
	for _, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res, err := eval(ctx, client.Call{Channel: channel, Chaincode: "baseline", Function: "Get", Args: []string{k}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				v.State[k] = string(res.Payload)
			case client.CodeOf(err) != client.CodeNotFound:
				errs = append(errs, fmt.Errorf("%s: Get %s: %w", v.Peer, k, err))
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
