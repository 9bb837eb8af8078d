//go:build chaos

package chaos

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/carechain/carechain/client"
)

// listenerProc is `carectl events` with a checkpoint and an NDJSON file.
type listenerProc struct {
	args []string
	cmd  *exec.Cmd
}

func (l *listenerProc) start(t *testing.T) {
	l.cmd = exec.Command(filepath.Join(env.bin, "carectl"), l.args...)
	l.cmd.Stderr = os.Stderr
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
}

func (l *listenerProc) kill() {
	_ = l.cmd.Process.Signal(syscall.SIGKILL)
	_ = l.cmd.Wait()
}

// The listener is killed with SIGKILL mid-stream, again and again, and its
// gateway peer once; restarted on its checkpoint, it has every event in its
// file exactly once, in ledger order.
func TestListenerKilledMidStreamDeliversEachEventOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	checks := checkSessions(t)
	from, err := Height(ctx, checks[2].Evaluate, channel)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "events.ndjson")
	l := &listenerProc{args: []string{"--network", env.home, "--org", "regulator", "--user", "auditor1",
		"events", "baseline", "--from-block", strconv.FormatUint(from, 10),
		"--checkpoint", filepath.Join(dir, "listener.checkpoint"), "--out", out}}
	l.start(t)
	defer func() { l.kill() }()

	total := envInt("CHAOS_EVENTS", 200)
	emitted := make(chan []Outcome, 1)
	go func() { emitted <- emit(ctx, t, checks[0], total) }()
	kills := chaosListener(ctx, t, l, out)
	outs := <-emitted
	want := map[string]bool{}
	for _, o := range outs {
		if o.Committed() {
			want[o.Key] = true
		}
	}
	waitUntil(t, ctx, 90*time.Second, func() bool { return countLines(out) >= len(want) })
	time.Sleep(time.Second) // anything more would be a repeat
	l.kill()
	checkEvents(t, out, want)
	fmt.Printf("listener: %d events, each once, across %d kills of carectl and one of its gateway peer\n", len(want), kills)
}

// chaosListener kills and restarts the listener at random moments while
// the file grows, and kills its gateway peer once; it returns the kills.
func chaosListener(ctx context.Context, t *testing.T, l *listenerProc, out string) int {
	kills := 0
	for i := 0; i < 6 && ctx.Err() == nil; i++ {
		time.Sleep(time.Duration(300+rand.IntN(700)) * time.Millisecond)
		if i == 3 {
			kill(ctx, t, "peer0.regulator")
			continue
		}
		l.kill()
		kills++
		l.start(t)
	}
	return kills
}

// emit writes n keys with baseline's Emit (a write and an event).
func emit(ctx context.Context, t *testing.T, s *client.Session, n int) []Outcome {
	load := &Load{Prefix: "events-" + nonce(), Total: n, Workers: 4, Write: func(ctx context.Context, key, value string) (*client.Result, error) {
		return s.Submit(ctx, client.Call{Channel: channel, Chaincode: "baseline", Function: "Emit", Args: []string{key, value}})
	}}
	return load.Run(ctx)
}

func countLines(path string) int {
	data, _ := os.ReadFile(path)
	return bytes.Count(data, []byte("\n"))
}

// checkEvents: every wanted key's event once, nothing else, block order.
func checkEvents(t *testing.T, path string, want map[string]bool) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]int{}
	var last uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var ev struct {
			Block   uint64 `json:"block"`
			TxID    string `json:"txId"`
			Payload string `json:"payload"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		seen[ev.Payload]++
		if ev.Block < last {
			t.Errorf("event of block %d after block %d", ev.Block, last)
		}
		last = ev.Block
	}
	for k, n := range seen {
		switch {
		case !want[k]:
			t.Errorf("event for %s, which was not written", k)
		case n > 1:
			t.Errorf("event for %s delivered %d times", k, n)
		}
	}
	for k := range want {
		if seen[k] == 0 {
			t.Errorf("event for %s missed", k)
		}
	}
}
