// Package topology reads the consortium description (network/topology.yaml):
// orgs, their nodes and users, channels and chaincodes. It validates the
// description and resolves it into concrete listen addresses, so that every
// other part of carenet works from one source of truth.
package topology

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/carechain/carechain/chaincode/parts/wire"
)

// DefaultHost is where a node listens unless the description says otherwise.
const DefaultHost = "127.0.0.1"

// Topology is the consortium as written in topology.yaml.
type Topology struct {
	PortBase   int         `yaml:"portBase"`
	Orgs       []Org       `yaml:"orgs"`
	Channels   []Channel   `yaml:"channels"`
	Chaincodes []Chaincode `yaml:"chaincodes"`
}

// Org is one member organisation: its MSP, CA, nodes and users.
type Org struct {
	Name        string   `yaml:"name"`
	MSPID       string   `yaml:"mspId"`
	Description string   `yaml:"description"`
	Host        string   `yaml:"host"`
	Orderers    []string `yaml:"orderers"`
	Peers       []string `yaml:"peers"`
	Users       []User   `yaml:"users"`
	// NodeHosts places single nodes (and "ca") on another host than Host.
	NodeHosts map[string]string `yaml:"nodeHosts"`
	// Parts are what the org does in the consortium (provider, pharmacy,
	// payer, manufacturer, distributor, regulator, patient-registry): the
	// parts registry's genesis (chaincode parts) is made from them.
	Parts []string `yaml:"parts"`
	// Plans are a payer's health plans.
	Plans []string `yaml:"plans"`
	// CompanyPrefixes are a manufacturer's GS1 company prefixes.
	CompanyPrefixes []string `yaml:"companyPrefixes"`
}

// User is an identity registered with the org's CA.
type User struct {
	Name  string            `yaml:"name"`
	Type  string            `yaml:"type"`
	Role  string            `yaml:"role"`
	Attrs map[string]string `yaml:"attrs"`
	// Count, when set, makes Count users NAME1..NAMECount, with "{n}" in
	// attribute values replaced by the number (benchmark populations).
	Count int `yaml:"count"`
	// CARegistrar makes the user a registrar of its org's CA: with its own
	// enrollment it registers (and revokes) client identities with the
	// role and npi attributes — patients, staff — at run time.
	CARegistrar bool `yaml:"caRegistrar"`
}

// Channel is an application channel and its member orgs.
type Channel struct {
	Name string   `yaml:"name"`
	Orgs []string `yaml:"orgs"`
	// Batch is how the orderers cut the channel's blocks; a change is
	// applied to the running channel by config update, which the orderer
	// org's admins sign.
	Batch Batch `yaml:"batch,omitempty"`
}

// Batch is a channel's block cutting: a block is cut Timeout after its
// first transaction, or at MaxMessageCount transactions, or at
// PreferredMaxBytes (one transaction may be up to AbsoluteMaxBytes). A
// field left out keeps carenet's default: 250ms, 100 transactions,
// 2 MiB preferred, 99 MiB at most.
type Batch struct {
	Timeout           string `yaml:"timeout,omitempty"` // a Go duration, "500ms"
	MaxMessageCount   uint32 `yaml:"maxMessageCount,omitempty"`
	AbsoluteMaxBytes  uint32 `yaml:"absoluteMaxBytes,omitempty"`
	PreferredMaxBytes uint32 `yaml:"preferredMaxBytes,omitempty"`
}

// TimeoutDuration is the batch timeout, 0 when left out.
func (b Batch) TimeoutDuration() (time.Duration, error) {
	if b.Timeout == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(b.Timeout)
	if err != nil {
		return 0, fmt.Errorf("batch timeout %q: %w", b.Timeout, err)
	}
	if d <= 0 || d > time.Minute {
		return 0, fmt.Errorf("batch timeout %q: must be above 0 and at most 1m", b.Timeout)
	}
	return d, nil
}

