package claims

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/commit"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/parts/partstest"
)

// The privacy tests look at the ledger as anyone holding a copy of the
// blocks does: world state keys and values (every version), and of private
// data only the SHA-256 of every key and of every value ever written, plus
// every response and event. They try what an attacker would — composite
// keys and JSON values rebuilt from known and guessed values, commitments
// recomputed with one private field guessed — and assert that nothing
// matches; each has a positive control (a construction that must match),
// so the test is known to see.

// story is a claims story whose every response is kept: the payer's setup,
// two claims of pt1 on one day, one of pt2, a payment, a void, a claim
// pended for coverage and a replacement.
type story struct {
	*env
	results []memstub.Result
}

func (s *story) submit(id *memstub.Identity, minute int, tkey string, v any, fn string, args ...string) {
	s.T.Helper()
	res := s.Submit(id, minute, tkey, v, fn, args...)
	s.Must(res, nil)
	s.results = append(s.results, res)
}

func newStory(t *testing.T) *story {
	s := &story{env: newEnvWith(t, partstest.Reference(), &Contract{})}
	s.submit(enrollment, 0, wire.TransientSalt, map[string]string{"salt": testSalt}, "SetSalt")
	s.submit(adjudicator, 0, wire.TransientRules, goldRules(), "SetRules")
	for i, c := range []wire.Coverage{
		{ID: "cov-1", Member: pt1, Plan: "gold", Period: wire.Period{Start: "2026-01-01", End: "2026-12-31"}, CopayCents: 2000, DeductibleCents: 5000, AnnualLimitCents: 1_000_000},
		{ID: "cov-2", Member: pt2, Plan: "gold", Period: wire.Period{Start: "2026-01-01", End: "2026-12-31"}},
	} {
		s.submit(enrollment, i, wire.TransientCoverage, c, "RegisterCoverage")
	}
	second := pt2Claim("clm-3")
	s.submit(billing, 1, wire.TransientClaim, office("clm-1"), "Submit")
	s.submit(billing, 2, wire.TransientClaim, sameDay("clm-2", 0), "Submit")
	s.submit(billing, 3, wire.TransientClaim, second, "Submit")
	paid := s.get(4, "clm-1").Adjudication.PaidCents
	s.submit(adjudicator, 4, wire.TransientPayment, wire.PaymentInput{Trace: "EFT-1", AmountCents: paid}, "Pay", "clm-1")
	s.submit(billing, 5, "", nil, "Void", "clm-2")
	noCover := onDay(office("clm-4"), "2026-06-11")
	noCover.Coverage = "cov-404"
	s.submit(billing, 5, wire.TransientClaim, noCover, "Submit")
	corrected := pt2Claim("clm-3b")
	corrected.Diagnoses = []string{"E11.65"}
	s.submit(billing, 6, wire.TransientClaim, corrected, "Replace", "clm-3")
	return s
}

// pt2Claim is office(id) for pt2 under cov-2, on 2026-06-09.
func pt2Claim(id string) wire.ClaimInput {
	c := onDay(office(id), "2026-06-09")
	c.Patient, c.Coverage = pt2, "cov-2"
	return c
}

// ledgerView is what a block reader knows of the claims namespace.
type ledgerView struct {
	public      map[string][][]byte // world state key → every value it had
	keyHashes   map[[32]byte]bool   // SHA-256 of every private key written
	valueHashes map[[32]byte]bool   // SHA-256 of every private value written
	texts       [][]byte            // responses and event payloads
}

func (s *story) view() ledgerView {
	v := ledgerView{public: map[string][][]byte{}, keyHashes: map[[32]byte]bool{}, valueHashes: map[[32]byte]bool{}}
	snap := s.Peer.Snapshot()["care"]
	for k, h := range snap.History {
		if k.Namespace != "claims" {
			continue
		}
		if k.Collection == "" {
			for _, e := range h {
				v.public[k.Key] = append(v.public[k.Key], e.Value)
			}
			continue
		}
		v.keyHashes[sha256.Sum256([]byte(k.Key))] = true
		for _, e := range h {
			if len(e.Hash) == 32 {
				v.valueHashes[[32]byte(e.Hash)] = true
			}
		}
	}
	for _, r := range s.results {
		v.texts = append(v.texts, r.Payload)
		if r.Event != nil {
			v.texts = append(v.texts, r.Event.Payload)
		}
	}
	return v
}

