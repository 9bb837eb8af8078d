package records

import (
	"crypto/ecdh"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/keywrap"
	"github.com/carechain/carechain/chaincode/records/wire"
)

func keywrapKey(priv []byte) ([]byte, error) {
	k, err := ecdh.P256().NewPrivateKey(priv)
	if err != nil {
		return nil, err
	}
	return k.PublicKey().Bytes(), nil
}

// keywrapKeyPair is a requester's one-time key.
type keywrapKeyPair struct{ *ecdh.PrivateKey }

// open unwraps a released key.
func (k *keywrapKeyPair) open(t testing.TB, rel wire.Release) []byte {
	t.Helper()
	wrapped, err := base64.StdEncoding.DecodeString(rel.WrappedKey)
	require.NoError(t, err)
	docKey, err := keywrap.Unwrap(k.PrivateKey, wrapped, wire.WrapAAD(rel.Record, rel.Version))
	require.NoError(t, err)
	return docKey
}
