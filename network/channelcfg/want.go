package channelcfg

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/hyperledger/fabric-config/configtx"
	"github.com/hyperledger/fabric-config/configtx/membership"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
)

// WantOf is the application side that a channel described as c should
// have: the members with their policies and anchor peers, and the
// application policies, all as its genesis block (Configtx) writes them.
// A member's MSP is read from its MSPDir.
func WantOf(c Channel) (Want, error) {
	w := Want{Policies: map[string]configtx.Policy{}}
	if c.Batch != (Batch{}) {
		b := c.Batch.OrDefault()
		w.Batch = &b
	}
	for name, pol := range applicationPolicies(c) {
		w.Policies[name] = configtxPolicy(pol)
	}
	for _, o := range c.Members {
		m, err := memberOf(o)
		if err != nil {
			return Want{}, fmt.Errorf("channel %s: %s: %w", c.Name, o.MSPID, err)
		}
		w.Members = append(w.Members, m)
	}
	return w, nil
}

func memberOf(o Org) (Member, error) {
	msp, err := ReadMSP(o.MSPID, o.MSPDir)
	if err != nil {
		return Member{}, err
	}
	m := Member{MSPID: o.MSPID, MSP: msp, Policies: map[string]configtx.Policy{}}
	for name, pol := range orgPolicies(o.MSPID, false, o.SubmitOnly) {
		m.Policies[name] = configtxPolicy(pol)
	}
	for _, a := range o.Anchors {
		host, port, err := net.SplitHostPort(a)
		if err != nil {
			return Member{}, fmt.Errorf("anchor peer %q: %w", a, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return Member{}, fmt.Errorf("anchor peer %q: %w", a, err)
		}
		m.AnchorPeers = append(m.AnchorPeers, configtx.Address{Host: host, Port: p})
	}
	return m, nil
}

func configtxPolicy(p policy) configtx.Policy {
	typ := configtx.SignaturePolicyType
	if p.Type == "ImplicitMeta" {
		typ = configtx.ImplicitMetaPolicyType
	}
	return configtx.Policy{Type: typ, Rule: p.Rule, ModPolicy: configtx.AdminsPolicyKey}
}

// ReadMSP reads an org's channel MSP folder as carenet writes it
// (pki.WriteOrgMSP: cacerts/ca.pem, tlscacerts/ca.pem, NodeOUs by the
// CA's OUs), as configtxgen would put it in a channel config.
func ReadMSP(mspID, dir string) (configtx.MSP, error) {
	root, err := readCert(filepath.Join(dir, "cacerts", "ca.pem"))
	if err != nil {
		return configtx.MSP{}, err
	}
	tlsRoot, err := readCert(filepath.Join(dir, "tlscacerts", "ca.pem"))
	if err != nil {
		return configtx.MSP{}, err
	}
	ou := func(name string) membership.OUIdentifier {
		return membership.OUIdentifier{Certificate: root, OrganizationalUnitIdentifier: name}
	}
	return configtx.MSP{
		Name:         mspID,
		RootCerts:    []*x509.Certificate{root},
		TLSRootCerts: []*x509.Certificate{tlsRoot},
		CryptoConfig: membership.CryptoConfig{SignatureHashFamily: "SHA2", IdentityIdentifierHashFunction: "SHA256"},
		NodeOUs: membership.NodeOUs{Enable: true, ClientOUIdentifier: ou("client"), PeerOUIdentifier: ou("peer"),
			AdminOUIdentifier: ou("admin"), OrdererOUIdentifier: ou("orderer")},
	}, nil
}

func readCert(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cert, err := parseCert(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cert, nil
}

// WantFrom is the application side and the batching a config has: what
// a failed change is rolled back to.
func WantFrom(cfg *cb.Config) (Want, error) {
	tx := configtx.New(cfg)
	app, err := tx.Application().Configuration()
	if err != nil {
		return Want{}, err
	}
	w := Want{Policies: app.Policies}
	if b, err := BatchOf(cfg); err == nil {
		w.Batch = &b
	}
	for _, o := range app.Organizations {
		w.Members = append(w.Members, Member{MSPID: o.Name, MSP: o.MSP, Policies: o.Policies, AnchorPeers: o.AnchorPeers})
	}
	return w, nil
}
