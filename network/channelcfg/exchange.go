package channelcfg

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	mb "github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// A channel update travels as a file between the orgs whose admins sign
// it, each on its own host with its own key; whoever submits it first
// checks it here against the channel's current config, so that an update
// the orderers would refuse is refused with the reason (which signature,
// which org still to sign) rather than Fabric's bare "implicit policy
// evaluation failed".

// SignatureError is a signature of an update that does not count.
type SignatureError struct {
	Channel string
	Index   int    // the signature's place in the update
	MSPID   string // whose it claims to be ("" when unreadable)
	Reason  string
	Err     error // the cause, when there is one
}

func (e *SignatureError) Error() string {
	msg := fmt.Sprintf("channel %s: signature %d (%s): %s", e.Channel, e.Index, orNone(e.MSPID), e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *SignatureError) Unwrap() error { return e.Err }

func orNone(s string) string {
	if s == "" {
		return "no MSP id"
	}
	return s
}

// Lack is one policy an update's signatures do not meet yet.
type Lack struct {
	Policy string   // its path, e.g. /Channel/Application/Admins
	Need   int      // how many orgs' admins must sign
	Among  []string // the MSP ids whose admins count
	Have   []string // those of Among that signed
}

// Missing are the orgs of Among that have not signed: Need-len(Have) of
// them must.
func (l Lack) Missing() []string {
	var out []string
	for _, m := range l.Among {
		if !slices.Contains(l.Have, m) {
			out = append(out, m)
		}
	}
	return out
}

// UnsignedError is an update that lacks signatures its policies need.
type UnsignedError struct {
	Channel string
	Lacks   []Lack
}

func (e *UnsignedError) Error() string {
	parts := make([]string, len(e.Lacks))
	for i, l := range e.Lacks {
		parts[i] = fmt.Sprintf("%s needs the admins of %d of %v, signed by %v: %d more of %v",
			l.Policy, l.Need, l.Among, l.Have, l.Need-len(l.Have), l.Missing())
	}
	return fmt.Sprintf("channel %s: the update lacks signatures: %s", e.Channel, strings.Join(parts, "; "))
}

// Orgs are the MSP ids of which a signature would help, sorted.
func (e *UnsignedError) Orgs() []string {
	var out []string
	for _, l := range e.Lacks {
		out = append(out, l.Missing()...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Check tells whether an update may be submitted to a channel whose
// config is current: every signature is by an admin of an org of the
// channel (its certificate issued by that org's CA as the channel knows
// it, with the admin OU, not revoked) and verifies over the update as it
// is now, so a change after signing is caught; together they meet the
// mod_policy of every element the update changes. It returns the MSP ids
// that signed, in order; an *UnsignedError names what is still lacking.
func Check(current *cb.Config, u *Update) ([]string, error) {
	var cu cb.ConfigUpdate
	if err := proto.Unmarshal(u.ConfigUpdate, &cu); err != nil {
		return nil, fmt.Errorf("channel %s: config update: %w", u.Channel, err)
	}
	if cu.ChannelId != u.Channel {
		return nil, fmt.Errorf("channel %s: the config update is for channel %q", u.Channel, cu.ChannelId)
	}
	msps, err := channelMSPs(current)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %w", u.Channel, err)
	}
	var signed []string
	for i, s := range u.Signatures {
		msp, reason, err := verifySignature(msps, u.ConfigUpdate, s)
		if reason != "" {
			return nil, &SignatureError{Channel: u.Channel, Index: i, MSPID: msp, Reason: reason, Err: err}
		}
		if !slices.Contains(signed, msp) {
			signed = append(signed, msp)
		}
	}
	lacks, err := lacking(updateRequirements(current, &cu), signed)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %w", u.Channel, err)
	}
	if len(lacks) > 0 {
		return signed, &UnsignedError{Channel: u.Channel, Lacks: lacks}
	}
	return signed, nil
}

// lacking are the requirements the signers do not meet, each policy once.
func lacking(reqs []requirement, signed []string) ([]Lack, error) {
	var out []Lack
	seen := map[string]bool{}
	for _, r := range reqs {
		if r.err != nil {
			return nil, r.err
		}
		if seen[r.Policy] {
			continue
		}
		seen[r.Policy] = true
		var have []string
		for _, m := range r.Among {
			if slices.Contains(signed, m) {
				have = append(have, m)
			}
		}
		if len(have) < r.Need {
			out = append(out, Lack{Policy: r.Policy, Need: r.Need, Among: r.Among, Have: have})
		}
	}
	return out, nil
}

// verifySignature returns the MSP id a signature is by, or why it does
// not count (reason) with its cause.
func verifySignature(msps map[string]configtx.MSP, update []byte, s *cb.ConfigSignature) (mspID, reason string, err error) {
	var hdr cb.SignatureHeader
	var id mb.SerializedIdentity
	if err := proto.Unmarshal(s.SignatureHeader, &hdr); err != nil {
		return "", "unreadable signature header", err
	}
	if err := proto.Unmarshal(hdr.Creator, &id); err != nil {
		return "", "unreadable signer identity", err
	}
	msp, ok := msps[id.Mspid]
	if !ok {
		return id.Mspid, "not an org of the channel", nil
	}
	cert, err := parseCert(id.IdBytes)
	if err != nil {
		return id.Mspid, "unreadable signer certificate", err
	}
	if reason, err := admitAdmin(msp, cert); reason != "" {
		return id.Mspid, reason, err
	}
	digest := sha256.Sum256(append(slices.Clone(s.SignatureHeader), update...))
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !ecdsa.VerifyASN1(pub, digest[:], s.Signature) {
		return id.Mspid, "does not verify over the update (changed after it was signed, or not signed by this certificate's key)", nil
	}
	return id.Mspid, "", nil
}

// admitAdmin tells why a certificate is not an admin of msp, or "": it
// must chain to the MSP's roots, be unrevoked, and carry the admin OU
// (NodeOUs) or be one of the MSP's listed admins.
func admitAdmin(msp configtx.MSP, cert *x509.Certificate) (string, error) {
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, c := range msp.RootCerts {
		roots.AddCert(c)
	}
	for _, c := range msp.IntermediateCerts {
		inter.AddCert(c)
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	if _, err := cert.Verify(opts); err != nil {
		return "its certificate was not issued by the CA of " + msp.Name, err
	}
	for _, crl := range msp.RevocationList {
		for _, r := range crl.TBSCertList.RevokedCertificates {
			if r.SerialNumber.Cmp(cert.SerialNumber) == 0 {
				return "its certificate is revoked by " + msp.Name, nil
			}
		}
	}
	if slices.ContainsFunc(msp.Admins, func(a *x509.Certificate) bool { return a.Equal(cert) }) {
		return "", nil
	}
	adminOU := msp.NodeOUs.AdminOUIdentifier.OrganizationalUnitIdentifier
	if msp.NodeOUs.Enable && adminOU != "" && slices.Contains(cert.Subject.OrganizationalUnit, adminOU) {
		return "", nil
	}
	return fmt.Sprintf("not an admin of %s (its certificate has OUs %v)", msp.Name, cert.Subject.OrganizationalUnit), nil
}

// channelMSPs are the MSPs of the channel's application and orderer
// orgs, by MSP id.
func channelMSPs(cfg *cb.Config) (map[string]configtx.MSP, error) {
	tx := configtx.New(cfg)
	out := map[string]configtx.MSP{}
	groups := cfg.GetChannelGroup().GetGroups()
	for _, name := range slices.Sorted(maps.Keys(groups[configtx.ApplicationGroupKey].GetGroups())) {
		msp, err := tx.Application().Organization(name).MSP().Configuration()
		if err != nil {
			return nil, fmt.Errorf("MSP of %s: %w", name, err)
		}
		out[msp.Name] = msp
	}
	for _, name := range slices.Sorted(maps.Keys(groups[configtx.OrdererGroupKey].GetGroups())) {
		msp, err := tx.Orderer().Organization(name).MSP().Configuration()
		if err != nil {
			return nil, fmt.Errorf("MSP of %s: %w", name, err)
		}
		out[msp.Name] = msp
	}
	return out, nil
}

// updateRequirements are the mod_policies an update must meet, as the
// orderer reads them: every element of the write set whose version
// differs from the read set's, and that the channel already has, is
// governed by its current mod_policy (a new element is authorised by
// its parent group's version change).
func updateRequirements(current *cb.Config, cu *cb.ConfigUpdate) []requirement {
	var reqs []requirement
	root := current.GetChannelGroup()
	walkDelta(root, root, cu.GetReadSet(), cu.GetWriteSet(), []string{configtx.ChannelGroupKey}, &reqs)
	return reqs
}

func walkDelta(root, have, read, write *cb.ConfigGroup, where []string, reqs *[]requirement) {
	if write == nil || have == nil {
		return
	}
	if read == nil || read.Version != write.Version {
		*reqs = append(*reqs, policyRequirement(root, have, where, have.ModPolicy))
	}
	for _, name := range slices.Sorted(maps.Keys(write.Values)) {
		hv, rv := have.Values[name], read.GetValues()[name]
		if hv != nil && (rv == nil || rv.Version != write.Values[name].Version) {
			*reqs = append(*reqs, policyRequirement(root, have, where, hv.ModPolicy))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(write.Policies)) {
		hp, rp := have.Policies[name], read.GetPolicies()[name]
		if hp != nil && (rp == nil || rp.Version != write.Policies[name].Version) {
			*reqs = append(*reqs, policyRequirement(root, have, where, hp.ModPolicy))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(write.Groups)) {
		walkDelta(root, have.Groups[name], read.GetGroups()[name], write.Groups[name], append(slices.Clone(where), name), reqs)
	}
}

// ReadUpdateFile reads an update file (Marshal's, or one `peer channel
// signconfigtx` signed).
func ReadUpdateFile(path string) (*Update, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	u, err := ParseUpdate(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return u, nil
}

// WriteFile writes the update to path whole or not at all (a signer that
// fails halfway leaves the signatures the file had).
func (u *Update) WriteFile(path string) error {
	data, err := u.Marshal()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// SignedAs reports whether the update already carries a signature of the
// identity with this certificate (signing twice adds nothing).
func (u *Update) SignedAs(mspID string, cert *x509.Certificate) bool {
	for _, s := range u.Signatures {
		var hdr cb.SignatureHeader
		var id mb.SerializedIdentity
		if proto.Unmarshal(s.SignatureHeader, &hdr) != nil || proto.Unmarshal(hdr.Creator, &id) != nil {
			continue
		}
		if c, err := parseCert(id.IdBytes); err == nil && id.Mspid == mspID && c.Equal(cert) {
			return true
		}
	}
	return false
}
