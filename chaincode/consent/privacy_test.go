package consent

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/commit"
	"github.com/carechain/carechain/chaincode/kit/events"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/test/privacyaudit"
)

// What a block shows of a transaction, as a privacy officer decodes it:
// its arguments, response and event, its public writes and the public
// keys it read, in clear; the SHA-256 of every private key it read or
// wrote and of every private value it wrote. memstub keeps no read sets
// for tests to see, so a spy stub between the peer and the chaincode
// records the keys the chaincode reads.

type readLog struct{ public, private []string }

type spyStub struct {
	shim.ChaincodeStubInterface
	log *readLog
}

func (s spyStub) GetState(key string) ([]byte, error) {
	s.log.public = append(s.log.public, key)
	return s.ChaincodeStubInterface.GetState(key)
}

func (s spyStub) GetPrivateData(collection, key string) ([]byte, error) {
	s.log.private = append(s.log.private, key)
	return s.ChaincodeStubInterface.GetPrivateData(collection, key)
}

func (s spyStub) GetPrivateDataHash(collection, key string) ([]byte, error) {
	s.log.private = append(s.log.private, key)
	return s.ChaincodeStubInterface.GetPrivateDataHash(collection, key)
}

// spiedEnv is a ready env whose consent chaincode reads through a spy.
func spiedEnv(t *testing.T) (*env, *readLog) {
	log := &readLog{}
	cc, err := contractapi.NewChaincode(&Contract{})
	require.NoError(t, err)
	e := installEnv(t, memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		return cc.Invoke(spyStub{ChaincodeStubInterface: stub, log: log})
	}), genesis())
	e.ready(at(-1))
	e.Peer.Install("records", transientReleaser)
	return e, log
}

// transientReleaser stands for records' RequestAccess: it takes the
// request from its transient map (as a chaincode must, to keep the
// subject out of its arguments), asks consent's Check as the caller
// inside its own transaction and writes a public mark that names no one.
var transientReleaser = memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
	m, _ := stub.GetTransient()
	res := stub.InvokeChaincode("consent", [][]byte{[]byte("Check"), m["request"]}, "")
	if res.Status != shim.OK {
		return shim.Error(res.Message)
	}
	var d wire.Decision
	if err := json.Unmarshal(res.Payload, &d); err != nil || !d.Permitted() {
		return shim.Error("FORBIDDEN: no consent")
	}
	if err := stub.PutState("released~"+stub.GetTxID(), []byte("yes")); err != nil {
		return shim.Error(err.Error())
	}
	return shim.Success(nil)
})

// seen is one transaction as its block shows it, with the private values
// it wrote (as member peers store them) for the value checks.
type seen struct {
	tx      privacyaudit.Tx
	when    time.Time
	private map[string][]byte
}

func sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

// observe submits tx and returns what its block shows.
func (e *env) observe(log *readLog, tx memstub.Tx) seen {
	e.T.Helper()
	*log = readLog{}
	before := e.Peer.Snapshot()["care"]
	res := e.Peer.Submit(tx)
	require.True(e.T, res.OK() && res.Committed, "%s: %s", tx.Args[0], res.Message)
	after := e.Peer.Snapshot()["care"]
	s := seen{when: tx.Time, private: map[string][]byte{},
		tx: privacyaudit.Tx{TxID: res.TxID, Args: tx.Args, Responses: [][]byte{res.Payload}, ReadKeys: log.public}}
	if res.Event != nil {
		s.tx.Events = [][]byte{res.Event.Payload}
	}
	keys := make([]memstub.StateKey, 0, len(after.Values))
	for k, v := range after.Values {
		if old, ok := before.Values[k]; !ok || !bytes.Equal(old, v) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b memstub.StateKey) int {
		return strings.Compare(a.Namespace+a.Collection+a.Key, b.Namespace+b.Collection+b.Key)
	})
	for _, k := range keys {
		v := after.Values[k]
		if k.Collection == "" {
			s.tx.Writes = append(s.tx.Writes, privacyaudit.KV{Namespace: k.Namespace, Key: k.Key, Value: v})
			continue
		}
		s.private[k.Key] = v
		s.tx.KeyHashes = append(s.tx.KeyHashes, sum([]byte(k.Key)))
		s.tx.ValueHashes = append(s.tx.ValueHashes, after.Hashes[k])
	}
	for _, k := range log.private {
		s.tx.KeyHashes = append(s.tx.KeyHashes, sum([]byte(k)))
	}
	return s
}

