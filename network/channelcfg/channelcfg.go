// Package channelcfg writes a channel's configtx.yaml from the topology and
// makes its genesis block with configtxgen. Channels are created through the
// orderers' channel participation API: there is no system channel.
package channelcfg

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Org is a member of the channel as configtx sees it.
type Org struct {
	Name    string
	MSPID   string
	MSPDir  string
	Anchors []string // host:port of anchor peers
	// OrdererEndpoints is set for the orderer org.
	OrdererEndpoints []string
	// SubmitOnly orgs' clients submit and evaluate through a member's
	// gateway and learn their own transactions' commit status, but are not
	// channel Readers: they cannot fetch blocks, subscribe to block or
	// chaincode events or query qscc (patients: every block carries every
	// member's certificates and private-data hashes).
	SubmitOnly bool
}

// Consenter is one etcdraft orderer.
type Consenter struct {
	Host    string
	Port    int
	TLSCert string // the orderer's TLS certificate, used as server and client cert
}

// Channel is everything configtxgen needs for one channel.
type Channel struct {
	Name       string
	OrdererOrg Org
	Consenters []Consenter
	Members    []Org
	// PeerMSPs are the members that run peers: they, not the whole
	// membership, make up the majority that endorses lifecycle changes.
	PeerMSPs []string
	// Batch is how the orderers cut the channel's blocks (zero fields:
	// DefaultBatch's). Set, WantOf wants it of a running channel too.
	Batch Batch
}

type policy struct {
	Type string `yaml:"Type"`
	Rule string `yaml:"Rule"`
}

func signature(rule string) policy { return policy{Type: "Signature", Rule: rule} }
func implicit(rule string) policy  { return policy{Type: "ImplicitMeta", Rule: rule} }

func orgPolicies(msp string, orderer, submitOnly bool) map[string]policy {
	if submitOnly {
		return map[string]policy{
			"Readers":     signature(fmt.Sprintf("OR('%s.admin', '%[1]s.peer')", msp)),
			"Writers":     signature(fmt.Sprintf("OR('%[1]s.admin', '%[1]s.client')", msp)),
			"Admins":      signature(fmt.Sprintf("OR('%s.admin')", msp)),
			"Endorsement": signature(fmt.Sprintf("OR('%s.peer')", msp)),
		}
	}
	if orderer {
		return map[string]policy{
			"Readers": signature(fmt.Sprintf("OR('%s.member')", msp)),
			"Writers": signature(fmt.Sprintf("OR('%s.member')", msp)),
			"Admins":  signature(fmt.Sprintf("OR('%s.admin')", msp)),
		}
	}
	return map[string]policy{
		"Readers":     signature(fmt.Sprintf("OR('%[1]s.admin', '%[1]s.peer', '%[1]s.client')", msp)),
		"Writers":     signature(fmt.Sprintf("OR('%[1]s.admin', '%[1]s.client')", msp)),
		"Admins":      signature(fmt.Sprintf("OR('%s.admin')", msp)),
		"Endorsement": signature(fmt.Sprintf("OR('%s.peer')", msp)),
	}
}

func orgSection(o Org, orderer bool) (map[string]any, error) {
	s := map[string]any{
		"Name":     o.MSPID,
		"ID":       o.MSPID,
		"MSPDir":   o.MSPDir,
		"Policies": orgPolicies(o.MSPID, orderer, o.SubmitOnly),
	}
	if len(o.OrdererEndpoints) > 0 {
		s["OrdererEndpoints"] = o.OrdererEndpoints
	}
	anchors, err := anchorPeers(o.Anchors)
	if err != nil {
		return nil, fmt.Errorf("org %s: %w", o.MSPID, err)
	}
	if len(anchors) > 0 {
		s["AnchorPeers"] = anchors
	}
	return s, nil
}

