//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cc "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/events"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/consent"
)

const patient1ID = "pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3"

func consentAs(t *testing.T, org, user string, opts ...client.SessionOptions) *consent.Client {
	return consent.New(session(t, org, user, opts...), "care")
}

// The consent story of the issue: a patient (whose subject comes from the
// patient registry's link, not the certificate) grants ProviderOrg
// physicians access for treatment for a period; Check answers permit through
// ProviderOrg's gateway and RegulatorOrg's; the patient revokes; Check
// answers deny; a physician cannot grant on the patient's behalf; a
// break-glass access is recorded and the patient lists it.
func TestConsentStory(t *testing.T) {
	ctx := context.Background()
	id := fmt.Sprintf("e2e-consent-%d", time.Now().UnixNano())
	now := time.Now().UTC()

	// Listen to the consent chaincode's events through the regulator.
	evCtx, stopEvents := context.WithTimeout(ctx, 2*time.Minute)
	defer stopEvents()
	evs, err := session(t, "regulator", "auditor1").Events(evCtx, "care", "consent", nil)
	require.NoError(t, err)

	// The patient's certificate carries no pseudonym: the chaincode knows
	// the subject from the registrar's private link of the enrollment.
	patient := consentAs(t, "patients", "patient1")
	subject, err := patient.PatientSubject(ctx)
	require.NoError(t, err)
	assert.Equal(t, patient1ID, subject)
	_, err = consentAs(t, "provider", "physician1").PatientSubject(ctx)
	assert.True(t, errors.Is(err, client.ErrForbidden), "got %v", err)

	r, err := patient.Grant(ctx, cc.GrantInput{ID: id, Subject: patient1ID, Decision: cc.Permit,
		Period: cc.Period{Start: now.Add(-time.Minute).Format(time.RFC3339), End: now.Add(24 * time.Hour).Format(time.RFC3339)},
		Provision: cc.Provision{Actors: []cc.Actor{{Org: "ProviderMSP", Role: "physician"}},
			Actions: []string{"access"}, Purposes: []string{"treatment"}, DataClasses: []string{"labs"}}})
	require.NoError(t, err)
	assert.Equal(t, cc.StatusActive, r.Status)

	req := cc.Request{Subject: patient1ID, Action: "access", Purpose: "treatment", DataClass: "labs"}
	d, err := consentAs(t, "provider", "physician1").Check(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, cc.Permit, d.Decision)
	assert.Equal(t, id, d.ConsentID)

	// Through RegulatorOrg's own gateway and peer, once it has the block.
	// (Patients are not channel Readers: the auditor looks the block up.)
	info, err := session(t, "regulator", "auditor1").Transaction(ctx, "care", r.TxID)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(info.Endorsers), 2)
	waitForTx(t, "peer0.regulator", r.TxID)
	reqFor := req
	reqFor.Requester = cc.Actor{Org: "ProviderMSP", Role: "physician", ID: "physician1"}
	d, err = consentAs(t, "regulator", "auditor1").Check(ctx, reqFor)
	require.NoError(t, err)
	assert.Equal(t, cc.Permit, d.Decision)

	// A physician cannot grant on the patient's behalf.
	_, err = consentAs(t, "provider", "physician1").Grant(ctx, cc.GrantInput{ID: id + "-forged", Subject: patient1ID, Decision: cc.Permit,
		Period: cc.Period{Start: now.Format(time.RFC3339)},
		Provision: cc.Provision{Actors: []cc.Actor{{Org: "ProviderMSP"}}, Actions: []string{"access"},
			Purposes: []string{"treatment"}, DataClasses: []string{"psychiatry"}}})
	assert.True(t, errors.Is(err, client.ErrForbidden), "got %v", err)

	rr, err := patient.Revoke(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, cc.ReasonRevoked, rr.StatusReason)
	d, err = consentAs(t, "provider", "physician1").Check(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, cc.Deny, d.Decision)
	waitForTx(t, "peer0.regulator", rr.TxID)
	d, err = consentAs(t, "regulator", "auditor1").Check(ctx, reqFor)
	require.NoError(t, err)
	assert.Equal(t, cc.Deny, d.Decision)

	// Break-glass: recorded, permits the clinician, listed for the patient
	// and for the provider's privacy officer.
	bg, err := consentAs(t, "provider", "physician1").BreakGlass(ctx, cc.BreakGlassInput{Subject: patient1ID, Reason: "e2e: unconscious in ER", Minutes: 30,
		Purposes: []string{"emergency", "treatment"}, DataClasses: []string{"labs"}})
	require.NoError(t, err)
	d, err = consentAs(t, "provider", "physician1").Check(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, cc.BasisBreakGlass, d.Basis)
	assert.Equal(t, bg.ID, d.BreakGlassID)
	// It covers what it names, nothing else.
	other := req
	other.Action, other.Purpose, other.DataClass = "disclose", "research", "psychiatry"
	d, err = consentAs(t, "provider", "physician1").Check(ctx, other)
	require.NoError(t, err)
	assert.Equal(t, cc.Deny, d.Decision)
	// A payer's "physician" cannot break the glass: the payer plays no provider part.
	_, err = consentAs(t, "payer", "adjudicator1").BreakGlass(ctx, cc.BreakGlassInput{Subject: patient1ID, Reason: "e2e: not a clinician", Minutes: 5,
		Purposes: []string{"emergency"}, DataClasses: []string{"labs"}})
	assert.True(t, errors.Is(err, client.ErrForbidden), "got %v", err)
	waitForTx(t, "peer0.provider", bg.TxID)
	mine, err := patient.ListBreakGlass(ctx, patient1ID, client.Page{Size: 100})
	require.NoError(t, err)
	found := false
	for _, b := range mine.Items {
		found = found || b.ID == bg.ID
	}
	assert.True(t, found, "the patient lists the break-glass access")
	byOrg, err := consentAs(t, "provider", "privacy1").ListBreakGlassByOrg(ctx, "ProviderMSP", client.Page{Size: 100})
	require.NoError(t, err)
	assert.NotEmpty(t, byOrg.Items)

	// The regulator saw the events, with ids and no patient.
	want := map[string]bool{"consent.granted": false, "consent.revoked": false, "consent.break-glass": false}
	for ev := range evs {
		assert.NotContains(t, string(ev.Payload), patient1ID)
		env, err := events.Decode(ev.Payload)
		require.NoError(t, err)
		for _, ch := range env.Changes {
			if _, ok := want[ch.Type]; ok && (ch.ID == id || ch.ID == bg.ID) {
				want[ch.Type] = true
			}
		}
		if want["consent.granted"] && want["consent.revoked"] && want["consent.break-glass"] {
			break
		}
	}
	assert.Equal(t, map[string]bool{"consent.granted": true, "consent.revoked": true, "consent.break-glass": true}, want)

	// No block on any peer or orderer holds the patient's pseudonym or
	// what the consent was about: they travelled as transient data and
	// live only in the private collection.
	for _, dir := range blockDirs(t) {
		assertNotInFiles(t, dir, []byte(patient1ID), []byte("e2e: unconscious in ER"))
	}
}

