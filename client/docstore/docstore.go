// Package docstore keeps health documents off chain, encrypted: each
// document gets a fresh AES-256-GCM key and is stored under the SHA-256 of
// its ciphertext (content addressing), by default in a local folder, behind
// a Store interface that an S3-compatible object store can implement.
// Reading checks the ciphertext's hash, every chunk's authentication tag and
// the plaintext's hash: a tampered or missing file is reported, never
// silently accepted.
//
// Ciphertext format: "CCE1" | 7-byte nonce prefix | chunks. Each chunk is at
// most ChunkSize plaintext bytes sealed with the nonce prefix, a 4-byte
// big-endian counter and a final-chunk flag (the STREAM construction), so
// documents of any size stream through memory in bounded space and chunks
// cannot be reordered, dropped or truncated unnoticed.
package docstore

import (
	"bufio"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
)

// ChunkSize is the plaintext size of one sealed chunk.
const ChunkSize = 64 * 1024

var magic = []byte("CCE1")

// Errors a read reports.
var (
	ErrMissing  = errors.New("docstore: document not found in the store")
	ErrTampered = errors.New("docstore: document was altered")
)

// Store holds ciphertexts under their SHA-256 (hex).
type Store interface {
	// Put stores the ciphertext read from r under its hash; it must verify
	// that the bytes hash to it.
	Put(ctx context.Context, sha256Hex string, r io.Reader) error
	// Get opens a ciphertext; ErrMissing when there is none.
	Get(ctx context.Context, sha256Hex string) (io.ReadCloser, error)
	// Location is how an anchor refers to the stored object.
	Location(sha256Hex string) string
}

// Sealed describes an encrypted document.
type Sealed struct {
	Key          []byte // the fresh AES-256 key: wrap it, then forget it
	PlainSHA256  string
	CipherSHA256 string
	Size         int64 // plaintext bytes
	CipherSize   int64
}

// Progress is told the plaintext bytes processed so far.
type Progress func(done int64)

// Encrypt seals plaintext from r into w with a fresh key.
func Encrypt(w io.Writer, r io.Reader, progress Progress) (*Sealed, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	prefix := make([]byte, 7)
	if _, err := rand.Read(prefix); err != nil {
		return nil, err
	}
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	plainHash, cipherHash := sha256.New(), sha256.New()
	out := &countingWriter{w: io.MultiWriter(w, cipherHash)}
	if _, err := out.Write(append(append([]byte{}, magic...), prefix...)); err != nil {
		return nil, err
	}
	s := &sealer{gcm: gcm, prefix: prefix, plain: plainHash, out: out, progress: progress}
	if err := s.sealAll(bufio.NewReaderSize(r, ChunkSize)); err != nil {
		return nil, err
	}
	return &Sealed{Key: key, PlainSHA256: hexOf(plainHash), CipherSHA256: hexOf(cipherHash), Size: s.size, CipherSize: out.n}, nil
}

// sealer seals a plaintext chunk by chunk, each with its counter and the
// last one marked, so that chunks can be neither reordered nor cut off.
type sealer struct {
	gcm      cipher.AEAD
	prefix   []byte
	plain    hash.Hash
	out      io.Writer
	progress Progress
	size     int64
}

func (s *sealer) sealAll(br *bufio.Reader) error {
	buf := make([]byte, ChunkSize)
	for counter := uint32(0); ; counter++ {
		n, err := io.ReadFull(br, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return err
		}
		_, peekErr := br.Peek(1)
		last := peekErr != nil
		if err := s.seal(buf[:n], counter, last); err != nil {
			return err
		}
		if last {
			return nil
		}
		if counter == ^uint32(0) {
			return errors.New("docstore: document too large")
		}
	}
}

func (s *sealer) seal(chunk []byte, counter uint32, last bool) error {
	_, _ = s.plain.Write(chunk) // a hash's Write never fails
	s.size += int64(len(chunk))
	if _, err := s.out.Write(s.gcm.Seal(nil, nonce(s.prefix, counter, last), chunk, nil)); err != nil {
		return err
	}
	if s.progress != nil {
		s.progress(s.size)
	}
	return nil
}

