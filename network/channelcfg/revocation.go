package channelcfg

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	mb "github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// ErrCRLIssuer is a CRL that none of the org's CA certificates in the
// channel signed: the peers would ignore it, so it is refused here.
var ErrCRLIssuer = errors.New("the CRL is not signed by a CA of the org's MSP in the channel")

// mspValue is the name of an org group's MSP value.
const mspValue = "MSP"

// NewRevocationPlan is the config update that makes crlPEM, a CRL of the
// org's CA (Fabric CA's gencrl), the org's revocation list in the channel
// — replacing an older CRL of the same issuer, keeping others — after
// which the channel's peers and orderers refuse the certificates it
// lists: in proposals, transactions and gateway calls alike. The update
// modifies the org's MSP value only, so its mod_policy (the org's own
// Admins) is what it needs. A CRL the channel already holds gives an
// empty plan, as does one that lists the same certificates.
func NewRevocationPlan(channel string, current *cb.Config, mspID string, crlPEM []byte) (*Plan, error) {
	p := &Plan{Channel: channel, Sequence: current.GetSequence(), tx: configtx.New(proto.Clone(current).(*cb.Config))}
	org := p.Updated().GetChannelGroup().GetGroups()[configtx.ApplicationGroupKey].GetGroups()[mspID]
	if org == nil || org.Values[mspValue] == nil {
		return nil, fmt.Errorf("channel %s: %s is not a member", channel, mspID)
	}
	value := org.Values[mspValue]
	var cfg mb.MSPConfig
	var fab mb.FabricMSPConfig
	if err := proto.Unmarshal(value.Value, &cfg); err != nil {
		return nil, fmt.Errorf("channel %s: MSP of %s: %w", channel, mspID, err)
	}
	if err := proto.Unmarshal(cfg.Config, &fab); err != nil {
		return nil, fmt.Errorf("channel %s: MSP of %s: %w", channel, mspID, err)
	}
	crl, err := crlIssuedBy(crlPEM, append(fab.RootCerts, fab.IntermediateCerts...))
	if err != nil {
		return nil, fmt.Errorf("channel %s: %s: %w", channel, mspID, err)
	}
	list, changed := replaceCRL(fab.RevocationList, crlPEM, crl)
	if !changed {
		return p, nil
	}
	fab.RevocationList = list
	if cfg.Config, err = proto.Marshal(&fab); err != nil {
		return nil, err
	}
	if value.Value, err = proto.Marshal(&cfg); err != nil {
		return nil, err
	}
	p.Changed = append(p.Changed, "revocation list of "+mspID)
	orig := p.Original().ChannelGroup.Groups[configtx.ApplicationGroupKey].Groups[mspID]
	where := []string{configtx.ChannelGroupKey, configtx.ApplicationGroupKey, mspID}
	p.reqs = append(p.reqs, policyRequirement(p.Original().ChannelGroup, orig, where, orig.Values[mspValue].ModPolicy))
	return p, nil
}

// crlIssuedBy parses a PEM CRL and checks its signature against the CA
// certificates (PEM) of the MSP.
func crlIssuedBy(crlPEM []byte, caPEMs [][]byte) (*x509.RevocationList, error) {
	crl, err := parseCRL(crlPEM)
	if err != nil {
		return nil, fmt.Errorf("CRL: %w", err)
	}
	for _, caPEM := range caPEMs {
		ca, err := parseCert(caPEM)
		if err == nil && crl.CheckSignatureFrom(ca) == nil {
			return crl, nil
		}
	}
	return nil, ErrCRLIssuer
}

// replaceCRL puts crlPEM in place of the list's CRLs of the same issuer
// and reports whether the list changed: a CRL of that issuer that lists
// the same certificates counts as the same (a CA signs a new CRL, with new
// dates, each time it is asked).
func replaceCRL(list [][]byte, crlPEM []byte, crl *x509.RevocationList) ([][]byte, bool) {
	var out [][]byte
	for _, have := range list {
		old, err := parseCRL(have)
		if err != nil || !bytes.Equal(old.RawIssuer, crl.RawIssuer) {
			out = append(out, have)
			continue
		}
		if slices.Equal(revokedSerials(old), revokedSerials(crl)) {
			return list, false
		}
	}
	return append(out, crlPEM), true
}

func parseCRL(crlPEM []byte) (*x509.RevocationList, error) {
	block, _ := pem.Decode(crlPEM)
	if block == nil || block.Type != "X509 CRL" {
		return nil, errors.New("no PEM X509 CRL")
	}
	return x509.ParseRevocationList(block.Bytes)
}

// revokedSerials are a CRL's revoked serial numbers, sorted.
func revokedSerials(crl *x509.RevocationList) []string {
	out := make([]string, len(crl.RevokedCertificateEntries))
	for i, e := range crl.RevokedCertificateEntries {
		out[i] = e.SerialNumber.Text(16)
	}
	slices.Sort(out)
	return out
}
