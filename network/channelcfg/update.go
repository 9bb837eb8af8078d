package channelcfg

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	mb "github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/carechain/carechain/network/pki"
)

// Update is a channel config update with the signatures it has
// collected. On disk it is Fabric's CONFIG_UPDATE envelope, the file that
// `peer channel signconfigtx` signs and `peer channel update` submits.
type Update struct {
	Channel      string
	ConfigUpdate []byte // a marshaled common.ConfigUpdate
	Signatures   []*cb.ConfigSignature
}

// Update is the plan's config update, signed by nobody yet.
func (p *Plan) Update() (*Update, error) {
	if p.Empty() {
		return nil, fmt.Errorf("channel %s: nothing to update", p.Channel)
	}
	data, err := p.tx.ComputeMarshaledUpdate(p.Channel)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %w", p.Channel, err)
	}
	return &Update{Channel: p.Channel, ConfigUpdate: data}, nil
}

// Sign adds one org admin's signature to the update. It is the one step
// that needs a private key: each org's admin signs with its own, wherever
// the update has travelled to.
func Sign(u *Update, signer *configtx.SigningIdentity) error {
	sig, err := signer.CreateConfigSignature(u.ConfigUpdate)
	if err != nil {
		return fmt.Errorf("channel %s: sign as %s: %w", u.Channel, signer.MSPID, err)
	}
	u.Signatures = append(u.Signatures, sig)
	return nil
}

// SignedBy lists the MSP ids of the update's signatures, in order.
func (u *Update) SignedBy() ([]string, error) {
	var out []string
	for i, s := range u.Signatures {
		var hdr cb.SignatureHeader
		var id mb.SerializedIdentity
		if err := proto.Unmarshal(s.SignatureHeader, &hdr); err != nil {
			return nil, fmt.Errorf("signature %d: %w", i, err)
		}
		if err := proto.Unmarshal(hdr.Creator, &id); err != nil {
			return nil, fmt.Errorf("signature %d: %w", i, err)
		}
		if !slices.Contains(out, id.Mspid) {
			out = append(out, id.Mspid)
		}
	}
	return out, nil
}

// Marshal is the update as a CONFIG_UPDATE envelope (unsigned: whoever
// submits it signs the envelope).
func (u *Update) Marshal() ([]byte, error) {
	env, err := configtx.NewEnvelope(u.ConfigUpdate, u.Signatures...)
	if err != nil {
		return nil, err
	}
	return proto.Marshal(env)
}

// ParseUpdate reads an update written by Marshal (or by peer channel
// signconfigtx).
func ParseUpdate(data []byte) (*Update, error) {
	var env cb.Envelope
	var payload cb.Payload
	var cue cb.ConfigUpdateEnvelope
	var cu cb.ConfigUpdate
	if err := proto.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("config update envelope: %w", err)
	}
	if err := proto.Unmarshal(env.Payload, &payload); err != nil {
		return nil, fmt.Errorf("config update payload: %w", err)
	}
	if err := proto.Unmarshal(payload.Data, &cue); err != nil {
		return nil, fmt.Errorf("config update envelope data: %w", err)
	}
	if err := proto.Unmarshal(cue.ConfigUpdate, &cu); err != nil {
		return nil, fmt.Errorf("config update: %w", err)
	}
	if cu.ChannelId == "" {
		return nil, errors.New("config update: no channel id")
	}
	return &Update{Channel: cu.ChannelId, ConfigUpdate: cue.ConfigUpdate, Signatures: cue.Signatures}, nil
}

// ConfigFromBlock reads the channel config of a config block (what `peer
// channel fetch config` writes).
func ConfigFromBlock(data []byte) (*cb.Config, error) {
	var block cb.Block
	var env cb.Envelope
	var payload cb.Payload
	var ce cb.ConfigEnvelope
	if err := proto.Unmarshal(data, &block); err != nil {
		return nil, fmt.Errorf("config block: %w", err)
	}
	if len(block.GetData().GetData()) != 1 {
		return nil, errors.New("config block: not one transaction")
	}
	if err := proto.Unmarshal(block.Data.Data[0], &env); err != nil {
		return nil, fmt.Errorf("config block envelope: %w", err)
	}
	if err := proto.Unmarshal(env.Payload, &payload); err != nil {
		return nil, fmt.Errorf("config block payload: %w", err)
	}
	if err := proto.Unmarshal(payload.Data, &ce); err != nil {
		return nil, fmt.Errorf("config envelope: %w", err)
	}
	if ce.Config == nil {
		return nil, errors.New("config block: no config")
	}
	return ce.Config, nil
}

// SignerFromMSP is an org admin's signing identity, from its enrolled MSP
// folder (signcerts/cert.pem, keystore/*_sk in PKCS #8).
func SignerFromMSP(mspID, mspDir string) (*configtx.SigningIdentity, error) {
	certPEM, err := os.ReadFile(filepath.Join(mspDir, "signcerts", "cert.pem"))
	if err != nil {
		return nil, err
	}
	cert, err := parseCert(certPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mspDir, err)
	}
	keyFile, err := pki.KeyFile(mspDir)
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM key", keyFile)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	ec, ok := key.(*ecdsa.PrivateKey)
	if err != nil || !ok {
		return nil, fmt.Errorf("%s: not a PKCS #8 ECDSA key", keyFile)
	}
	return &configtx.SigningIdentity{Certificate: cert, PrivateKey: ec, MSPID: mspID}, nil
}

func parseCert(data []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}