func (v ledgerView) hasKey(k string) bool { return v.keyHashes[sha256.Sum256([]byte(k))] }

// guesses are the values an attacker knows or guesses: pseudonyms,
// coverage ids, orgs, plans, years, service days, claim ids (public),
// codes.
var guesses = []string{pt1, pt2, "cov-1", "cov-2", "cov-404", "PayerMSP", "ProviderMSP", "gold", "silver", "bench", "e2e-gold",
	"2026", "2026-06-09", "2026-06-10", "2026-06-11", "clm-1", "clm-2", "clm-3", "clm-3b", "E11.9", "I10", "99213", "80053"}

// privateTypes are the object types of the chaincode's private keys.
var privateTypes = []string{objClaim, objCoverage, objRules, objSalt, objAccumulator, objPatientDay, objByPatient}

// guessedKeys are the composite keys of every private type with one, two
// or three guessed attributes: the keys the chaincode used to write
// (coverage/PayerMSP/cov-1, accumulator/PayerMSP/pt-…/2026, …) and more.
func guessedKeys(t *testing.T) []string {
	var out []string
	add := func(obj string, attrs ...string) {
		k, err := state.Key(obj, attrs...)
		require.NoError(t, err)
		out = append(out, k)
	}
	for _, obj := range privateTypes {
		for _, a := range guesses {
			add(obj, a)
			for _, b := range guesses {
				add(obj, a, b)
				for _, c := range guesses {
					add(obj, a, b, c)
				}
			}
		}
	}
	return out
}

// Item 2: no private key hash is the hash of a key built from guessable
// values; the chaincode's real (token) keys and the kit's own guessable key
// are there, so the test sees the hashes.
func TestPrivacyPrivateKeysNeedTheSecret(t *testing.T) {
	s := newStory(t)
	v := s.view()
	for _, k := range guessedKeys(t) {
		require.False(t, v.hasKey(k), "the hash of private key %q is in the blocks", state.DisplayKey(k))
	}
	// Positive controls: the blinded keys the story wrote.
	for _, k := range []string{
		s.blindKey(objAccumulator, "PayerMSP", pt1, "2026"),
		s.blindKey(objCoverage, "PayerMSP", "cov-1"),
		s.blindKey(objRules, "PayerMSP", "gold"),
		s.blindKey(objSalt, "PayerMSP"),
		s.blindKey(objPatientDay, "PayerMSP", pt1, "2026-06-10"),
	} {
		assert.True(t, v.hasKey(k), "the story's key %q", state.DisplayKey(k))
	}
	secretKey := blind.SecretKey()
	assert.True(t, v.hasKey(secretKey), "kit/blind's own key, deliberately unblinded, is seen")
	// A claim's record key is linked to its public trace on purpose (the
	// trace names the token), and only that way.
	var tr wire.Trace
	require.NoError(t, json.Unmarshal(last(v.public[mustKey(t, objTrace, "clm-1")]), &tr))
	assert.True(t, v.hasKey(mustKey(t, objClaim, tr.Record, "clm-1")))
	assert.False(t, v.hasKey(mustKey(t, objClaim, "clm-1")))
}

func mustKey(t *testing.T, obj string, attrs ...string) string {
	k, err := state.Key(obj, attrs...)
	require.NoError(t, err)
	return k
}

func last(values [][]byte) []byte {
	if len(values) == 0 {
		return nil
	}
	return values[len(values)-1]
}

