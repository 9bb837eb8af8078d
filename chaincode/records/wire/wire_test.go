package wire

import (
	"encoding/json"
	"testing"

	"github.com/carechain/carechain/chaincode/kit/commit"
)

// The client and the chaincode compute these independently: a change of
// one byte breaks every stored commitment and wrapped key, so they are
// fixed here (values computed once, independently, with Python's hmac
// and hashlib).
func TestCommitmentsAreStable(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	if got, want := PlaintextSalt(key), "GaQ353+FNo342bo0gFXQuA06gVxOSieML3zvZjkP4fM="; got != want {
		t.Errorf("PlaintextSalt = %s, want %s", got, want)
	}
	if got, want := PlaintextCommitment("salt", []byte("x")), "d48208a707e460a49ff747d693324abb0d0c5f6ab9d83fe1c4049aa9e512fae1"; got != want {
		t.Errorf("PlaintextCommitment = %s, want %s", got, want)
	}
	if got, want := string(WrapAAD("r1", 2)), "carechain/records/r1/2"; got != want {
		t.Errorf("WrapAAD = %q, want %q", got, want)
	}
}

// An anchor's commitment covers the whole anchor, salt included, as its
// JSON encodes it.
func TestAnchorCommitmentCoversTheAnchor(t *testing.T) {
	a := Anchor{ID: "r1", Version: 2, Subject: "pt-1", Salt: "s"}
	got, err := AnchorCommitment(&a)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(a)
	if got != commit.Sum(a.Salt, data) {
		t.Fatal("not the commitment to the anchor's JSON under its salt")
	}
	b := a
	b.Subject = "pt-2"
	if other, _ := AnchorCommitment(&b); other == got {
		t.Fatal("the subject does not change the commitment")
	}
}
