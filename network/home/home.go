// Package home lays out the folder that holds one consortium's state:
// certificates, node configs, ledgers, logs and pid files. Every path carenet
// writes or reads is named here, so the layout is documented in one place.
//
// The folder is split as a real consortium is: each org keeps its private
// material (CA key, admin and user keys, node keys and ledgers, key-
// encryption keys) in a folder of its own, as it would on its own host,
// and the orgs exchange only public material, in a shared area (MSP and
// TLS CA certificates, endpoints, genesis blocks and the channel updates
// that travel between them to be signed). Nothing outside orgs/ORG/ holds
// a private key of ORG:
//
//	HOME/
//	  network.json               connection profile for clients (carectl)
//	  port-base                  the port base this state was made with
//	  ports.json                 every node's ports, kept while nodes come and go
//	  public/ORG/ca-cert.pem     the org's CA root (also the root of its TLS certificates)
//	  public/ORG/msp/            the org's channel MSP (CA root, TLS CA root, NodeOUs)
//	  public/ORG/tls/NODE.crt    an orderer's TLS certificate (a Raft consenter's)
//	  channels/CHANNEL/          configtx.yaml, the genesis block, updates/ (files to sign)
//	  chaincode/                 packages and the external builder
//	  logs/NODE.log, run/NODE.pid
//	  orgs/ORG/                  the org's own, private folder:
//	    ca/                      its fabric-ca-server home (the CA's key)
//	    registrar/               the CA bootstrap admin's client home
//	    users/USER/msp/          a user's enrollment (the org's wallet)
//	    users/USER/tls/          a user's TLS client certificate
//	    kek/                     its key-encryption keys (its peers' chaincode reads them)
//	    nodes/NODE/              a node's config, MSP, TLS and ledger
//	    cli/                     the core.yaml of its admin's peer CLI (carenet env)
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

// Org is the org's own folder: everything private to it, and only that.
func (d Dir) Org(org string) string { return d.join("orgs", org) }

// Orgs is the folder of every org's own folder.
func (d Dir) Orgs() string { return d.join("orgs") }

// Public is the shared area of public material the orgs exchange.
func (d Dir) Public() string { return d.join("public") }

// CAServer is the org's fabric-ca-server home.
func (d Dir) CAServer(org string) string { return d.join("orgs", org, "ca") }

// CAServerCert is the root certificate the org's CA wrote in its own home;
// CACert is the copy the org publishes.
func (d Dir) CAServerCert(org string) string { return d.join("orgs", org, "ca", "ca-cert.pem") }

// CACert is the org's published CA root certificate (also the root of its
// TLS certificates): what every other org trusts it by.
func (d Dir) CACert(org string) string { return d.join("public", org, "ca-cert.pem") }

// Registrar is the client home of the org's CA bootstrap admin.
func (d Dir) Registrar(org string) string { return d.join("orgs", org, "registrar") }

// OrgMSP is the org's published MSP folder, used in channel configuration.
func (d Dir) OrgMSP(org string) string { return d.join("public", org, "msp") }

// PublishedTLSCert is a node's published TLS certificate (orderers: the
// channel config names them as Raft consenters).
func (d Dir) PublishedTLSCert(org, id string) string { return d.join("public", org, "tls", id+".crt") }

// KEK is the folder of the org's key-encryption keys.
func (d Dir) KEK(org string) string { return d.join("orgs", org, "kek") }

// OrgUsers is the org's wallet: one folder per user.
func (d Dir) OrgUsers(org string) string { return d.join("orgs", org, "users") }

// UserMSP is a user's enrolled MSP folder (signcerts, keystore, cacerts).
func (d Dir) UserMSP(org, user string) string { return d.join("orgs", org, "users", user, "msp") }

// UserTLS is a user's TLS client enrollment.
func (d Dir) UserTLS(org, user string) string { return d.join("orgs", org, "users", user, "tls") }

// CLIConfig is the folder of the core.yaml the org's admin runs the peer
// CLI with: its own, not one from another org's folder.
func (d Dir) CLIConfig(org string) string { return d.join("orgs", org, "cli") }

// Node is a node's folder, inside its org's.
func (d Dir) Node(org, id string) string { return d.join("orgs", org, "nodes", id) }

// NodeMSP is a node's local MSP.
func (d Dir) NodeMSP(org, id string) string { return d.join("orgs", org, "nodes", id, "msp") }

// NodeTLS is a node's TLS folder (server.crt, server.key, ca.crt).
func (d Dir) NodeTLS(org, id string) string { return d.join("orgs", org, "nodes", id, "tls") }

// NodeData is a node's ledger folder.
func (d Dir) NodeData(org, id string) string { return d.join("orgs", org, "nodes", id, "data") }

// SharedNodes is where an earlier carenet kept every org's nodes in one
// folder (HOME/nodes/NODE); up moves them into their orgs' folders.
func (d Dir) SharedNodes() string { return d.join("nodes") }

// Channel is a channel's folder.
func (d Dir) Channel(name string) string { return d.join("channels", name) }

// GenesisBlock is a channel's genesis block.
func (d Dir) GenesisBlock(name string) string { return d.join("channels", name, "genesis.block") }

// Updates is the folder of a channel's config update files: the place
// they travel through between the orgs that sign them.
func (d Dir) Updates(channel string) string { return d.join("channels", channel, "updates") }

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