// Decrypt opens a ciphertext from r into w with key, checking every chunk
// and, at the end, the plaintext's hash (when plainSHA256 is not empty).
// Nothing is trusted until Decrypt returns nil: write to a temporary place.
func Decrypt(w io.Writer, r io.Reader, key []byte, plainSHA256 string, progress Progress) error {
	gcm, err := newGCM(key)
	if err != nil {
		return err
	}
	header := make([]byte, len(magic)+7)
	if _, err := io.ReadFull(r, header); err != nil || string(header[:len(magic)]) != string(magic) {
		return fmt.Errorf("%w: not a carechain ciphertext", ErrTampered)
	}
	prefix := header[len(magic):]
	br := bufio.NewReaderSize(r, ChunkSize+gcm.Overhead())
	buf := make([]byte, ChunkSize+gcm.Overhead())
	plainHash := sha256.New()
	var done int64
	for counter := uint32(0); ; counter++ {
		n, err := io.ReadFull(br, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return err
		}
		_, peekErr := br.Peek(1)
		last := peekErr != nil
		plain, err := gcm.Open(nil, nonce(prefix, counter, last), buf[:n], nil)
		if err != nil {
			return fmt.Errorf("%w: chunk %d does not authenticate", ErrTampered, counter)
		}
		plainHash.Write(plain)
		if _, err := w.Write(plain); err != nil {
			return err
		}
		done += int64(len(plain))
		if progress != nil {
			progress(done)
		}
		if last {
			break
		}
	}
	if plainSHA256 != "" && hexOf(plainHash) != plainSHA256 {
		return fmt.Errorf("%w: plaintext hash differs from the anchor", ErrTampered)
	}
	return nil
}

func nonce(prefix []byte, counter uint32, last bool) []byte {
	n := make([]byte, 12)
	copy(n, prefix)
	binary.BigEndian.PutUint32(n[7:11], counter)
	if last {
		n[11] = 1
	}
	return n
}

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, errors.New("docstore: key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func hexOf(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Dir is a Store in a local folder: DIR/ab/abcdef... by ciphertext hash.
type Dir string

func (d Dir) path(sha256Hex string) (string, error) {
	if len(sha256Hex) != 64 {
		return "", fmt.Errorf("docstore: %q is not a SHA-256", sha256Hex)
	}
	if _, err := hex.DecodeString(sha256Hex); err != nil {
		return "", fmt.Errorf("docstore: %q is not a SHA-256", sha256Hex)
	}
	return filepath.Join(string(d), sha256Hex[:2], sha256Hex), nil
}

// Location is the anchor's pointer: store://sha256/HASH.
func (d Dir) Location(sha256Hex string) string { return "store://sha256/" + sha256Hex }

// Put writes the ciphertext atomically, refusing bytes that do not hash to sha256Hex.
func (d Dir) Put(ctx context.Context, sha256Hex string, r io.Reader) error {
	p, err := d.path(sha256Hex)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), r); err != nil {
		return errors.Join(err, tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if hexOf(h) != sha256Hex {
		return fmt.Errorf("docstore: bytes hash to %s, not %s", hexOf(h), sha256Hex)
	}
	return os.Rename(tmp.Name(), p)
}

// Get opens a stored ciphertext.
func (d Dir) Get(ctx context.Context, sha256Hex string) (io.ReadCloser, error) {
	p, err := d.path(sha256Hex)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrMissing, sha256Hex)
	}
	return f, err
}

// Fetch reads a ciphertext from the store into a temporary file and checks
// its hash before anything decrypts it. The caller removes the file.
func Fetch(ctx context.Context, s Store, cipherSHA256 string) (*os.File, error) {
	rc, err := s.Get(ctx, cipherSHA256)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp("", "carechain-cipher-*")
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), rc); err != nil {
		return nil, discard(tmp, err)
	}
	if hexOf(h) != cipherSHA256 {
		return nil, discard(tmp, fmt.Errorf("%w: stored ciphertext hashes to %s, the anchor says %s", ErrTampered, hexOf(h), cipherSHA256))
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, discard(tmp, err)
	}
	return tmp, nil
}

// discard closes and removes a temporary file that failed; cause comes first
// in the error returned.
func discard(tmp *os.File, cause error) error {
	return errors.Join(cause, tmp.Close(), os.Remove(tmp.Name()))
}