// Item 1: every private value is salted: neither its JSON (what the
// chaincode used to store) nor that JSON sealed without a salt hashes to
// a value hash in the blocks, while the sealed record does.
func TestPrivacyPrivateValuesAreSalted(t *testing.T) {
	s := newStory(t)
	v := s.view()
	records := map[string]any{
		"accumulator pt1":  &Accumulator{},
		"accumulator pt2":  &Accumulator{},
		"coverage cov-1":   &wire.Coverage{},
		"rules gold":       &wire.Rules{},
		"fingerprint salt": &payerSalt{},
		"patient-day pt1":  &dayEntry{},
		"claim clm-1":      &wire.Claim{},
	}
	keys := map[string]string{
		"accumulator pt1":  s.blindKey(objAccumulator, "PayerMSP", pt1, "2026"),
		"accumulator pt2":  s.blindKey(objAccumulator, "PayerMSP", pt2, "2026"),
		"coverage cov-1":   s.blindKey(objCoverage, "PayerMSP", "cov-1"),
		"rules gold":       s.blindKey(objRules, "PayerMSP", "gold"),
		"fingerprint salt": s.blindKey(objSalt, "PayerMSP"),
		"patient-day pt1":  s.blindKey(objPatientDay, "PayerMSP", pt1, "2026-06-10"),
		"claim clm-1":      mustKey(t, objClaim, s.token(objClaim, "clm-1"), "clm-1"),
	}
	for name, rec := range records {
		salt := s.privateRecord(keys[name], rec)
		data, err := json.Marshal(rec)
		require.NoError(t, err)
		assert.Len(t, salt, 44, "%s: a 256-bit salt", name)
		for _, guess := range [][]byte{data, seal("", data), []byte(commit.Sum("", data))} {
			assert.False(t, v.valueHashes[sha256.Sum256(guess)], "%s: the hash of %q is in the blocks", name, guess)
		}
		assert.False(t, v.valueHashes[commitBytes("", data)], "%s: committed without a salt", name)
		assert.True(t, v.valueHashes[commitBytes(salt, data)], "%s: the sealed record's hash (positive control)", name)
	}
	// The kit's secret record, deliberately unsalted, is seen.
	secret, _ := json.Marshal(map[string][]byte{"secret": secretOf(pairColl)})
	assert.True(t, v.valueHashes[sha256.Sum256(secret)])
}

func commitBytes(salt string, data []byte) [32]byte {
	raw, _ := hex.DecodeString(commit.Sum(salt, data))
	return [32]byte(raw)
}

// Item 1: the trace's detailsHash is a commitment. Rebuilt from
// everything but the diagnosis, with the diagnosis guessed from a list
// that holds the right one, neither a bare SHA-256 nor an unsalted
// commitment confirms the guess; with the record's salt the right guess
// does.
func TestPrivacyTraceCommitmentConfirmsNoGuess(t *testing.T) {
	s := newStory(t)
	var tr wire.Trace
	s.Must(s.Query(auditor, 7, "GetTrace", "clm-1"), &tr)
	var stored wire.Claim
	salt := s.privateRecord(mustKey(t, objClaim, tr.Record, "clm-1"), &stored)
	var confirmed []string
	for _, dx := range [][]string{{"E11.9", "I10"}, {"F32.9"}, {"E11.65"}, {"I10"}, {"E11.9"}, {"Z71.3"}} {
		guess := stored
		guess.Input.Diagnoses = dx
		data, err := json.Marshal(guess)
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		assert.NotEqual(t, hex.EncodeToString(sum[:]), tr.DetailsHash, "bare SHA-256 of the claim with %v", dx)
		assert.NotEqual(t, commit.Sum("", data), tr.DetailsHash, "unsalted commitment with %v", dx)
		assert.NotEqual(t, commit.Sum(tr.Record, data), tr.DetailsHash, "the public token is not the salt")
		if commit.Sum(salt, data) == tr.DetailsHash {
			confirmed = append(confirmed, strings.Join(dx, ","))
		}
	}
	assert.Equal(t, []string{"E11.9,I10"}, confirmed, "positive control: with the salt, the right diagnosis opens the commitment")
	// The commitment is the hash every peer keeps of the record.
	h, ok := s.Peer.PrivateHash("claims", pairColl, mustKey(t, objClaim, tr.Record, "clm-1"))
	require.True(t, ok)
	assert.Equal(t, tr.DetailsHash, hex.EncodeToString(h))
}

