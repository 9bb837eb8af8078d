// Package nodeconfig writes each node's configuration file: Fabric's own
// sample core.yaml or orderer.yaml (from the Fabric build's config folder)
// with every setting carechain depends on set explicitly in code.
package nodeconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Doc is a YAML document held as nested maps.
type Doc map[string]any

// LoadTemplate reads a Fabric sample config file (core.yaml, orderer.yaml).
func LoadTemplate(configDir, name string) (Doc, error) {
	data, err := os.ReadFile(filepath.Join(configDir, name))
	if err != nil {
		return nil, fmt.Errorf("fabric config template: %w", err)
	}
	// Decode into a plain map: nested mappings then are map[string]any,
	// which is what Set and Get walk.
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("fabric config template %s: %w", name, err)
	}
	return Doc(m), nil
}

// Set assigns a value at a dotted path, creating maps on the way. Keys are
// matched exactly as Fabric spells them.
func (d Doc) Set(path string, value any) {
	parts := strings.Split(path, ".")
	m := map[string]any(d)
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = value
}

// Get returns the value at a dotted path.
func (d Doc) Get(path string) (any, bool) {
	var cur any = map[string]any(d)
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// Write saves the document.
func (d Doc) Write(path string) error {
	data, err := yaml.Marshal(map[string]any(d))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// Peer is what a peer's core.yaml needs to know.
type Peer struct {
	ID, MSPID                    string
	Host                         string
	Port, ChaincodePort, OpsPort int
	MSPDir, TLSDir, DataDir      string
	BuilderDir                   string
	// BuilderEnv lists the environment variables the chaincode builder sees.
	BuilderEnv []string
}

// PeerCore sets a peer's configuration on a core.yaml template.
func PeerCore(d Doc, p Peer) Doc {
	addr := fmt.Sprintf("%s:%d", p.Host, p.Port)
	ccAddr := fmt.Sprintf("%s:%d", p.Host, p.ChaincodePort)
	for _, settings := range []map[string]any{
		{
			"peer.id":                     p.ID,
			"peer.networkId":              "carechain",
			"peer.listenAddress":          addr,
			"peer.address":                addr,
			"peer.chaincodeListenAddress": ccAddr,
			"peer.chaincodeAddress":       ccAddr,
			"peer.addressAutoDetect":      false,
			"peer.gateway.enabled":        true,
		},
		peerGossip(addr),
		peerFiles(p),
		peerChaincode(p),
	} {
		for k, v := range settings {
			d.Set(k, v)
		}
	}
	return d
}

// peerGossip is how a peer finds and follows the other peers.
func peerGossip(addr string) map[string]any {
	return map[string]any{
		// The external endpoint makes the peer known to other orgs (through
		// the channel's anchor peers); one peer per org leads itself.
		"peer.gossip.bootstrap":         addr,
		"peer.gossip.endpoint":          addr,
		"peer.gossip.externalEndpoint":  addr,
		"peer.gossip.useLeaderElection": false,
		"peer.gossip.orgLeader":         true,
		// A peer that joins a channel first probes other orgs' anchor peers
		// that have not joined yet (refused: they do not know its MSP
		// yet) and sleeps reconnectInterval before the next try.
		"peer.gossip.reconnectInterval": "500ms",
		// Such a probe is refused but answered with no connection message:
		// the prober waits connTimeout (the sample's 2 s, kept: on a loaded
		// machine a real handshake, TLS and signatures, can take a second,
		// and a peer added later pulls private data over such links).
		"peer.gossip.aliveTimeInterval": "2s",
		// A peer knows another org's peer on a channel once it has its
		// state info (pushed every publishStateInfoInterval, pulled every
		// requestStateInfoInterval: 4 s in the sample), and the metric
		// carenet waits on (gossip_membership_total_peers_known) is set
		// every membershipTrackerInterval (5 s): with the sample's values a
		// new consortium idled 10 s before its peers were seen to know each
		// other. State info is pushed only when it changed, so the shorter
		// intervals cost little once the network is settled.
		"peer.gossip.publishStateInfoInterval":  "500ms",
		"peer.gossip.requestStateInfoInterval":  "1s",
		"peer.gossip.membershipTrackerInterval": "250ms",
		"peer.gossip.pvtData.pushAckTimeout":    "3s",
		// A peer that joins a collection later (a payer added by
		// reconcile) gets the values written before it joined only by
		// reconciliation; every 5 s rather than the sample's minute, so
		// that a new member's first transactions do not fail for a minute
		// with "private data matching public hash version is not
		// available". With nothing missing a round costs a local lookup.
		"peer.gossip.pvtData.reconcileSleepInterval":                                  "5s",
		"peer.gossip.pvtData.implicitCollectionDisseminationPolicy.requiredPeerCount": 0,
	}
}

// peerFiles are a peer's TLS material, ledger, MSP and limits.
func peerFiles(p Peer) map[string]any {
	tls := func(f string) string { return filepath.Join(p.TLSDir, f) }
	return map[string]any{
		"peer.tls.enabled":                       true,
		"peer.tls.clientAuthRequired":            false,
		"peer.tls.cert.file":                     tls("server.crt"),
		"peer.tls.key.file":                      tls("server.key"),
		"peer.tls.rootcert.file":                 tls("ca.crt"),
		"peer.tls.clientRootCAs.files":           []string{tls("ca.crt")},
		"peer.fileSystemPath":                    p.DataDir,
		"peer.mspConfigPath":                     p.MSPDir,
		"peer.localMspId":                        p.MSPID,
		"peer.limits.concurrency.gatewayService": 500,
		"peer.discovery.enabled":                 true,
		"peer.profile.enabled":                   false,
	}
}

// peerChaincode is how a peer builds and runs chaincode, keeps its state
// and serves operations.
func peerChaincode(p Peer) map[string]any {
	return map[string]any{
		// No Docker: an empty endpoint keeps the Docker health check away.
		"vm.endpoint": "",
		"chaincode.externalBuilders": []map[string]any{{
			"name":                 "carechain-go",
			"path":                 p.BuilderDir,
			"propagateEnvironment": p.BuilderEnv,
		}},
		"chaincode.installTimeout":             "300s",
		"chaincode.startuptimeout":             "300s",
		"chaincode.executetimeout":             "30s",
		"chaincode.logging.level":              "info",
		"chaincode.logging.shim":               "warning",
		"ledger.state.stateDatabase":           "goleveldb",
		"ledger.history.enableHistoryDatabase": true,
		"ledger.snapshots.rootDir":             filepath.Join(p.DataDir, "snapshots"),
		// A client (the peer CLI, a gateway client) may ping every 10 s
		// before the peer answers GOAWAY too_many_pings: with the sample's
		// 60 s, a CLI whose 60 s pings arrived a little early had its
		// approve cut off under load.
		"peer.keepalive.minInterval": "10s",
		"operations.listenAddress":   fmt.Sprintf("%s:%d", p.Host, p.OpsPort),
		"operations.tls.enabled":     false,
		"metrics.provider":           "prometheus",
	}
}

// Orderer is what an orderer's orderer.yaml needs to know.
type Orderer struct {
	ID, MSPID                string
	Host                     string
	Port, AdminPort, OpsPort int
	MSPDir, TLSDir, DataDir  string
	// AdminClientRoots are the CA roots whose TLS client certificates may
	// use the channel participation API (the orderer org's admins).
	AdminClientRoots []string
}

// OrdererConfig sets an orderer's configuration on an orderer.yaml template.
func OrdererConfig(d Doc, o Orderer) Doc {
	tls := func(f string) string { return filepath.Join(o.TLSDir, f) }
	for k, v := range map[string]any{
		"General.ListenAddress":             o.Host,
		"General.ListenPort":                o.Port,
		"General.TLS.Enabled":               true,
		"General.TLS.PrivateKey":            tls("server.key"),
		"General.TLS.Certificate":           tls("server.crt"),
		"General.TLS.RootCAs":               []string{tls("ca.crt")},
		"General.TLS.ClientAuthRequired":    false,
		"General.Cluster.ClientCertificate": tls("server.crt"),
		"General.Cluster.ClientPrivateKey":  tls("server.key"),
		// Clients (peers' deliver clients, the peer CLI broadcasting an
		// approval) may ping every 10 s: with the sample's 60 s, pings
		// that arrived a little early were answered by GOAWAY
		// too_many_pings and `peer lifecycle chaincode approveformyorg`
		// failed under load.
		"General.Keepalive.ServerMinInterval": "10s",
		"General.BootstrapMethod":             "none",
		"General.BootstrapFile":               "",
		"General.LocalMSPDir":                 o.MSPDir,
		"General.LocalMSPID":                  o.MSPID,
		"FileLedger.Location":                 filepath.Join(o.DataDir, "ledger"),
		"Operations.ListenAddress":            fmt.Sprintf("%s:%d", o.Host, o.OpsPort),
		"Operations.TLS.Enabled":              false,
		"Metrics.Provider":                    "prometheus",
		"Admin.ListenAddress":                 fmt.Sprintf("%s:%d", o.Host, o.AdminPort),
		"Admin.TLS.Enabled":                   true,
		"Admin.TLS.Certificate":               tls("server.crt"),
		"Admin.TLS.PrivateKey":                tls("server.key"),
		"Admin.TLS.ClientAuthRequired":        true,
		"Admin.TLS.ClientRootCAs":             o.AdminClientRoots,
		"ChannelParticipation.Enabled":        true,
		"Consensus.WALDir":                    filepath.Join(o.DataDir, "etcdraft", "wal"),
		"Consensus.SnapDir":                   filepath.Join(o.DataDir, "etcdraft", "snapshot"),
	} {
		d.Set(k, v)
	}
	return d
}
