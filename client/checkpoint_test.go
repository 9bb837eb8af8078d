package client

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// fakeLedger is a channel's blocks of chaincode events behind a gateway
// whose event streams can be made to break (a peer restart, a reset link).
type fakeLedger struct {
	mu     sync.Mutex
	blocks [][]Event // by block number; block 0 is the genesis block
	grown  chan struct{}
	// breakAfter ends every stream after this many events (0: never).
	breakAfter int
	// down makes opening a stream and asking the height fail UNAVAILABLE
	// this many more times.
	down      int
	heightErr error
	opens     int
}

func newFakeLedger() *fakeLedger {
	return &fakeLedger{blocks: [][]Event{nil}, grown: make(chan struct{})}
}

// commit appends a block with one event per transaction id.
func (f *fakeLedger) commit(txIDs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := uint64(len(f.blocks))
	var evs []Event
	for _, id := range txIDs {
		evs = append(evs, Event{Block: n, TxID: id, Chaincode: "cc", Name: "Put", Payload: []byte(id)})
	}
	f.blocks = append(f.blocks, evs)
	close(f.grown)
	f.grown = make(chan struct{})
}

func (f *fakeLedger) unavailable() error {
	if f.down > 0 {
		f.down--
		return status.Error(codes.Unavailable, "connection refused")
	}
	return nil
}

func (f *fakeLedger) height(context.Context, string) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.heightErr != nil {
		return 0, classify(f.heightErr, "")
	}
	if err := f.unavailable(); err != nil {
		return 0, classify(err, "")
	}
	return uint64(len(f.blocks)), nil
}

// events serves what the Fabric gateway serves: from the position's
// block, after its transaction.
func (f *fakeLedger) events(ctx context.Context, _, _ string, from Position) (<-chan Event, error) {
	f.mu.Lock()
	f.opens++
	err := f.unavailable()
	f.mu.Unlock()
	if err != nil {
		return nil, classify(err, "")
	}
	out := make(chan Event)
	go f.serve(ctx, from, out)
	return out, nil
}

func (f *fakeLedger) serve(ctx context.Context, from Position, out chan<- Event) {
	defer close(out)
	sent := 0
	for b := from.Block; ; b++ {
		evs, grown := f.block(b)
		for evs == nil {
			select {
			case <-ctx.Done():
				return
			case <-grown:
			}
			evs, grown = f.block(b)
		}
		skip := b == from.Block && from.TxID != ""
		for _, ev := range evs {
			if skip {
				skip = ev.TxID != from.TxID
				continue
			}
			if f.breakAfter > 0 && sent == f.breakAfter {
				return
			}
			select {
			case out <- ev:
				sent++
			case <-ctx.Done():
				return
			}
		}
	}
}

// block returns block b's events (non-nil once it exists) and a channel
// closed when the ledger grows.
func (f *fakeLedger) block(b uint64) ([]Event, chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b >= uint64(len(f.blocks)) {
		return nil, f.grown
	}
	return append([]Event{}, f.blocks[b]...), f.grown
}

// commitMany commits n transactions, three to a block, named prefix-i.
func (f *fakeLedger) commitMany(prefix string, n int) []string {
	var ids []string
	for i := 0; i < n; i++ {
		ids = append(ids, fmt.Sprintf("%s-%03d", prefix, i))
	}
	for i := 0; i < n; i += 3 {
		f.commit(ids[i:min(i+3, n)]...)
	}
	return ids
}

var fastRetry = &RetryPolicy{Attempts: 4, Backoff: time.Millisecond}

// collect listens until n more events arrived (then stops) or 5 s passed.
func collect(t *testing.T, f *fakeLedger, cp Checkpointer, start *uint64, n int, got *[]string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	seen := 0
	return listen(ctx, f, "care", "cc", ListenOptions{Checkpoint: cp, StartBlock: start, Retry: fastRetry}, func(ev Event) error {
		*got = append(*got, ev.TxID)
		if seen++; seen == n {
			return ErrStopListening
		}
		return nil
	})
}

func exactlyOnce(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("event %d is %s, want %s (got %v)", i, got[i], want[i], got)
		}
	}
}

func zero() *uint64 { z := uint64(0); return &z }

func TestListenReconnectsWithoutLossOrRepeat(t *testing.T) {
	f := newFakeLedger()
	f.breakAfter = 7 // the stream ends every 7 events
	f.down = 3       // and the gateway is down for the first tries
	want := f.commitMany("tx", 100)
	var got []string
	if err := collect(t, f, nil, zero(), len(want), &got); err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, got, want)
	if f.opens < 100/7 {
		t.Errorf("%d streams opened, want one per break", f.opens)
	}
}

// A listener that stops (crashes) and starts again on the same checkpoint
// file delivers every event exactly once over its lives.
func TestListenResumesFromTheCheckpointFile(t *testing.T) {
	f := newFakeLedger()
	want := f.commitMany("tx", 60)
	path := filepath.Join(t.TempDir(), "listener.checkpoint")
	var got []string
	for life := 0; len(got) < len(want); life++ {
		if life > 20 {
			t.Fatal("too many lives")
		}
		cp, err := OpenCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		// It dies after 7 events.
		if err := collect(t, f, cp, zero(), min(7, len(want)-len(got)), &got); err != nil {
			t.Fatal(err)
		}
		_ = cp.FileCheckpointer.Close() // no Sync: as after kill -9
	}
	exactlyOnce(t, got, want)
}

// A fresh listener without a start block saves the ledger's height before
// its first event: events committed while it was down are delivered.
func TestListenSavesItsStartBeforeAnyEvent(t *testing.T) {
	f := newFakeLedger()
	f.commitMany("old", 5)
	path := filepath.Join(t.TempDir(), "cp")
	cp, err := OpenCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	err = listen(ctx, f, "care", "cc", ListenOptions{Checkpoint: cp, Retry: fastRetry}, func(Event) error { return nil })
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	_ = cp.Close()
	want := f.commitMany("new", 4) // committed while no listener ran
	cp, err = OpenCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var got []string
	if err := collect(t, f, cp, nil, len(want), &got); err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, got, want)
}

// A handler's error stops the listener before the position moves: the
// event comes again on resume.
func TestListenHandlerErrorRedelivers(t *testing.T) {
	f := newFakeLedger()
	want := f.commitMany("tx", 6)
	cp := &memCheckpoint{}
	boom := errors.New("disk full")
	var got []string
	ctx := context.Background()
	err := listen(ctx, f, "care", "cc", ListenOptions{Checkpoint: cp, StartBlock: zero(), Retry: fastRetry}, func(ev Event) error {
		if ev.TxID == want[3] {
			return boom
		}
		got = append(got, ev.TxID)
		return nil
	})
	var he *HandlerError
	if !errors.As(err, &he) || !errors.Is(err, boom) || he.Event.TxID != want[3] {
		t.Fatalf("err %v, want the handler's error on %s", err, want[3])
	}
	if err := collect(t, f, cp, nil, 3, &got); err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, got, want)
}

func TestListenRefusalAtStart(t *testing.T) {
	f := newFakeLedger()
	f.heightErr = status.Error(codes.PermissionDenied, "access denied")
	err := listen(context.Background(), f, "care", "cc", ListenOptions{Retry: fastRetry}, func(Event) error { return nil })
	if CodeOf(err) != CodeAccessDenied {
		t.Fatalf("err %v, want ACCESS_DENIED", err)
	}
}
