package keywrap

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrapUnwrap(t *testing.T) {
	recipient, err := NewEphemeral()
	require.NoError(t, err)
	eph, err := NewEphemeral()
	require.NoError(t, err)
	secret := bytes.Repeat([]byte{7}, 32)
	w, err := Wrap(recipient.PublicKey(), eph, secret, []byte("rec-1/1"))
	require.NoError(t, err)
	assert.Len(t, w, 1+65+32+16)
	assert.False(t, bytes.Contains(w, secret))

	got, err := Unwrap(recipient, w, []byte("rec-1/1"))
	require.NoError(t, err)
	assert.Equal(t, secret, got)

	_, err = Unwrap(recipient, w, []byte("rec-1/2"))
	assert.ErrorIs(t, err, ErrDecrypt, "other additional data")
	other, _ := NewEphemeral()
	_, err = Unwrap(other, w, []byte("rec-1/1"))
	assert.ErrorIs(t, err, ErrDecrypt, "other recipient")
	tampered := append([]byte{}, w...)
	tampered[len(tampered)-1] ^= 1
	_, err = Unwrap(recipient, tampered, []byte("rec-1/1"))
	assert.ErrorIs(t, err, ErrDecrypt)
	_, err = Unwrap(recipient, w[:10], nil)
	assert.Error(t, err)
}

func TestEphemeralFromSeedIsDeterministic(t *testing.T) {
	a, err := EphemeralFromSeed([]byte("seed"))
	require.NoError(t, err)
	b, err := EphemeralFromSeed([]byte("seed"))
	require.NoError(t, err)
	c, err := EphemeralFromSeed([]byte("other"))
	require.NoError(t, err)
	assert.Equal(t, a.Bytes(), b.Bytes())
	assert.NotEqual(t, a.Bytes(), c.Bytes())

	recipient, _ := NewEphemeral()
	w1, err := Wrap(recipient.PublicKey(), a, []byte("k"), nil)
	require.NoError(t, err)
	w2, err := Wrap(recipient.PublicKey(), b, []byte("k"), nil)
	require.NoError(t, err)
	assert.Equal(t, w1, w2, "same seed, same bytes: endorsers agree")
}

func FuzzUnwrap(f *testing.F) {
	recipient, _ := EphemeralFromSeed([]byte("fuzz"))
	eph, _ := EphemeralFromSeed([]byte("eph"))
	w, _ := Wrap(recipient.PublicKey(), eph, []byte("secret"), nil)
	f.Add(w)
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Unwrap(recipient, data, nil)
	})
}
