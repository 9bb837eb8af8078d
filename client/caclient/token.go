package caclient

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net/http"
)

// Identity is a registrar: its enrollment certificate and a signer with
// its key. The key itself is not needed: any signer of SHA-256 digests
// (ECDSA, ASN.1 DER) will do, such as a fabric-gateway identity's Sign.
type Identity struct {
	CertPEM []byte
	// Sign signs a SHA-256 digest with the certificate's key, ECDSA, ASN.1 DER.
	Sign func(digest []byte) ([]byte, error)
}

// KeyIdentity is an identity that signs with key.
func KeyIdentity(certPEM []byte, key *ecdsa.PrivateKey) Identity {
	return Identity{CertPEM: certPEM, Sign: func(digest []byte) ([]byte, error) {
		return ecdsa.SignASN1(rand.Reader, key, digest)
	}}
}

// Token is Fabric CA's authorization token for a request:
// base64(cert) "." base64(signature), the signature being ECDSA over
// SHA-256 of method "." base64(uri) "." base64(body) "." base64(cert), with
// a low S as Fabric requires.
func (id Identity) Token(method, uri string, body []byte) (string, error) {
	if id.Sign == nil {
		return "", errors.New("registrar identity has no signer")
	}
	cert, err := ParseCertificate(id.CertPEM)
	if err != nil {
		return "", fmt.Errorf("registrar certificate: %w", err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return "", errors.New("registrar certificate: not an ECDSA key")
	}
	b64 := base64.StdEncoding.EncodeToString
	b64cert := b64(id.CertPEM)
	digest := sha256.Sum256([]byte(method + "." + b64([]byte(uri)) + "." + b64(body) + "." + b64cert))
	sig, err := id.Sign(digest[:])
	if err != nil {
		return "", fmt.Errorf("sign the request: %w", err)
	}
	if sig, err = LowS(pub, sig); err != nil {
		return "", err
	}
	return b64cert + "." + b64(sig), nil
}

// auth is the token authorization of id.
func (id Identity) auth() authorize {
	return func(req *http.Request, body []byte) error {
		tok, err := id.Token(req.Method, req.URL.RequestURI(), body)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", tok)
		return nil
	}
}

// ecdsaSig is an ECDSA signature in ASN.1.
type ecdsaSig struct{ R, S *big.Int }

// LowS returns the DER signature with S in the lower half of the curve
// order (S and N-S verify alike; Fabric accepts only the low one).
func LowS(pub *ecdsa.PublicKey, der []byte) ([]byte, error) {
	var sig ecdsaSig
	if rest, err := asn1.Unmarshal(der, &sig); err != nil || len(rest) > 0 || sig.R == nil || sig.S == nil {
		return nil, errors.New("signature: not an ASN.1 ECDSA signature")
	}
	n := pub.Curve.Params().N
	if sig.S.Cmp(new(big.Int).Rsh(n, 1)) <= 0 {
		return der, nil
	}
	sig.S.Sub(n, sig.S)
	return asn1.Marshal(sig)
}
