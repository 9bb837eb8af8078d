package ccpackage

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"
)

// ServiceType is the package type of a chaincode run as a service
// (Fabric's "ccaas" packages, which carechain's builder also accepts).
const ServiceType = "ccaas"

// ConnectionFile is the file of a service package's code archive that
// says where the chaincode server is; the builder releases it as
// chaincode/server/connection.json, and the peer connects there instead
// of running a process.
const ConnectionFile = "connection.json"

// Connection is connection.json as Fabric's peer reads it: where the
// chaincode server listens, and the PEM root its TLS certificate is
// verified against.
type Connection struct {
	Address            string `json:"address"`
	DialTimeout        string `json:"dial_timeout"`
	TLSRequired        bool   `json:"tls_required"`
	ClientAuthRequired bool   `json:"client_auth_required"`
	RootCert           string `json:"root_cert"`
	ClientKey          string `json:"client_key,omitempty"`
	ClientCert         string `json:"client_cert,omitempty"`
}

// ErrServiceTLS is a service connection without a usable TLS root: carechain
// never lets a peer talk to a chaincode in clear.
var ErrServiceTLS = errors.New("a chaincode service needs TLS and the PEM root of its certificate")

// Validate checks the address, the timeout and the TLS root.
func (c Connection) Validate() error {
	if _, port, err := net.SplitHostPort(c.Address); err != nil || port == "" {
		return fmt.Errorf("address %q: want host:port", c.Address)
	}
	if _, err := time.ParseDuration(c.DialTimeout); err != nil {
		return fmt.Errorf("dial_timeout %q: %w", c.DialTimeout, err)
	}
	if !c.TLSRequired || !x509.NewCertPool().AppendCertsFromPEM([]byte(c.RootCert)) {
		return ErrServiceTLS
	}
	return nil
}

// BuildService packages a chaincode that runs as a service: the package
// holds connection.json only, so its id changes with the address or the
// TLS root, never with the server's code (which its operator runs and
// upgrades).
func BuildService(name string, c Connection) (*Package, error) {
	if c.DialTimeout == "" {
		c.DialTimeout = "10s"
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("chaincode service %s: %w", name, err)
	}
	// The client key is meant to be here: Fabric's ccaas builder reads the
	// peer's TLS client key for the service from connection.json.
	data, err := json.MarshalIndent(c, "", "  ") //nolint:gosec // G117: see above
	if err != nil {
		return nil, err
	}
	return assemble(name, ServiceType, map[string][]byte{ConnectionFile: data}, BuildSpec{})
}
