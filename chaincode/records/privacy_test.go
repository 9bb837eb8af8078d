package records

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/commit"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// The privacy tests read the ledger as anyone holding a copy of the
// blocks can: world state in clear, and of private data only the SHA-256
// of each key and each value. They try what an attacker would, from values
// known or guessed (pseudonyms, record ids, requesters, custodians,
// transaction ids and times, categories, a short document), and assert that
// nothing matches; each has a positive control, so the test is known to
// see.

// shortResult is a guessable document: a short lab result.
var shortResult = []byte("HIV-1/2 antibody: reactive")

// privacyStory anchors rec-1 (pt1, labs, a short result) and amends it, and
// has a physician (with consent), a physician breaking the glass and the
// patient request it. It returns every result, in order.
func privacyStory(t *testing.T) (*env, []memstub.Result) {
	e := newEnv(t)
	var out []memstub.Result
	do := func(res memstub.Result) { e.Must(res, nil); out = append(out, res) }
	do(e.submit(clerk, 1, e.document("rec-1", 1, shortResult), "Anchor"))
	do(e.submit(clerk, 2, e.document("rec-1", 2, append(append([]byte{}, shortResult...), " (confirmed)"...)), "Amend", "rec-1"))
	e.grantLabs(3)
	do(e.request(physician, 4, "rec-1", "treatment"))
	e.Must(e.breakGlass(physician2, 5, 30), nil)
	do(e.request(physician2, 6, "rec-1", "emergency"))
	do(e.request(patient1, 7, "rec-1", "patient-request"))
	return e, out
}

// observed is what a block holder sees of the private data: the SHA-256
// of every key and every value written in the records namespace.
type observed struct{ keys, values map[[32]byte]bool }

func observe(e *env) observed {
	o := observed{keys: map[[32]byte]bool{}, values: map[[32]byte]bool{}}
	for k, h := range e.Peer.Snapshot()["care"].Hashes {
		if k.Namespace == "records" {
			o.keys[sha256.Sum256([]byte(k.Key))] = true
			o.values[[32]byte(h)] = true
		}
	}
	return o
}

// knownValues are what an attacker knows or guesses: record ids and
// versions, pseudonyms, requesters and custodians, the stories'
// transaction ids and (fixed-width) stamps.
func knownValues(results []memstub.Result) []string {
	known := []string{"rec-1", "000001", "000002", pt1, pt2, "ProviderMSP", "PayerMSP", roles.RegulatorMSP,
		"ProviderMSP/physician1", "ProviderMSP/physician2", "PatientsMSP/patient1", "labs"}
	for _, r := range results {
		known = append(known, r.TxID)
	}
	for m := 0; m <= 10; m++ {
		known = append(known, at(m).Format("2006-01-02T15:04:05.000000000Z07:00"), at(m).Format(time.RFC3339Nano))
	}
	return known
}

// keyCandidates are the keys an attacker builds: the layouts records used
// before blinding, and any composite key of records' object types with one
// or two known values.
func keyCandidates(t *testing.T, known []string) map[[32]byte]string {
	out := map[[32]byte]string{}
	add := func(k string) { out[sha256.Sum256([]byte(k))] = state.DisplayKey(k) }
	for _, obj := range []string{objAnchor, objKey, objAccess, objAccessHead, objHead, objVersion, objCustodianKey} {
		for _, a := range known {
			k, err := key(obj, a)
			require.NoError(t, err)
			add(k)
			for _, b := range known {
				k, err := key(obj, a, b)
				require.NoError(t, err)
				add(k)
			}
		}
	}
	for _, name := range []string{ixAccessBySubject, ixAccessByCustodian, ixRecordsBySubject} {
		for _, attr := range known {
			for _, stamp := range known {
				for _, id := range known {
					for _, k := range indexKeys(name, attr, stamp, id) {
						add(k)
					}
				}
			}
		}
	}
	return out
}

// Item 2: no private key's hash is recomputable from known values.
func TestPrivacyPrivateKeyHashesAreNotRecomputable(t *testing.T) {
	e, results := privacyStory(t)
	cands := keyCandidates(t, knownValues(results))
	o := observe(e)
	require.Greater(t, len(o.keys), 20)
	for h := range o.keys {
		assert.NotContains(t, cands, h, "a private key hash is recomputable: %s", cands[h])
	}
	// Positive control: a deliberately unblinded key, as records wrote its
	// access entries before, is found.
	control, err := key(objAccess, results[2].TxID)
	require.NoError(t, err)
	e.Must(e.Peer.Run("records", provAdmin, at(9), func(stub shim.ChaincodeStubInterface) error {
		return stub.PutPrivateData(Collection, control, []byte(`{}`))
	}), nil)
	found := 0
	for h := range observe(e).keys {
		if _, ok := cands[h]; ok {
			found++
		}
	}
	assert.Equal(t, 1, found, "the control key is found")
}

