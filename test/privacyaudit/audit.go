package privacyaudit

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Secrets is everything the auditor knows that a block must not give away.
type Secrets struct {
	// Clear must appear nowhere in a block, in any encoding an attacker
	// would try (raw, hex, base64): pseudonyms, NPIs, canaries, reasons,
	// quoted data classes (`"psychiatry"`), document keys.
	Clear [][]byte
	// Guesses are values an attacker knows or guesses (pseudonyms taken
	// from anywhere, record ids, consent ids, data classes, purposes,
	// grantee orgs and roles): no private key hash, private value hash or
	// public hash may be recomputed from them.
	Guesses []string
	// ObjectTypes are the composite-key object types an attacker reads in
	// the chaincodes' source.
	ObjectTypes []string
	// Fields are the JSON field names of private records an attacker would
	// try with a guess.
	Fields []string
	// GuessesOnly leaves the attributes of the blocks' public keys out of
	// the candidates: for a channel whose private keys are public facts by
	// design (supply's unit anchors, keyed by the public unit id), where
	// only the guesses (pseudonyms, NPIs, classes) must stay unrecomputable.
	GuessesOnly bool
}

// Finding is one leak.
type Finding struct {
	Block  uint64
	TxID   string
	Kind   string // clear, key-hash, value-hash, public-hash
	Detail string
}

func (f Finding) String() string {
	return fmt.Sprintf("block %d tx %.12s: %s: %s", f.Block, f.TxID, f.Kind, f.Detail)
}

// Clear reports every block (raw bytes, as stored) that holds a clear
// secret in any encoding.
func Clear(blocks map[uint64][]byte, s Secrets) []Finding {
	var out []Finding
	numbers := make([]uint64, 0, len(blocks))
	for n := range blocks {
		numbers = append(numbers, n)
	}
	slices.Sort(numbers)
	for _, n := range numbers {
		for _, secret := range s.Clear {
			if form, ok := containsAnyForm(blocks[n], secret); ok {
				out = append(out, Finding{Block: n, Kind: "clear", Detail: fmt.Sprintf("%q (%s)", short(secret), form)})
			}
		}
	}
	return out
}

func containsAnyForm(data, secret []byte) (string, bool) {
	forms := map[string][]byte{
		"raw":       secret,
		"hex":       []byte(hex.EncodeToString(secret)),
		"base64":    []byte(base64.StdEncoding.EncodeToString(secret)),
		"base64url": []byte(base64.RawURLEncoding.EncodeToString(secret)),
	}
	for _, name := range []string{"raw", "hex", "base64", "base64url"} {
		if len(forms[name]) >= 6 && bytes.Contains(data, forms[name]) {
			return name, true
		}
	}
	return "", false
}

