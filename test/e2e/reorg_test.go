//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/network/channelcfg"
	"github.com/carechain/carechain/network/consortium"
	"github.com/carechain/carechain/network/health"
	"github.com/carechain/carechain/network/topology"
)

// This file runs after records_test.go, whose canary scan counts the
// nodes' data folders: the orgs added here keep theirs after they leave.

// An operator adds a second insurer to the running consortium, with data
// on its channels, by adding it to a copy of topology.yaml and running
// `make up` (carenet up): its CA, identities, MSP and peer, a config
// update of care signed by the admins its Admins policy needs, its peer
// joining and catching up, the definitions whose policy now lists it at a
// new sequence (parts, baseline, claims with its new collections) and the
// others approved by it (consent, records), the parts registry's entry
// through Propose/Approve, network.json; the two-insurer story runs with
// it (claims_payers_test.go). Then the operator removes it from care (a config update:
// its peer gets no more blocks) and from the topology (its nodes stop,
// their state stays). Everything written before reads back throughout.
func TestAPayerJoinsAndLeavesTheCareChannel(t *testing.T) {
	before := writeBeforeReconcile(t)
	dir := t.TempDir()

	withPayer2 := writeTopology(t, dir, "with-payer2.yaml", payer2(t, "payer2", "", true))
	start := time.Now()
	out, err := carenetOutput("--topology", withPayer2, "up")
	took := time.Since(start)
	require.NoError(t, err, "the reconcile that adds payer2")
	fmt.Printf("e2e: adding payer2 to care (make up: CA, identities, peer, config update, join and catch-up, definitions, registry) took %.1fs\n", took.Seconds())
	assert.Contains(t, out, "channel care: add [Payer2MSP]")
	assert.Contains(t, out, "parts committed on care at sequence")
	assert.Contains(t, out, "Payer2MSP approved the committed definition")
	assert.Contains(t, out, "the registry on care: set Payer2MSP (payer)")

	cl2, err := client.Open(home)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cl2.Close() })
	po, err := cl2.Profile.Org("payer2")
	require.NoError(t, err, "network.json lists payer2")
	assert.Equal(t, "Payer2MSP", po.MSPID)
	orgOfMSP := map[string]string{}
	for _, o := range cl2.Profile.Orgs {
		orgOfMSP[o.MSPID] = o.Name
	}
	// The add travelled as a file between the orgs' own folders, each
	// signing with its own key; no org's folder holds another's key.
	assertSignedFromOwnFolders(t, out, "care", orgOfMSP)
	assertEachOrgKeepsItsOwnKeys(t)

	// Its peer is at the others' height and serves what was written before.
	res := put(t, session(t, "provider", "physician1"), "care", fmt.Sprintf("after-add-%d", time.Now().UnixNano()), "x")
	for _, id := range []string{"peer0.provider", "peer0.payer", "peer0.regulator", "peer0.payer2"} {
		require.Greater(t, peerHeight(t, cl2, id, "care", res.Block), res.Block, id)
	}
	s2, err := cl2.Session("payer2", "adjudicator1")
	require.NoError(t, err)
	t.Cleanup(func() { _ = s2.Close() })
	before.readBack(t, s2)
	reg := registry(t, s2)
	i := slices.IndexFunc(reg.Orgs, func(o wire.Org) bool { return o.MSPID == "Payer2MSP" })
	require.GreaterOrEqual(t, i, 0, "the registry lists Payer2MSP")
	assert.True(t, reg.Orgs[i].OwnsPlan("bronze"), "payer2 plays the payer with its plan")

	// The second insurer at work: its collections came with the claims
	// definition's new sequence, its peer in the endorsement policy.
	p2, ok := secondPayer(cl2)
	require.True(t, ok, "network.json lists payer2's claims staff")
	twoPayersStory(t, cl2, p2)

	// A second up, whose topology changes only care's batching, changes
	// only that: the orderer group's two values, by an update that the
	// orderer org's admin signs from its own folder (their mod_policy is
	// the orderers' Admins), the same exchange as the add's.
	batched := writeTopology(t, dir, "with-payer2-batched.yaml", withBatch(payer2(t, "payer2", "", true)))
	out, err = carenetOutput("--topology", batched, "--no-deploy", "up")
	require.NoError(t, err, "the reconcile that changes care's batching")
	assert.Contains(t, out, "channel care: add [], remove [], change [batch timeout 250ms -> 400ms batch size 100 transactions, 2097152 bytes preferred, 103809024 at most -> 50 transactions, 2097152 bytes preferred, 103809024 at most]")
	assert.Contains(t, out, "supply matches the topology")
	assertSignedFromOwnFolders(t, out, "care", orgOfMSP)
	assert.Contains(t, out, "care: config update signed by the admins of [OrdererMSP],")
	assert.Equal(t, channelcfg.Batch{Timeout: 400 * time.Millisecond, MaxMessageCount: 50, AbsoluteMaxBytes: 99 << 20, PreferredMaxBytes: 2 << 20},
		ordererBatch(t, "care"), "the orderers cut care's blocks as the topology says")
	put(t, session(t, "provider", "physician1"), "care", fmt.Sprintf("after-batch-%d", time.Now().UnixNano()), "b")

	// Out of care: its peer stops receiving blocks. The channel update
	// goes the way operators on their own hosts run it: written to a
	// file, refused while it lacks signatures, signed by each org's admin
	// from its own folder, then submitted; up then finds care as wanted.
	outOfCare := writeTopology(t, dir, "payer2-out-of-care.yaml", withBatch(payer2(t, "payer2", "", false)))
	removeFromCareByHand(t, outOfCare)
	out, err = carenetOutput("--topology", outOfCare, "up")
	require.NoError(t, err, "the reconcile that removes payer2 from care")
	assert.Contains(t, out, "care matches the topology")
	assert.Contains(t, out, "the registry on care: remove Payer2MSP")
	frozen := peerHeight(t, cl2, "peer0.payer2", "care", 0)
	res = put(t, session(t, "payer", "adjudicator1"), "care", fmt.Sprintf("after-leave-%d", time.Now().UnixNano()), "y")
	waitHeight(t, "peer0.regulator", "care", res.Block)
	assert.Equal(t, frozen, peerHeight(t, cl2, "peer0.payer2", "care", 0), "a peer of an org out of the channel gets no block")
	before.readBack(t, session(t, "regulator", "auditor1"))

	// Out of the topology: its nodes stop, its state stays until clean;
	// care's batching is the default again.
	out, err = carenetOutput("--no-deploy", "up")
	require.NoError(t, err)
	assert.Contains(t, out, "change [batch timeout 400ms -> 250ms batch size 50 transactions")
	assert.Equal(t, channelcfg.DefaultBatch, ordererBatch(t, "care"))
	for _, d := range []string{nodeDir("peer0.payer2"), filepath.Join(home, "orgs", "payer2", "ca")} {
		assert.Empty(t, processesUsing(d), "a process of %s still runs", d)
		_, err := os.Stat(d)
		assert.NoError(t, err, "the state of a node removed from the topology stays")
	}
	before.readBack(t, session(t, "provider", "physician1"))
}