// anchorPeers reads HOST:PORT endpoints as configtx.yaml writes them.
func anchorPeers(endpoints []string) ([]map[string]any, error) {
	var anchors []map[string]any
	for i, a := range endpoints {
		host, port, err := net.SplitHostPort(a)
		if err != nil {
			return nil, fmt.Errorf("anchor peer [%d] %q: %w", i, a, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("anchor peer [%d] %q: port must be 1 to 65535", i, a)
		}
		anchors = append(anchors, map[string]any{"Host": host, "Port": p})
	}
	return anchors, nil
}

// MajorityOf returns a signature rule satisfied by the peers of a majority of msps.
func MajorityOf(msps []string) string {
	quoted := make([]string, len(msps))
	for i, m := range msps {
		quoted[i] = fmt.Sprintf("'%s.peer'", m)
	}
	return fmt.Sprintf("OutOf(%d, %s)", len(msps)/2+1, strings.Join(quoted, ", "))
}

// commitStatusRule lets every member's identities, submit-only orgs'
// clients included, ask the commit status of a transaction (ACL
// gateway/CommitStatus): a client that submits must learn its outcome.
func commitStatusRule(members []Org) string {
	quoted := make([]string, len(members))
	for i, m := range members {
		quoted[i] = fmt.Sprintf("'%s.member'", m.MSPID)
	}
	return fmt.Sprintf("OR(%s)", strings.Join(quoted, ", "))
}

// applicationPolicies are the channel's application policies: the
// genesis block's, and what a config update keeps them to as members come
// and go.
func applicationPolicies(c Channel) map[string]policy {
	majority := MajorityOf(c.PeerMSPs)
	return map[string]policy{
		"Readers": implicit("ANY Readers"),
		"Writers": implicit("ANY Writers"),
		"Admins":  implicit("MAJORITY Admins"),
		// Orgs without peers (patients) cannot approve or endorse, so
		// the majorities count only the orgs that run peers.
		"LifecycleEndorsement": signature(majority),
		"Endorsement":          signature(majority),
		"CommitStatus":         signature(commitStatusRule(c.Members)),
	}
}

// Configtx renders the channel's configtx.yaml.
func Configtx(c Channel) ([]byte, error) {
	var members []map[string]any
	for _, m := range c.Members {
		section, err := orgSection(m, false)
		if err != nil {
			return nil, err
		}
		members = append(members, section)
	}
	batch := c.Batch.OrDefault()
	if err := batch.Validate(); err != nil {
		return nil, err
	}
	orderer, err := ordererSection(c, batch)
	if err != nil {
		return nil, err
	}
	profile := map[string]any{
		"Policies": map[string]policy{
			"Readers": implicit("ANY Readers"),
			"Writers": implicit("ANY Writers"),
			"Admins":  implicit("MAJORITY Admins"),
		},
		"Capabilities": map[string]bool{"V2_0": true},
		"Orderer":      orderer,
		"Application": map[string]any{
			"Organizations": members,
			"Policies":      applicationPolicies(c),
			// Resources not listed keep Fabric's defaults (block and
			// chaincode events, qscc: the channel's Readers).
			"ACLs": map[string]string{
				"gateway/CommitStatus": "/Channel/Application/CommitStatus",
			},
			// V2_5 brings the purge of private data (records' crypto-shredding).
			"Capabilities": map[string]bool{"V2_5": true},
		},
	}
	doc := map[string]any{"Profiles": map[string]any{c.Name: profile}}
	return yaml.Marshal(doc)
}

// ordererSection is the channel's ordering service: Raft consenters, block
// cutting, and the orderer org.
func ordererSection(c Channel, batch Batch) (map[string]any, error) {
	var consenters []map[string]any
	for _, k := range c.Consenters {
		consenters = append(consenters, map[string]any{
			"Host": k.Host, "Port": k.Port, "ClientTLSCert": k.TLSCert, "ServerTLSCert": k.TLSCert,
		})
	}
	org, err := orgSection(c.OrdererOrg, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"OrdererType":  "etcdraft",
		"BatchTimeout": batch.Timeout.String(),
		"BatchSize": map[string]any{
			"MaxMessageCount":   batch.MaxMessageCount,
			"AbsoluteMaxBytes":  batch.AbsoluteMaxBytes,
			"PreferredMaxBytes": batch.PreferredMaxBytes,
		},
		"EtcdRaft": map[string]any{
			"Consenters": consenters,
			"Options": map[string]any{
				// A leader is missed after 5 ticks of 100 ms: losing it
				// stalls commits about a second plus the election.
				"TickInterval":      "100ms",
				"ElectionTick":      5,
				"HeartbeatTick":     1,
				"MaxInflightBlocks": 5,
				// A tiny snapshot interval avoids a Raft restart deadlock of
				// this Fabric build (upstream issue 4199).
				"SnapshotIntervalSize": "1 KB",
			},
		},
		"Organizations": []map[string]any{org},
		"Policies": map[string]policy{
			"Readers":         implicit("ANY Readers"),
			"Writers":         implicit("ANY Writers"),
			"Admins":          implicit("MAJORITY Admins"),
			"BlockValidation": implicit("ANY Writers"),
		},
		"Capabilities": map[string]bool{"V2_0": true},
	}, nil
}

// GenesisBlock writes configtx.yaml into dir and runs configtxgen to make the
// channel's genesis block at blockPath.
func GenesisBlock(ctx context.Context, configtxgen, dir, blockPath string, c Channel) error {
	data, err := Configtx(c)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "configtx.yaml"), data, 0o644); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, configtxgen, "-configPath", dir, "-profile", c.Name,
		"-channelID", c.Name, "-outputBlock", blockPath)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("configtxgen for channel %s: %w: %s", c.Name, err, strings.TrimSpace(string(out)))
	}
	return nil
}
