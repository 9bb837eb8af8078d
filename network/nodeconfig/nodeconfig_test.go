package nodeconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPeerCoreSetsEveryPart checks a setting of each part of a peer's
// configuration: its own addresses on its host, gossip, files and
// chaincode, and that nothing else in the template is lost.
func TestPeerCoreSetsEveryPart(t *testing.T) {
	p := Peer{ID: "peer0.provider", Host: "10.213.0.2", Port: 7051, ChaincodePort: 7052, OpsPort: 9443,
		TLSDir: "/s/tls", DataDir: "/s/data", MSPDir: "/s/msp", MSPID: "ProviderMSP", BuilderDir: "/s/builder"}
	d := PeerCore(Doc{"peer": map[string]any{"keepalive": map[string]any{"interval": "7200s"}}, "kept": 1}, p)
	for path, want := range map[string]any{
		"peer.listenAddress":                "10.213.0.2:7051",
		"peer.chaincodeListenAddress":       "10.213.0.2:7052",
		"peer.gossip.externalEndpoint":      "10.213.0.2:7051",
		"peer.gossip.orgLeader":             true,
		"peer.tls.key.file":                 "/s/tls/server.key",
		"peer.mspConfigPath":                "/s/msp",
		"peer.localMspId":                   "ProviderMSP",
		"ledger.state.stateDatabase":        "goleveldb",
		"operations.listenAddress":          "10.213.0.2:9443",
		"peer.keepalive.minInterval":        "10s",
		"peer.keepalive.interval":           "7200s",
		"kept":                              1,
		"ledger.snapshots.rootDir":          "/s/data/snapshots",
		"peer.pvtData.nonexistent.sentinel": nil,
	} {
		got, ok := d.Get(path)
		if want == nil {
			assert.False(t, ok, path)
			continue
		}
		assert.True(t, ok, path)
		assert.Equal(t, want, got, path)
	}
}