// Chaincode is a chaincode deployed on one or more channels: a Go main
// package of this repository (Path), of a Go module of its own in any
// folder (Module, Path inside it), or a chaincode that runs as a service
// the peers connect to (Service).
type Chaincode struct {
	Name string `yaml:"name"`
	// Path is the main package: relative to the repository ("./..."), or,
	// with Module, to the module's folder (default ".").
	Path string `yaml:"path"`
	// Module is a folder with its own go.mod (absolute, or "./..."
	// relative to the repository), such as the Fabric samples'
	// asset-transfer-basic/chaincode-go: packaged with its dependencies
	// vendored, so the peers build it offline, as the module's go.sum says.
	Module string `yaml:"module"`
	// Service is a chaincode run as a service (CCaaS): the package holds
	// only where it listens; its operator runs the server.
	Service  *ChaincodeService           `yaml:"service"`
	Channels map[string]ChaincodeChannel `yaml:"channels"`
	// Genesis, for the parts registry, names the file of the package
	// (relative to the repository) that carenet replaces with the
	// registry's genesis made from this topology, and the chaincode is
	// bootstrapped after it is defined.
	Genesis string `yaml:"genesis"`
	// Blinding: carenet gives each of the chaincode's collections its
	// blinding secret after the definition (SetupBlinding), once.
	Blinding bool `yaml:"blinding"`
}

// ChaincodeService is where a chaincode server listens and the PEM file
// of the CA that issued its TLS certificate, which the peers verify (a
// chaincode service is never reached without TLS).
type ChaincodeService struct {
	Address string `yaml:"address"`
	TLSRoot string `yaml:"tlsRoot"`
	// DialTimeout is how long a peer tries to connect (default 10s).
	DialTimeout string `yaml:"dialTimeout"`
}

// ChaincodeChannel is a chaincode's definition on one channel.
type ChaincodeChannel struct {
	Endorsement string `yaml:"endorsement"`
	Collections string `yaml:"collections"`
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)

// Load reads and validates a topology file.
func Load(path string) (*Topology, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Parse decodes and validates a topology description.
func Parse(data []byte) (*Topology, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var t Topology
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("topology: %w", err)
	}
	if err := t.expandUsers(); err != nil {
		return nil, fmt.Errorf("topology: %w", err)
	}
	if err := t.validate(); err != nil {
		return nil, fmt.Errorf("topology: %w", err)
	}
	return &t, nil
}

// expandUsers replaces each user with a count by its numbered users.
func (t *Topology) expandUsers() error {
	for i := range t.Orgs {
		var users []User
		for _, u := range t.Orgs[i].Users {
			if u.Count == 0 {
				users = append(users, u)
				continue
			}
			if u.Count < 0 || u.Count > 1000 {
				return fmt.Errorf("org %q: user %q: count must be 1..1000", t.Orgs[i].Name, u.Name)
			}
			for n := 1; n <= u.Count; n++ {
				nu := User{Name: fmt.Sprintf("%s%d", u.Name, n), Type: u.Type, Role: u.Role, Attrs: map[string]string{},
					CARegistrar: u.CARegistrar}
				for k, v := range u.Attrs {
					nu.Attrs[k] = strings.ReplaceAll(v, "{n}", fmt.Sprintf("%04d", n))
				}
				users = append(users, nu)
			}
		}
		t.Orgs[i].Users = users
	}
	return nil
}

func (t *Topology) validate() error {
	if t.PortBase < 1024 || t.PortBase > 65000 {
		return fmt.Errorf("portBase %d: must be between 1024 and 65000", t.PortBase)
	}
	if err := t.validateOrgs(); err != nil {
		return err
	}
	if err := t.validateParts(); err != nil {
		return err
	}
	channels, err := t.validateChannels()
	if err != nil {
		return err
	}
	return t.validateChaincodes(channels)
}

// validateOrgs checks each org, that names and MSP ids are unique, and
// that exactly one org runs the orderers.
func (t *Topology) validateOrgs() error {
	orgs := map[string]bool{}
	msps := map[string]bool{}
	ordererOrgs := 0
	for _, o := range t.Orgs {
		if !namePattern.MatchString(o.Name) {
			return fmt.Errorf("org %q: name must match %s", o.Name, namePattern)
		}
		if orgs[o.Name] {
			return fmt.Errorf("org %q: defined twice", o.Name)
		}
		orgs[o.Name] = true
		if o.MSPID == "" || msps[o.MSPID] {
			return fmt.Errorf("org %q: mspId missing or not unique", o.Name)
		}
		msps[o.MSPID] = true
		if len(o.Orderers) > 0 {
			ordererOrgs++
		}
		if err := validateOrg(o); err != nil {
			return fmt.Errorf("org %q: %w", o.Name, err)
		}
	}
	if ordererOrgs != 1 {
		return fmt.Errorf("exactly one org must run orderers, found %d", ordererOrgs)
	}
	return nil
}