// invokeTx is a submitted transaction of consent (or of chaincode cc).
func invokeTx(cc string, id *memstub.Identity, minute int, transient map[string][]byte, fn string, args ...string) memstub.Tx {
	raw := [][]byte{[]byte(fn)}
	for _, a := range args {
		raw = append(raw, []byte(a))
	}
	return memstub.Tx{Chaincode: cc, Identity: id, Time: at(minute), Transient: transient, Args: raw}
}

// story runs every kind of write consent makes, on a spied env, and
// returns what the blocks show; bgID is the break-glass it opened.
func story(t *testing.T) (e *env, log *readLog, txs []seen, bgID string) {
	e, log = spiedEnv(t)
	tablet := patient("patient1-tablet")
	link := wire.LinkInput{EnrollmentID: tablet.Cert.Subject.CommonName, Subject: pt1}
	txs = append(txs, e.observe(log, invokeTx("consent", registrar, 0, linkTransient(registrar, wire.Linked(roles.PatientMSP, link), link), "LinkPatient")))
	in := grantInput("c1")
	txs = append(txs, e.observe(log, grantTx(patient1, 1, in)))
	draft := grantInput("d1")
	draft.Status, draft.Provision.Actors = wire.StatusDraft, []wire.Actor{{Org: "PayerMSP", Role: "adjudicator"}}
	txs = append(txs, e.observe(log, grantTx(patient1, 2, draft)))
	d := guardianInput()
	txs = append(txs, e.observe(log, memstub.Tx{Chaincode: "consent", Identity: patient1, Time: at(3),
		Transient: signed(patient1, wire.DelegateStatement("care", wire.Registered(nil, d)), wire.TransientDelegate, d), Args: [][]byte{[]byte("RegisterDelegate")}}))
	txs = append(txs, e.observe(log, invokeTx("consent", physician, 4, map[string][]byte{wire.TransientBreakGlass: cctest.JSON(breakGlassInput(60))}, "BreakGlass")))
	bgID = e.breakGlassOf(t)
	psych := cctest.JSON(wire.Request{Subject: pt1, Action: "access", Purpose: "emergency", DataClass: "psychiatry"})
	txs = append(txs, e.observe(log, invokeTx("records", physician, 5, map[string][]byte{"request": psych}, "Release")))
	labs := cctest.JSON(wire.Request{Subject: pt1, Action: "access", Purpose: "treatment", DataClass: "labs"})
	txs = append(txs, e.observe(log, invokeTx("records", physician, 6, map[string][]byte{"request": labs}, "Release")))
	form := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	txs = append(txs, e.observe(log, memstub.Tx{Chaincode: "consent", Identity: patient1, Time: at(7), Args: [][]byte{[]byte("AttachForm"), []byte("c1")},
		Transient: signed(patient1, wire.ConsentStatement("care", wire.FormAttached(e.stored("c1"), form)), wire.TransientForm, wire.FormInput{SHA256: form})}))
	txs = append(txs, e.observe(log, memstub.Tx{Chaincode: "consent", Identity: patient1, Time: at(8), Args: [][]byte{[]byte("Revoke"), []byte("c1")},
		Transient: signed(patient1, wire.ConsentStatement("care", wire.Revoked(e.stored("c1"))), "", nil)}))
	txs = append(txs, e.observe(log, invokeTx("consent", registrar, 9, linkTransient(registrar, wire.Unlinked(roles.PatientMSP, link), link), "UnlinkPatient")))
	return e, log, txs, bgID
}

func (e *env) breakGlassOf(t *testing.T) string {
	var page wire.BreakGlassPage
	e.Must(e.Query(patient1, 4, "ListBreakGlass", pt1, "10", ""), &page)
	require.Len(t, page.Items, 1)
	return page.Items[0].ID
}

// attacker holds the SHA-256 of every preimage someone who read the
// chaincode's source and the blocks would try: composite keys of every
// object type over one to three known values (and version numbers),
// index keys "index~value~inverted time~value" for every block time, and
// every known value alone.
type attacker map[[32]byte]string

