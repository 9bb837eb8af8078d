package consortium

import (
	"fmt"
	"path/filepath"

	"github.com/carechain/carechain/network/pki"
	"github.com/carechain/carechain/network/topology"
)

// Var is one environment variable of Env.
type Var struct{ Name, Value string }

// EnvError is an identity Env cannot act as.
type EnvError struct {
	Org, User string
	Err       error
}

func (e *EnvError) Error() string { return fmt.Sprintf("env of %s/%s: %v", e.Org, e.User, e.Err) }

func (e *EnvError) Unwrap() error { return e.Err }

// Env is the environment under which Fabric's own tools (peer, osnadmin,
// configtxlator) act as an org's user, its admin by default: the
// identity and CLI config from the org's own folder, its first peer (or,
// for an org without peers, a peer of an org it shares a channel with),
// the orderers' TLS root and address, and, for the orderer org, the TLS
// client certificate osnadmin presents to the orderers' admin API. What
// carenet does through these tools, an operator can do by hand.
func (c *Consortium) Env(orgName, user string) ([]Var, error) {
	org := c.Topo.Org(orgName)
	if org == nil {
		return nil, &EnvError{Org: orgName, User: user, Err: fmt.Errorf("no such org in the topology")}
	}
	if user == "" {
		user = adminUser(org)
	}
	mspDir := c.Home.UserMSP(org.Name, user)
	if !pki.Enrolled(mspDir) {
		return nil, &EnvError{Org: orgName, User: user, Err: fmt.Errorf("not enrolled in %s", mspDir)}
	}
	peer, ok := c.envPeer(org)
	if !ok {
		return nil, &EnvError{Org: orgName, User: user, Err: fmt.Errorf("the consortium runs no peer")}
	}
	orderer := c.nodesOf(topology.KindOrderer)[0]
	vars := []Var{
		{"CORE_PEER_LOCALMSPID", org.MSPID},
		{"CORE_PEER_MSPCONFIGPATH", mspDir},
		{"CORE_PEER_ADDRESS", peer.Address()},
		{"CORE_PEER_TLS_ENABLED", "true"},
		{"CORE_PEER_TLS_ROOTCERT_FILE", c.Home.CACert(peer.Org.Name)},
		{"FABRIC_CFG_PATH", c.Home.CLIConfig(org.Name)},
		{"ORDERER_CA", c.Home.CACert(orderer.Org.Name)},
		{"ORDERER_ADDRESS", orderer.Address()},
		{"ORDERER_ADMIN_ADDRESS", fmt.Sprintf("%s:%d", orderer.Host, orderer.AdminPort)},
	}
	if org.Name == c.Topo.OrdererOrg().Name {
		tls := c.Home.UserTLS(org.Name, user)
		vars = append(vars, Var{"ORDERER_ADMIN_TLS_SIGN_CERT", filepath.Join(tls, "server.crt")},
			Var{"ORDERER_ADMIN_TLS_PRIVATE_KEY", filepath.Join(tls, "server.key")})
	}
	return append(vars, Var{"FABRIC_BIN", c.Bin}), nil
}

// envPeer is the org's first peer, else the first peer of the orgs it
// submits through, else the consortium's first peer.
func (c *Consortium) envPeer(org *topology.Org) (topology.Node, bool) {
	peers := c.nodesOf(topology.KindPeer)
	for _, n := range peers {
		if n.Org.Name == org.Name {
			return n, true
		}
	}
	if ids := c.borrowedGateways(org, peers); len(ids) > 0 {
		for _, n := range peers {
			if n.ID() == ids[0] {
				return n, true
			}
		}
	}
	if len(peers) == 0 {
		return topology.Node{}, false
	}
	return peers[0], true
}