// validateOrg checks one org's nodes and users.
func validateOrg(o Org) error {
	if len(o.Orderers) > 0 && len(o.Peers) > 0 {
		return errors.New("an org runs either orderers or peers")
	}
	nodes := map[string]bool{}
	for _, n := range append(append([]string{}, o.Orderers...), o.Peers...) {
		if !namePattern.MatchString(n) || nodes[n] || n == "ca" {
			return fmt.Errorf("node %q: invalid or duplicate name", n)
		}
		nodes[n] = true
	}
	for _, n := range slices.Sorted(maps.Keys(o.NodeHosts)) {
		if !nodes[n] && n != "ca" {
			return fmt.Errorf("nodeHosts names unknown node %q", n)
		}
	}
	return validateUsers(o.Users)
}

// validateUsers checks an org's users: unique names, a known type, no
// reserved attribute, and at least one admin.
func validateUsers(list []User) error {
	users := map[string]bool{}
	admins := 0
	for _, u := range list {
		if !namePattern.MatchString(u.Name) || users[u.Name] {
			return fmt.Errorf("user %q: invalid or duplicate name", u.Name)
		}
		users[u.Name] = true
		switch u.Type {
		case "admin":
			admins++
		case "", "client":
		default:
			return fmt.Errorf("user %q: type must be admin or client", u.Name)
		}
		if err := validateUser(u); err != nil {
			return fmt.Errorf("user %q: %w", u.Name, err)
		}
	}
	if admins == 0 {
		return errors.New("needs a user of type admin")
	}
	return nil
}

// validateChannels checks each channel and returns the set of their names.
func (t *Topology) validateChannels() (map[string]bool, error) {
	channels := map[string]bool{}
	for _, c := range t.Channels {
		if !namePattern.MatchString(c.Name) || channels[c.Name] {
			return nil, fmt.Errorf("channel %q: invalid or duplicate name", c.Name)
		}
		channels[c.Name] = true
		if err := t.validateChannel(c); err != nil {
			return nil, fmt.Errorf("channel %q: %w", c.Name, err)
		}
	}
	return channels, nil
}

// validateChannel checks a channel's members and its block cutting.
func (t *Topology) validateChannel(c Channel) error {
	peers := 0
	for _, name := range c.Orgs {
		o := t.Org(name)
		if o == nil {
			return fmt.Errorf("unknown org %q", name)
		}
		if len(o.Orderers) > 0 {
			return fmt.Errorf("orderer org %q cannot be an application member", name)
		}
		peers += len(o.Peers)
	}
	if peers == 0 {
		return errors.New("no member org runs a peer")
	}
	if _, err := c.Batch.TimeoutDuration(); err != nil {
		return err
	}
	if b := c.Batch; b.AbsoluteMaxBytes > 0 && b.PreferredMaxBytes > b.AbsoluteMaxBytes {
		return fmt.Errorf("batch preferredMaxBytes %d: must not exceed absoluteMaxBytes %d", b.PreferredMaxBytes, b.AbsoluteMaxBytes)
	}
	return nil
}

// validateChaincodes checks each chaincode's name, source and channels
// (in name order, so that the first problem reported is always the same).
func (t *Topology) validateChaincodes(channels map[string]bool) error {
	ccs := map[string]bool{}
	for _, cc := range t.Chaincodes {
		if !namePattern.MatchString(cc.Name) || ccs[cc.Name] {
			return fmt.Errorf("chaincode %q: invalid or duplicate name", cc.Name)
		}
		ccs[cc.Name] = true
		if err := validateSource(cc); err != nil {
			return fmt.Errorf("chaincode %q: %w", cc.Name, err)
		}
		if len(cc.Channels) == 0 {
			return fmt.Errorf("chaincode %q: no channel", cc.Name)
		}
		for _, ch := range slices.Sorted(maps.Keys(cc.Channels)) {
			if !channels[ch] {
				return fmt.Errorf("chaincode %q: unknown channel %q", cc.Name, ch)
			}
			if cc.Channels[ch].Endorsement == "" {
				return fmt.Errorf("chaincode %q on %q: endorsement policy missing", cc.Name, ch)
			}
		}
	}
	return nil
}

// validateSource checks that a chaincode names one source: a package of
// the repository, a module of its own, or a service.
func validateSource(cc Chaincode) error {
	switch {
	case cc.Service != nil:
		if cc.Path != "" || cc.Module != "" {
			return errors.New("a service has no path or module")
		}
		return validateService(cc.Service)
	case cc.Module != "":
		if !filepath.IsAbs(cc.Module) && !strings.HasPrefix(cc.Module, "./") {
			return errors.New("module must be absolute or relative to the repository (./...)")
		}
		if cc.Path != "" && cc.Path != "." && !strings.HasPrefix(cc.Path, "./") {
			return errors.New("path must be relative to the module (./...)")
		}
	case !strings.HasPrefix(cc.Path, "./"):
		return errors.New("path must be relative to the repository (./...)")
	}
	return nil
}

