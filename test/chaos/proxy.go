// Package chaos is carechain's fault-injection suite: it brings up a
// consortium of its own, writes unique keys through the client library and
// injects one fault at a time — kill -9 of orderers and peers, down and up,
// TCP link resets and blackouts between the client and its gateway peer —
// then checks every peer's ledger against what the client reported. The
// suite itself runs with `make chaos` (build tag chaos); this package's
// untagged files are its parts: a TCP proxy, the load, the ledger check and
// the report.
package chaos

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Proxy forwards TCP connections from a loopback port to a target, and can
// break them: Reset ends every open connection with a TCP reset, Blackout
// does so and refuses new connections for a while (each is reset as soon
// as it is accepted).
type Proxy struct {
	target string
	ln     net.Listener

	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	darkTill time.Time
	resets   int
	wg       sync.WaitGroup
}

// NewProxy listens on listen (host:port; port 0 picks one) and forwards to target.
func NewProxy(listen, target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, err
	}
	p := &Proxy{target: target, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's listening address.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Resets counts the connections the proxy reset.
func (p *Proxy) Resets() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.resets
}

// Reset ends every open connection, both ways, with a TCP RST.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		p.reset(c)
		p.resets++
	}
}

// Blackout resets every connection and resets new ones for d.
func (p *Proxy) Blackout(d time.Duration) {
	p.mu.Lock()
	p.darkTill = time.Now().Add(d)
	p.mu.Unlock()
	p.Reset()
}

// Close stops listening and resets every connection.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.Reset()
	p.wg.Wait()
	return err
}

// reset closes c with SO_LINGER 0, which sends RST; p.mu is held.
func (p *Proxy) reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
	delete(p.conns, c)
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// serve forwards one connection until either side ends it.
func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	if !p.track(client) {
		return
	}
	server, err := net.DialTimeout("tcp", p.target, 2*time.Second)
	if err != nil || !p.track(server) {
		p.mu.Lock()
		p.reset(client)
		if server != nil {
			p.reset(server)
		}
		p.mu.Unlock()
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(server, client)
	go pipe(client, server)
	<-done
	p.mu.Lock()
	p.reset(client)
	p.reset(server)
	p.mu.Unlock()
	<-done
}

// track registers a connection, or resets it during a blackout.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Now().Before(p.darkTill) {
		p.reset(c)
		p.resets++
		return false
	}
	p.conns[c] = struct{}{}
	return true
}