func newAttacker(known []string, times []time.Time) attacker {
	a := attacker{}
	add := func(pre string) { a[sha256.Sum256([]byte(pre))] = pre }
	versions := []string{"000001", "000002", "000003", "000004"}
	for _, ot := range []string{objConsent, objConsentVersion, objSubjectOpen, objDelegate, objDelegateVersion, objBreakGlass,
		objBreakGlassActive, objPatientLink, objStatus} {
		for _, v1 := range known {
			add(mustKey(ot, v1))
			for _, v2 := range append(slices.Clone(known), versions...) {
				add(mustKey(ot, v1, v2))
				for _, v3 := range append(slices.Clone(known), versions...) {
					add(mustKey(ot, v1, v2, v3))
				}
			}
		}
	}
	for _, ix := range []string{ixBySubject, ixByGrantee, ixDelegates, ixBGSubject, ixBGOrg, ixBGUses} {
		for _, attr := range known {
			for _, when := range times {
				sort, _ := newestFirst(when.Format(time.RFC3339Nano))
				for _, id := range known {
					add(ix + ixSeparator + attr + ixSeparator + sort + ixSeparator + id)
				}
			}
		}
	}
	for _, v := range known {
		add(v)
	}
	return a
}

func mustKey(ot string, attrs ...string) string {
	k, err := state.Key(ot, attrs...)
	if err != nil {
		panic(err)
	}
	return k
}

func (a attacker) finds(h []byte) (string, bool) {
	if len(h) != 32 {
		return "", false
	}
	pre, ok := a[[32]byte(h)]
	return pre, ok
}

// known is what the attacker knows: the patients' subjects (providers and
// payers use them), every enrollment id and identity (every block's
// creator), consent, break-glass and transaction ids (public), orgs,
// roles, data classes, purposes.
func known(txs []seen, bgID string) []string {
	out := []string{pt1, pt2, pt3, "c1", "d1", bgID, "ProviderMSP", "PayerMSP", roles.RegulatorMSP, roles.PatientMSP,
		keyOf(physician), keyOf(patient1), keyOf(guardian), enrollment("patient1"), enrollment("patient1-tablet"), enrollment("guardian1"),
		"physician1", parts.RolePhysician, "labs", "psychiatry", "treatment", "emergency"}
	for _, s := range txs {
		out = append(out, s.tx.TxID)
	}
	return out
}

func times(txs []seen) []time.Time {
	out := []time.Time{}
	for _, s := range txs {
		out = append(out, s.when)
	}
	return out
}

var (
	saltField = regexp.MustCompile(`,"salt":"[^"]*"`)
	saltOnly  = regexp.MustCompile(`^[A-Za-z0-9+/]{43}=$`)
	// an open set's salt is its header's (see openSetHeader)
	openSalt = regexp.MustCompile(`^open/2 [^\n]*`)
	salted   = regexp.MustCompile(`"salt":"[A-Za-z0-9+/]{43}="|^open/2 [A-Za-z0-9+/]{43}=\n`)
)

// unsalted is a stored value as the chaincode wrote it before values were
// salted: the salt was the last field, so this is byte for byte the old
// value.
func unsalted(v []byte) []byte {
	return openSalt.ReplaceAll(saltField.ReplaceAll(v, nil), []byte("open/2 "))
}

// Item 2: no private key a transaction reads or writes hashes to anything
// an attacker can recompute; the same attacker finds the keys the
// chaincode used to write (positive control).
func TestPrivacyPrivateKeysAreBlinded(t *testing.T) {
	e, log, txs, bgID := story(t)
	a := newAttacker(known(txs, bgID), times(txs))
	for _, s := range txs {
		require.NotEmpty(t, s.tx.KeyHashes, "%s touches private data", s.tx.Args[0])
		for _, h := range s.tx.KeyHashes {
			pre, found := a.finds(h)
			assert.False(t, found, "%s: a key hash is SHA-256 of %q", s.tx.Args[0], pre)
		}
	}
	// Positive control: the old layouts, written as they were, are found.
	sort, _ := newestFirst(at(1).Format(time.RFC3339Nano))
	old := map[string][]byte{
		mustKey(objSubjectOpen, pt1):                                             []byte(`{"consents":[{"id":"c1"}]}`),
		mustKey(objBreakGlassActive, pt1, keyOf(physician)):                      []byte(`{}`),
		mustKey(objDelegate, pt1, keyOf(guardian)):                               []byte(`{}`),
		mustKey(objConsentVersion, "c1", "000001"):                               []byte(`{}`),
		ixBySubject + "~" + pt1 + "~" + sort + "~c1":                             {0},
		ixByGrantee + "~ProviderMSP~" + sort + "~c1":                             {0},
		ixBGUses + "~" + bgID + "~" + sort + "~" + txs[5].tx.TxID:                {0},
		mustKey(objPatientLink, roles.PatientMSP, enrollment("patient1")):        []byte(`{}`),
		mustKey(objBreakGlassActive, pt1, "ProviderMSP/physician1"):              []byte(`{}`),
		ixBGSubject + "~" + pt1 + "~" + sort + "~" + bgID:                        {0},
		ixBGOrg + "~ProviderMSP~" + sort + "~" + bgID:                            {0},
		ixDelegates + "~" + pt1 + "~" + sort + "~" + keyOf(guardian):             {0},
		mustKey(objConsent, "c1"):                                                []byte(`{}`),
		mustKey(objBreakGlass, bgID):                                             []byte(`{}`),
		mustKey(objDelegateVersion, pt1, keyOf(guardian), "000001"):              []byte(`{}`),
		mustKey(objSubjectOpen, pt2):                                             []byte(`{}`),
		ixByGrantee + "~PayerMSP~" + sort + "~d1":                                {0},
		mustKey(objPatientLink, roles.PatientMSP, enrollment("patient1-tablet")): []byte(`{}`),
	}
	planted := e.plantAll(log, old)
	require.Len(t, planted.tx.KeyHashes, len(old))
	for _, h := range planted.tx.KeyHashes {
		_, found := a.finds(h)
		assert.True(t, found, "the attacker finds every key built the old way")
	}
}

