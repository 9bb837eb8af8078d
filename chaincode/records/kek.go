package records

import (
	"errors"
	"os"

	"github.com/carechain/carechain/chaincode/records/wire"
)

// EnvKEK reads this peer's org key-encryption key: the PKCS #8 PEM file
// KEKFile in $CARECHAIN_KEK_DIR, for the org $CORE_PEER_LOCALMSPID (which
// the external builder sets from the peer's MSP). A peer configured with
// neither has no KEK, and cannot release keys.
func EnvKEK() (string, []byte, error) {
	dir, msp := os.Getenv("CARECHAIN_KEK_DIR"), os.Getenv("CORE_PEER_LOCALMSPID")
	if dir == "" || msp == "" {
		return msp, nil, nil
	}
	data, err := readIn(dir, wire.KEKFile)
	if errors.Is(err, os.ErrNotExist) {
		return msp, nil, nil
	}
	if err != nil {
		return msp, nil, err
	}
	k, err := wire.ParseKEK(data)
	if err != nil {
		return msp, nil, err
	}
	return msp, k.Bytes(), nil
}

// readIn reads the file name inside dir, never a file outside it (a name
// with "..", or a symbolic link out of dir, is refused).
func readIn(dir, name string) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.ReadFile(name)
}
