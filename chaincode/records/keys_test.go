package records

import "crypto/ecdh"

func keywrapKey(priv []byte) ([]byte, error) {
	k, err := ecdh.P256().NewPrivateKey(priv)
	if err != nil {
		return nil, err
	}
	return k.PublicKey().Bytes(), nil
}