// plantAll writes the keys and values into consent's collection past the
// chaincode, as the chaincode used to write them.
func (e *env) plantAll(log *readLog, writes map[string][]byte) seen {
	e.T.Helper()
	keys := make([]string, 0, len(writes))
	for k := range writes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.Peer.Install("planter", memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		for _, k := range keys {
			if err := stub.PutPrivateData(Collection, k, writes[k]); err != nil {
				return shim.Error(err.Error())
			}
		}
		return shim.Success(nil)
	}), memstub.WithCollections(memstub.Collection{Name: Collection, Members: CollectionMembers}))
	return e.observe(log, memstub.Tx{Chaincode: "planter", Identity: orgAdmin, Time: at(10), Args: [][]byte{[]byte("plant")}})
}

// Item 1: every private value is salted: neither its hash nor the hash of
// the value as it used to be written (without the salt) is recomputable.
func TestPrivacyPrivateValuesAreSalted(t *testing.T) {
	e, log, txs, bgID := story(t)
	a := newAttacker(known(txs, bgID), times(txs))
	hashes := map[[32]byte]bool{}
	for _, s := range txs {
		for _, h := range s.tx.ValueHashes {
			hashes[[32]byte(h)] = true
		}
	}
	secretKey := blind.SecretKey()
	for _, s := range txs {
		for key, v := range s.private {
			if key == secretKey {
				continue
			}
			if saltOnly.Match(v) {
				continue // an index entry: its value is its salt
			}
			assert.Regexp(t, salted, string(v), "%s writes an unsalted value", s.tx.Args[0])
			assert.False(t, hashes[sha256.Sum256(unsalted(v))], "%s: the unsalted value %s is in the block", s.tx.Args[0], unsalted(v))
			_, found := a.finds(sum(v))
			assert.False(t, found)
		}
	}
	assert.False(t, hashes[sha256.Sum256([]byte{0})], "index entries used to be the constant 0")
	// Positive control: a value written as the chaincode used to write it
	// is found by the same computation.
	oldSet := []byte(`{"consents":[{"id":"c1","end":"` + at(24*60).Format(time.RFC3339Nano) + `"}]}`)
	planted := e.plantAll(log, map[string][]byte{"planted": oldSet})
	require.Len(t, planted.tx.ValueHashes, 1)
	assert.Equal(t, sum(unsalted(oldSet)), planted.tx.ValueHashes[0])
}

