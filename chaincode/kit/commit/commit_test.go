package commit_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/carechain/carechain/chaincode/kit/commit"
)

// The commitment's framing is fixed: the chaincodes' published hashes and
// the clients that check them must agree on every byte.
func TestSumIsTheFramedSHA256(t *testing.T) {
	frame := append([]byte{0, 0, 0, 0, 0, 0, 0, 2}, "s1data"...)
	want := sha256.Sum256(frame)
	if got := commit.Sum("s1", []byte("data")); got != hex.EncodeToString(want[:]) {
		t.Fatalf("Sum = %s, want %x", got, want)
	}
}

func TestSumSeparatesSaltFromData(t *testing.T) {
	if commit.Sum("ab", []byte("c")) == commit.Sum("a", []byte("bc")) {
		t.Fatal("the salt's length does not separate it from the data")
	}
	if commit.Sum("s1", []byte("x")) == commit.Sum("s2", []byte("x")) {
		t.Fatal("two salts commit to the same data alike")
	}
}

func ExampleSum() {
	// A reader given a private record and its salt checks the record
	// against the public commitment.
	published := commit.Sum("c2FsdA==", []byte(`{"id":"c1"}`))
	fmt.Println(commit.Sum("c2FsdA==", []byte(`{"id":"c1"}`)) == published)
	// Output: true
}
