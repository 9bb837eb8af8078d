package serve

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// TLSFiles are the server's certificate and key and the CA bundle its
// clients' certificates must chain to.
type TLSFiles struct {
	Cert, Key, ClientCA string
}

// Config builds a TLS 1.2+ configuration that requires and verifies a
// client certificate; all three files are needed.
func (f TLSFiles) Config() (*tls.Config, error) {
	if f.Cert == "" || f.Key == "" || f.ClientCA == "" {
		return nil, errors.New("TLS needs a certificate, its key and a client CA bundle (--tls-cert, --tls-key, --client-ca)")
	}
	cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		return nil, fmt.Errorf("server certificate: %w", err)
	}
	pem, err := os.ReadFile(f.ClientCA)
	if err != nil {
		return nil, fmt.Errorf("client CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("client CA %s holds no PEM certificate", f.ClientCA)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert},
		ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}, nil
}

// ErrInsecureListen refuses a non-loopback address without TLS and
// client-certificate authentication.
var ErrInsecureListen = errors.New("a non-loopback address needs TLS with client-certificate authentication")

// Loopback reports whether addr (host:port) listens on loopback only.
func Loopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// CheckListen refuses to serve addr in the clear, or with TLS that does
// not require and verify client certificates, unless it is loopback.
func CheckListen(addr string, cfg *tls.Config) error {
	lo, err := Loopback(addr)
	if err != nil || lo {
		return err
	}
	if cfg == nil || cfg.ClientAuth != tls.RequireAndVerifyClientCert || cfg.ClientCAs == nil || len(cfg.Certificates) == 0 {
		return fmt.Errorf("%s: %w", addr, ErrInsecureListen)
	}
	return nil
}

// Listen checks addr (CheckListen) and listens on it, with TLS when cfg
// is given.
func Listen(addr string, cfg *tls.Config) (net.Listener, error) {
	if err := CheckListen(addr, cfg); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	return ln, nil
}

// Run serves s on ln until ctx ends (carectl ends it on SIGINT or
// SIGTERM), then shuts down gracefully: no new connections, requests and
// captures in flight given grace to finish.
func Run(ctx context.Context, ln net.Listener, s *Server, grace time.Duration) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if werr := s.Wait(sctx); err == nil {
		err = werr
	}
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