// removeFromCareByHand runs `carenet channel plan|sign|submit` for the
// update that takes payer2 out of care (five members: MAJORITY Admins is
// three).
func removeFromCareByHand(t *testing.T, topo string) {
	t.Helper()
	out, err := carenetOutput("--topology", topo, "channel", "plan", "care")
	require.NoError(t, err)
	assert.Contains(t, out, "channel care: add [], remove [Payer2MSP]")
	m := regexp.MustCompile(`written to (\S+);`).FindStringSubmatch(out)
	require.Len(t, m, 2, "plan names the file")
	file := m[1]
	submit := func() (string, error) { return carenetOutput("--topology", topo, "channel", "submit", file) }
	among := "[PatientsMSP Payer2MSP PayerMSP ProviderMSP RegulatorMSP]"
	out, err = submit()
	require.Error(t, err, "nobody signed")
	assert.Contains(t, out, "/Channel/Application/Admins needs the admins of 3 of "+among+", signed by []: 3 more of")
	for _, org := range []string{"provider", "payer"} {
		_, err = carenetOutput("--topology", topo, "channel", "sign", file, "--org", org)
		require.NoError(t, err, org)
	}
	out, err = submit()
	require.Error(t, err, "two of three signed")
	assert.Contains(t, out, "signed by [PayerMSP ProviderMSP]: 1 more of [PatientsMSP Payer2MSP RegulatorMSP]")
	out, err = carenetOutput("--topology", topo, "channel", "sign", file, "--org", "regulator")
	require.NoError(t, err)
	assert.Contains(t, out, "with the key in "+filepath.Join(home, "orgs", "regulator", "users", "admin", "msp"))
	out, err = submit()
	require.NoError(t, err)
	assert.Contains(t, out, "submitted to care as the admin of ProviderMSP, signed by the admins of [ProviderMSP PayerMSP RegulatorMSP]")
}

