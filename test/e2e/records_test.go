//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cc "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/keywrap"
	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/docstore"
	"github.com/carechain/carechain/client/records"
)

// patient2ID is the records story's patient: the consent story leaves
// patient1 with a physician's break-glass access.
const patient2ID = "pt-9b27d3f5a0c84e1d6f3b2a7c9e05d1f8"

func recordsAs(t *testing.T, org, user string, store docstore.Store) *records.Client {
	return records.New(session(t, org, user), "care", store)
}

// releasedKey performs the two release steps by hand, to learn the raw
// document key the scan below looks for.
func releasedKey(t *testing.T, org, user, id string) []byte {
	t.Helper()
	ctx := context.Background()
	c := client.Contract{Session: session(t, org, user), Channel: "care", Chaincode: "records"}
	var r rc.Receipt
	_, err := c.Submit(ctx, rc.FnRequestAccess, client.Input{Args: []string{id, "0", "treatment"}}, &r)
	require.NoError(t, err)
	one, err := keywrap.NewEphemeral()
	require.NoError(t, err)
	var rel rc.Release
	require.NoError(t, c.Evaluate(ctx, rc.FnReleaseKey, client.Input{Args: []string{r.AccessID, id, "treatment",
		base64.StdEncoding.EncodeToString(one.PublicKey().Bytes())}, Endorsers: []string{"ProviderMSP"}}, &rel))
	wrapped, err := base64.StdEncoding.DecodeString(rel.WrappedKey)
	require.NoError(t, err)
	key, err := keywrap.Unwrap(one, wrapped, rc.WrapAAD(rel.Record, rel.Version))
	require.NoError(t, err)
	return key
}

func registerProviderKey(t *testing.T) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(home, "orgs", "provider", "kek", rc.KEKFile))
	require.NoError(t, err)
	priv, err := rc.ParseKEK(data)
	require.NoError(t, err)
	_, err = recordsAs(t, "provider", "admin", docstore.Dir(t.TempDir())).RegisterCustodianKey(context.Background(), priv.PublicKey().Bytes())
	require.NoError(t, err)
}

