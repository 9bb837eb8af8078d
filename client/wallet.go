package client

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/carechain/carechain/client/caclient"
	"github.com/carechain/carechain/client/profile"
)

// WalletEnv names the folder carectl (and DefaultWallet) use as wallet.
const WalletEnv = "CARECTL_WALLET"

// Wallet is a folder of identities enrolled by their holders, where they
// run: WALLET/ORG/USER/msp/{signcerts/cert.pem,keystore/key_sk,cacerts/ca.pem}.
// A patient's wallet is the only place their private key exists.
type Wallet string

// DefaultWallet is $CARECTL_WALLET, else ~/.carechain/wallet.
func DefaultWallet() Wallet {
	if w := os.Getenv(WalletEnv); w != "" {
		return Wallet(w)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return Wallet(filepath.Join(".carechain", "wallet"))
	}
	return Wallet(filepath.Join(home, ".carechain", "wallet"))
}

// MSP is the folder of org's user in the wallet.
func (w Wallet) MSP(org, user string) string { return filepath.Join(string(w), org, user, "msp") }

// Has reports whether the wallet holds an enrollment of org's user.
func (w Wallet) Has(org, user string) bool {
	if w == "" {
		return false
	}
	_, err := os.Stat(filepath.Join(w.MSP(org, user), caclient.CertFile))
	return err == nil
}

// Put writes an enrollment into the wallet (replacing an older one of that
// user whole) and returns its folder. caRoot, when given, is kept beside it.
func (w Wallet) Put(org, user string, e *caclient.Enrollment, caRoot []byte) (string, error) {
	if w == "" {
		return "", errors.New("wallet: no folder given")
	}
	if err := validName(org); err != nil {
		return "", err
	}
	if err := validName(user); err != nil {
		return "", err
	}
	dir := w.MSP(org, user)
	if err := caclient.WriteMSP(dir, e, caclient.WalletKeyFile, caRoot); err != nil {
		return "", fmt.Errorf("wallet: %w", err)
	}
	return dir, nil
}

// Users lists the users of org the wallet holds.
func (w Wallet) Users(org string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(string(w), org))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && w.Has(org, e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// validName keeps a wallet path inside the wallet.
func validName(s string) error {
	if s == "" || s == "." || s == ".." || filepath.Base(s) != s {
		return fmt.Errorf("wallet: %q is not a valid name", s)
	}
	return nil
}

// load loads org's user from the wallet and checks that its
// certificate was issued by the org's CA in the profile (a wallet may hold
// enrollments of an earlier consortium).
func (w Wallet) load(po *profile.Org, user string) (*Identity, error) {
	id, err := LoadIdentity(po.MSPID, user, w.MSP(po.Name, user))
	if err != nil {
		return nil, err
	}
	if po.CA == nil || po.CA.RootCert == "" {
		return id, nil
	}
	rootPEM, err := os.ReadFile(po.CA.RootCert)
	if err != nil {
		return nil, fmt.Errorf("identity %s: CA root of %s: %w", user, po.Name, err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(rootPEM)
	opts := x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	if _, err := id.Cert.Verify(opts); err != nil {
		return nil, fmt.Errorf("identity %s in wallet %s was not issued by %s's CA (an enrollment of another consortium?): %w",
			user, w, po.Name, err)
	}
	return id, nil
}