// A reconcile that cannot start a new org's peer (its address is not on
// this machine) names the step, the node and the cause, and leaves the
// consortium as it was: the org's CA it started is stopped, the channel
// is not updated, the consortium still commits.
func TestAFailedReconcileNamesTheCauseAndChangesNothing(t *testing.T) {
	bad := writeTopology(t, t.TempDir(), "unreachable-peer.yaml", payer2(t, "payer3", "10.255.255.1", true))
	out, err := carenetOutput("--topology", bad, "up")
	require.Error(t, err, "a peer that cannot listen fails the reconcile")
	assert.Contains(t, out, `step "start peers" failed`)
	assert.Contains(t, out, "node peer0.payer3 failed")
	assert.Contains(t, out, "bind: cannot assign requested address", "the cause, from the node's log")
	assert.NotContains(t, out, "update channel configs", "no channel is touched after a failed local step")
	for _, d := range []string{nodeDir("peer0.payer3"), filepath.Join(home, "orgs", "payer3", "ca")} {
		assert.Empty(t, processesUsing(d), "the run's new node %s is stopped", d)
	}
	reg := registry(t, session(t, "provider", "admin"))
	assert.False(t, slices.ContainsFunc(reg.Orgs, func(o wire.Org) bool { return o.MSPID == "Payer3MSP" }))
	put(t, session(t, "provider", "nurse1"), "care", fmt.Sprintf("after-failed-%d", time.Now().UnixNano()), "z")

	// Back to the topology: the retired org's nodes are not running, and
	// the consortium is up as before.
	require.NoError(t, carenet("--no-deploy", "up"))
}

// A reconcile that fails after it has added an org to care (here by the
// failure carenet injects for tests after a step) rolls the channel
// update back with another one, signed as the first, and stops the nodes
// it started: the channel is as it was, and the consortium commits.
func TestAReconcileThatFailsAfterItsChannelUpdateRollsItBack(t *testing.T) {
	topo := writeTopology(t, t.TempDir(), "payer4.yaml", payer2(t, "payer4", "", true))
	t.Setenv(consortium.FailAfterEnv, "join peers to channels")
	out, err := carenetOutput("--topology", topo, "--no-deploy", "up")
	require.Error(t, err)
	assert.Contains(t, out, `step "join peers to channels" failed`)
	assert.Contains(t, out, "channel care: add [Payer4MSP]")
	assert.Contains(t, out, "roll back channel care: add [], remove [Payer4MSP]")
	assert.Contains(t, out, "what this run changed is undone")
	for _, d := range []string{nodeDir("peer0.payer4"), filepath.Join(home, "orgs", "payer4", "ca")} {
		assert.Empty(t, processesUsing(d), "the run's new node %s is stopped", d)
	}
	os.Unsetenv(consortium.FailAfterEnv)

	out, err = carenetOutput("--no-deploy", "up")
	require.NoError(t, err)
	assert.Contains(t, out, "care matches the topology", "the channel is as the topology without payer4 has it")
	put(t, session(t, "payer", "adjudicator1"), "care", fmt.Sprintf("after-rollback-%d", time.Now().UnixNano()), "r")
}

// earlier is data written before a reconcile, by channel and key.
type earlier map[string]map[string]string

func writeBeforeReconcile(t *testing.T) earlier {
	t.Helper()
	stamp := time.Now().UnixNano()
	e := earlier{"care": {}, "supply": {}}
	for i, w := range []struct{ org, user, channel string }{
		{"provider", "physician1", "care"}, {"payer", "adjudicator1", "care"}, {"regulator", "auditor1", "care"},
		{"manufacturer", "quality1", "supply"},
	} {
		key, value := fmt.Sprintf("before-reconcile-%d-%d", stamp, i), fmt.Sprintf("%s-%d", w.org, i)
		res := put(t, session(t, w.org, w.user), w.channel, key, value)
		e[w.channel][key] = value
		waitHeight(t, "peer0.regulator", w.channel, res.Block)
	}
	return e
}

// readBack reads every earlier care key through s, and the supply ones
// through the distributor.
func (e earlier) readBack(t *testing.T, s *client.Session) {
	t.Helper()
	for key, want := range e["care"] {
		got, err := get(s, "care", key)
		require.NoError(t, err, key)
		assert.Equal(t, want, got, key)
	}
	for key, want := range e["supply"] {
		got, err := get(session(t, "distributor", "logistics1"), "supply", key)
		require.NoError(t, err, key)
		assert.Equal(t, want, got, key)
	}
}

func registry(t *testing.T, s *client.Session) wire.Registry {
	t.Helper()
	res, err := s.Evaluate(context.Background(), client.Call{Channel: "care", Chaincode: wire.Chaincode, Function: wire.FnList})
	require.NoError(t, err)
	var r wire.Registry
	require.NoError(t, json.Unmarshal(res.Payload, &r))
	return r
}

