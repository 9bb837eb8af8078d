// Package profile is the connection profile of a running consortium: where
// each org's peers listen, which TLS roots to trust, and where each org keeps
// its users' identities. carenet writes it (HOME/network.json); the client
// library and carectl read it.
package profile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// FileName is the profile's name inside a consortium's state folder.
const FileName = "network.json"

// Profile describes a consortium for its clients.
type Profile struct {
	Orgs     []Org     `json:"orgs"`
	Orderers []Node    `json:"orderers"`
	Channels []Channel `json:"channels"`
}

// Org is one member organisation.
type Org struct {
	Name  string `json:"name"`
	MSPID string `json:"mspId"`
	// Peers are the org's own peers.
	Peers []Node `json:"peers,omitempty"`
	// Gateways are the peers its clients submit through: its own peers, or
	// for an org without peers (patients) the peers of orgs it shares a
	// channel with.
	Gateways []string `json:"gateways"`
	// UsersDir holds one folder per user: USER/msp/{signcerts,keystore}.
	UsersDir string `json:"usersDir"`
	// Users lists the enrolled users with their role.
	Users []User `json:"users"`
	// KEKDir holds the org's key-encryption keys (orgs that run peers).
	KEKDir string `json:"kekDir,omitempty"`
	// Parts are what the org plays (provider, payer, patient-registry, ...).
	Parts []string `json:"parts,omitempty"`
	// CA is the org's Fabric CA, where its registrars register users and
	// users enroll.
	CA *CA `json:"ca,omitempty"`
}

// CA is an org's Fabric CA.
type CA struct {
	// URL is https://host:port of its REST API.
	URL string `json:"url"`
	// Name is the CA's name inside its server.
	Name string `json:"name,omitempty"`
	// TLSRootCert is the PEM file that signed the CA's TLS certificate.
	TLSRootCert string `json:"tlsRootCert"`
	// ServerName is the name in the CA's TLS certificate to verify.
	ServerName string `json:"serverName,omitempty"`
	// RootCert is the PEM file of the CA's root, which signs the org's
	// enrollment certificates.
	RootCert string `json:"rootCert"`
}

// User is an enrolled identity of an org.
type User struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Role string `json:"role,omitempty"`
}

// Node is a peer or orderer endpoint.
type Node struct {
	ID      string `json:"id"`
	Address string `json:"address"`
	// TLSRootCert is the PEM file of the CA that signed the node's TLS certificate.
	TLSRootCert string `json:"tlsRootCert"`
	// ServerName is the name in the node's TLS certificate to verify.
	ServerName string `json:"serverName"`
	// Operations is host:port of /healthz and /metrics.
	Operations string `json:"operations"`
}

// Channel lists a channel's member orgs.
type Channel struct {
	Name string   `json:"name"`
	Orgs []string `json:"orgs"`
}

// Load reads a profile from a file or from a state folder holding network.json.
func Load(path string) (*Profile, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, FileName)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("connection profile: %w (is the consortium up? run `make up`)", err)
	}
	var p Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("connection profile %s: %w", path, err)
	}
	return &p, nil
}

// Save writes the profile as indented JSON.
func (p *Profile) Save(path string) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// Org finds an org by name or MSP id, case-insensitively.
func (p *Profile) Org(name string) (*Org, error) {
	for i := range p.Orgs {
		if strings.EqualFold(p.Orgs[i].Name, name) || strings.EqualFold(p.Orgs[i].MSPID, name) {
			return &p.Orgs[i], nil
		}
	}
	names := make([]string, 0, len(p.Orgs))
	for _, o := range p.Orgs {
		names = append(names, o.Name)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("unknown org %q (known: %s)", name, strings.Join(names, ", "))
}

// Peer finds a peer of any org by id.
func (p *Profile) Peer(id string) (*Node, error) {
	for i := range p.Orgs {
		for j := range p.Orgs[i].Peers {
			if p.Orgs[i].Peers[j].ID == id {
				return &p.Orgs[i].Peers[j], nil
			}
		}
	}
	return nil, fmt.Errorf("unknown peer %q", id)
}

// User finds one of the org's users.
func (o *Org) User(name string) (*User, error) {
	for i := range o.Users {
		if o.Users[i].Name == name {
			return &o.Users[i], nil
		}
	}
	names := make([]string, 0, len(o.Users))
	for _, u := range o.Users {
		names = append(names, u.Name)
	}
	return nil, fmt.Errorf("org %s has no user %q (users: %s)", o.Name, name, strings.Join(names, ", "))
}

// UserMSP is the folder of a user's enrollment.
func (o *Org) UserMSP(user string) string { return filepath.Join(o.UsersDir, user, "msp") }

// Plays reports whether the org plays part.
func (o *Org) Plays(part string) bool { return slices.Contains(o.Parts, part) }

// Channel finds a channel by name.
func (p *Profile) Channel(name string) (*Channel, error) {
	for i := range p.Channels {
		if p.Channels[i].Name == name {
			return &p.Channels[i], nil
		}
	}
	return nil, fmt.Errorf("unknown channel %q", name)
}
