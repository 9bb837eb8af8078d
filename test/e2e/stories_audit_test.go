//go:build e2e

package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	gw "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/test/privacyaudit"
)

// allBlocks reads every block of a channel as a member's auditor reads
// them through the deliver service.
func allBlocks(t *testing.T, s *client.Session, channel string) []*common.Block {
	t.Helper()
	info, err := s.Evaluate(context.Background(), client.Call{Channel: channel, Chaincode: "qscc", Function: "GetChainInfo", Args: []string{channel}})
	require.NoError(t, err)
	var ci common.BlockchainInfo
	require.NoError(t, proto.Unmarshal(info.Payload, &ci))
	g := rawGateway(t, s)
	defer g.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	events, err := g.GetNetwork(channel).BlockEvents(ctx, gw.WithStartBlock(0))
	require.NoError(t, err)
	var out []*common.Block
	for b := range events {
		out = append(out, b)
		if b.GetHeader().GetNumber()+1 >= ci.GetHeight() {
			break
		}
	}
	require.Len(t, out, int(ci.GetHeight()), "every block of %s", channel)
	return out
}

var objectTypePattern = regexp.MustCompile(`obj[A-Z][A-Za-z]*\s*=\s*"([^"]+)"`)

// objectTypes are the composite-key types the chaincodes' source declares,
// as an attacker reading the source would list them.
func objectTypes(t *testing.T) []string {
	t.Helper()
	set := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(repo, "chaincode"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		for _, m := range objectTypePattern.FindAllSubmatch(data, -1) {
			set[string(m[1])] = true
		}
		return err
	})
	require.NoError(t, err)
	out := make([]string, 0, len(set))
	for ot := range set {
		out = append(out, ot)
	}
	slices.Sort(out)
	require.NotEmpty(t, out)
	return out
}

// auditSecrets is what the stories used that no block may give away.
func auditSecrets(t *testing.T) privacyaudit.Secrets {
	pseudonyms := []string{patient1ID, patient2ID, "pt-1d6f80c2b7e94a35c0d2f6a8b1e37c49"}
	npis := []string{"1234567893", "1245319599"}
	s := privacyaudit.Secrets{ObjectTypes: objectTypes(t),
		Fields: []string{"subject", "patient", "member", "class", "dataClass", "purpose", "requester", "grantee", "npi", "diagnosis", "code"}}
	for _, v := range append(pseudonyms, npis...) {
		s.Clear = append(s.Clear, []byte(v))
	}
	for _, v := range []string{`"psychiatry"`, "e2e: unconscious in ER", "e2e emergency"} {
		s.Clear = append(s.Clear, []byte(v))
	}
	s.Guesses = append(append(s.Guesses, pseudonyms...), npis...)
	s.Guesses = append(s.Guesses, "ProviderMSP", "PayerMSP", "RegulatorMSP", "PatientsMSP", "physician", "nurse", "billing",
		"labs", "psychiatry", "imaging", "discharge", "treatment", "emergency", "research", "payment", "access", "disclose")
	return s
}

// After every story: every block of every channel, decoded as a member
// can, holds no secret in clear and no hash an attacker can recompute from
// what the stories used. Two planted leaks — a marker in clear and a public
// hash of a composite key built from a guessable value — are found, so the
// audit is known to see.
func TestBlocksRevealNoPatient(t *testing.T) {
	marker := fmt.Sprintf("AUDIT-CONTROL-%d", time.Now().UnixNano())
	guess := fmt.Sprintf("audit-guess-%d", time.Now().UnixNano())
	planter := session(t, "provider", "physician1")
	clearTx := put(t, planter, "care", "control-"+marker, "v")
	hashTx := put(t, planter, "care", fmt.Sprintf("control-hash-%d", time.Now().UnixNano()), sha256Hex("\x00consent\x00"+guess+"\x00"))
	waitHeight(t, "peer0.regulator", "care", hashTx.Block)

	s := auditSecrets(t)
	s.Clear = append(s.Clear, []byte(marker))
	s.Guesses = append(s.Guesses, guess)
	auditor := session(t, "regulator", "auditor1")
	var findings []privacyaudit.Finding
	for _, channel := range []string{"care", "supply"} {
		raw := map[uint64][]byte{}
		var txs []privacyaudit.Tx
		for _, b := range allBlocks(t, auditor, channel) {
			data, err := proto.Marshal(b)
			require.NoError(t, err)
			raw[b.GetHeader().GetNumber()] = data
			decoded, err := privacyaudit.DecodeBlock(b)
			require.NoError(t, err)
			txs = append(txs, decoded...)
		}
		cs := s
		// Supply's private keys name public units by design (the
		// manufacturer's commissioning anchors, which every peer checks).
		cs.GuessesOnly = channel == "supply"
		for _, f := range append(privacyaudit.Clear(raw, cs), privacyaudit.Hashes(txs, cs)...) {
			f.Detail = channel + ": " + f.Detail
			findings = append(findings, f)
		}
		t.Logf("%s: %d blocks, %d transactions audited", channel, len(raw), len(txs))
	}
	var sawClear, sawHash bool
	var leaks []string
	for _, f := range findings {
		switch {
		case f.Kind == "clear" && f.Block == clearTx.Block && strings.Contains(f.Detail, marker):
			sawClear = true
		case f.TxID == hashTx.TxID && strings.Contains(f.Detail, guess):
			sawHash = true
		default:
			leaks = append(leaks, f.String())
		}
	}
	require.True(t, sawClear, "the planted clear marker was not found: the audit does not see")
	require.True(t, sawHash, "the planted hash was not found: the audit does not see")
	require.Empty(t, leaks, "leaks:\n%s", strings.Join(leaks, "\n"))
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
