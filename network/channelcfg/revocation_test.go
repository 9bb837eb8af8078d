package channelcfg

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	mb "github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

// crlOf is a CRL of the org's CA revoking serials.
func crlOf(t *testing.T, o testOrg, number int64, serials ...int64) []byte {
	t.Helper()
	tmpl := &x509.RevocationList{Number: big.NewInt(number), ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour)}
	for _, s := range serials {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: big.NewInt(s), RevocationTime: time.Now()})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, o.caCert, o.caKey)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
}

// The CRL goes into the org's MSP in the channel, signed by that org's
// admin alone (its MSP's mod_policy); a newer CRL of the same CA replaces
// it; the same CRL again changes nothing; another org's CA's CRL is
// refused, as is something that is not a CRL, and nothing else changes.
func TestACRLUpdateChangesOnlyTheOrgsMSPAndNeedsOnlyItsAdmin(t *testing.T) {
	k := newConsortium(t)
	cfg := configOf(t, want(t, channel(k.a, k.b, k.patients)))
	crl := crlOf(t, k.a, 1, 42)
	plan, err := NewRevocationPlan("care", cfg, "AMSP", crl)
	require.NoError(t, err)
	assert.Equal(t, []string{"revocation list of AMSP"}, plan.Changed)
	assert.Empty(t, plan.Added)
	signers, err := plan.Signers([]string{"BMSP", "AMSP"})
	require.NoError(t, err)
	assert.Equal(t, []string{"AMSP"}, signers, "the org's own admin, whoever else could sign")
	_, err = plan.Signers([]string{"BMSP"})
	assert.Error(t, err, "another org's admin cannot change A's MSP")
	after := mspOf(t, plan.Updated(), "AMSP")
	require.Len(t, after.RevocationList, 1)
	assert.Equal(t, []string{"42"}, revokedIn(t, after.RevocationList[0]))
	after.RevocationList = nil
	assert.True(t, proto.Equal(mspOf(t, cfg, "AMSP"), after), "nothing but the revocation list changed")
	assert.True(t, proto.Equal(cfg.ChannelGroup.Groups[configtx.ApplicationGroupKey].Groups["BMSP"],
		plan.Updated().ChannelGroup.Groups[configtx.ApplicationGroupKey].Groups["BMSP"]), "no other org changed")

	same, err := NewRevocationPlan("care", plan.Updated(), "AMSP", crl)
	require.NoError(t, err)
	assert.True(t, same.Empty(), "the CRL the channel holds")
	resigned, err := NewRevocationPlan("care", plan.Updated(), "AMSP", crlOf(t, k.a, 3, 42))
	require.NoError(t, err)
	assert.True(t, resigned.Empty(), "a new CRL listing the same certificates")
	newer, err := NewRevocationPlan("care", plan.Updated(), "AMSP", crlOf(t, k.a, 2, 42, 43))
	require.NoError(t, err)
	list := mspOf(t, newer.Updated(), "AMSP").RevocationList
	require.Len(t, list, 1, "the newer CRL replaces the older")
	assert.Equal(t, []string{"42", "43"}, revokedIn(t, list[0]))

	_, err = NewRevocationPlan("care", cfg, "AMSP", crlOf(t, k.b, 1, 42))
	assert.ErrorIs(t, err, ErrCRLIssuer)
	_, err = NewRevocationPlan("care", cfg, "AMSP", []byte("not a CRL"))
	assert.ErrorContains(t, err, "no PEM X509 CRL")
	_, err = NewRevocationPlan("care", cfg, "CMSP", crl)
	assert.ErrorContains(t, err, "not a member")
}

func mspOf(t *testing.T, cfg *cb.Config, mspID string) *mb.FabricMSPConfig {
	t.Helper()
	var c mb.MSPConfig
	var f mb.FabricMSPConfig
	v := cfg.ChannelGroup.Groups[configtx.ApplicationGroupKey].Groups[mspID].Values[mspValue]
	require.NoError(t, proto.Unmarshal(v.Value, &c))
	require.NoError(t, proto.Unmarshal(c.Config, &f))
	return &f
}

func revokedIn(t *testing.T, crlPEM []byte) []string {
	t.Helper()
	block, _ := pem.Decode(crlPEM)
	require.NotNil(t, block)
	crl, err := x509.ParseRevocationList(block.Bytes)
	require.NoError(t, err)
	var out []string
	for _, e := range crl.RevokedCertificateEntries {
		out = append(out, e.SerialNumber.String())
	}
	return out
}