// Every records flow, then a scan of every peer's and orderer's ledger
// files and state databases: the canary, the plaintext and the key never
// appear.
func TestRecordsStoryAndCanaryScan(t *testing.T) {
	ctx := context.Background()
	store := docstore.Dir(t.TempDir())
	registerProviderKey(t)
	canary := fmt.Sprintf("CANARY-%d-haemoglobin-13.1", time.Now().UnixNano())
	plaintext := []byte("Discharge summary. " + canary + bytes.NewBufferString(" end").String())
	id := fmt.Sprintf("rec-e2e-%d", time.Now().UnixNano())

	clerk := recordsAs(t, "provider", "clerk1", store)
	r, err := clerk.Put(ctx, records.Document{ID: id, Subject: patient2ID, Type: "DocumentReference", Category: "discharge",
		ContentType: "text/plain", Content: bytes.NewReader(plaintext)})
	require.NoError(t, err)
	assert.Equal(t, 1, r.Version)

	physician := recordsAs(t, "provider", "physician1", store)
	// Without consent: refused, nothing released.
	_, err = physician.Get(ctx, id, 0, "treatment", &bytes.Buffer{}, nil)
	assert.True(t, errors.Is(err, client.ErrForbidden), "got %v", err)

	// With consent: the bytes come back and match.
	patient := consentAs(t, "patients", "patient2")
	grant, err := patient.Grant(ctx, cc.GrantInput{ID: id + "-consent", Subject: patient2ID, Decision: cc.Permit,
		Period: cc.Period{Start: time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)},
		Provision: cc.Provision{Actors: []cc.Actor{{Org: "ProviderMSP", Role: "physician", ID: "physician1"}},
			Actions: []string{"access"}, Purposes: []string{"treatment"}, DataClasses: []string{"discharge"}}})
	require.NoError(t, err)
	var got bytes.Buffer
	first, err := physician.Get(ctx, id, 0, "treatment", &got, nil)
	require.NoError(t, err)
	assert.Equal(t, plaintext, got.Bytes())
	docKey := releasedKey(t, "provider", "physician1", id)
	assert.Equal(t, rc.PlaintextSalt(docKey), first.Salt)

	// Amend: a second version; verify both; the history verifies.
	v2 := append(append([]byte{}, plaintext...), []byte(" addendum")...)
	amended, err := clerk.Amend(ctx, records.Document{ID: id, Subject: patient2ID, Type: "DocumentReference", Category: "discharge",
		ContentType: "text/plain", Content: bytes.NewReader(v2)})
	require.NoError(t, err)
	waitForTx(t, "peer0.regulator", amended.TxID)
	// A copy is verified with the salt its sender (a key holder) hands on;
	// the bare hash of a guessed plaintext never matches.
	auditorRec := recordsAs(t, "regulator", "auditor1", store)
	salt := rc.PlaintextSalt(docKey)
	ver, _, err := auditorRec.Verify(ctx, id, 1, bytes.NewReader(plaintext), salt)
	require.NoError(t, err)
	assert.Equal(t, rc.Match, ver.Result)
	ver, _, err = auditorRec.Verify(ctx, id, 1, bytes.NewReader(plaintext), "")
	require.NoError(t, err)
	assert.Equal(t, rc.Mismatch, ver.Result, "Verify is no oracle for guessed contents")
	ver, _, err = auditorRec.Verify(ctx, id, 2, bytes.NewReader(plaintext), salt)
	require.NoError(t, err)
	assert.Equal(t, rc.Mismatch, ver.Result)
	key2 := releasedKey(t, "provider", "physician1", id)

	// After revocation: refused.
	_, err = patient.Revoke(ctx, grant.ID)
	require.NoError(t, err)
	_, err = physician.Get(ctx, id, 0, "treatment", &bytes.Buffer{}, nil)
	assert.True(t, errors.Is(err, client.ErrForbidden), "got %v", err)

	// Break-glass: physician2 reads in an emergency; it is logged.
	_, err = consentAs(t, "provider", "physician2").BreakGlass(ctx, cc.BreakGlassInput{Subject: patient2ID, Reason: "e2e emergency", Minutes: 5,
		Purposes: []string{"emergency"}, DataClasses: []string{"discharge"}})
	require.NoError(t, err)
	got.Reset()
	bgGet, err := recordsAs(t, "provider", "physician2", store).Get(ctx, id, 0, "emergency", &got, nil)
	require.NoError(t, err)
	assert.Equal(t, v2, got.Bytes())

	// A tampered stored file is detected, and nothing is written out.
	cipherPath := filepath.Join(string(store), bgGet.Release.CipherSHA256[:2], bgGet.Release.CipherSHA256)
	orig, err := os.ReadFile(cipherPath)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cipherPath, append(append([]byte{}, orig[:40]...), append([]byte{orig[40] ^ 1}, orig[41:]...)...), 0o600))
	got.Reset()
	_, err = recordsAs(t, "provider", "physician2", store).Get(ctx, id, 0, "emergency", &got, nil)
	assert.ErrorIs(t, err, docstore.ErrTampered)
	assert.Zero(t, got.Len())
	require.NoError(t, os.WriteFile(cipherPath, orig, 0o600))

	// The patient's access log lists every release: physician1 three times
	// (one Get and two by hand), physician2 twice (one refused for tampering
	// after its key was released).
	logPage, err := recordsAs(t, "patients", "patient2", store).AccessLog(ctx, patient2ID, rc.Newest, client.Page{Size: 100})
	require.NoError(t, err)
	var mine []rc.AccessEntry
	for _, e := range logPage.Items {
		if e.Record == id {
			mine = append(mine, e)
		}
	}
	require.Len(t, mine, 5)
	bases := map[string]int{}
	for _, e := range mine {
		bases[e.Recipient]++
		if e.Recipient == "ProviderMSP/physician2" {
			assert.Contains(t, e.Basis, "break-glass:")
			assert.Equal(t, "emergency", e.Purpose)
		} else {
			assert.Equal(t, "consent:"+grant.ID, e.Basis)
		}
	}
	assert.Equal(t, map[string]int{"ProviderMSP/physician1": 3, "ProviderMSP/physician2": 2}, bases)
	checkFHIRAccounting(t, ctx, recordsAs(t, "patients", "patient2", store), auditorRec, id, patient2ID, 5, 2)

	// Erase: the keys are purged; the document can never be decrypted
	// again; the history still verifies.
	_, err = recordsAs(t, "provider", "privacy1", store).Erase(ctx, id)
	require.NoError(t, err)
	_, err = recordsAs(t, "provider", "physician2", store).Get(ctx, id, 0, "emergency", &bytes.Buffer{}, nil)
	assert.True(t, errors.Is(err, client.ErrPrecondition), "got %v", err)
	hist, err := recordsAs(t, "patients", "patient2", store).History(ctx, id)
	require.NoError(t, err)
	assert.True(t, hist.Verified, hist.Problem)
	assert.Len(t, hist.Versions, 2)
	assert.True(t, hist.Versions[0].KeyErased)

	// The scan: ledgers, state databases, private data and transient
	// stores of every node.
	nodes, err := filepath.Glob(filepath.Join(home, "orgs", "*", "nodes", "*", "data"))
	require.NoError(t, err)
	require.Len(t, nodes, 8)
	// Neither the bare plaintext hash nor the commitment's salt reaches a
	// node: only key holders can test a plaintext.
	plainSum := sha256.Sum256(plaintext)
	for _, dir := range nodes {
		assertNotInFiles(t, dir, []byte(canary), plaintext, docKey, key2,
			[]byte(base64.StdEncoding.EncodeToString(docKey)), []byte(fmt.Sprintf("%x", docKey)),
			[]byte(hex.EncodeToString(plainSum[:])), []byte(salt), []byte(rc.PlaintextSalt(key2)))
	}
	// Positive controls: the scan does see what is stored — the record id
	// (public) in the orderers' blocks, the patient's pseudonym (private
	// anchor) in the peers' private data store.
	assert.True(t, anyFileContains(t, filepath.Join(nodeDir("orderer1.orderer"), "data"), []byte(id)))
	assert.True(t, anyFileContains(t, filepath.Join(nodeDir("peer0.provider"), "data", "ledgersData", "pvtdataStore"), []byte(patient2ID)))
}

func anyFileContains(t *testing.T, dir string, needle []byte) bool {
	t.Helper()
	found := false
	require.NoError(t, filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || found {
			return err
		}
		data, err := os.ReadFile(path)
		found = err == nil && bytes.Contains(data, needle)
		return err
	}))
	return found
}
