package claims

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// payerSalt is a payer's duplicate-fingerprint salt, as stored.
type payerSalt struct {
	Salt string `json:"salt"`
}

// saltKey is the private key of payer's fingerprint salt, in the payer's
// collection.
func (t *tx) saltKey(payer string) (string, error) {
	return t.blindKey(wire.PayerCollection(payer), objSalt, payer)
}

// salt is a payer's duplicate-fingerprint salt.
func (t *tx) salt(payer string) ([]byte, error) {
	k, err := t.saltKey(payer)
	if err != nil {
		return nil, err
	}
	var s payerSalt
	if found, err := t.lookup(wire.PayerCollection(payer), k, "fingerprint salt", &s); err != nil {
		return nil, err
	} else if !found {
		return nil, ccerr.Precondition("payer %s has set no fingerprint salt", payer)
	}
	raw, err := base64.StdEncoding.DecodeString(s.Salt)
	if err != nil {
		return nil, ccerr.Internal("stored fingerprint salt: %v", err)
	}
	return raw, nil
}

func mac(salt []byte, parts ...string) string {
	m := hmac.New(sha256.New, salt)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// normalModifiers is a line's modifiers as a set: upper case, trimmed,
// sorted, each once.
func normalModifiers(mods []string) string {
	out := make([]string, len(mods))
	for i, m := range mods {
		out[i] = strings.ToUpper(strings.TrimSpace(m))
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ",")
}

// lineFingerprints are the salted fingerprints of a claim's lines, in line
// order: what makes a service the same service — provider, patient, date
// of service, procedure, modifiers and units — and never what the provider
// bills for it or how the billable period is written.
func lineFingerprints(salt []byte, provider string, c *wire.ClaimInput) []string {
	out := make([]string, len(c.Items))
	for i, it := range c.Items {
		out[i] = mac(salt, "line", provider, c.Patient, it.Date, it.Code, normalModifiers(it.Modifiers), strconv.FormatInt(it.Units, 10))
	}
	return out
}

// fingerprintEntry is the value of a line fingerprint's public key: the
// claim and line that billed the service.
type fingerprintEntry struct {
	Claim    string `json:"claim"`
	Sequence int    `json:"sequence"`
}

// refuseDuplicates refuses a claim one of whose lines bills a service
// another of its lines or an earlier claim to the same payer billed (the
// claim it replaces excepted), naming the first such line and the original.
func (t *tx) refuseDuplicates(in *wire.ClaimInput, salt []byte, fps []string, replaces string) error {
	for i, fp := range fps {
		if j := slices.Index(fps[:i], fp); j >= 0 {
			return ccerr.Invalid(fmt.Sprintf("item[%d]", i), "bills the same service as item[%d] (date, procedure, modifiers and units)", j)
		}
	}
	for i, fp := range fps {
		k, err := key(objFingerprint, fp)
		if err != nil {
			return err
		}
		raw, err := t.Stub.GetState(k)
		if err != nil {
			return ccerr.Internal("fingerprint: %v", err)
		}
		var orig fingerprintEntry
		if len(raw) == 0 || json.Unmarshal(raw, &orig) != nil || orig.Claim == replaces {
			continue // none, or not one this chaincode wrote
		}
		if ok, err := t.genuine(orig, in.Payer, salt, fp); err != nil {
			return err
		} else if ok {
			return ccerr.Conflict("duplicate of claim %s: item[%d] bills the service of its line %d", orig.Claim, i, orig.Sequence)
		}
	}
	return nil
}

// genuine reports whether a fingerprint entry is one a live claim of the
// payer wrote: an entry that points to no claim, to a withdrawn one or to
// a line with another fingerprint was not written by this chaincode with
// both parties' endorsement, and is ignored.
func (t *tx) genuine(e fingerprintEntry, payer string, salt []byte, fp string) (bool, error) {
	c, _, err := t.claim(e.Claim)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound || ccerr.CodeOf(err) == ccerr.CodeInvalidArgument {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if c.Status == wire.StatusVoided || c.Status == wire.StatusReplaced || c.Input.Payer != payer ||
		e.Sequence < 1 || e.Sequence > len(c.Input.Items) {
		return false, nil
	}
	return lineFingerprints(salt, c.Provider, &c.Input)[e.Sequence-1] == fp, nil
}

// putFingerprints writes the claim's line fingerprints, with the parties'
// endorsement policy.
func (t *tx) putFingerprints(id string, fps []string, policy []byte) error {
	for i, fp := range fps {
		k, err := key(objFingerprint, fp)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(fingerprintEntry{Claim: id, Sequence: i + 1})
		if err != nil {
			return ccerr.Internal("encode fingerprint: %v", err)
		}
		if err := t.putEndorsed(k, raw, policy); err != nil {
			return err
		}
	}
	return nil
}
