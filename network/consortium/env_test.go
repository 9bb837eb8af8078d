package consortium

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/network/topology"
)

func envMap(vars []Var) map[string]string {
	m := map[string]string{}
	for _, v := range vars {
		m[v.Name] = v.Value
	}
	return m
}

// carenet env acts as the org's admin from the org's own folder, against
// its own peer; only the orderer org gets osnadmin's TLS client identity.
func TestEnvActsAsTheOrgsAdminFromItsOwnFolder(t *testing.T) {
	c := fakeConsortium(t)
	writeAdmin(t, c, "a")
	writeAdmin(t, c, "ord")
	vars, err := c.Env("a", "")
	require.NoError(t, err)
	env := envMap(vars)
	peer := c.nodesOf(topology.KindPeer)[0]
	assert.Equal(t, "AMSP", env["CORE_PEER_LOCALMSPID"])
	assert.Equal(t, c.Home.UserMSP("a", "admin"), env["CORE_PEER_MSPCONFIGPATH"])
	assert.Equal(t, peer.Address(), env["CORE_PEER_ADDRESS"])
	assert.Equal(t, c.Home.CACert("a"), env["CORE_PEER_TLS_ROOTCERT_FILE"])
	assert.Equal(t, c.Home.CLIConfig("a"), env["FABRIC_CFG_PATH"])
	assert.Equal(t, c.Home.CACert("ord"), env["ORDERER_CA"])
	assert.NotContains(t, env, "ORDERER_ADMIN_TLS_PRIVATE_KEY", "a peer org's TLS identity is not admitted by the orderers' admin API")

	vars, err = c.Env("ord", "")
	require.NoError(t, err)
	env = envMap(vars)
	assert.Equal(t, filepath.Join(c.Home.UserTLS("ord", "admin"), "server.key"), env["ORDERER_ADMIN_TLS_PRIVATE_KEY"])
	assert.Equal(t, peer.Address(), env["CORE_PEER_ADDRESS"], "an org without peers uses another's")
	assert.Equal(t, c.Home.CACert("a"), env["CORE_PEER_TLS_ROOTCERT_FILE"])

	for _, tc := range []struct{ org, user string }{{"a", "nobody"}, {"zzz", ""}} {
		_, err := c.Env(tc.org, tc.user)
		var ee *EnvError
		assert.True(t, errors.As(err, &ee), "%s/%s: got %v", tc.org, tc.user, err)
	}
}
