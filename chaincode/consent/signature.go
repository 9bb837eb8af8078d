package consent

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
)

// maxSignatureBytes bounds a DER ECDSA P-256 signature (72 bytes at most).
const maxSignatureBytes = 128

// patientRoots is the pool of PatientsMSP's root certificates as the
// parts registry lists them, read once per transaction. With none listed,
// no patient signature can be verified: every change is refused and no
// consent is honoured (fail closed).
func (t *tx) patientRoots() (*x509.CertPool, error) {
	if t.roots != nil {
		return t.roots, nil
	}
	o, ok, err := t.org(roles.PatientMSP)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	n := 0
	for _, p := range o.RootCerts {
		if pool.AppendCertsFromPEM([]byte(p)) {
			n++
		}
	}
	if !ok || n == 0 {
		return nil, ccerr.Forbidden("the parts registry lists no root certificate of %s: patients' signatures cannot be verified", roles.PatientMSP)
	}
	t.roots = pool
	return pool, nil
}

// chains checks that cert chains to PatientsMSP's roots at time at.
func (t *tx) chains(cert *x509.Certificate, at time.Time) error {
	roots, err := t.patientRoots()
	if err != nil {
		return err
	}
	_, err = cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		return ccerr.Forbidden("the signer's certificate does not chain to a root certificate of %s the registry lists", roles.PatientMSP)
	}
	return nil
}

// verifySignature checks an ASN.1 DER ECDSA P-256 signature of statement
// by cert's key.
func verifySignature(cert *x509.Certificate, statement, sig []byte) bool {
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return false
	}
	digest := sha256.Sum256(statement)
	return ecdsa.VerifyASN1(pub, digest[:], sig)
}

// creatorSignature verifies the transient "signature" of statement against
// the transaction creator's certificate, which must chain to PatientsMSP's
// roots, and returns the signature (base64) and the certificate (PEM) to
// keep with the record.
func (t *tx) creatorSignature(statement []byte) (sig, signer string, err error) {
	m, err := t.Stub.GetTransient()
	if err != nil {
		return "", "", ccerr.Internal("transient map: %v", err)
	}
	raw := m[wire.TransientSignature]
	if len(raw) == 0 || len(raw) > maxSignatureBytes {
		return "", "", ccerr.Invalid(wire.TransientSignature, "must carry the signer's ASN.1 DER signature of the change's statement in the transient map")
	}
	cert, err := cid.GetX509Certificate(t.Stub)
	if err != nil || cert == nil {
		return "", "", ccerr.Forbidden("the caller must use an X.509 identity")
	}
	if err := t.chains(cert, t.Now); err != nil {
		return "", "", err
	}
	if !verifySignature(cert, statement, raw) {
		return "", "", ccerr.Invalid(wire.TransientSignature, "does not verify: sign the canonical statement of this change (package consent/wire) with the caller's enrollment key")
	}
	return base64.StdEncoding.EncodeToString(raw), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})), nil
}

// verifyStored checks a kept signature of statement: the certificate
// chains to PatientsMSP's roots at the time of signing and its key signed
// the statement. It returns the signer's identity.
func (t *tx) verifyStored(statement []byte, sigB64, signerPEM, signed string) (caller.Caller, error) {
	block, _ := pem.Decode([]byte(signerPEM))
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if block == nil || err != nil || len(sig) == 0 {
		return caller.Caller{}, ccerr.Forbidden("the record carries no signature")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return caller.Caller{}, ccerr.Forbidden("the record's signer certificate is malformed")
	}
	at, err := time.Parse(time.RFC3339Nano, signed)
	if err != nil {
		return caller.Caller{}, ccerr.Forbidden("the record's stamp is malformed")
	}
	if err := t.chains(cert, at); err != nil {
		return caller.Caller{}, err
	}
	if !verifySignature(cert, statement, sig) {
		return caller.Caller{}, ccerr.Forbidden("the record's signature does not verify")
	}
	return signerOf(cert)
}

// signerOf reads a PatientsMSP certificate's identity and attributes.
func signerOf(cert *x509.Certificate) (caller.Caller, error) {
	attrs, err := attrmgr.New().GetAttributesFromCert(cert)
	if err != nil {
		return caller.Caller{}, ccerr.Forbidden("the signer's certificate has malformed attributes")
	}
	c := caller.Caller{MSPID: roles.PatientMSP, Attrs: attrs.Attrs, EnrollmentID: attrs.Attrs[caller.AttrEnrollmentID], Role: attrs.Attrs[caller.AttrRole]}
	if c.EnrollmentID == "" {
		c.EnrollmentID = cert.Subject.CommonName
	}
	return c, nil
}

// verifiedConsent re-verifies a consent version before Check honours it:
// its signature of ConsentStatement verifies, and the signer is the
// patient, or a delegate whose patient-signed delegation covered the time
// of signing. A record that colluding endorsers wrote past the contract
// has no such signature.
func (t *tx) verifiedConsent(cs *wire.Consent) error {
	signer, err := t.verifyStored(wire.ConsentStatement(t.Stub.GetChannelID(), *cs), cs.Signature, cs.Signer, cs.Updated)
	if err != nil {
		return err
	}
	if ok, err := t.signerIsPatient(signer, cs.Subject, cs.Updated); err != nil || ok {
		return err
	}
	reg, err := t.registration(cs.Subject, signer.Key())
	if err != nil {
		return err
	}
	signed, _ := time.Parse(time.RFC3339Nano, cs.Updated)
	if !reg.Period.Covers(signed) {
		return ccerr.Forbidden("consent %s was signed by %s outside their delegation", cs.ID, signer.Key())
	}
	return nil
}

// registration is the patient-signed delegation of delegate by subject in
// force last: the current one, or the one before an ending.
func (t *tx) registration(subject, delegate string) (wire.Delegate, error) {
	d, found, err := t.delegate(subject, delegate)
	if err != nil {
		return d, err
	}
	if found && d.Status != wire.StatusActive && d.Version > 1 {
		key, err := t.delegateVersionKey(subject, delegate, d.Version-1)
		if err != nil {
			return d, err
		}
		if d, found, err = state.GetPrivateOptional[wire.Delegate](t.Stub, Collection, key); err != nil {
			return d, err
		}
	}
	if !found || d.Status != wire.StatusActive {
		return d, ccerr.Forbidden("%s holds no delegation of this patient", delegate)
	}
	return d, t.verifiedDelegation(d)
}

// verifiedDelegation checks that an active delegation was signed by its
// patient.
func (t *tx) verifiedDelegation(d wire.Delegate) error {
	signer, err := t.verifyStored(wire.DelegateStatement(t.Stub.GetChannelID(), d), d.Signature, d.Signer, d.Updated)
	if err != nil {
		return err
	}
	ok, err := t.signerIsPatient(signer, d.Subject, d.Updated)
	if err != nil || ok {
		return err
	}
	return ccerr.Forbidden("the delegation of %s was not signed by the patient", d.Delegate)
}