// oldAnchor is the anchor as records stored it before: no salt, the bare
// SHA-256 of the plaintext.
type oldAnchor struct {
	ResourceType       string `json:"resourceType"`
	ID                 string `json:"id"`
	Version            int    `json:"version"`
	Status             string `json:"status"`
	Subject            string `json:"subject"`
	Custodian          string `json:"custodian"`
	Type               string `json:"type"`
	Category           string `json:"category"`
	ContentType        string `json:"contentType"`
	Size               int64  `json:"size"`
	PlainSHA256        string `json:"plainSha256"`
	CipherSHA256       string `json:"cipherSha256"`
	Location           string `json:"location"`
	PreviousAnchorHash string `json:"previousAnchorHash,omitempty"`
	Author             string `json:"author"`
	Created            string `json:"created"`
	TxID               string `json:"txId"`
}

func oldFormOf(a wire.Anchor, plaintext []byte) oldAnchor {
	return oldAnchor{ResourceType: a.ResourceType, ID: a.ID, Version: a.Version, Status: a.Status, Subject: a.Subject,
		Custodian: a.Custodian, Type: a.Type, Category: a.Category, ContentType: a.ContentType, Size: a.Size,
		PlainSHA256: hexSum(plaintext), CipherSHA256: a.CipherSHA256, Location: a.Location,
		PreviousAnchorHash: a.PreviousAnchorHash, Author: a.Author, Created: a.Created, TxID: a.TxID}
}

// storedRecords are the private values the story wrote, as the chaincode
// answers them to those who may read them (salt included).
func storedRecords(t *testing.T, e *env) ([]wire.Anchor, []wire.AccessEntry) {
	var hist wire.HistoryPage
	e.Must(e.Query(auditor, 9, "History", "rec-1", "0", ""), &hist)
	require.Len(t, hist.Items, 2)
	var log wire.AccessPage
	e.Must(e.Query(auditor, 9, "ListAccessLog", pt1, wire.Oldest, "10", ""), &log)
	require.Len(t, log.Items, 3)
	return []wire.Anchor{hist.Items[0].Anchor, hist.Items[1].Anchor}, log.Items
}

func sumJSON(t *testing.T, v any) [32]byte {
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return sha256.Sum256(data)
}

// Item 1 (private values): no private value's hash is the hash of what an
// attacker rebuilds without the salt.
func TestPrivacyPrivateValueHashesAreSalted(t *testing.T) {
	e, results := privacyStory(t)
	anchors, entries := storedRecords(t, e)
	o := observe(e)
	var tries []any
	for _, a := range anchors {
		require.NotEmpty(t, a.Salt)
		assert.True(t, o.values[sumJSON(t, a)], "positive control: the stored anchor %d hashes to a value hash", a.Version)
		plain := e.plain["rec-1/"+itoa(a.Version)]
		unsalted := a
		unsalted.Salt = ""
		tries = append(tries, oldFormOf(a, plain), unsalted)
	}
	for _, en := range entries {
		require.NotEmpty(t, en.Salt)
		assert.True(t, o.values[sumJSON(t, en)], "positive control: the stored access entry hashes to a value hash")
		unsalted := en
		unsalted.Salt = ""
		tries = append(tries, unsalted, accessHead{Last: en.Date})
	}
	for _, try := range tries {
		assert.False(t, o.values[sumJSON(t, try)], "a private value is recomputable: %+v", try)
	}
	// Index values, and any known value alone or as a JSON string.
	for _, v := range knownValues(results) {
		assert.False(t, o.values[sha256.Sum256([]byte(v))], "value %q", v)
		assert.False(t, o.values[sumJSON(t, v)], "value %q", v)
		assert.False(t, o.values[sumJSON(t, indexEntry{ID: v})], "index entry %q", v)
	}
}

