package docstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestRoundTripSizes(t *testing.T) {
	for _, size := range []int{0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 3*ChunkSize + 17} {
		plain := make([]byte, size)
		_, _ = rand.Read(plain)
		var c bytes.Buffer
		var seen int64
		s, err := Encrypt(&c, bytes.NewReader(plain), func(n int64) { seen = n })
		require.NoError(t, err)
		assert.Equal(t, int64(size), s.Size)
		assert.Equal(t, int64(size), seen)
		assert.Equal(t, sum(plain), s.PlainSHA256)
		assert.Equal(t, sum(c.Bytes()), s.CipherSHA256)
		assert.Equal(t, int64(c.Len()), s.CipherSize)
		if size > 16 {
			assert.False(t, bytes.Contains(c.Bytes(), plain[:16]))
		}
		var out bytes.Buffer
		require.NoError(t, Decrypt(&out, bytes.NewReader(c.Bytes()), s.Key, s.PlainSHA256, nil), "size %d", size)
		assert.True(t, bytes.Equal(plain, out.Bytes()), "size %d", size)
	}
}

func TestTamperingIsDetected(t *testing.T) {
	plain := bytes.Repeat([]byte("record "), 30000) // > 3 chunks
	var c bytes.Buffer
	s, err := Encrypt(&c, bytes.NewReader(plain), nil)
	require.NoError(t, err)
	ct := c.Bytes()
	chunk := ChunkSize + 16
	header := 11
	for name, bad := range map[string][]byte{
		"flipped bit":    flip(ct, len(ct)/2),
		"truncated":      ct[:header+chunk],
		"chunk dropped":  append(append([]byte{}, ct[:header+chunk]...), ct[header+2*chunk:]...),
		"chunks swapped": append(append(append(append([]byte{}, ct[:header]...), ct[header+chunk:header+2*chunk]...), ct[header:header+chunk]...), ct[header+2*chunk:]...),
		"not ciphertext": []byte("hello"),
	} {
		err := Decrypt(&bytes.Buffer{}, bytes.NewReader(bad), s.Key, s.PlainSHA256, nil)
		assert.ErrorIs(t, err, ErrTampered, name)
	}
	other := make([]byte, 32)
	err = Decrypt(&bytes.Buffer{}, bytes.NewReader(ct), other, "", nil)
	assert.ErrorIs(t, err, ErrTampered, "wrong key")
	err = Decrypt(&bytes.Buffer{}, bytes.NewReader(ct), s.Key, sum([]byte("other")), nil)
	assert.ErrorIs(t, err, ErrTampered, "plaintext hash differs")
}

func flip(b []byte, i int) []byte {
	c := append([]byte{}, b...)
	c[i] ^= 0x40
	return c
}

func TestDirStore(t *testing.T) {
	ctx := context.Background()
	d := Dir(t.TempDir())
	data := []byte("ciphertext bytes")
	h := sum(data)
	require.NoError(t, d.Put(ctx, h, bytes.NewReader(data)))
	assert.Error(t, d.Put(ctx, sum([]byte("x")), bytes.NewReader(data)), "bytes must hash to their name")
	assert.Equal(t, "store://sha256/"+h, d.Location(h))

	f, err := Fetch(ctx, d, h)
	require.NoError(t, err)
	got, _ := os.ReadFile(f.Name())
	f.Close()
	os.Remove(f.Name())
	assert.Equal(t, data, got)

	_, err = Fetch(ctx, d, sum([]byte("absent")))
	assert.ErrorIs(t, err, ErrMissing)

	// Change the stored file behind the store's back.
	require.NoError(t, os.WriteFile(filepath.Join(string(d), h[:2], h), []byte("forged"), 0o600))
	_, err = Fetch(ctx, d, h)
	assert.True(t, errors.Is(err, ErrTampered), "%v", err)
	_, err = d.Get(ctx, "../../etc/passwd")
	assert.Error(t, err)
}

func BenchmarkEncrypt1MiB(b *testing.B) {
	plain := make([]byte, 1<<20)
	_, _ = rand.Read(plain)
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		if _, err := Encrypt(io.Discard, bytes.NewReader(plain), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecrypt1MiB(b *testing.B) {
	plain := make([]byte, 1<<20)
	_, _ = rand.Read(plain)
	var c bytes.Buffer
	s, err := Encrypt(&c, bytes.NewReader(plain), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		if err := Decrypt(io.Discard, bytes.NewReader(c.Bytes()), s.Key, s.PlainSHA256, nil); err != nil {
			b.Fatal(err)
		}
	}
}
