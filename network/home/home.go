// Package home lays out the folder that holds one consortium's state:
// certificates, node configs, ledgers, logs and pid files. Every path carenet
// writes or reads is named here, so the layout is documented in one place:
//
//	HOME/
//	  network.json               connection profile for clients (carectl)
//	  port-base                  the port base this state was made with
//	  ports.json                 every node's ports, kept while nodes come and go
//	  orgs/ORG/ca/               the org's fabric-ca-server home
//	  orgs/ORG/registrar/        the CA bootstrap admin's client home
//	  orgs/ORG/msp/              the org's MSP (CA root, TLS CA root, NodeOUs)
//	  orgs/ORG/users/USER/msp/   a user's enrollment (the org's wallet)
//	  orgs/ORG/users/USER/tls/   a user's TLS client certificate
//	  orgs/ORG/kek/              the org's key-encryption keys (its peers' chaincode reads them)
//	  nodes/NODE/                a node's config, MSP, TLS and ledger
//	  channels/CHANNEL/          configtx.yaml and the genesis block
//	  chaincode/                 packages and the external builder
//	  logs/NODE.log, run/NODE.pid
package home

import (
	"os"
	"path/filepath"
)

// Dir is the root of one consortium's state.
type Dir string

// Resolve returns the state folder: $CARECHAIN_HOME, or .carechain in the
// repository root.
func Resolve(repoRoot string) Dir {
	if h := os.Getenv("CARECHAIN_HOME"); h != "" {
		abs, err := filepath.Abs(h)
		if err == nil {
			return Dir(abs)
		}
		return Dir(h)
	}
	return Dir(filepath.Join(repoRoot, ".carechain"))
}

func (d Dir) join(parts ...string) string {
	return filepath.Join(append([]string{string(d)}, parts...)...)
}

// Profile is the connection profile clients read.
func (d Dir) Profile() string { return d.join("network.json") }

// CAServer is the org's fabric-ca-server home.
func (d Dir) CAServer(org string) string { return d.join("orgs", org, "ca") }

// CACert is the org's CA root certificate (also the root of its TLS certificates).
func (d Dir) CACert(org string) string { return d.join("orgs", org, "ca", "ca-cert.pem") }

// Registrar is the client home of the org's CA bootstrap admin.
func (d Dir) Registrar(org string) string { return d.join("orgs", org, "registrar") }

// OrgMSP is the org's MSP folder used in channel configuration.
func (d Dir) OrgMSP(org string) string { return d.join("orgs", org, "msp") }

// KEK is the folder of the org's key-encryption keys.
func (d Dir) KEK(org string) string { return d.join("orgs", org, "kek") }

// OrgUsers is the org's wallet: one folder per user.
func (d Dir) OrgUsers(org string) string { return d.join("orgs", org, "users") }

// UserMSP is a user's enrolled MSP folder (signcerts, keystore, cacerts).
func (d Dir) UserMSP(org, user string) string { return d.join("orgs", org, "users", user, "msp") }

// UserTLS is a user's TLS client enrollment.
func (d Dir) UserTLS(org, user string) string { return d.join("orgs", org, "users", user, "tls") }

// Node is a node's folder.
func (d Dir) Node(id string) string { return d.join("nodes", id) }

// NodeMSP is a node's local MSP.
func (d Dir) NodeMSP(id string) string { return d.join("nodes", id, "msp") }

// NodeTLS is a node's TLS folder (server.crt, server.key, ca.crt).
func (d Dir) NodeTLS(id string) string { return d.join("nodes", id, "tls") }

// NodeData is a node's ledger folder.
func (d Dir) NodeData(id string) string { return d.join("nodes", id, "data") }

// Channel is a channel's folder.
func (d Dir) Channel(name string) string { return d.join("channels", name) }

// GenesisBlock is a channel's genesis block.
func (d Dir) GenesisBlock(name string) string { return d.join("channels", name, "genesis.block") }

// Chaincode is where packages and the builder live.
func (d Dir) Chaincode() string { return d.join("chaincode") }

// Builder is the external builder folder given to peers.
func (d Dir) Builder() string { return d.join("chaincode", "builder") }

// Log is a node's log file.
func (d Dir) Log(id string) string { return d.join("logs", id+".log") }

// Pid is a node's pid file.
func (d Dir) Pid(id string) string { return d.join("run", id+".pid") }

// Run is the folder of pid files.
func (d Dir) Run() string { return d.join("run") }