// Item 1: the public detailsHash is a salted commitment: neither the bare
// SHA-256 of the record (as it was), nor of the record without its salt,
// nor a commitment without the salt matches; with the record's salt a
// reader of the record verifies it (positive control).
func TestPrivacyDetailsHashIsACommitment(t *testing.T) {
	e, _, txs, _ := story(t)
	checked := 0
	for _, s := range txs {
		for _, w := range s.tx.Writes {
			if ot, _, err := state.SplitKey(w.Key); err != nil || ot != objStatus {
				continue
			}
			var sr wire.StatusRecord
			require.NoError(t, json.Unmarshal(w.Value, &sr))
			key, _ := e.consentKey(sr.ID)
			v, ok := s.private[key]
			require.True(t, ok, "the record of %s version %d is written with its trace", sr.ID, sr.Version)
			var cs wire.Consent
			require.NoError(t, json.Unmarshal(v, &cs))
			require.NotEmpty(t, cs.Salt)
			for name, bare := range map[string]string{
				"SHA-256 of the stored record":    hexSum(v),
				"SHA-256 of the unsalted record":  hexSum(unsalted(v)),
				"a commitment without the salt":   commit.Sum("", unsalted(v)),
				"a commitment to the record only": commit.Sum("", v),
			} {
				assert.NotEqual(t, bare, sr.DetailsHash, name)
			}
			assert.Equal(t, commit.Sum(cs.Salt, v), sr.DetailsHash, "a reader of the record verifies the trace")
			assert.Equal(t, commit.Sum(cs.Salt, v), sr.DetailsHash)
			checked++
		}
	}
	assert.Equal(t, 4, checked, "c1 v1, d1 v1, c1 v2 (form), c1 v3 (revoked): every version's trace")
}

func hexSum(b []byte) string { return hex.EncodeToString(sum(b)) }

// Item 3: public state, events and responses, reviewed: the only public
// key is a consent's status trace, whose value holds its lifecycle and a
// commitment; nothing public names a patient, an enrollment, a grantee, a
// data class or a reason, or dates anything but by its block.
func TestPrivacyPublicStateNamesNoOne(t *testing.T) {
	_, _, txs, bgID := story(t)
	secrets := [][]byte{[]byte(pt1), []byte(pt2), []byte(pt3), []byte(enrollment("patient1")), []byte(enrollment("patient1-tablet")),
		[]byte(enrollment("guardian1")), []byte("labs"), []byte("psychiatry"), []byte("imaging"), []byte("unconscious"), []byte("adjudicator"),
		[]byte("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")}
	eventTypes := []string{"consent.patient-linked", "consent.granted", "consent.drafted", "consent.delegate-registered", "consent.break-glass",
		"consent.form-attached", "consent.revoked", "consent.patient-unlinked"}
	for _, s := range txs {
		texts := append(append(slices.Clone(s.tx.Args), s.tx.Responses...), s.tx.Events...)
		for _, w := range s.tx.Writes {
			texts = append(texts, []byte(w.Key), w.Value)
			if w.Namespace == "consent" {
				assertStatusRecord(t, w)
			}
		}
		for _, k := range s.tx.ReadKeys {
			texts = append(texts, []byte(k))
		}
		for _, text := range texts {
			for _, secret := range secrets {
				assert.NotContains(t, string(text), string(secret), "%s shows it in clear", s.tx.Args[0])
			}
		}
		for _, raw := range s.tx.Events {
			env, err := events.Decode(raw)
			require.NoError(t, err)
			for _, c := range env.Changes {
				assert.Contains(t, eventTypes, c.Type)
				assert.Contains(t, []string{"c1", "d1", bgID, s.tx.TxID}, c.ID, "an event names a consent, a break-glass or its transaction")
				for k := range c.Attrs {
					assert.Contains(t, []string{"org", "role", "by"}, k)
				}
			}
		}
	}
	// Items 1 and 2, by the consortium's own audit: no hash in these
	// blocks is recomputable from the guesses, and a planted one is.
	s := privacyaudit.Secrets{Guesses: known(txs, bgID), Fields: []string{"subject", "id", "requester", "class", "purpose", "delegate", "enrollmentId"},
		ObjectTypes: []string{objConsent, objConsentVersion, objSubjectOpen, objDelegate, objDelegateVersion, objBreakGlass, objBreakGlassActive, objPatientLink, objStatus}}
	var all []privacyaudit.Tx
	for _, seen := range txs {
		all = append(all, seen.tx)
	}
	assert.Empty(t, privacyaudit.Hashes(all, s))
	control := privacyaudit.Tx{TxID: "control", KeyHashes: [][]byte{sum([]byte(mustKey(objSubjectOpen, pt1)))}}
	assert.Len(t, privacyaudit.Hashes(append(all, control), s), 1, "the audit sees a planted key")
}

var statusFields = regexp.MustCompile(`^\{"id":"[^"]+","status":"[a-z-]+"(,"statusReason":"[a-z]+")?,"version":\d+,"detailsHash":"[0-9a-f]{64}"\}$`)