// validateService checks a chaincode run as a service: where the peers
// dial it, and the TLS root they trust it by.
func validateService(svc *ChaincodeService) error {
	if _, port, err := net.SplitHostPort(svc.Address); err != nil || port == "" {
		return fmt.Errorf("service address %q: want host:port", svc.Address)
	}
	if svc.TLSRoot == "" {
		return errors.New("service: tlsRoot missing (the peers reach a chaincode service over TLS only)")
	}
	if d := svc.DialTimeout; d != "" {
		if _, err := time.ParseDuration(d); err != nil {
			return fmt.Errorf("service dialTimeout: %w", err)
		}
	}
	return nil
}

// RolePatient is the role of patients, who are never declared here.
const RolePatient = "patient"

// validateUser refuses reserved attributes and patients: a patient
// registers at run time and enrolls with a key of their own (carectl users
// register, carectl enroll); a topology user's key is made in the
// operator's state folder.
func validateUser(u User) error {
	if u.Role == RolePatient {
		return errors.New("patients are not declared in the topology: the patients' registrar registers them at run time (carectl users register) and they enroll themselves")
	}
	for k := range u.Attrs {
		if strings.HasPrefix(k, "hf.") || k == "role" || k == "patient_id" {
			return fmt.Errorf("attribute %q is reserved", k)
		}
	}
	return nil
}

// Org returns the org of that name, or nil.
func (t *Topology) Org(name string) *Org {
	for i := range t.Orgs {
		if t.Orgs[i].Name == name {
			return &t.Orgs[i]
		}
	}
	return nil
}

// OrdererOrg returns the org that runs the ordering service.
func (t *Topology) OrdererOrg() *Org {
	for i := range t.Orgs {
		if len(t.Orgs[i].Orderers) > 0 {
			return &t.Orgs[i]
		}
	}
	return nil
}

// Channel returns the channel of that name, or nil.
func (t *Topology) Channel(name string) *Channel {
	for i := range t.Channels {
		if t.Channels[i].Name == name {
			return &t.Channels[i]
		}
	}
	return nil
}

// Chaincode returns the chaincode of that name, or nil.
func (t *Topology) Chaincode(name string) *Chaincode {
	for i := range t.Chaincodes {
		if t.Chaincodes[i].Name == name {
			return &t.Chaincodes[i]
		}
	}
	return nil
}

// ChannelNames returns a chaincode's channels in a stable order.
func (c *Chaincode) ChannelNames() []string {
	names := make([]string, 0, len(c.Channels))
	for n := range c.Channels {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// PeerOrgs returns the channel's member orgs that run peers, in channel order.
func (t *Topology) PeerOrgs(channel string) []*Org {
	var out []*Org
	for _, name := range t.Channel(channel).Orgs {
		if o := t.Org(name); len(o.Peers) > 0 {
			out = append(out, o)
		}
	}
	return out
}

// ChannelsOf returns the channels an org is a member of, in file order.
func (t *Topology) ChannelsOf(org string) []string {
	var out []string
	for _, c := range t.Channels {
		for _, o := range c.Orgs {
			if o == org {
				out = append(out, c.Name)
			}
		}
	}
	return out
}

// HostOf returns the host a node (or "ca") of the org runs on.
func (o *Org) HostOf(node string) string {
	if h := o.NodeHosts[node]; h != "" {
		return h
	}
	if o.Host != "" {
		return o.Host
	}
	return DefaultHost
}

// validateParts checks every org's parts and their facts.
func (t *Topology) validateParts() error {
	for _, o := range t.Orgs {
		for _, p := range o.Parts {
			if !slices.Contains(wire.Parts(), p) {
				return fmt.Errorf("org %q: part %q: must be one of %v", o.Name, p, wire.Parts())
			}
		}
		if len(o.Plans) > 0 && !slices.Contains(o.Parts, wire.PartPayer) {
			return fmt.Errorf("org %q: only a payer has plans", o.Name)
		}
		if len(o.CompanyPrefixes) > 0 && !slices.Contains(o.Parts, wire.PartManufacturer) {
			return fmt.Errorf("org %q: only a manufacturer has GS1 company prefixes", o.Name)
		}
	}
	return nil
}
