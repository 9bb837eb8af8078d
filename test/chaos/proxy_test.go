package chaos

import (
	"bufio"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

// echo serves lines back on a loopback port.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					_, _ = c.Write([]byte(line))
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(c net.Conn) error {
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return err
	}
	_, err := bufio.NewReader(c).ReadString('\n')
	return err
}

func TestProxyForwardsResetsAndBlacksOut(t *testing.T) {
	p, err := NewProxy("127.0.0.1:0", echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := roundTrip(c); err != nil {
		t.Fatalf("through the proxy: %v", err)
	}
	p.Reset()
	if err := roundTrip(c); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("after Reset: %v, want a connection reset", err)
	}
	p.Blackout(300 * time.Millisecond)
	dark, err := net.Dial("tcp", p.Addr())
	if err == nil {
		err = roundTrip(dark)
		dark.Close()
	}
	if err == nil {
		t.Fatal("a connection during the blackout worked")
	}
	time.Sleep(350 * time.Millisecond)
	after, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer after.Close()
	if err := roundTrip(after); err != nil {
		t.Fatalf("after the blackout: %v", err)
	}
	if p.Resets() < 2 {
		t.Errorf("resets %d, want the reset and the refused connection", p.Resets())
	}
}
