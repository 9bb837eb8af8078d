package client

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"

	"github.com/carechain/carechain/client/profile"
)

// Pool holds one gRPC connection per peer endpoint, shared by every
// identity and gateway that talks to that peer.
type Pool struct {
	mu    sync.Mutex
	conns map[string]*grpc.ClientConn
}

// NewPool makes an empty connection pool.
func NewPool() *Pool { return &Pool{conns: map[string]*grpc.ClientConn{}} }

// reconnect is how gRPC connects to a peer again after a lost connection:
// soon (a restarted peer is back within a second), at most 2 s apart, and
// a connection attempt that takes over 2 s fails, so that a session moves
// to its next gateway instead of waiting (see gateways).
var reconnect = grpc.ConnectParams{
	Backoff:           backoff.Config{BaseDelay: 250 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second},
	MinConnectTimeout: 2 * time.Second,
}

// Conn returns the connection to a peer, dialling it on first use. gRPC
// connects lazily and reconnects by itself (see reconnect).
func (p *Pool) Conn(node profile.Node) (*grpc.ClientConn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.conns[node.Address]; ok {
		return c, nil
	}
	pem, err := os.ReadFile(node.TLSRootCert)
	if err != nil {
		return nil, fmt.Errorf("TLS root of %s: %w", node.ID, err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("TLS root of %s: no certificate in %s", node.ID, node.TLSRootCert)
	}
	creds := credentials.NewClientTLSFromCert(roots, node.ServerName)
	c, err := grpc.NewClient(node.Address, grpc.WithTransportCredentials(creds), grpc.WithConnectParams(reconnect))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", node.ID, err)
	}
	p.conns[node.Address] = c
	return c, nil
}

// Close closes every connection.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for addr, c := range p.conns {
		errs = append(errs, c.Close())
		delete(p.conns, addr)
	}
	return errors.Join(errs...)
}