// Item 1 (public commitments): a version trace's anchor commitment is
// recomputed neither from the anchor nor from the public fields plus a
// guessed patient and category; and the plaintext commitment confirms no
// guessed document, to members or through Verify.
func TestPrivacyPublicCommitmentsConfirmNoGuess(t *testing.T) {
	e, _ := privacyStory(t)
	anchors, _ := storedRecords(t, e)
	for _, a := range anchors {
		vk, err := versionKey(objVersion, a.ID, a.Version)
		require.NoError(t, err)
		raw, ok := e.Peer.State("records", vk)
		require.True(t, ok)
		var trace VersionTrace
		require.NoError(t, json.Unmarshal(raw, &trace))
		genuine, err := wire.AnchorCommitment(&a)
		require.NoError(t, err)
		assert.Equal(t, genuine, trace.AnchorHash, "positive control: the commitment of the genuine anchor")
		plain := e.plain["rec-1/"+itoa(a.Version)]
		for _, subject := range []string{pt1, pt2} {
			guess := oldFormOf(a, plain)
			guess.Subject = subject
			assert.NotEqual(t, hexOf(sumJSON(t, guess)), trace.AnchorHash, "the anchor as it was hashed before")
			unsalted := a
			unsalted.Subject, unsalted.Salt = subject, ""
			data, _ := json.Marshal(unsalted)
			assert.NotEqual(t, hexSum(data), trace.AnchorHash)
			assert.NotEqual(t, commit.Sum("", data), trace.AnchorHash)
		}
		// The members' anchor holds no bare plaintext hash.
		assert.NotEqual(t, hexSum(plain), a.PlainCommitment)
		assert.Equal(t, e.commitment("rec-1/"+itoa(a.Version), plain), a.PlainCommitment, "positive control")
	}
	// Verify is no oracle: the bare hash of the guessed short result does
	// not match; the commitment under the key holder's salt does.
	var v wire.Verification
	e.Must(e.Query(payerClaims, 9, "Verify", "rec-1", "1", hexSum(shortResult)), &v)
	assert.Equal(t, wire.Mismatch, v.Result)
	e.Must(e.Query(payerClaims, 9, "Verify", "rec-1", "1", e.commitment("rec-1/1", shortResult)), &v)
	assert.Equal(t, wire.Match, v.Result)
}

// payerClaims is an insurer's claims intake: a member with no reason to
// know a record's contents.
var payerClaims = memstub.NewIdentity("PayerMSP", "intake1", map[string]string{"role": parts.RoleClaimsIntake})

func hexOf(sum [32]byte) string { return hex.EncodeToString(sum[:]) }

// Item 3: the public state is exactly the record heads, version traces and
// registered KEKs (doc.go, "What is public"); no public key, value, event
// or response names the patient, the category, the document or, for an
// access, the record or the requester's org.
func TestPrivacyPublicStateEventsAndResponsesNameNoPatient(t *testing.T) {
	e, results := privacyStory(t)
	secrets := []string{pt1, "labs", string(shortResult), hexSum(shortResult), e.commitment("rec-1/1", shortResult)}
	types := map[string]bool{}
	for _, k := range e.Peer.Keys("records") {
		obj, _, err := state.SplitKey(k)
		require.NoError(t, err)
		types[obj] = true
		v, _ := e.Peer.State("records", k)
		for _, s := range secrets {
			assert.NotContains(t, string(v), s, state.DisplayKey(k))
			assert.NotContains(t, k, s)
		}
	}
	assert.Equal(t, map[string]bool{objHead: true, objVersion: true, objCustodianKey: true}, types)
	head, _ := e.Peer.State("records", mustKey(t, objHead, "rec-1"))
	assert.Contains(t, string(head), `"custodian":"ProviderMSP"`, "positive control: the test reads public values")
	for i, r := range results {
		require.NotNil(t, r.Event, "result %d", i)
		for _, s := range secrets {
			assert.NotContains(t, string(r.Payload), s, "response %d", i)
			assert.NotContains(t, string(r.Event.Payload), s, "event %d", i)
		}
	}
	for _, r := range results[2:] {
		assert.NotContains(t, string(r.Event.Payload), "rec-1", "an access event names no record")
		assert.NotContains(t, string(r.Event.Payload), "MSP", "an access event names no org")
	}
	assert.Contains(t, string(results[0].Event.Payload), "rec-1", "positive control: events are read")
}

func mustKey(t *testing.T, obj string, attrs ...string) string {
	k, err := key(obj, attrs...)
	require.NoError(t, err)
	return k
}

// A list's bookmark carries no token: a patient or auditor who pages never
// learns what would let them recompute the index keys' hashes.
func TestPrivacyBookmarksCarryNoToken(t *testing.T) {
	e, _ := privacyStory(t)
	var page wire.AccessPage
	e.Must(e.Query(patient1, 9, "ListAccessLog", pt1, wire.Oldest, "1", ""), &page)
	require.NotEmpty(t, page.Bookmark)
	raw, err := base64.RawURLEncoding.DecodeString(page.Bookmark)
	require.NoError(t, err)
	token := subjectAttr(e.blinder(), pt1)
	assert.NotContains(t, string(raw), token)
	assert.NotContains(t, string(raw), pt1)
	assert.Contains(t, string(raw), at(6).Format("2006-01-02T15:04:05.000000000Z07:00"), "positive control: the bookmark is the next key's suffix")
}