// waitForTx waits until a peer has committed the block holding txID.
// waitForTx waits until a peer has committed the block holding txID. The
// block number is read from whichever org's peer has the transaction first.
func waitForTx(t *testing.T, peerID, txID string) {
	t.Helper()
	readers := []*client.Session{session(t, "provider", "physician1"), session(t, "payer", "adjudicator1")}
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, s := range readers {
			if info, err := s.Transaction(context.Background(), "care", txID); err == nil {
				waitHeight(t, peerID, "care", info.Block)
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("transaction %s not found on any peer", txID)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// blockDirs are the block stores of every peer and orderer.
func blockDirs(t *testing.T) []string {
	dirs, err := filepath.Glob(filepath.Join(home, "orgs", "*", "nodes", "*", "data", "*", "chains"))
	require.NoError(t, err)
	more, _ := filepath.Glob(filepath.Join(home, "orgs", "*", "nodes", "*", "data", "ledger", "chains"))
	dirs = append(dirs, more...)
	require.NotEmpty(t, dirs)
	return dirs
}

func assertNotInFiles(t *testing.T, dir string, needles ...[]byte) {
	t.Helper()
	err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, n := range needles {
			assert.False(t, bytes.Contains(data, n), "%s contains %q", path, n)
		}
		return nil
	})
	require.NoError(t, err)
}