func assertStatusRecord(t *testing.T, w privacyaudit.KV) {
	t.Helper()
	ot, _, err := state.SplitKey(w.Key)
	require.NoError(t, err)
	assert.Equal(t, objStatus, ot, "consent's only public key is a consent's status trace")
	assert.Regexp(t, statusFields, string(w.Value))
}

// Item 6: a physician's transactions — a break-glass, and a release that
// asks Check as part of it (by break-glass, logging a use; by consent) —
// reveal no patient: no public write or read names one, and no key or
// value hash is recomputable, while the keys the old layout read and
// wrote for the same transactions are (positive control).
func TestPrivacyPhysiciansTransactionsRevealNoPatient(t *testing.T) {
	_, _, txs, bgID := story(t)
	a := newAttacker(known(txs, bgID), times(txs))
	physicians := txs[4:7] // BreakGlass, Release by break-glass (a use), Release by consent c1
	require.Equal(t, "BreakGlass", string(physicians[0].tx.Args[0]))
	for _, s := range physicians {
		for _, w := range s.tx.Writes {
			assert.NotEqual(t, "consent", w.Namespace, "a physician's transaction writes nothing public in consent")
			assert.NotContains(t, string(w.Key)+string(w.Value), pt1)
		}
		for _, text := range append(append(s.tx.Responses, s.tx.Events...), s.tx.Args...) {
			assert.NotContains(t, string(text), pt1)
		}
		for _, h := range append(slices.Clone(s.tx.KeyHashes), s.tx.ValueHashes...) {
			pre, found := a.finds(h)
			assert.False(t, found, "%s shows SHA-256 of %q", s.tx.Args[0], pre)
		}
	}
	sort := func(minute int) string { s, _ := newestFirst(at(minute).Format(time.RFC3339Nano)); return s }
	oldKeys := map[int][]string{
		0: {mustKey(objBreakGlassActive, pt1, keyOf(physician)), mustKey(objBreakGlass, bgID),
			ixBGSubject + "~" + pt1 + "~" + sort(4) + "~" + bgID, ixBGOrg + "~ProviderMSP~" + sort(4) + "~" + bgID},
		1: {mustKey(objSubjectOpen, pt1), mustKey(objBreakGlassActive, pt1, keyOf(physician)), mustKey(objBreakGlass, bgID),
			ixBGUses + "~" + bgID + "~" + sort(5) + "~" + physicians[1].tx.TxID},
		2: {mustKey(objSubjectOpen, pt1), mustKey(objConsent, "c1")},
	}
	for i, keys := range oldKeys {
		for _, k := range keys {
			_, found := a.finds(sum([]byte(k)))
			assert.True(t, found, "the attacker would find the old key %q", k)
			for _, h := range physicians[i].tx.KeyHashes {
				assert.NotEqual(t, sum([]byte(k)), h, "%s touches the old key %q", physicians[i].tx.Args[0], k)
			}
		}
	}
	assert.Len(t, physicians[1].private, 1, "a release by break-glass writes one private key, its use")
	assert.Empty(t, physicians[2].private, "a release by consent writes nothing in consent")
}

// Item 3: a consent id is public (the status trace's key): it must not
// carry the patient's subject.
func TestPrivacyConsentIDsDoNotCarryTheSubject(t *testing.T) {
	e := newEnv(t)
	before := e.Peer.Snapshot()
	e.Refused(before, e.grantRes(patient1, 1, grantInput("consent-"+pt1)), `INVALID_ARGUMENT: field "id"`)
}

// Bookmarks reach clients: they carry no token (a client holding a
// patient's token could recompute that patient's key hashes from
// blocks), and another query's bookmark is refused.
func TestPrivacyBookmarksCarryNoToken(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 3; i++ {
		e.grant(patient1, i, grantInput(fmt.Sprintf("c%d", i)))
	}
	var page wire.ConsentPage
	e.Must(e.Query(patient1, 5, "ListBySubject", pt1, "1", ""), &page)
	require.NotEmpty(t, page.Bookmark)
	prefix, _ := e.keyOf(func(t *tx) (string, error) { return t.indexPrefix(ixBySubject, pt1) })
	token := strings.Split(prefix, ixSeparator)[1]
	assert.NotContains(t, page.Bookmark, token)
	raw, _, _ := strings.Cut(page.Bookmark, ".")
	assert.NotContains(t, raw, "ix.")
}