// payer2 is the reference topology with a second insurer named name (its
// peer on peerHost when set), listed in care when inCare, with the parts
// registry's, claims' and baseline's policies on care counting it (the
// other care chaincodes keep theirs: it approves their committed
// definitions).
func payer2(t *testing.T, name, peerHost string, inCare bool) *topology.Topology {
	t.Helper()
	topo, err := topology.Load(filepath.Join(repo, "network", "topology.yaml"))
	require.NoError(t, err)
	msp := strings.ToUpper(name[:1]) + name[1:] + "MSP"
	org := topology.Org{Name: name, MSPID: msp, Description: "a second health insurer (e2e)", Parts: []string{wire.PartPayer},
		Plans: []string{"bronze"}, Peers: []string{"peer0"},
		Users: []topology.User{{Name: "admin", Type: "admin"}, {Name: "adjudicator1", Role: wire.RoleAdjudicator},
			{Name: "enrollment1", Role: wire.RoleEnrollment}, {Name: "intake1", Role: wire.RoleClaimsIntake}}}
	if peerHost != "" {
		org.NodeHosts = map[string]string{"peer0": peerHost}
	}
	topo.Orgs = append(topo.Orgs, org)
	if !inCare {
		return topo
	}
	care := topo.Channel("care")
	care.Orgs = append(care.Orgs, name)
	peers := fmt.Sprintf("'ProviderMSP.peer', 'PayerMSP.peer', 'RegulatorMSP.peer', '%s.peer'", msp)
	topo.Chaincode("parts").Channels["care"] = topology.ChaincodeChannel{Endorsement: "OutOf(3, " + peers + ")"}
	topo.Chaincode("baseline").Channels["care"] = topology.ChaincodeChannel{Endorsement: "OutOf(2, " + peers + ")"}
	// Claims between the provider and the new payer are endorsed by their
	// two peers: the chaincode's policy must count the payer's.
	claims := topo.Chaincode("claims").Channels["care"]
	claims.Endorsement = "OutOf(2, " + peers + ")"
	topo.Chaincode("claims").Channels["care"] = claims
	return topo
}

// withBatch is topo with care's blocks cut after 400 ms or at 50
// transactions (the default: 250 ms, 100).
func withBatch(topo *topology.Topology) *topology.Topology {
	topo.Channel("care").Batch = topology.Batch{Timeout: "400ms", MaxMessageCount: 50}
	return topo
}

// ordererBatch is a channel's batching as the orderers serve its config
// (fetched with Fabric's peer CLI as the orderer org's admin).
func ordererBatch(t *testing.T, channel string) channelcfg.Batch {
	t.Helper()
	scratch := t.TempDir()
	fabricShell(t, scratch, `eval "$(scripts/carenet.sh env orderer)"
cd "$SCRATCH"
peer channel fetch config config.block -c `+channel+` -o "$ORDERER_ADDRESS" --tls --cafile "$ORDERER_CA"`, false)
	data, err := os.ReadFile(filepath.Join(scratch, "config.block"))
	require.NoError(t, err)
	cfg, err := channelcfg.ConfigFromBlock(data)
	require.NoError(t, err)
	b, err := channelcfg.BatchOf(cfg)
	require.NoError(t, err)
	return b
}

func writeTopology(t *testing.T, dir, name string, topo *topology.Topology) string {
	t.Helper()
	data, err := yaml.Marshal(topo)
	require.NoError(t, err)
	_, err = topology.Parse(data)
	require.NoError(t, err, "the written topology is valid")
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

// carenetOutput runs carenet like carenet does, and returns its output too.
func carenetOutput(args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(repo, "scripts", "carenet.sh"), args...)
	cmd.Env = append(os.Environ(), "CARECHAIN_HOME="+home, "CARECHAIN_PORT_BASE="+ports)
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(os.Stdout, &buf)
	cmd.Stderr = io.MultiWriter(os.Stderr, &buf)
	err := cmd.Run()
	return buf.String(), err
}

// peerHeight is a peer's block height on a channel, after waiting (up to
// 30 s) until it is above atLeast.
func peerHeight(t *testing.T, c *client.Client, peerID, channel string, atLeast uint64) uint64 {
	t.Helper()
	node, err := c.Profile.Peer(peerID)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var h float64
	err = health.Poll(ctx, 100*time.Millisecond, func(ctx context.Context) (bool, error) {
		samples, err := health.Metrics(ctx, node.Operations)
		if err != nil {
			return false, nil
		}
		h, _ = health.Value(samples, "ledger_blockchain_height", map[string]string{"channel": channel})
		return uint64(h) > atLeast, nil
	})
	require.NoError(t, err, "%s on %s at height %d, not above %d", peerID, channel, int(h), atLeast)
	return uint64(h)
}