// Items 3 and 5: public state, responses and events name no patient, no
// coverage, no plan and no service day; no public key is per patient-day.
func TestPrivacyPublicStateNamesNoPatient(t *testing.T) {
	s := newStory(t)
	v := s.view()
	secrets := []string{pt1, pt2, "cov-1", "cov-2", "gold", "2026-06-10", "2026-06-09", "E11.9", "E11.65",
		wire.PendCoverage, wire.PendFraud, wire.PendPriorAuth}
	texts := slices.Clone(v.texts)
	for k, values := range v.public {
		typ, _, err := state.SplitKey(k)
		if err == nil {
			assert.Contains(t, []string{objTrace, objByStatus, objFingerprint, objSettings}, typ, "public key type of %q", state.DisplayKey(k))
		}
		texts = append(texts, []byte(k))
		texts = append(texts, values...)
	}
	for _, text := range texts {
		for _, secret := range secrets {
			require.NotContains(t, string(text), secret)
			require.NotContains(t, string(text), base64.StdEncoding.EncodeToString([]byte(secret)))
		}
	}
	// Not even the payer's salt ties a public key to a patient-day (the
	// old index did, under mac(salt, patient, day)).
	for _, day := range []string{"2026-06-10", "2026-06-09"} {
		for _, pt := range []string{pt1, pt2} {
			tag := mac(testSaltBytes[:], pt, day)
			for k := range v.public {
				require.NotContains(t, k, tag)
			}
		}
	}
}

// Item 5: the claims of one patient share no public key attribute but
// the parties and statuses (the old patient-day index gave all of a
// patient's claims of a day one public prefix).
func TestPrivacyOnePatientsClaimsShareNoPublicAttribute(t *testing.T) {
	s := newStory(t)
	v := s.view()
	common := []string{"ProviderMSP", "PayerMSP", allParties, wire.StatusPended, wire.StatusAdjudicated, wire.StatusAppealed, wire.StatusPaid, wire.StatusVoided, wire.StatusReplaced}
	attrs := map[string][]string{} // claim → attributes of the public keys that name it
	for k, values := range v.public {
		typ, parts, err := state.SplitKey(k)
		require.NoError(t, err)
		claim := parts[len(parts)-1]
		if typ == objFingerprint {
			var e fingerprintEntry
			require.NoError(t, json.Unmarshal(firstNonEmpty(values), &e))
			claim = e.Claim
		}
		for _, a := range parts {
			if a != claim && !slices.Contains(common, a) {
				attrs[claim] = append(attrs[claim], a)
			}
		}
	}
	for _, a := range attrs["clm-1"] {
		assert.NotContains(t, attrs["clm-2"], a, "clm-1 and clm-2 (pt1, 2026-06-10) share a public key attribute")
	}
	require.NotEmpty(t, attrs["clm-1"], "positive control: the claim's fingerprints and stamps are seen")
}

func firstNonEmpty(values [][]byte) []byte {
	for _, v := range values {
		if len(v) > 0 {
			return v
		}
	}
	return nil
}

// Item 5: the line fingerprints are public keys, HMACs under the payer's
// salt: the constructions an attacker without the salt tries match none of
// them; with the salt they do.
func TestPrivacyFingerprintsNeedThePayersSalt(t *testing.T) {
	s := newStory(t)
	v := s.view()
	c := office("clm-1")
	fps := lineFingerprints(testSaltBytes[:], "ProviderMSP", &c)
	for _, fp := range fps {
		_, ok := v.public[mustKey(t, objFingerprint, fp)]
		assert.True(t, ok, "positive control: the salted fingerprint is a public key")
	}
	for _, it := range c.Items {
		fields := []string{"line", "ProviderMSP", pt1, it.Date, it.Code, normalModifiers(it.Modifiers), fmt.Sprint(it.Units)}
		var tries []string
		for _, sep := range []string{"", "\x00", "|", ",", "/"} {
			joined := strings.Join(fields, sep)
			sum := sha256.Sum256([]byte(joined))
			tries = append(tries, hex.EncodeToString(sum[:]))
			for _, k := range [][]byte{nil, make([]byte, 32), []byte("PayerMSP")} {
				m := hmac.New(sha256.New, k)
				m.Write([]byte(joined))
				tries = append(tries, hex.EncodeToString(m.Sum(nil)))
			}
		}
		tries = append(tries, mac(nil, fields...), mac(make([]byte, 32), fields...))
		for _, try := range tries {
			_, ok := v.public[mustKey(t, objFingerprint, try)]
			assert.False(t, ok, "fingerprint %s recomputed without the salt", try)
		}
	}
}

