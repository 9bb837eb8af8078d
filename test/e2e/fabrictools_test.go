//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/network/topology"
)

// fabricShell runs a bash script in the repository with the test
// consortium's variables (what an operator's shell would have), and
// returns its output; it fails the test when the script fails, unless
// wantFail.
func fabricShell(t *testing.T, scratch, script string, wantFail bool) string {
	t.Helper()
	cmd := exec.Command("bash", "-c", "set -euo pipefail\n"+script)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CARECHAIN_HOME="+home, "CARECHAIN_PORT_BASE="+ports, "SCRATCH="+scratch)
	out, err := cmd.CombinedOutput()
	if wantFail {
		require.Error(t, err, "%s", out)
	} else {
		require.NoError(t, err, "%s", out)
	}
	return string(out)
}

// An org's admin uses Fabric's own peer CLI with the variables `carenet
// env` prints: the channels its peer joined, a channel's height, the
// chaincode definitions committed there.
func TestFabricsPeerCLIActsAsAnOrgsAdmin(t *testing.T) {
	atLeast := peerHeight(t, cl, "peer0.provider", "care", 0)
	out := fabricShell(t, t.TempDir(), `eval "$(scripts/carenet.sh env provider)"
cd "$SCRATCH"
echo "== list"; peer channel list
echo "== info"; peer channel getinfo -c care
echo "== committed"; peer lifecycle chaincode querycommitted -C care`, false)
	list, rest, _ := strings.Cut(strings.SplitN(out, "== list\n", 2)[1], "== info\n")
	info, committed, _ := strings.Cut(rest, "== committed\n")

	joined := regexp.MustCompile(`(?m)^(care|supply)$`).FindAllString(list, -1)
	assert.ElementsMatch(t, []string{"care", "supply"}, joined, list)
	m := regexp.MustCompile(`Blockchain info: (\{.*\})`).FindStringSubmatch(info)
	require.Len(t, m, 2, info)
	var chain struct{ Height uint64 }
	require.NoError(t, json.Unmarshal([]byte(m[1]), &chain))
	assert.GreaterOrEqual(t, chain.Height, atLeast, "the height the peer's metrics showed before")

	topo, err := topology.Load(filepath.Join(repo, "network", "topology.yaml"))
	require.NoError(t, err)
	for _, cc := range topo.Chaincodes {
		if _, ok := cc.Channels["care"]; ok {
			assert.Regexp(t, `(?m)^Name: `+cc.Name+`, Version: \w+, Sequence: [1-9]\d*,`, committed, "%s is committed on care", cc.Name)
		}
	}
	assert.NotContains(t, committed, "Name: provenance", "provenance is on supply only")
}

// --user acts as another of the org's users; a user that is not enrolled
// is refused.
func TestCarenetEnvActsAsAnotherUserOfTheOrg(t *testing.T) {
	out := fabricShell(t, t.TempDir(), `eval "$(scripts/carenet.sh env provider --user physician1)"
cd "$SCRATCH"
echo "msp=$CORE_PEER_MSPCONFIGPATH"
peer channel getinfo -c care`, false)
	assert.Contains(t, out, "msp="+filepath.Join(home, "orgs", "provider", "users", "physician1", "msp"))
	assert.Contains(t, out, "Blockchain info:")

	out = fabricShell(t, t.TempDir(), `scripts/carenet.sh env provider --user nobody1`, true)
	assert.Contains(t, out, "env of provider/nobody1: not enrolled")
}

// The orderer org's admin lists the orderers' channels with osnadmin
// (its TLS client certificate is what the admin API admits), fetches
// care's config block and decodes it with configtxlator.
func TestOsnadminAndConfigtxlatorActAsTheOrdererAdmin(t *testing.T) {
	scratch := t.TempDir()
	out := fabricShell(t, scratch, `eval "$(scripts/carenet.sh env orderer)"
cd "$SCRATCH"
osnadmin channel list -o "$ORDERER_ADMIN_ADDRESS" --ca-file "$ORDERER_CA" \
  --client-cert "$ORDERER_ADMIN_TLS_SIGN_CERT" --client-key "$ORDERER_ADMIN_TLS_PRIVATE_KEY"
peer channel fetch config care.block -c care -o "$ORDERER_ADDRESS" --tls --cafile "$ORDERER_CA" 2>/dev/null
configtxlator proto_decode --input care.block --type common.Block > care.json`, false)
	assert.Contains(t, out, "Status: 200")
	assert.Regexp(t, `"name": "care"`, out)
	assert.Regexp(t, `"name": "supply"`, out)

	data, err := os.ReadFile(filepath.Join(scratch, "care.json"))
	require.NoError(t, err)
	var block struct {
		Data struct {
			Data []struct {
				Payload struct {
					Data struct {
						Config struct {
							ChannelGroup struct {
								Groups map[string]struct {
									Groups map[string]json.RawMessage
								}
							} `json:"channel_group"`
						}
					}
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal(data, &block), "configtxlator decodes the block as JSON")
	require.Len(t, block.Data.Data, 1)
	groups := block.Data.Data[0].Payload.Data.Config.ChannelGroup.Groups
	for _, msp := range []string{"PatientsMSP", "PayerMSP", "ProviderMSP", "RegulatorMSP"} {
		assert.Contains(t, groups["Application"].Groups, msp, "care's members, decoded by configtxlator")
	}
	assert.Contains(t, groups["Orderer"].Groups, topologyOrdererMSP(t))
}

func topologyOrdererMSP(t *testing.T) string {
	t.Helper()
	topo, err := topology.Load(filepath.Join(repo, "network", "topology.yaml"))
	require.NoError(t, err)
	return topo.OrdererOrg().MSPID
}
