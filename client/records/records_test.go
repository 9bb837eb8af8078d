package records

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client/docstore"
)

// The plaintext is checked against the anchor's commitment, under the salt
// the document key gives; a plaintext that does not match is tampered.
func TestDecryptCheckedAgainstTheCommitment(t *testing.T) {
	plain := []byte("HIV-1/2 antibody: reactive")
	var cipher bytes.Buffer
	sealed, err := docstore.Encrypt(&cipher, bytes.NewReader(plain), nil)
	require.NoError(t, err)
	sum, _ := hex.DecodeString(sealed.PlainSHA256)
	rel := rc.Release{PlainCommitment: rc.PlaintextCommitment(rc.PlaintextSalt(sealed.Key), sum)}
	assert.NotEqual(t, sealed.PlainSHA256, rel.PlainCommitment, "the chain never sees the bare hash")

	var out bytes.Buffer
	salt, err := decryptChecked(&out, bytes.NewReader(cipher.Bytes()), sealed.Key, rel, nil)
	require.NoError(t, err)
	assert.Equal(t, plain, out.Bytes())
	assert.Equal(t, rc.PlaintextSalt(sealed.Key), salt)

	bare := sha256.Sum256(plain)
	rel.PlainCommitment = hex.EncodeToString(bare[:])
	_, err = decryptChecked(&bytes.Buffer{}, bytes.NewReader(cipher.Bytes()), sealed.Key, rel, nil)
	assert.ErrorIs(t, err, docstore.ErrTampered)
}

// A history verifies by the anchors' commitments and their links.
func TestVerifyHistoryUsesCommitments(t *testing.T) {
	v1 := rc.Anchor{ID: "rec-1", Version: 1, Status: rc.StatusSuperseded, Subject: "pt-1", Salt: "s1"}
	c1, err := rc.AnchorCommitment(&v1)
	require.NoError(t, err)
	v2 := rc.Anchor{ID: "rec-1", Version: 2, Status: rc.StatusCurrent, Subject: "pt-1", PreviousAnchorHash: c1, Salt: "s2"}
	c2, err := rc.AnchorCommitment(&v2)
	require.NoError(t, err)
	versions := []rc.VersionEntry{{Anchor: v2, AnchorHash: c2}, {Anchor: v1, AnchorHash: c1}}
	h, err := verifyHistory(versions)
	require.NoError(t, err)
	assert.True(t, h.Verified, h.Problem)

	tampered := append([]rc.VersionEntry{}, versions...)
	tampered[1].Anchor.Subject = "pt-2"
	h, err = verifyHistory(tampered)
	require.NoError(t, err)
	assert.False(t, h.Verified)
	assert.Contains(t, h.Problem, "version 1 does not match")

	unlinked := append([]rc.VersionEntry{}, versions...)
	unlinked[1].Anchor.Salt, unlinked[1].AnchorHash = "s9", ""
	unlinked[1].AnchorHash, _ = rc.AnchorCommitment(&unlinked[1].Anchor)
	h, err = verifyHistory(unlinked)
	require.NoError(t, err)
	assert.False(t, h.Verified)
	assert.Contains(t, h.Problem, "version 2 does not link to version 1")
}