// Rules are named nowhere in a block: a plan named by SetRules would name
// the plan of every claim that reads the same (blinded) key.
func TestPrivacySetRulesNamesNoPlan(t *testing.T) {
	e := newEnv(t)
	res := e.Submit(adjudicator, 1, wire.TransientRules, wire.Rules{Plan: "silver", Allowed: map[string]int64{"99213": 9000}}, "SetRules")
	e.Must(res, nil)
	assert.NotContains(t, string(res.Payload), "silver")
	assert.NotContains(t, string(res.Event.Payload), "silver")
}

// The sealed form of a private record hashes to the kit's commitment.
func TestSealIsTheCommitmentsPreimage(t *testing.T) {
	for _, c := range []struct{ salt, data string }{{"", ""}, {"s", `{"a":1}`}, {strings.Repeat("x", 44), `{"claim":{}}`}} {
		sealed := seal(c.salt, []byte(c.data))
		sum := sha256.Sum256(sealed)
		assert.Equal(t, commit.Sum(c.salt, []byte(c.data)), hex.EncodeToString(sum[:]))
		salt, data, err := unseal(sealed)
		require.NoError(t, err)
		assert.Equal(t, c.salt, salt)
		assert.True(t, bytes.Equal([]byte(c.data), data))
	}
	for _, bad := range [][]byte{nil, []byte("{}"), {0, 0, 0, 0, 0, 0, 0, 9, 'a'}} {
		_, _, err := unseal(bad)
		assert.Error(t, err, "%q", bad)
	}
}

// SetupBlinding: once, by a member org's admin, for a collection the
// chaincode has; before it, nothing touches the collection.
func TestBlindingSetup(t *testing.T) {
	e := newEnvUnblinded(t, partstest.Reference(), &Contract{})
	var ready bool
	e.Must(e.Query(billing, 0, "BlindingReady", pairColl), &ready)
	assert.False(t, ready)
	before := e.Peer.Snapshot()
	e.Refused(before, e.Submit(enrollment, 0, wire.TransientSalt, map[string]string{"salt": testSalt}, "SetSalt"), "FAILED_PRECONDITION: ")
	secret := map[string][]byte{blind.TransientSecret: secretOf(pairColl)}
	e.Refused(before, e.Peer.Invoke("claims", providerAdmin, at(0), secret, "SetupBlinding", "recordDetails"), `INVALID_ARGUMENT: field "collection"`)
	e.Refused(before, e.Query(billing, 0, "BlindingReady", "nope"), `INVALID_ARGUMENT: field "collection"`)
	e.Refused(before, e.Peer.Invoke("claims", providerAdmin, at(0), map[string][]byte{blind.TransientSecret: []byte("short")}, "SetupBlinding", pairColl),
		`INVALID_ARGUMENT: field "blinding-secret"`)
	e.Refused(before, e.Peer.Invoke("claims", billing, at(0), secret, "SetupBlinding", pairColl), "FORBIDDEN: ")
	e.Refused(before, e.Peer.Invoke("claims", regAdmin, at(0), secret, "SetupBlinding", pairColl), "FORBIDDEN: ")
	e.Refused(before, e.Peer.Invoke("claims", providerAdmin, at(0), secret, "SetupBlinding", wire.PayersCollection), "FORBIDDEN: ")
	e.Must(e.Peer.Invoke("claims", providerAdmin, at(0), secret, "SetupBlinding", pairColl), nil)
	e.Must(e.Query(intake, 1, "BlindingReady", pairColl), &ready)
	assert.True(t, ready)
	e.Refused(e.Peer.Snapshot(), e.Peer.Invoke("claims", providerAdmin, at(1), secret, "SetupBlinding", pairColl), "CONFLICT: ")
	e.Refused(e.Peer.Snapshot(), e.Submit(enrollment, 1, wire.TransientSalt, map[string]string{"salt": testSalt}, "SetSalt"), "FAILED_PRECONDITION: ")
	for _, c := range collectionsOf(partstest.Reference())[1:] {
		e.setupBlinding(c)
	}
	setupPayer(e)
	e.submitClaim(2, office("clm-1"))
}
