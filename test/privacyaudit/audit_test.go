package privacyaudit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

func must(m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

func sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

// fakeTx builds an endorser transaction with the given public writes and
// private key/value hashes.
func fakeTx(txID string, writes []*kvrwset.KVWrite, hashed []*kvrwset.KVWriteHash, event []byte) []byte {
	results := must(&rwset.TxReadWriteSet{NsRwset: []*rwset.NsReadWriteSet{{
		Namespace: "consent", Rwset: must(&kvrwset.KVRWSet{Writes: writes}),
		CollectionHashedRwset: []*rwset.CollectionHashedReadWriteSet{{CollectionName: "c", HashedRwset: must(&kvrwset.HashedRWSet{HashedWrites: hashed})}},
	}}})
	action := must(&peer.ChaincodeAction{Results: results, Response: &peer.Response{Status: 200},
		Events: must(&peer.ChaincodeEvent{EventName: "consent", Payload: event})})
	actionPayload := must(&peer.ChaincodeActionPayload{
		ChaincodeProposalPayload: must(&peer.ChaincodeProposalPayload{Input: must(&peer.ChaincodeInvocationSpec{
			ChaincodeSpec: &peer.ChaincodeSpec{Input: &peer.ChaincodeInput{Args: [][]byte{[]byte("Grant")}}}})}),
		Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: must(&peer.ProposalResponsePayload{Extension: action})},
	})
	payload := must(&common.Payload{
		Header: &common.Header{
			ChannelHeader:   must(&common.ChannelHeader{Type: int32(common.HeaderType_ENDORSER_TRANSACTION), TxId: txID}),
			SignatureHeader: must(&common.SignatureHeader{Creator: must(&msp.SerializedIdentity{Mspid: "PatientsMSP"})}),
		},
		Data: must(&peer.Transaction{Actions: []*peer.TransactionAction{{Payload: actionPayload}}}),
	})
	return must(&common.Envelope{Payload: payload})
}

func random() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}

var secrets = Secrets{
	Clear:       [][]byte{[]byte("pt-4c1e9a07d2b35f6e"), []byte(`"psychiatry"`)},
	Guesses:     []string{"pt-4c1e9a07d2b35f6e", "psychiatry", "ProviderMSP", "physician"},
	ObjectTypes: []string{"consentBySubject", "consent"},
	Fields:      []string{"subject", "class"},
}

func audit(t *testing.T, envs ...[]byte) []Finding {
	block := &common.Block{Header: &common.BlockHeader{Number: 7}, Data: &common.BlockData{Data: envs}}
	txs, err := DecodeBlock(block)
	require.NoError(t, err)
	require.Len(t, txs, len(envs))
	out := Clear(map[uint64][]byte{7: must(block)}, secrets)
	return append(out, Hashes(txs, secrets)...)
}

func TestABlindedTransactionShowsNothing(t *testing.T) {
	env := fakeTx("blinded", []*kvrwset.KVWrite{{Key: "\x00consentStatus\x00c-1\x00", Value: []byte(`{"status":"active","commitment":"` + hex.EncodeToString(random()) + `"}`)}},
		[]*kvrwset.KVWriteHash{{KeyHash: random(), ValueHash: random()}}, []byte(`{"id":"c-1"}`))
	require.Empty(t, audit(t, env))
}

// Positive controls: every construction the audit claims to try is found.
func TestPlantedLeaksAreFound(t *testing.T) {
	consentJSON, _ := json.Marshal(map[string]any{"status": "active", "subject": "pt-4c1e9a07d2b35f6e"})
	bare := sha256.Sum256(consentJSON)
	cases := map[string][]byte{
		"clear": fakeTx("clear", nil, nil, []byte(`{"subject":"pt-4c1e9a07d2b35f6e"}`)),
		"hex":   fakeTx("hex", nil, nil, []byte(hex.EncodeToString([]byte(`"psychiatry"`)))),
		"key-hash": fakeTx("key-hash", nil, []*kvrwset.KVWriteHash{{
			KeyHash: sum([]byte("\x00consentBySubject\x00pt-4c1e9a07d2b35f6e\x00ProviderMSP\x00")), ValueHash: random()}}, nil),
		"value-hash": fakeTx("value-hash", nil, []*kvrwset.KVWriteHash{{KeyHash: random(), ValueHash: sum([]byte(`{"class":"psychiatry"}`))}}, nil),
		"public-hash": fakeTx("public-hash", []*kvrwset.KVWrite{{Key: "\x00consentStatus\x00c-2\x00",
			Value: []byte(`{"status":"active","detailsHash":"` + hex.EncodeToString(bare[:]) + `"}`)}}, nil, nil),
		"public-hash-of-key": fakeTx("public-hash-of-key", []*kvrwset.KVWrite{{Key: "x",
			Value: []byte(hex.EncodeToString(sum([]byte("\x00consent\x00pt-4c1e9a07d2b35f6e\x00"))))}}, nil, nil),
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			got := audit(t, env)
			require.NotEmpty(t, got, "the planted %s leak was not found", name)
			want := strings.SplitN(name, "-of-", 2)[0]
			if name == "clear" || name == "hex" {
				want = "clear"
			}
			require.Equal(t, want, got[0].Kind, "%v", got)
		})
	}
}
