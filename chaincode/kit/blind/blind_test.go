package blind_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/commit"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

var (
	t0    = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	admin = memstub.NewIdentity("AMSP", "admin", map[string]string{"hf.Type": "admin"})
	coll  = memstub.Collection{Name: "c", Members: []string{"AMSP"}}
)

func peer() *memstub.Peer {
	p := memstub.NewPeer("ch", memstub.WithMSP("AMSP"))
	p.DefineCollections("app", coll)
	return p
}

func setup(p *memstub.Peer, secret []byte) memstub.Result {
	return p.Submit(memstub.Tx{Chaincode: "app", Identity: admin, Time: t0, Transient: map[string][]byte{blind.TransientSecret: secret},
		Args: [][]byte{[]byte("setup")}})
}

func TestSetupOnceWithEnoughBytes(t *testing.T) {
	p := peer()
	p.Install("app", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pbResponse { return respond(blind.Setup(stub, "c")) }))
	before := p.Snapshot()
	res := setup(p, make([]byte, 31))
	require.Contains(t, res.Message, `field "blinding-secret"`)
	require.Equal(t, before, p.Snapshot())
	require.True(t, setup(p, bytes.Repeat([]byte{7}, 32)).OK())
	res = setup(p, bytes.Repeat([]byte{8}, 32))
	require.Contains(t, res.Message, "CONFLICT")
}

func TestTokensAreKeyedDeterministicAndUnambiguous(t *testing.T) {
	p := peer()
	p.Install("app", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pbResponse { return respond(blind.Setup(stub, "c")) }))
	require.True(t, setup(p, bytes.Repeat([]byte{7}, 32)).OK())
	var a, b, c, salt1, salt2 string
	res := p.Run("app", admin, t0, func(stub shim.ChaincodeStubInterface) error {
		bl, err := blind.New(stub, "c")
		if err != nil {
			return err
		}
		a, b, c = bl.Token("ab", "c"), bl.Token("a", "bc"), bl.Token("ab", "c")
		salt1, salt2 = bl.Salt("k1"), bl.Salt("k2")
		return nil
	})
	require.True(t, res.OK(), res.Message)
	require.Equal(t, a, c)
	require.NotEqual(t, a, b)
	require.NotEqual(t, salt1, salt2)
	// A token is not the plain hash of its parts.
	plain := sha256.Sum256([]byte("abc"))
	require.NotEqual(t, hex.EncodeToString(plain[:]), a)
	require.NotEqual(t, commit.Sum(salt1, []byte("x")), commit.Sum(salt2, []byte("x")))
}

func TestNewBeforeSetupIsAPrecondition(t *testing.T) {
	p := peer()
	res := p.Run("app", admin, t0, func(stub shim.ChaincodeStubInterface) error {
		_, err := blind.New(stub, "c")
		return err
	})
	require.Contains(t, res.Message, "FAILED_PRECONDITION")
}
