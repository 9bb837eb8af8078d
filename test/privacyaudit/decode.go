// Package privacyaudit reads a channel's blocks as any member (or anyone
// holding a copy of them) can, and looks for what must not be there: a
// patient's pseudonym, a clinician's NPI, a canary or a document key in
// clear anywhere in a block, or a private-data key or value hash, or a
// public hash, that an attacker could recompute from what they know or
// guess. The e2e suite runs it over every block after every story, with
// planted leaks as positive controls.
package privacyaudit

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// Identity is a creator or endorser as its certificate shows it.
type Identity struct {
	MSPID   string
	Subject string
	Attrs   map[string]string
}

// KV is a public write.
type KV struct {
	Namespace, Key string
	Value          []byte
}

// Tx is what one endorser transaction shows.
type Tx struct {
	Block       uint64
	TxID        string
	Creator     Identity
	Endorsers   []Identity
	Args        [][]byte
	Events      [][]byte
	Responses   [][]byte
	Writes      []KV
	ReadKeys    []string
	KeyHashes   [][]byte // private reads and writes
	ValueHashes [][]byte // private writes
}

// DecodeBlock returns the endorser transactions of a block.
func DecodeBlock(b *common.Block) ([]Tx, error) {
	var out []Tx
	for i, raw := range b.GetData().GetData() {
		tx, ok, err := decodeEnvelope(raw)
		if err != nil {
			return nil, fmt.Errorf("block %d tx %d: %w", b.GetHeader().GetNumber(), i, err)
		}
		if ok {
			tx.Block = b.GetHeader().GetNumber()
			out = append(out, tx)
		}
	}
	return out, nil
}

func decodeEnvelope(raw []byte) (Tx, bool, error) {
	var env common.Envelope
	var pl common.Payload
	var ch common.ChannelHeader
	var sh common.SignatureHeader
	if err := unmarshalAll(raw, &env); err != nil {
		return Tx{}, false, err
	}
	if err := unmarshalAll(env.GetPayload(), &pl); err != nil {
		return Tx{}, false, err
	}
	if err := unmarshalAll(pl.GetHeader().GetChannelHeader(), &ch); err != nil {
		return Tx{}, false, err
	}
	if common.HeaderType(ch.GetType()) != common.HeaderType_ENDORSER_TRANSACTION {
		return Tx{}, false, nil
	}
	if err := unmarshalAll(pl.GetHeader().GetSignatureHeader(), &sh); err != nil {
		return Tx{}, false, err
	}
	tx := Tx{TxID: ch.GetTxId(), Creator: identity(sh.GetCreator())}
	var t peer.Transaction
	if err := unmarshalAll(pl.GetData(), &t); err != nil {
		return tx, false, err
	}
	for _, a := range t.GetActions() {
		if err := tx.addAction(a); err != nil {
			return tx, false, err
		}
	}
	return tx, true, nil
}

func (tx *Tx) addAction(a *peer.TransactionAction) error {
	var actionPayload peer.ChaincodeActionPayload
	var cpp peer.ChaincodeProposalPayload
	var cis peer.ChaincodeInvocationSpec
	var prp peer.ProposalResponsePayload
	var act peer.ChaincodeAction
	if err := unmarshalAll(a.GetPayload(), &actionPayload); err != nil {
		return err
	}
	if err := unmarshalAll(actionPayload.GetChaincodeProposalPayload(), &cpp); err != nil {
		return err
	}
	if err := unmarshalAll(cpp.GetInput(), &cis); err != nil {
		return err
	}
	tx.Args = append(tx.Args, cis.GetChaincodeSpec().GetInput().GetArgs()...)
	for _, e := range actionPayload.GetAction().GetEndorsements() {
		tx.Endorsers = append(tx.Endorsers, identity(e.GetEndorser()))
	}
	if err := unmarshalAll(actionPayload.GetAction().GetProposalResponsePayload(), &prp); err != nil {
		return err
	}
	if err := unmarshalAll(prp.GetExtension(), &act); err != nil {
		return err
	}
	tx.Responses = append(tx.Responses, act.GetResponse().GetPayload(), []byte(act.GetResponse().GetMessage()))
	if ev := act.GetEvents(); len(ev) > 0 {
		var ce peer.ChaincodeEvent
		if err := unmarshalAll(ev, &ce); err != nil {
			return err
		}
		tx.Events = append(tx.Events, []byte(ce.GetEventName()), ce.GetPayload())
	}
	return tx.addResults(act.GetResults())
}

func (tx *Tx) addResults(raw []byte) error {
	var set rwset.TxReadWriteSet
	if err := unmarshalAll(raw, &set); err != nil {
		return err
	}
	for _, ns := range set.GetNsRwset() {
		var kv kvrwset.KVRWSet
		if err := unmarshalAll(ns.GetRwset(), &kv); err != nil {
			return err
		}
		for _, w := range kv.GetWrites() {
			tx.Writes = append(tx.Writes, KV{Namespace: ns.GetNamespace(), Key: w.GetKey(), Value: w.GetValue()})
		}
		for _, r := range kv.GetReads() {
			tx.ReadKeys = append(tx.ReadKeys, r.GetKey())
		}
		for _, c := range ns.GetCollectionHashedRwset() {
			if err := tx.addHashed(c.GetHashedRwset()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (tx *Tx) addHashed(raw []byte) error {
	var h kvrwset.HashedRWSet
	if err := unmarshalAll(raw, &h); err != nil {
		return err
	}
	for _, r := range h.GetHashedReads() {
		tx.KeyHashes = append(tx.KeyHashes, r.GetKeyHash())
	}
	for _, w := range h.GetHashedWrites() {
		tx.KeyHashes = append(tx.KeyHashes, w.GetKeyHash())
		if len(w.GetValueHash()) > 0 {
			tx.ValueHashes = append(tx.ValueHashes, w.GetValueHash())
		}
	}
	for _, m := range h.GetMetadataWrites() {
		tx.KeyHashes = append(tx.KeyHashes, m.GetKeyHash())
	}
	return nil
}

// identity reads a serialized identity's certificate: its subject and the
// Fabric CA attribute extension.
func identity(raw []byte) Identity {
	var sid msp.SerializedIdentity
	if proto.Unmarshal(raw, &sid) != nil {
		return Identity{}
	}
	id := Identity{MSPID: sid.GetMspid(), Attrs: map[string]string{}}
	block, _ := pem.Decode(sid.GetIdBytes())
	if block == nil {
		return id
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return id
	}
	id.Subject = cert.Subject.String()
	for _, ext := range cert.Extensions {
		if ext.Id.String() == "1.2.3.4.5.6.7.8.1" {
			var a struct {
				Attrs map[string]string `json:"attrs"`
			}
			if json.Unmarshal(ext.Value, &a) == nil {
				id.Attrs = a.Attrs
			}
		}
	}
	return id
}

func unmarshalAll(raw []byte, m proto.Message) error {
	return proto.Unmarshal(raw, m)
}
