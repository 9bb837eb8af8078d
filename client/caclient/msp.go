package caclient

import (
	"fmt"
	"os"
	"path/filepath"
)

// MSP file names inside an enrolled folder.
const (
	CertFile = "signcerts/cert.pem"
	CAFile   = "cacerts/ca.pem"
	// WalletKeyFile is the key's name in a wallet; a node's MSP names its
	// key after its SKI (SKI(pub) + "_sk"), as Fabric's tools do.
	WalletKeyFile = "key_sk"
)

// WriteMSP writes an enrollment as a Fabric MSP folder: signcerts/cert.pem,
// keystore/KEYFILE (mode 0600) and, when caRoot is given, cacerts/ca.pem.
// The folder is written beside dir and then put in its place, so dir holds
// either the old enrollment or the new one, never one key with another's
// certificate.
func WriteMSP(dir string, e *Enrollment, keyFile string, caRoot []byte) error {
	keyPEM, err := e.KeyPEM()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	files := map[string][]byte{CertFile: e.CertPEM, filepath.Join("keystore", keyFile): keyPEM}
	if caRoot != nil {
		files[CAFile] = caRoot
	}
	for name, data := range files {
		if err := writeFile(filepath.Join(tmp, name), data); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("write MSP %s: %w", dir, err)
	}
	return nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
