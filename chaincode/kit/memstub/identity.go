package memstub

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"math/big"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// Identity is a client identity: an MSP id, an X.509 certificate and its
// private key.
type Identity struct {
	// MSPID is the identity's organisation.
	MSPID string
	// Cert is the identity's certificate; CertPEM is its PEM encoding.
	Cert    *x509.Certificate
	CertPEM []byte
	// Key signs the identity's proposals.
	Key *ecdsa.PrivateKey
}

// IdentitySpec describes the certificate NewIdentityFrom creates.
type IdentitySpec struct {
	MSPID string
	// CommonName is the certificate subject's CN.
	CommonName string
	// OrganizationalUnits are the subject's OUs, where NodeOUs look for
	// client, admin, peer or orderer.
	OrganizationalUnits []string
	// Attrs go into the Fabric CA attribute extension
	// (OID 1.2.3.4.5.6.7.8.1, JSON {"attrs":{...}}). Nil leaves the
	// extension out.
	Attrs map[string]string
}

// NewIdentity creates an identity like a Fabric CA enrollment: subject CN
// enrollmentID, OU the identity type, and the attribute extension holding
// attrs plus hf.EnrollmentID (enrollmentID), hf.Type ("client") and
// hf.Affiliation (""), unless attrs sets them. It panics if key generation
// or signing fails, which does not happen with the standard library.
func NewIdentity(mspID, enrollmentID string, attrs map[string]string) *Identity {
	all := map[string]string{
		"hf.EnrollmentID": enrollmentID,
		"hf.Type":         "client",
		"hf.Affiliation":  "",
	}
	maps.Copy(all, attrs)
	return NewIdentityFrom(IdentitySpec{
		MSPID:               mspID,
		CommonName:          enrollmentID,
		OrganizationalUnits: []string{all["hf.Type"]},
		Attrs:               all,
	})
}

// NewIdentityFrom creates a self-signed ECDSA P-256 identity as spec
// describes. It panics if key generation or signing fails, which does not
// happen with the standard library.
func NewIdentityFrom(spec IdentitySpec) *Identity {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("memstub: generate key: %v", err))
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(fmt.Sprintf("memstub: serial number: %v", err))
	}
	subject := pkix.Name{CommonName: spec.CommonName, OrganizationalUnit: spec.OrganizationalUnits}
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		Issuer:                subject,
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	if spec.Attrs != nil {
		value, err := json.Marshal(attrmgr.Attributes{Attrs: spec.Attrs})
		if err != nil {
			panic(fmt.Sprintf("memstub: encode attributes: %v", err))
		}
		template.ExtraExtensions = append(template.ExtraExtensions, pkix.Extension{Id: attrmgr.AttrOID, Value: value})
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		panic(fmt.Sprintf("memstub: create certificate: %v", err))
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(fmt.Sprintf("memstub: parse certificate: %v", err))
	}
	return &Identity{
		MSPID:   spec.MSPID,
		Cert:    cert,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Key:     key,
	}
}

// Creator returns the serialized msp.SerializedIdentity that the peer hands
// to chaincode as the transaction creator.
func (id *Identity) Creator() []byte {
	b, err := proto.Marshal(&msp.SerializedIdentity{Mspid: id.MSPID, IdBytes: id.CertPEM})
	if err != nil {
		panic(fmt.Sprintf("memstub: marshal identity: %v", err))
	}
	return b
}

// sign signs msg with the identity's key, as a client signs a proposal.
func (id *Identity) sign(msg []byte) []byte {
	digest := sha256.Sum256(msg)
	sig, err := ecdsa.SignASN1(rand.Reader, id.Key, digest[:])
	if err != nil {
		panic(fmt.Sprintf("memstub: sign proposal: %v", err))
	}
	return sig
}