func short(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

// Hashes reports every hash in the transactions — private key and value
// hashes, and hex SHA-256 strings in public keys, values, events and
// responses — that a candidate built from the secrets reproduces.
func Hashes(txs []Tx, s Secrets) []Finding {
	cands := buildCandidates(s, knownValues(txs, s))
	var out []Finding
	for _, tx := range txs {
		out = append(out, matchHashes(tx, cands)...)
		out = append(out, publicCommitments(tx, s)...)
	}
	return out
}

// candidate is a preimage an attacker would try, by its SHA-256.
type candidates map[[32]byte]string

func (c candidates) add(kind string, preimage []byte) {
	c[sha256.Sum256(preimage)] = kind + " " + strconvQuote(preimage)
}

func strconvQuote(b []byte) string { return fmt.Sprintf("%q", short(b)) }

// compositeKey is Fabric's composite key: U+0000, the type, and each
// attribute followed by U+0000.
func compositeKey(objectType string, attrs ...string) []byte {
	var b strings.Builder
	b.WriteString("\x00" + objectType + "\x00")
	for _, a := range attrs {
		b.WriteString(a + "\x00")
	}
	return []byte(b.String())
}

// buildCandidates is every preimage tried: each known value alone (raw and
// as a JSON string), as the one attribute of a composite key of every
// object type, each pair of guesses as a two-attribute key, and each guess
// as a one-field JSON record.
func buildCandidates(s Secrets, known []string) candidates {
	c := candidates{}
	for _, v := range known {
		c.add("value", []byte(v))
		c.add("JSON string", []byte(fmt.Sprintf("%q", v)))
		for _, ot := range s.ObjectTypes {
			c.add("key", compositeKey(ot, v))
		}
	}
	for _, ot := range s.ObjectTypes {
		for _, a := range s.Guesses {
			for _, b := range s.Guesses {
				c.add("key", compositeKey(ot, a, b))
			}
		}
	}
	for _, f := range s.Fields {
		for _, g := range s.Guesses {
			data, _ := json.Marshal(map[string]string{f: g})
			c.add("record", data)
		}
	}
	return c
}

// knownValues are the guesses plus every attribute of every public
// composite key in the blocks: what anyone reading them knows.
func knownValues(txs []Tx, s Secrets) []string {
	set := map[string]bool{}
	for _, g := range s.Guesses {
		set[g] = true
	}
	if s.GuessesOnly {
		txs = nil
	}
	for _, tx := range txs {
		for _, w := range tx.Writes {
			for _, a := range splitComposite(w.Key) {
				set[a] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func splitComposite(key string) []string {
	if !strings.HasPrefix(key, "\x00") {
		return []string{key}
	}
	parts := strings.Split(strings.Trim(key, "\x00"), "\x00")
	if len(parts) <= 1 {
		return nil
	}
	return parts[1:]
}

var hexHash = regexp.MustCompile(`[0-9a-fA-F]{64}`)

func matchHashes(tx Tx, c candidates) []Finding {
	var out []Finding
	check := func(kind string, h []byte) {
		if len(h) != 32 {
			return
		}
		if pre, ok := c[[32]byte(h)]; ok {
			out = append(out, Finding{Block: tx.Block, TxID: tx.TxID, Kind: kind, Detail: "SHA-256 of " + pre})
		}
	}
	for _, h := range tx.KeyHashes {
		check("key-hash", h)
	}
	for _, h := range tx.ValueHashes {
		check("value-hash", h)
	}
	for _, text := range publicTexts(tx) {
		for _, m := range hexHash.FindAll(text, -1) {
			raw, _ := hex.DecodeString(strings.ToLower(string(m)))
			check("public-hash", raw)
		}
	}
	return out
}

func publicTexts(tx Tx) [][]byte {
	out := append(slices.Clone(tx.Args), tx.Events...)
	out = append(out, tx.Responses...)
	for _, w := range tx.Writes {
		out = append(out, []byte(w.Key), w.Value)
	}
	return out
}

// publicCommitments tries, for every public JSON value with a hex hash
// field, the hash of the value without that field plus one guessed field.
func publicCommitments(tx Tx, s Secrets) []Finding {
	var out []Finding
	for _, w := range tx.Writes {
		var obj map[string]any
		if json.Unmarshal(w.Value, &obj) != nil {
			continue
		}
		for field, v := range obj {
			h, ok := v.(string)
			if !ok || !hexHash.MatchString(h) || len(h) != 64 {
				continue
			}
			if pre, found := recompute(obj, field, h, s); found {
				out = append(out, Finding{Block: tx.Block, TxID: tx.TxID, Kind: "public-hash",
					Detail: fmt.Sprintf("%s of %s recomputed from the public fields plus %s", field, displayKey(w.Key), pre)})
			}
		}
	}
	return out
}

func recompute(obj map[string]any, field, h string, s Secrets) (string, bool) {
	rest := map[string]any{}
	for k, v := range obj {
		if k != field {
			rest[k] = v
		}
	}
	if hashJSON(rest) == h {
		return "nothing", true
	}
	for _, f := range s.Fields {
		for _, g := range s.Guesses {
			try := map[string]any{f: g}
			for k, v := range rest {
				try[k] = v
			}
			if hashJSON(try) == h {
				return fmt.Sprintf("%s=%q", f, g), true
			}
		}
	}
	return "", false
}

func hashJSON(v any) string {
	data, _ := json.Marshal(v)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func displayKey(k string) string { return strings.ReplaceAll(k, "\x00", "/") }
